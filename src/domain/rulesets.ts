import type { Reason } from './decision.js';
import { LevelReader, READING, WordsReader, type LevelGrid, type LevelOutcome } from './label-readers.js';
import { collectiveAgreements } from './offer.js';
import type { RegimeRule, RuleSetFile } from './ruleset-schema.js';
import { startOfDayMs, WindowCalendar, frenchDate, type CampaignWindow } from './window.js';

/**
 * Rule set files compiled for the engine: every lookup the engine makes is a Map or Set read,
 * and every reason it can give is built here, once, so a decision allocates almost nothing.
 */

export interface CompiledRegime {
  key: string;
  label: string;
  /** The label capitalised, as it opens a reason, and the lists reasons quote, joined once here. */
  heading: string;
  gridsText: string;
  knownLevelsText: string;
  source: string;
  rule: RegimeRule;
  /** Grids accepted, the first assumed when the offer names none. */
  grids: ReadonlySet<string>;
  defaultGrid: string;
  knownLevels: ReadonlySet<string>;
  levels: ReadonlySet<string>;
  /** Every known label (levels criterion): whether it is in scope, and the reason saying so. */
  levelReadings: ReadonlyMap<string, LevelOutcome>;
  /** Any other label, read as a person would (« Niv. VII », « 5 » for 5A or 5B), once per label. */
  levelReader: LevelReader;
  /** Circulaire 2014 ARS: why a job under another agreement is out, per agreement. */
  agreementOutOfScope: ReadonlyMap<string, Reason>;
  /** An agent comptable's offer (R. 123-48: not an agent de direction; posts outside the grid). */
  agentComptable: { inScope: Reason; noLevel: Reason };
  /** Body types placed under this régime by a reading (French, without the « lecture : » prefix). */
  bodyReadings: ReadonlyMap<string, string>;
}

/** What a text says of one body type it names: its régime, or why it was removed. */
export interface BodyRule {
  regime: CompiledRegime | null;
  removed: Reason | null;
}

export interface CompiledRuleSet {
  id: string;
  citation: string;
  title: string;
  signed: string;
  fromMs: number;
  /** Exclusive; `Infinity` while in force without end. */
  toMs: number;
  file: RuleSetFile;
  calendar: WindowCalendar;
  /** One lookup per decision: the body types the text names, by key. */
  bodies: ReadonlyMap<string, BodyRule>;
  exclusionByCategory: ReadonlyMap<string, Reason>;
  windowSource: string;
  /** Where the text lists the bodies (cited when a body is not among them). */
  bodiesSource: string;
  /** Grids, categories and job families written in words, read once each. */
  words: WordsReader;
}

export interface RuleSets {
  /** Oldest first. */
  readonly list: readonly CompiledRuleSet[];
  /** Calendar used when no text is in force (before the first one). */
  readonly fallbackCalendar: WindowCalendar;
  /** French name of a zone's legal time, e.g. `heure de La Réunion`. */
  zoneLabel(timeZone: string): string;
}

/**
 * How a section of a text is cited: `Instruction DSS/4B/2026/34 §1.1`, `Circulaire DSS/4B/2014/350, citée par le guide
 * Ucanss §1.2`.
 */
export function citeSection(file: Pick<RuleSetFile, 'citation' | 'citedThrough'>, section: string): string {
  return file.citedThrough ? `${file.citation}, ${file.citedThrough} ${section}` : `${file.citation} ${section}`;
}

/** Where an exclusion really is: a section of the text, or another text when this one is silent. */
export function exclusionSource(file: RuleSetFile, exclusion: RuleSetFile['exclusions'][number]): string {
  return exclusion.source ?? citeSection(file, exclusion.section ?? '');
}

const withPrefix = (reading: string | undefined) =>
  reading === undefined ? {} : { reading: `${READING}${reading.replace(/\s+/g, ' ').trim()}` };

function levelReason(ruleSet: RuleSetFile, regime: RegimeRule, label: string, inScope: boolean): Reason {
  const c = regime.criterion;
  const noun = c.kind === 'levels' && c.grids[0] === 'MSA' && /^[A-Z]$/.test(label) ? 'groupe' : 'niveau';
  return Object.freeze({
    code: inScope ? 'LEVEL_IN_SCOPE' : 'LEVEL_OUT_OF_SCOPE',
    message:
      `${capitalise(regime.label)}, ${noun} ${label} : ${inScope ? 'concernée' : 'non concernée'} ` +
      `(${c.scopeLabel})`,
    source: citeSection(ruleSet, regime.section),
    ...(inScope ? withPrefix(regime.reading) : {}),
  });
}

const AGREEMENTS: Record<string, string> = {
  CCNT_RG: 'de la CCNT du régime général',
  CCN_MSA: 'de la CCN de la MSA',
  PUBLIC: 'du droit public',
  OTHER: "d'une autre convention",
};

/** Cited after the régime's text when an agent comptable's offer is read (it is not an agent de direction). */
export const AGENT_COMPTABLE_SOURCE = 'art. R. 123-48 du code de la sécurité sociale';

/** An agent comptable's offer under one régime: the agent comptable is not an agent de direction (R. 123-48). */
function agentComptableReasons(file: RuleSetFile, rule: RegimeRule): CompiledRegime['agentComptable'] {
  const heading = capitalise(rule.label);
  const source = `${citeSection(file, rule.section)} ; ${AGENT_COMPTABLE_SOURCE}`;
  const scope = rule.criterion.scopeLabel;
  return {
    inScope: Object.freeze({
      code: 'AGENT_COMPTABLE_CLASSIFIED',
      message:
        `${heading} : offre d'agent comptable classée parmi les postes visés (${scope}). L'agent ` +
        `comptable n'est pas un agent de direction ` +
        `(art. R. 123-48) et ses postes ne relèvent pas de cette grille : poste de cadre de ce ` +
        `classement (concerné) ou poste d'agent comptable (non concerné) ? À vérifier`,
      source,
    }),
    noLevel: Object.freeze({
      code: 'AGENT_COMPTABLE_OUT_OF_GRID',
      message:
        `${heading} : poste d'agent comptable, sans classement dans la grille : hors des postes ` +
        `visés (${scope}), non concernée`,
      source,
      reading:
        `${READING}l'agent comptable n'est pas un agent de direction (l'art. R. 123-48 énumère ` +
        `ceux-ci sans lui ; R. 123-45 parle des « agents de direction et agents comptables ») ; ` +
        'ses postes ne sont pas classés dans la grille dont le texte vise des niveaux : ils sont ' +
        'lus comme hors du champ',
    }),
  };
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function compileRuleSet(file: RuleSetFile): CompiledRuleSet {
  const bodies = new Map<string, BodyRule>();
  for (const rule of file.regimes) {
    const c = rule.criterion;
    const levelReadings = new Map<string, LevelOutcome>();
    if (c.kind === 'levels') {
      for (const label of c.knownLevels) {
        const inScope = c.levels.includes(label);
        levelReadings.set(label, { inScope, reason: levelReason(file, rule, label, inScope), labels: [label] });
      }
    }
    const heading = capitalise(rule.label);
    const source = citeSection(file, rule.section);
    const knownLevelsText = c.kind === 'levels' ? c.knownLevels.join(', ') : '';
    const grid: LevelGrid = {
      heading,
      source,
      scopeLabel: c.scopeLabel,
      knownLevels: c.kind === 'levels' ? c.knownLevels : [],
      levels: new Set(c.kind === 'levels' ? c.levels : []),
      lettersAreGroups: c.kind === 'levels' && c.lettersAreGroups,
      intermediateLevelsBelow: c.kind === 'levels' ? (c.intermediateLevelsBelow ?? null) : null,
      groupNoun: c.grids[0] === 'MSA',
      knownLevelsText,
      inScopeReading: rule.reading ? rule.reading.replace(/\s+/g, ' ').trim() : null,
    };
    const agreementOutOfScope = new Map<string, Reason>();
    if (c.kind === 'levels' && c.collectiveAgreements) {
      const wanted = c.collectiveAgreements.map((a) => AGREEMENTS[a] ?? a).join(' ou ');
      for (const agreement of collectiveAgreements) {
        if (c.collectiveAgreements.includes(agreement)) continue;
        const message =
          `${heading} : emploi relevant ${AGREEMENTS[agreement] ?? `de la convention ${agreement}`}, ` +
          `non ${wanted}, non concernée`;
        agreementOutOfScope.set(agreement, Object.freeze({ code: 'AGREEMENT_OUT_OF_SCOPE', message, source }));
      }
    }
    const compiled: CompiledRegime = {
      key: rule.key,
      label: rule.label,
      heading,
      gridsText: c.grids.join(' ou '),
      knownLevelsText,
      source,
      rule,
      grids: new Set(c.grids),
      defaultGrid: c.grids[0]!,
      knownLevels: new Set(c.kind === 'levels' ? c.knownLevels : []),
      levels: new Set(c.kind === 'levels' ? c.levels : []),
      levelReadings,
      levelReader: new LevelReader(grid),
      agreementOutOfScope,
      agentComptable: agentComptableReasons(file, rule),
      bodyReadings: new Map(
        Object.entries(rule.bodyReadings ?? {}).map(([body, reading]) => [body, reading.replace(/\s+/g, ' ').trim()]),
      ),
    };
    for (const body of rule.bodies) bodies.set(body, { regime: compiled, removed: null });
  }
  for (const removed of file.removedBodies) {
    for (const body of removed.bodies) {
      const reason = Object.freeze({
        code: removed.code,
        message: `${body} : ${removed.message}`,
        source: citeSection(file, removed.section),
      });
      bodies.set(body, { regime: bodies.get(body)?.regime ?? null, removed: reason });
    }
  }
  const exclusionByCategory = new Map<string, Reason>();
  for (const exclusion of file.exclusions) {
    const reason: Reason = Object.freeze({
      code: exclusion.code,
      message: exclusion.message,
      source: exclusionSource(file, exclusion),
      ...withPrefix(exclusion.reading),
    });
    for (const category of exclusion.categories) exclusionByCategory.set(category, reason);
  }
  const tz = file.inForce.timeZone;
  return {
    id: file.id,
    citation: file.citation,
    title: file.title,
    signed: file.signed,
    fromMs: startOfDayMs(file.inForce.from, tz),
    toMs: file.inForce.to ? startOfDayMs(file.inForce.to, tz, 1) : Number.POSITIVE_INFINITY,
    file,
    calendar: new WindowCalendar(file.window.from, file.window.to),
    bodies,
    exclusionByCategory,
    windowSource: citeSection(file, file.window.section),
    bodiesSource: citeSection(file, file.bodiesSection),
    words: new WordsReader(),
  };
}

export function createRuleSets(files: readonly RuleSetFile[], zoneLabels: ReadonlyMap<string, string>): RuleSets {
  const list = files.map(compileRuleSet).sort((a, b) => a.fromMs - b.fromMs);
  for (let i = 1; i < list.length; i++) {
    const previous = list[i - 1]!;
    const current = list[i]!;
    if (previous.toMs > current.fromMs) {
      throw new Error(
        `rule sets ${previous.id} and ${current.id} overlap: ${previous.id} must end before ${current.id} ` +
          `comes into force`,
      );
    }
  }
  const first = list[0];
  return {
    list,
    fallbackCalendar: first ? first.calendar : new WindowCalendar({ month: 1, day: 1 }, { month: 4, day: 30 }),
    zoneLabel: (timeZone) => zoneLabels.get(timeZone) ?? `heure ${timeZone}`,
  };
}

/** The rule set in force at an instant, or `null` before the first (or in a gap between texts). */
export function ruleSetAt(ruleSets: RuleSets, instantMs: number): CompiledRuleSet | null {
  const list = ruleSets.list;
  for (let i = list.length - 1; i >= 0; i--) {
    const rs = list[i]!;
    if (instantMs >= rs.fromMs) return instantMs < rs.toMs ? rs : null;
  }
  return null;
}

/** The reason saying whether the window of a campaign is open, built once per window and state. */
/** The reading WINDOW_END_RELEASE (`readings.ts`), as a closed window's reason states it. */
const WINDOW_CLOSED_READING =
  'hors de la période du 1er janvier au 30 avril la contrainte cesse ; une offre encore sans ' +
  "réponse de l'EN3S à son terme est libérée, une offre refusée le reste pour la campagne";

export function windowReason(ruleSets: RuleSets, rs: CompiledRuleSet, window: CampaignWindow, open: boolean): Reason {
  const cached = open ? window.reasons.open : window.reasons.closed;
  if (cached) return cached;
  const { campaign, timeZone } = window.view;
  const span =
    `du ${frenchDate(window.startMs, timeZone)} au ${frenchDate(window.endMs - 1, timeZone)}, ` +
    `${ruleSets.zoneLabel(timeZone)}`;
  const reason: Reason = Object.freeze({
    code: open ? 'WINDOW_OPEN' : 'WINDOW_CLOSED',
    message: open ? `Période EN3S ${campaign} en cours (${span})` : `Hors période EN3S (période ${campaign} : ${span})`,
    source: rs.windowSource,
    // That the constraint ends with the period, releasing an offer still without an answer, is a reading.
    ...(open ? {} : { reading: `${READING}${WINDOW_CLOSED_READING}` }),
  });
  if (open) window.reasons.open = reason;
  else window.reasons.closed = reason;
  return reason;
}

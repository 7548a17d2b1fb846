import type { Reason } from './decision.js';
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
  levelReadings: ReadonlyMap<string, { inScope: boolean; reason: Reason }>;
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
}

export interface RuleSets {
  /** Oldest first. */
  readonly list: readonly CompiledRuleSet[];
  /** Calendar used when no text is in force (before the first one). */
  readonly fallbackCalendar: WindowCalendar;
  /** French name of a zone's legal time, e.g. `heure de La Réunion`. */
  zoneLabel(timeZone: string): string;
}

function levelReason(ruleSet: RuleSetFile, regime: RegimeRule, label: string, inScope: boolean): Reason {
  const c = regime.criterion;
  const noun = c.kind === 'levels' && c.grids[0] === 'MSA' && /^[A-Z]$/.test(label) ? 'groupe' : 'niveau';
  return Object.freeze({
    code: inScope ? 'LEVEL_IN_SCOPE' : 'LEVEL_OUT_OF_SCOPE',
    message: `${capitalise(regime.label)}, ${noun} ${label} : ${inScope ? 'concernée' : 'non concernée'} (${c.scopeLabel})`,
    source: `${ruleSet.citation} ${regime.section}`,
  });
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

export function compileRuleSet(file: RuleSetFile): CompiledRuleSet {
  const bodies = new Map<string, BodyRule>();
  for (const rule of file.regimes) {
    const c = rule.criterion;
    const levelReadings = new Map<string, { inScope: boolean; reason: Reason }>();
    if (c.kind === 'levels') {
      for (const label of c.knownLevels) {
        const inScope = c.levels.includes(label);
        levelReadings.set(label, { inScope, reason: levelReason(file, rule, label, inScope) });
      }
    }
    const compiled: CompiledRegime = {
      key: rule.key,
      label: rule.label,
      heading: capitalise(rule.label),
      gridsText: c.grids.join(' ou '),
      knownLevelsText: c.kind === 'levels' ? c.knownLevels.join(', ') : '',
      source: `${file.citation} ${rule.section}`,
      rule,
      grids: new Set(c.grids),
      defaultGrid: c.grids[0]!,
      knownLevels: new Set(c.kind === 'levels' ? c.knownLevels : []),
      levels: new Set(c.kind === 'levels' ? c.levels : []),
      levelReadings,
    };
    for (const body of rule.bodies) bodies.set(body, { regime: compiled, removed: null });
  }
  for (const removed of file.removedBodies) {
    for (const body of removed.bodies) {
      const reason = Object.freeze({ code: removed.code, message: `${body} : ${removed.message}`, source: `${file.citation} ${removed.section}` });
      bodies.set(body, { regime: bodies.get(body)?.regime ?? null, removed: reason });
    }
  }
  const exclusionByCategory = new Map<string, Reason>();
  for (const exclusion of file.exclusions) {
    const reason = Object.freeze({ code: exclusion.code, message: exclusion.message, source: `${file.citation} ${exclusion.section}` });
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
    windowSource: `${file.citation} ${file.window.section}`,
  };
}

export function createRuleSets(files: readonly RuleSetFile[], zoneLabels: ReadonlyMap<string, string>): RuleSets {
  const list = files.map(compileRuleSet).sort((a, b) => a.fromMs - b.fromMs);
  for (let i = 1; i < list.length; i++) {
    const previous = list[i - 1]!;
    const current = list[i]!;
    if (previous.toMs > current.fromMs) {
      throw new Error(`rule sets ${previous.id} and ${current.id} overlap: ${previous.id} must end before ${current.id} comes into force`);
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
export function windowReason(ruleSets: RuleSets, rs: CompiledRuleSet, window: CampaignWindow, open: boolean): Reason {
  const cached = open ? window.reasons.open : window.reasons.closed;
  if (cached) return cached;
  const { campaign, timeZone } = window.view;
  const span = `du ${frenchDate(window.startMs, timeZone)} au ${frenchDate(window.endMs - 1, timeZone)}, ${ruleSets.zoneLabel(timeZone)}`;
  const reason: Reason = Object.freeze({
    code: open ? 'WINDOW_OPEN' : 'WINDOW_CLOSED',
    message: open ? `Période EN3S ${campaign} en cours (${span})` : `Hors période EN3S (période ${campaign} : ${span})`,
    source: rs.windowSource,
  });
  if (open) window.reasons.open = reason;
  else window.reasons.closed = reason;
  return reason;
}

import { Engine, type RuleProperties, type TopLevelCondition } from 'json-rules-engine';
import type { Decision, Reason } from '../../src/domain/decision.js';
import type { Offer } from '../../src/domain/offer.js';
import { legalWindow } from '../../src/domain/legal-time.js';
import type { RegimeRule, RuleSetFile } from '../../src/domain/ruleset-schema.js';
import {
  AGENT_COMPTABLE_SOURCE,
  capitalise,
  citeSection,
  type CompiledRuleSet,
  exclusionSource,
  ruleSetAt,
  type RuleSets,
} from '../../src/domain/rulesets.js';
import { frenchDate, type CampaignWindow } from '../../src/domain/window.js';

/**
 * The same eligibility rules, written for json-rules-engine (v7), to compare against `evaluate`.
 *
 * Rules are derived from the rule set files (bodies, grids, labels, agreements, exclusions, removed
 * bodies): nothing of the law is written twice. One engine per text; the text in force and whether
 * the window is open are computed beforehand with the project's own `ruleSetAt` and
 * `WindowCalendar` and given as facts, so the comparison is about evaluating the rules and
 * explaining the outcome. The first rules place the body in its régime and chain it as a runtime
 * fact (json-rules-engine's rule chaining), so the later rules test one short value instead of
 * carrying the lists of bodies. Scope rules fire in the engine's reading order (higher priority
 * first) and the first that fires stops the engine; rules sharing a priority are mutually
 * exclusive (they name different régimes), and the régime condition is checked first.
 * Labels written in words (« Niv. VII », « Employés et cadres », « Directrice adjointe ») are read
 * beforehand by the project's own readers, like the window (not timed): the rules see the
 * grid's labels, and whether the label was ambiguous or the category unreadable.
 *
 * An engine holds run state (`stop()`): decisions must be awaited one after the other.
 */

/** Facts the rules read. */
export interface ConditionFacts {
  windowOpen: boolean;
  /** `null` on input: set by the régime rules when the body belongs to one. */
  regime: string | null;
  organismType: string | null;
  timeZoneKnown: boolean;
  category: string | null;
  grid: string | null;
  gridUnreadable: boolean;
  /** A label of the grid the level was read as (one with the same answer as every other reading). */
  level: string | null;
  /** The level label reads as several labels of the grid that do not give one answer. */
  levelAmbiguous: boolean;
  /** A category was written that could not be read (it might be an agent de direction). */
  categoryUnread: boolean;
  agreement: string | null;
  jobFamily: string | null;
  minesScale: number | null;
  minesCareerStart: boolean | null;
}

/** What the explanations quote, filled into the events' message templates. */
type RenderContext = Record<string, string | number | null>;

export interface JreInput {
  ruleSetId: string | null;
  facts: ConditionFacts;
  context: RenderContext;
}

export type JreDecision = Pick<
  Decision,
  'concerned' | 'windowOpen' | 'requiresEn3sApproval' | 'ruleSet' | 'regime' | 'reasons' | 'missing'
>;

interface ScopeParams {
  code: string;
  concerned: boolean | null;
  /** `undefined`: the régime the body was placed in, if any (exclusions). */
  regime?: string | null;
  message: string;
  source: string;
  missing: string[];
  /** Fields reported missing only when their fact is null (mines data). */
  missingIfNull?: [keyof ConditionFacts, string][];
  /** Word for a single-letter label (MSA groups). */
  letterNoun?: string;
}

type Cond = { fact: keyof ConditionFacts; operator: string; value: unknown; priority?: number };

const SCOPE = 'scope';
const P = { window: 100, exclusion: 90, unknown: 88, removed: 87, regimeStep: 80, notCovered: 1 } as const;

const c = (fact: keyof ConditionFacts, operator: string, value: unknown, priority?: number): Cond =>
  priority ? { fact, operator, value, priority } : { fact, operator, value };
const isBody = (bodies: readonly string[]): Cond => c('organismType', 'in', bodies);
/** The régime test goes first (condition priority), so the rules of other régimes stop there. */
const isRegime = (key: string): Cond => c('regime', 'equal', key, 2);
const ifNull = (fact: keyof ConditionFacts): Cond => c(fact, 'equal', null);
const differs = (fact: keyof ConditionFacts, value: unknown): TopLevelCondition => ({
  all: [c(fact, 'notEqual', null), c(fact, 'notEqual', value)],
});

function scopeRule(
  name: string,
  priority: number,
  all: (Cond | TopLevelCondition)[],
  params: ScopeParams,
): RuleProperties {
  return {
    name,
    priority,
    conditions: { all },
    event: { type: SCOPE, params: params as unknown as Record<string, unknown> },
  };
}

type Step = [
  code: string,
  conditions: (Cond | TopLevelCondition)[],
  concerned: boolean | null,
  missing: string[],
  message: string,
  extra?: Partial<ScopeParams>,
];

/** The régime's steps; `categorySource` is what a category that could not be read cites besides the régime's text. */
function regimeSteps(regime: RegimeRule, source: string, categorySource: string | null): Step[] {
  const cr = regime.criterion;
  const label = capitalise(regime.label);
  const agentComptable = { source: `${source} ; ${AGENT_COMPTABLE_SOURCE}` };
  const unreadCategory = { source: categorySource ? `${source} ; ${categorySource}` : source };
  const grid: Step[] = [
    [
      'GRID_MISMATCH',
      [c('grid', 'notEqual', null), c('grid', 'notIn', cr.grids)],
      null,
      ['classification.grid'],
      `${label} : grille {grid} inattendue (attendu ${cr.grids.join(' ou ')}), à vérifier`,
    ],
    [
      'GRID_UNREADABLE',
      [ifNull('grid'), c('gridUnreadable', 'equal', true)],
      null,
      ['classification.grid'],
      `${label} : grille de classification illisible, à vérifier`,
    ],
  ];
  if (cr.kind === 'mines') {
    const facts: [keyof ConditionFacts, string][] = [
      ['jobFamily', 'classification.jobFamily'],
      ['minesScale', 'classification.minesScale'],
      ['minesCareerStart', 'classification.minesCareerStart'],
    ];
    return [
      ...grid,
      [
        'MINES_OUT_OF_SCOPE',
        [
          {
            any: [
              differs('jobFamily', cr.jobFamily),
              differs('minesScale', cr.scale),
              differs('minesCareerStart', cr.careerStart),
            ],
          },
        ],
        false,
        [],
        `Régime des mines : non concernée (${cr.scopeLabel})`,
      ],
      [
        'MINES_DATA_MISSING',
        [{ any: facts.map(([f]) => ifNull(f)) }],
        null,
        [],
        `Régime des mines : {missing} non renseigné(s), à vérifier (${cr.scopeLabel})`,
        { missingIfNull: facts },
      ],
      [
        'AGENT_COMPTABLE_CLASSIFIED',
        [c('category', 'equal', 'AGENT_COMPTABLE')],
        null,
        ['classification.category', 'classification.jobFamily'],
        `Régime des mines : offre d'agent comptable classée parmi les postes visés, à vérifier`,
        agentComptable,
      ],
      [
        'CATEGORY_UNREADABLE',
        [c('categoryUnread', 'equal', true)],
        null,
        ['classification.category'],
        `Régime des mines : concernée, sauf poste d'agent de direction : catégorie non reconnue, à vérifier`,
        unreadCategory,
      ],
      [
        'MINES_IN_SCOPE',
        [],
        true,
        [],
        `Régime des mines, chef de service, échelle ${cr.scale} en début de carrière : concernée`,
      ],
    ];
  }
  const letterNoun = cr.grids[0] === 'MSA' ? { letterNoun: 'groupe' } : {};
  const level = ['classification.level'];
  const agreements = cr.collectiveAgreements;
  // A level that cannot decide: with the agreement missing too (2014 ARS), both are named.
  const unsure = (code: string, conditions: (Cond | TopLevelCondition)[], message: string): Step[] =>
    agreements
      ? [
          [code, [...conditions, ifNull('agreement')], null, [...level, 'classification.collectiveAgreement'], message],
          [code, conditions, null, level, message],
        ]
      : [[code, conditions, null, level, message]];
  const steps: Step[] = [...grid];
  if (agreements) {
    // The 2014 ARS: a job outside the CCNT of the régime général is out whatever its level.
    steps.push([
      'AGREEMENT_OUT_OF_SCOPE',
      [c('agreement', 'notEqual', null), c('agreement', 'notIn', agreements)],
      false,
      [],
      `${label} : emploi hors ${agreements.join(', ')}, non concernée`,
    ]);
  }
  steps.push(
    [
      'AGENT_COMPTABLE_OUT_OF_GRID',
      [ifNull('level'), c('category', 'equal', 'AGENT_COMPTABLE')],
      false,
      [],
      `${label} : poste d'agent comptable, sans classement dans la grille, non concernée`,
      agentComptable,
    ],
    ...unsure('LEVEL_MISSING', [ifNull('level')], `${label} : niveau de classification absent, à vérifier`),
    ...unsure(
      'LEVEL_AMBIGUOUS',
      [c('levelAmbiguous', 'equal', true)],
      `${label} : le libellé « {level} » ne mène pas à une seule réponse, à vérifier`,
    ),
    ...unsure(
      'LEVEL_UNKNOWN',
      [c('level', 'notIn', cr.knownLevels)],
      `${label} : « {level} » n'est pas un niveau de la grille lue par ce texte ` +
        `(${cr.knownLevels.join(', ')}), à vérifier`,
    ),
    [
      'LEVEL_OUT_OF_SCOPE',
      [c('level', 'notIn', cr.levels)],
      false,
      [],
      `${label}, {levelNoun} {level} : non concernée (${cr.scopeLabel})`,
      letterNoun,
    ],
  );
  if (agreements) {
    steps.push([
      'AGREEMENT_MISSING',
      [ifNull('agreement')],
      null,
      ['classification.collectiveAgreement'],
      `${label}, niveau {level} : convention collective non renseignée, à vérifier`,
    ]);
  }
  steps.push(
    [
      'AGENT_COMPTABLE_CLASSIFIED',
      [c('category', 'equal', 'AGENT_COMPTABLE')],
      null,
      ['classification.category', ...level],
      `${label} : offre d'agent comptable classée parmi les postes visés, à vérifier`,
      agentComptable,
    ],
    [
      'CATEGORY_UNREADABLE',
      [c('categoryUnread', 'equal', true)],
      null,
      ['classification.category'],
      `${label}, {levelNoun} {level} : concernée, sauf poste d'agent de direction : catégorie non reconnue, à vérifier`,
      unreadCategory,
    ],
    ['LEVEL_IN_SCOPE', [], true, [], `${label}, {levelNoun} {level} : concernée (${cr.scopeLabel})`, letterNoun],
  );
  return steps;
}

/** Every rule of one text, in the order the engine reads them. */
export function rulesFor(file: RuleSetFile): RuleProperties[] {
  const cite = (section: string) => citeSection(file, section);
  const windowSource = cite(file.window.section);
  const rules: RuleProperties[] = [
    {
      name: 'window open',
      priority: P.window,
      conditions: { all: [c('windowOpen', 'equal', true)] },
      event: {
        type: 'window',
        params: {
          code: 'WINDOW_OPEN',
          message: 'Période EN3S {campaign} en cours ({windowSpan})',
          source: windowSource,
        },
      },
    },
    {
      name: 'window closed',
      priority: P.window,
      conditions: { all: [c('windowOpen', 'equal', false)] },
      event: {
        type: 'window',
        params: {
          code: 'WINDOW_CLOSED',
          message: 'Hors période EN3S (période {campaign} : {windowSpan})',
          source: windowSource,
        },
      },
    },
    {
      name: 'territory unknown',
      priority: P.window,
      conditions: { all: [c('organismType', 'notEqual', null), c('timeZoneKnown', 'equal', false)] },
      event: {
        type: 'territory',
        params: {
          code: 'TERRITORY_UNKNOWN',
          message:
            '{organismLabel} sans territoire reconnu : heure légale inconnue, à vérifier ; période ' +
            "comptée sur tous ses territoires possibles, jamais à l'heure de Paris",
          source: 'mappings/organismes.yaml',
        },
      },
    },
  ];
  for (const regime of file.regimes) {
    rules.push({
      name: `régime ${regime.key}`,
      priority: P.window,
      conditions: { all: [isBody(regime.bodies)] },
      event: { type: 'regime', params: { regime: regime.key } },
      onSuccess: (_event, almanac) => almanac.addRuntimeFact('regime', regime.key),
    });
  }
  for (const ex of file.exclusions) {
    rules.push(
      scopeRule(ex.code, P.exclusion, [c('category', 'in', ex.categories)], {
        code: ex.code,
        concerned: false,
        message: ex.message,
        source: exclusionSource(file, ex),
        missing: [],
      }),
    );
  }
  rules.push(
    scopeRule('organism unknown', P.unknown, [ifNull('organismType')], {
      code: 'ORGANISM_UNKNOWN',
      concerned: null,
      regime: null,
      message: 'Organisme non reconnu (« {orgName} »), à vérifier',
      source: 'mappings/organismes.yaml',
      missing: ['organism'],
    }),
  );
  for (const removed of file.removedBodies) {
    rules.push(
      scopeRule(removed.code, P.removed, [isBody(removed.bodies)], {
        code: removed.code,
        concerned: false,
        regime: null,
        message: `{organismType} : ${removed.message}`,
        source: cite(removed.section),
        missing: [],
      }),
    );
  }
  const direction = file.exclusions.find((ex) => ex.categories.includes('AGENT_DE_DIRECTION'));
  const categorySource = direction ? exclusionSource(file, direction) : null;
  file.regimes.forEach((regime, r) => {
    regimeSteps(regime, cite(regime.section), categorySource).forEach(
      ([code, conditions, concerned, missing, message, extra], i) => {
        rules.push(
          scopeRule(`${regime.key}: ${code}`, P.regimeStep - 10 * r - i, [isRegime(regime.key), ...conditions], {
            code,
            concerned,
            regime: regime.key,
            message,
            source: cite(regime.section),
            missing,
            ...extra,
          }),
        );
      },
    );
  });
  rules.push(
    scopeRule('body not covered', P.notCovered, [], {
      code: 'BODY_NOT_COVERED',
      concerned: false,
      regime: null,
      message: '{organismLabel} : organisme non visé par ce texte',
      source: cite(file.bodiesSection),
      missing: [],
    }),
  );
  return rules;
}

function engineOf(rules: RuleProperties[]): Engine {
  const engine = new Engine(rules, { allowUndefinedFacts: false });
  engine.on('success', (event) => {
    if (event.type === SCOPE) engine.stop();
  });
  return engine;
}

const render = (template: string, ctx: RenderContext): string =>
  template.replace(/\{(\w+)\}/g, (_, key: string) => String(ctx[key] ?? ''));
const reasonOf = (p: { code: string; message: string; source: string }, ctx: RenderContext): Reason => ({
  code: p.code,
  message: render(p.message, ctx),
  source: p.source,
});

export interface JsonRulesEligibility {
  decide(input: JreInput): Promise<JreDecision>;
  ruleCount: number;
}

export function createJsonRulesEligibility(files: readonly RuleSetFile[]): JsonRulesEligibility {
  const engines = new Map(files.map((f) => [f.id, engineOf(rulesFor(f))]));
  const noText = engineOf([
    scopeRule('no text in force', 1, [], {
      code: 'NO_RULESET',
      concerned: false,
      regime: null,
      message: 'Aucun texte en vigueur à cette date',
      source: 'mappings/rulesets',
      missing: [],
    }),
  ]);
  return {
    ruleCount: files.reduce((n, f) => n + rulesFor(f).length, 1),
    async decide({ ruleSetId, facts, context }) {
      const engine = ruleSetId === null ? noText : engines.get(ruleSetId);
      if (!engine) throw new Error(`no json-rules-engine engine for rule set ${ruleSetId}`);
      const { events } = await engine.run(facts);
      let scope: ScopeParams | undefined;
      let window: ScopeParams | undefined;
      let territory: ScopeParams | undefined;
      let regime: string | null = null;
      for (const e of events) {
        const p = e.params as unknown as ScopeParams;
        if (e.type === SCOPE) scope = p;
        else if (e.type === 'window') window = p;
        else if (e.type === 'regime') regime = p.regime ?? null;
        else territory = p;
      }
      if (!scope) throw new Error(`json-rules-engine: no scope rule fired under ${ruleSetId}`);
      const missingFound = scope.missingIfNull?.filter(([f]) => facts[f] === null).map(([, path]) => path);
      let missing = missingFound ?? scope.missing;
      const level = facts.level;
      const ctx = {
        ...context,
        missing: missingFound?.map((m) => m.replace('classification.', '')).join(', ') ?? '',
        levelNoun: scope.letterNoun && level && /^[A-Z]$/.test(level) ? scope.letterNoun : 'niveau',
      };
      let concerned = scope.concerned;
      const reasons = [reasonOf(scope, ctx)];
      // A category that could not be read leaves an undetermined decision undetermined, and says so.
      const beforeCategory = ['ORGANISM_UNKNOWN', 'GRID_MISMATCH', 'GRID_UNREADABLE'];
      if (
        facts.categoryUnread &&
        concerned === null &&
        !beforeCategory.includes(scope.code) &&
        !missing.includes('classification.category')
      )
        missing = [...missing, 'classification.category'];
      if (territory && concerned !== false) {
        concerned = null;
        missing = [...missing, 'organism.territory'];
        reasons.push(reasonOf(territory, ctx));
      }
      if (window) reasons.push(reasonOf(window, ctx));
      const windowOpen = window?.code === 'WINDOW_OPEN';
      return {
        concerned,
        windowOpen,
        requiresEn3sApproval: concerned === null ? (windowOpen ? null : false) : concerned && windowOpen,
        ruleSet: ruleSetId,
        regime: scope.regime === undefined ? regime : scope.regime,
        reasons,
        missing,
      };
    },
  };
}

/** The offer's labels as the project reads them under the text in force (grid, level, category written in words). */
function readLabels(offer: Offer, rs: CompiledRuleSet | null) {
  const cl = offer.classification;
  const raw = (field: string) => offer.unreadable.find((u) => u.field === field)?.value ?? null;
  let grid: string | null = cl.grid;
  let gridUnreadable = false;
  let category: string | null = cl.category;
  let categoryUnread = false;
  let level = cl.level;
  let levelAmbiguous = false;
  if (rs !== null) {
    const gridText = cl.grid === null ? raw('classification.grid') : null;
    if (gridText !== null) {
      const read = rs.words.grid(gridText);
      grid = read?.grid ?? null;
      gridUnreadable = read === null;
    }
    const categoryText = cl.category === null ? raw('classification.category') : null;
    if (categoryText !== null) {
      category = rs.words.category(categoryText).category;
      categoryUnread = category === null;
    }
    const regime = offer.organism ? rs.bodies.get(offer.organism.type)?.regime : undefined;
    if (level !== null && regime && regime.rule.criterion.kind === 'levels') {
      const outcome = regime.levelReadings.get(level) ?? regime.levelReader.read(level);
      levelAmbiguous = outcome.reason.code === 'LEVEL_AMBIGUOUS';
      level = outcome.labels[0] ?? level;
    }
  } else gridUnreadable = cl.grid === null && raw('classification.grid') !== null;
  return { grid, gridUnreadable, category, categoryUnread, level, levelAmbiguous };
}

/** Facts for one offer at one instant; the text and the window come from the project's own calendar. */
export function jreInput(
  offer: Offer,
  instantMs: number,
  ruleSets: RuleSets,
  spans: WeakMap<CampaignWindow, string> = new WeakMap(),
): JreInput {
  const o = offer.organism;
  const cl = offer.classification;
  const rs = ruleSetAt(ruleSets, instantMs);
  // The project's own legal time: a body that cannot be placed spans its possible zones (legal-time.ts).
  const window = legalWindow(rs?.calendar ?? ruleSets.fallbackCalendar, instantMs, o);
  const timeZone = window.view.timeZone;
  let span = spans.get(window);
  if (span === undefined) {
    span =
      `du ${frenchDate(window.startMs, timeZone)} au ${frenchDate(window.endMs - 1, timeZone)}, ` +
      `${ruleSets.zoneLabel(timeZone)}`;
    spans.set(window, span);
  }
  const labels = readLabels(offer, rs);
  return {
    ruleSetId: rs?.id ?? null,
    facts: {
      windowOpen: rs !== null && instantMs >= window.startMs && instantMs < window.endMs,
      regime: null,
      organismType: o?.type ?? null,
      timeZoneKnown: o === null || o.timeZone !== null,
      category: labels.category,
      categoryUnread: labels.categoryUnread,
      grid: labels.grid,
      gridUnreadable: labels.gridUnreadable,
      level: labels.level,
      levelAmbiguous: labels.levelAmbiguous,
      agreement: cl.collectiveAgreement,
      jobFamily: cl.jobFamily?.toUpperCase() ?? null,
      minesScale: cl.minesScale,
      minesCareerStart: cl.minesCareerStart,
    },
    context: {
      orgName: offer.organization.name || (offer.organization.code ?? ''),
      organismType: o?.type ?? null,
      organismLabel: o?.label ?? null,
      grid: labels.grid,
      level: labels.level,
      campaign: window.view.campaign,
      windowSpan: span,
    },
  };
}

/**
 * `null` when both engines gave the same decision (outcome, text, régime, reason codes and cited texts, missing
 * fields); else what differs.
 */
export function difference(ours: Decision, theirs: JreDecision): string | null {
  const view = (d: JreDecision) =>
    JSON.stringify([
      d.concerned,
      d.windowOpen,
      d.requiresEn3sApproval,
      d.ruleSet,
      d.regime,
      d.reasons.map((r) => `${r.code} @ ${r.source}`),
      d.missing,
    ]);
  const a = view(ours);
  const b = view(theirs);
  return a === b ? null : `evaluate: ${a}\njson-rules-engine: ${b}`;
}

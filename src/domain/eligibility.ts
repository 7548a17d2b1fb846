import type { Decision, Reason } from './decision.js';
import type { Offer } from './offer.js';
import { withReading } from './label-readers.js';
import { legalWindow, legalWindowReason, territoryUnknownReason } from './legal-time.js';
import { type CompiledRegime, type CompiledRuleSet, type RuleSets, ruleSetAt } from './rulesets.js';

/**
 * Does the période EN3S concern this offer at this instant, and why.
 *
 * Pure: no clock read, no I/O; the instant is a parameter. The readings of the texts it applies
 * (docs/domain.md#reading-notes) are, in order:
 * 1. the rule set is the one in force at the instant (Europe/Paris calendar days);
 * 2. an unrecognised body is undetermined, never "not concerned";
 * 3. agent de direction offers are never concerned, the category written as a code or as a title
 *    (R. 123-48); the agent comptable is not one: outside the grid, to be checked when classified in it;
 * 4. a body removed by the text in force, or not named by it, is not concerned;
 * 5. the grid must be one the régime reads; labels are read as a person would (« Niv. VII »,
 *    « 5 » for 5A or 5B: `label-readers.ts`) and decided when every reading gives one answer;
 *    a missing, unknown or ambiguous label is undetermined; an agreement that puts a job out
 *    (the 2014 ARS) is read before the level; the mines read family, scale and career start;
 * 6. the window is the campaign of the instant's year in the body's own legal time;
 *    a concerned offer of a body that cannot be placed in time (a CGSS without its island) is
 *    undetermined, and its window spans every legal time it may be in, never Paris's (`legal-time.ts`).
 */

const NONE: readonly string[] = Object.freeze([]);
const LEVEL: readonly string[] = Object.freeze(['classification.level']);
const GRID: readonly string[] = Object.freeze(['classification.grid']);
const AGREEMENT: readonly string[] = Object.freeze(['classification.collectiveAgreement']);
const LEVEL_AND_AGREEMENT: readonly string[] = Object.freeze([
  'classification.level',
  'classification.collectiveAgreement',
]);
const CATEGORY: readonly string[] = Object.freeze(['classification.category']);
const CATEGORY_AND_LEVEL: readonly string[] = Object.freeze(['classification.category', 'classification.level']);
const CATEGORY_AND_FAMILY: readonly string[] = Object.freeze(['classification.category', 'classification.jobFamily']);
const ORGANISM: readonly string[] = Object.freeze(['organism']);

interface Scope {
  concerned: boolean | null;
  regime: string | null;
  reason: Reason;
  missing: readonly string[];
}

/** Every scope is built here, so they all share one shape (the engine's hot path stays monomorphic). */
const scope = (
  concerned: boolean | null,
  regime: string | null,
  reason: Reason,
  missing: readonly string[] = NONE,
): Scope => ({ concerned, regime, reason, missing });

const frozen = (code: string, message: string, source: string): Reason => Object.freeze({ code, message, source });

function unreadableNote(offer: Offer, field: string): string {
  const hit = offer.unreadable.find((u) => u.field === field);
  return hit ? ` (${hit.key} « ${hit.value} » illisible : ${hit.expected})` : '';
}

/**
 * The value as written when the mapping could not read it as a code (« Directrice adjointe », « Employés et cadres »).
 */
function unreadValue(offer: Offer, field: string): string | null {
  const unreadable = offer.unreadable;
  for (let i = 0; i < unreadable.length; i++) if (unreadable[i]!.field === field) return unreadable[i]!.value;
  return null;
}

function levelsScope(offer: Offer, regime: CompiledRegime): Scope {
  const c = offer.classification;
  const criterion = regime.rule.criterion;
  if (criterion.kind !== 'levels') throw new Error(`levelsScope called for a ${criterion.kind} criterion`);
  const agreements = criterion.collectiveAgreements;
  const agreement = c.collectiveAgreement;
  // The 2014 ARS: a job outside the CCNT of the régime général is out whatever its level, even none.
  if (agreements && agreement !== null && !agreements.includes(agreement)) {
    return scope(false, regime.key, regime.agreementOutOfScope.get(agreement)!);
  }
  const unsure = agreements && agreement === null ? LEVEL_AND_AGREEMENT : LEVEL;
  const level = c.level;
  if (level === null) {
    return scope(
      null,
      regime.key,
      frozen(
        'LEVEL_MISSING',
        `${regime.heading} : niveau de classification absent` +
          `${unreadableNote(offer, 'classification.level')}, à vérifier`,
        regime.source,
      ),
      unsure,
    );
  }
  const reading = regime.levelReadings.get(level) ?? regime.levelReader.read(level);
  if (reading.inScope === null) return scope(null, regime.key, reading.reason, unsure);
  if (!reading.inScope || !agreements) return scope(reading.inScope, regime.key, reading.reason);
  if (agreement === null) {
    return scope(
      null,
      regime.key,
      frozen(
        'AGREEMENT_MISSING',
        `${regime.heading}, niveau ${level} : convention collective non renseignée, à vérifier`,
        regime.source,
      ),
      AGREEMENT,
    );
  }
  return scope(true, regime.key, reading.reason);
}

function minesScope(offer: Offer, regime: CompiledRegime, words: CompiledRuleSet['words']): Scope {
  const c = offer.classification;
  const criterion = regime.rule.criterion;
  if (criterion.kind !== 'mines') throw new Error(`minesScope called for a ${criterion.kind} criterion`);
  const failures: string[] = [];
  const missing: string[] = [];
  let unclearFamily = false;
  // Compared as words (« Chefs de service », « chef de service », CHEF_DE_SERVICE are one family).
  const family = c.jobFamily === null ? null : words.family(c.jobFamily, criterion.jobFamily);
  if (family === null) missing.push('classification.jobFamily');
  else if (family === 'other') failures.push(`famille ${c.jobFamily}`);
  else if (family === 'unclear') {
    missing.push('classification.jobFamily');
    unclearFamily = true;
  }
  if (c.minesScale === null) missing.push('classification.minesScale');
  else if (c.minesScale !== criterion.scale) failures.push(`échelle ${c.minesScale}`);
  if (c.minesCareerStart === null) missing.push('classification.minesCareerStart');
  else if (c.minesCareerStart !== criterion.careerStart)
    failures.push(criterion.careerStart ? 'hors début de carrière' : 'en début de carrière');
  if (failures.length > 0) {
    return scope(
      false,
      regime.key,
      frozen(
        'MINES_OUT_OF_SCOPE',
        `Régime des mines, ${failures.join(', ')} : non concernée (${criterion.scopeLabel})`,
        regime.source,
      ),
    );
  }
  if (unclearFamily) {
    const message =
      `Régime des mines : famille « ${c.jobFamily} » : emploi de chef de service ou non ? À ` +
      `vérifier (${criterion.scopeLabel})`;
    return scope(null, regime.key, frozen('MINES_FAMILY_UNCLEAR', message, regime.source), missing);
  }
  if (missing.length > 0) {
    const fields = missing.map((m) => m.replace('classification.', '')).join(', ');
    return scope(
      null,
      regime.key,
      frozen(
        'MINES_DATA_MISSING',
        `Régime des mines : ${fields} non renseigné(s), à vérifier (${criterion.scopeLabel})`,
        regime.source,
      ),
      missing,
    );
  }
  return scope(
    true,
    regime.key,
    frozen(
      'MINES_IN_SCOPE',
      `Régime des mines, chef de service, échelle ${criterion.scale} en début de carrière : concernée`,
      regime.source,
    ),
  );
}

/**
 * What the job category adds once the classification is read: an agent comptable (not an agent de
 * direction, R. 123-48: outside the grid, so out when unclassified and to be checked when classified
 * as a concerned post), a category that could not be read (it might be an agent de direction), and
 * the readings of the category and grid written in words.
 */
function withCategory(
  outcome: Scope,
  rs: CompiledRuleSet,
  regime: CompiledRegime,
  category: Category,
  gridReading: string | null,
): Scope {
  let result = outcome;
  if (category.value === 'AGENT_COMPTABLE') {
    if (outcome.concerned === true) {
      result = scope(
        null,
        regime.key,
        regime.agentComptable.inScope,
        regime.rule.criterion.kind === 'mines' ? CATEGORY_AND_FAMILY : CATEGORY_AND_LEVEL,
      );
    } else if (outcome.reason.code === 'LEVEL_MISSING') {
      result = scope(false, regime.key, regime.agentComptable.noLevel);
    }
    if (result !== outcome && category.reading !== null)
      result = scope(result.concerned, result.regime, withReading(result.reason, category.reading), result.missing);
  } else if (category.unread !== null && outcome.concerned !== false) {
    const missing = outcome.missing.includes('classification.category')
      ? outcome.missing
      : [...outcome.missing, 'classification.category'];
    if (outcome.concerned === true) {
      const exclusion = rs.exclusionByCategory.get('AGENT_DE_DIRECTION');
      const r = outcome.reason;
      const message =
        `${r.message}, sauf poste d'agent de direction : catégorie d'emploi « ${category.unread} » ` +
        `non reconnue, à vérifier`;
      const reason: Reason = Object.freeze({
        code: 'CATEGORY_UNREADABLE',
        message,
        source: exclusion ? `${r.source} ; ${exclusion.source}` : r.source,
        ...(r.reading ? { reading: r.reading } : {}),
      });
      result = scope(null, regime.key, reason, CATEGORY);
    } else {
      result = scope(null, outcome.regime, outcome.reason, missing);
    }
  } else if (category.reading !== null && outcome.concerned === true) {
    result = scope(true, outcome.regime, withReading(outcome.reason, category.reading), outcome.missing);
  }
  if (gridReading !== null)
    result = scope(result.concerned, result.regime, withReading(result.reason, gridReading), result.missing);
  return result;
}

interface Category {
  /** A code of the offer, or what a title written in words was read as (`GRID_POST`: any post of the grid). */
  value: string | null;
  reading: string | null;
  /** The category as written when it could not be read. */
  unread: string | null;
}
const NO_READING = (value: string | null): Category => ({ value, reading: null, unread: null });
const CATEGORIES = new Map<string | null, Category>(
  [null, 'EMPLOYE', 'CADRE', 'AGENT_DE_DIRECTION', 'AGENT_COMPTABLE'].map((v) => [v, Object.freeze(NO_READING(v))]),
);

function categoryOf(offer: Offer, rs: CompiledRuleSet): Category {
  const code = offer.classification.category;
  if (code !== null || offer.unreadable.length === 0) return CATEGORIES.get(code) ?? NO_READING(code);
  const raw = unreadValue(offer, 'classification.category');
  if (raw === null) return CATEGORIES.get(null)!;
  const read = rs.words.category(raw);
  return { value: read.category, reading: read.reading, unread: read.category === null ? raw : null };
}

function scopeOf(offer: Offer, rs: CompiledRuleSet): Scope {
  const organism = offer.organism;
  const body = organism === null ? undefined : rs.bodies.get(organism.type);
  const category = categoryOf(offer, rs);
  if (category.value !== null) {
    // An agent de direction post is never concerned, whatever the body, even an unknown one.
    const exclusion = rs.exclusionByCategory.get(category.value);
    if (exclusion)
      return scope(
        false,
        body?.regime?.key ?? null,
        category.reading === null ? exclusion : withReading(exclusion, category.reading),
      );
  }
  if (organism === null) {
    const { code, name } = offer.organization;
    return scope(
      null,
      null,
      frozen('ORGANISM_UNKNOWN', `Organisme non reconnu (« ${name || code} »), à vérifier`, 'mappings/organismes.yaml'),
      ORGANISM,
    );
  }
  if (body?.removed) return scope(false, null, body.removed);
  const regime = body?.regime;
  if (!regime)
    return scope(
      false,
      null,
      frozen('BODY_NOT_COVERED', `${organism.label} : organisme non visé par ce texte`, rs.bodiesSource),
    );
  let grid: string | null = offer.classification.grid;
  let gridReading: string | null = null;
  if (grid === null && offer.unreadable.length > 0 && unreadValue(offer, 'classification.grid') !== null) {
    // A grid written in words (« Employés et cadres », « employes & cadres ») is read as a person would.
    const read = rs.words.grid(unreadValue(offer, 'classification.grid')!);
    if (read === null) {
      return scope(
        null,
        regime.key,
        frozen(
          'GRID_UNREADABLE',
          `${regime.heading} : grille de classification${unreadableNote(offer, 'classification.grid')}, à vérifier`,
          regime.source,
        ),
        GRID,
      );
    }
    grid = read.grid;
    gridReading = read.reading;
  }
  grid ??= regime.defaultGrid;
  if (!regime.grids.has(grid)) {
    const mismatch = frozen(
      'GRID_MISMATCH',
      `${regime.heading} : grille ${grid} inattendue (attendu ${regime.gridsText}), à vérifier`,
      regime.source,
    );
    return scope(null, regime.key, gridReading === null ? mismatch : withReading(mismatch, gridReading), GRID);
  }
  const outcome =
    regime.rule.criterion.kind === 'mines' ? minesScope(offer, regime, rs.words) : levelsScope(offer, regime);
  const result = withCategory(outcome, rs, regime, category, gridReading);
  // A body placed under this régime by a reading (the CNSA after 2021) says so.
  const bodyReading = regime.bodyReadings.get(organism.type);
  return bodyReading === undefined
    ? result
    : scope(result.concerned, result.regime, withReading(result.reason, bodyReading), result.missing);
}

export function evaluate(offer: Offer, instant: Date | number, ruleSets: RuleSets): Decision {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const organism = offer.organism;
  const rs = ruleSetAt(ruleSets, ms);
  if (rs === null) {
    const window = legalWindow(ruleSets.fallbackCalendar, ms, organism);
    return {
      concerned: false,
      windowOpen: false,
      requiresEn3sApproval: false,
      ruleSet: null,
      regime: null,
      organismType: organism?.type ?? null,
      window: window.view,
      reasons: [frozen('NO_RULESET', 'Aucun texte en vigueur à cette date', 'mappings/rulesets')],
      missing: NONE,
    };
  }
  // The body's legal time; spanning every legal time it may be in when it cannot be placed, never Paris's.
  const window = legalWindow(rs.calendar, ms, organism);
  const windowOpen = ms >= window.startMs && ms < window.endMs;
  const outcome = scopeOf(offer, rs);
  if (organism !== null && organism.timeZone === null && outcome.concerned !== false) {
    const placed = scope(null, outcome.regime, outcome.reason, [...outcome.missing, 'organism.territory']);
    return decision(offer, rs, placed, window.view, windowOpen, [
      outcome.reason,
      territoryUnknownReason(ruleSets, organism),
      legalWindowReason(ruleSets, rs, window, windowOpen, organism),
    ]);
  }
  return decision(offer, rs, outcome, window.view, windowOpen, [
    outcome.reason,
    legalWindowReason(ruleSets, rs, window, windowOpen, organism),
  ]);
}

function decision(
  offer: Offer,
  rs: CompiledRuleSet,
  outcome: Scope,
  window: Decision['window'],
  windowOpen: boolean,
  reasons: Reason[],
): Decision {
  const concerned = outcome.concerned;
  return {
    concerned,
    windowOpen,
    requiresEn3sApproval: concerned === null ? (windowOpen ? null : false) : concerned && windowOpen,
    ruleSet: rs.id,
    regime: outcome.regime,
    organismType: offer.organism?.type ?? null,
    window,
    reasons,
    missing: outcome.missing,
  };
}

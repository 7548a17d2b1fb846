import type { Decision, Reason } from './decision.js';
import type { Offer } from './offer.js';
import { type CompiledRegime, type CompiledRuleSet, type RuleSets, ruleSetAt, windowReason } from './rulesets.js';

/**
 * Does the période EN3S concern this offer at this instant, and why.
 *
 * Pure: no clock read, no I/O; the instant is a parameter. The readings of the texts it applies
 * (DOMAIN.md) are, in order:
 * 1. the rule set is the one in force at the instant (Europe/Paris calendar days);
 * 2. an unrecognised body is undetermined, never "not concerned";
 * 3. agent de direction offers (and agent comptable, who is one) are never concerned;
 * 4. a body removed by the text in force, or not named by it, is not concerned;
 * 5. the grid must be one the régime reads; labels are compared as labels ("5A" is not 5);
 *    a missing or unknown label is undetermined; the mines read family, scale and career start;
 * 6. the window is the campaign of the instant's year in the body's own legal time;
 *    a concerned offer of a body that cannot be placed in time (a CGSS without its island) is undetermined.
 */

const NONE: readonly string[] = Object.freeze([]);
const LEVEL: readonly string[] = Object.freeze(['classification.level']);
const GRID: readonly string[] = Object.freeze(['classification.grid']);
const AGREEMENT: readonly string[] = Object.freeze(['classification.collectiveAgreement']);
const ORGANISM: readonly string[] = Object.freeze(['organism']);

interface Scope {
  concerned: boolean | null;
  regime: string | null;
  reason: Reason;
  missing: readonly string[];
}

/** Every scope is built here, so they all share one shape (the engine's hot path stays monomorphic). */
const scope = (concerned: boolean | null, regime: string | null, reason: Reason, missing: readonly string[] = NONE): Scope => ({ concerned, regime, reason, missing });

const frozen = (code: string, message: string, source: string): Reason => Object.freeze({ code, message, source });

function unreadableNote(offer: Offer, field: string): string {
  const hit = offer.unreadable.find((u) => u.field === field);
  return hit ? ` (${hit.key} « ${hit.value} » illisible : ${hit.expected})` : '';
}

function levelsScope(offer: Offer, regime: CompiledRegime): Scope {
  const c = offer.classification;
  const criterion = regime.rule.criterion;
  if (criterion.kind !== 'levels') throw new Error(`levelsScope called for a ${criterion.kind} criterion`);
  const level = c.level;
  if (level === null) {
    return scope(null, regime.key, frozen('LEVEL_MISSING', `${regime.heading} : niveau de classification absent${unreadableNote(offer, 'classification.level')}, à vérifier`, regime.source), LEVEL);
  }
  const reading = regime.levelReadings.get(level);
  if (!reading) {
    const message = `${regime.heading} : « ${level} » n'est pas un niveau de la grille lue par ce texte (${regime.knownLevelsText}), à vérifier`;
    return scope(null, regime.key, frozen('LEVEL_UNKNOWN', message, regime.source), LEVEL);
  }
  if (!reading.inScope || !criterion.collectiveAgreements) return scope(reading.inScope, regime.key, reading.reason);
  const agreement = c.collectiveAgreement;
  if (agreement === null) {
    return scope(null, regime.key, frozen('AGREEMENT_MISSING', `${regime.heading}, niveau ${level} : convention collective non renseignée, à vérifier`, regime.source), AGREEMENT);
  }
  if (!criterion.collectiveAgreements.includes(agreement)) {
    const message = `${regime.heading}, niveau ${level} : emploi hors ${criterion.collectiveAgreements.join(', ')}, non concernée`;
    return scope(false, regime.key, frozen('AGREEMENT_OUT_OF_SCOPE', message, regime.source));
  }
  return scope(true, regime.key, reading.reason);
}

function minesScope(offer: Offer, regime: CompiledRegime): Scope {
  const c = offer.classification;
  const criterion = regime.rule.criterion;
  if (criterion.kind !== 'mines') throw new Error(`minesScope called for a ${criterion.kind} criterion`);
  const failures: string[] = [];
  const missing: string[] = [];
  if (c.jobFamily === null) missing.push('classification.jobFamily');
  else if (c.jobFamily.toUpperCase() !== criterion.jobFamily) failures.push(`famille ${c.jobFamily}`);
  if (c.minesScale === null) missing.push('classification.minesScale');
  else if (c.minesScale !== criterion.scale) failures.push(`échelle ${c.minesScale}`);
  if (c.minesCareerStart === null) missing.push('classification.minesCareerStart');
  else if (c.minesCareerStart !== criterion.careerStart) failures.push(criterion.careerStart ? 'hors début de carrière' : 'en début de carrière');
  if (failures.length > 0) {
    return scope(false, regime.key, frozen('MINES_OUT_OF_SCOPE', `Régime des mines, ${failures.join(', ')} : non concernée (${criterion.scopeLabel})`, regime.source));
  }
  if (missing.length > 0) {
    const fields = missing.map((m) => m.replace('classification.', '')).join(', ');
    return scope(null, regime.key, frozen('MINES_DATA_MISSING', `Régime des mines : ${fields} non renseigné(s), à vérifier (${criterion.scopeLabel})`, regime.source), missing);
  }
  return scope(true, regime.key, frozen('MINES_IN_SCOPE', `Régime des mines, chef de service, échelle ${criterion.scale} en début de carrière : concernée`, regime.source));
}

function scopeOf(offer: Offer, rs: CompiledRuleSet): Scope {
  const organism = offer.organism;
  const body = organism === null ? undefined : rs.bodies.get(organism.type);
  const category = offer.classification.category;
  if (category !== null) {
    // An agent de direction post is never concerned, whatever the body, even an unknown one.
    const exclusion = rs.exclusionByCategory.get(category);
    if (exclusion) return scope(false, body?.regime?.key ?? null, exclusion);
  }
  if (organism === null) {
    const { code, name } = offer.organization;
    return scope(null, null, frozen('ORGANISM_UNKNOWN', `Organisme non reconnu (« ${name || code} »), à vérifier`, 'mappings/organismes.yaml'), ORGANISM);
  }
  if (body?.removed) return scope(false, null, body.removed);
  const regime = body?.regime;
  if (!regime) return scope(false, null, frozen('BODY_NOT_COVERED', `${organism.label} : organisme non visé par ce texte`, `${rs.citation} §1`));
  const grid = offer.classification.grid ?? regime.defaultGrid;
  if (!regime.grids.has(grid)) {
    return scope(null, regime.key, frozen('GRID_MISMATCH', `${regime.heading} : grille ${grid} inattendue (attendu ${regime.gridsText}), à vérifier`, regime.source), GRID);
  }
  if (offer.classification.grid === null && offer.unreadable.some((u) => u.field === 'classification.grid')) {
    return scope(null, regime.key, frozen('GRID_UNREADABLE', `${regime.heading} : grille de classification${unreadableNote(offer, 'classification.grid')}, à vérifier`, regime.source), GRID);
  }
  return regime.rule.criterion.kind === 'mines' ? minesScope(offer, regime) : levelsScope(offer, regime);
}

export function evaluate(offer: Offer, instant: Date | number, ruleSets: RuleSets): Decision {
  const ms = typeof instant === 'number' ? instant : instant.getTime();
  const organism = offer.organism;
  const timeZone = organism?.timeZone ?? 'Europe/Paris';
  const rs = ruleSetAt(ruleSets, ms);
  if (rs === null) {
    const window = ruleSets.fallbackCalendar.windowAt(ms, timeZone);
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
  const window = rs.calendar.windowAt(ms, timeZone);
  const windowOpen = ms >= window.startMs && ms < window.endMs;
  const outcome = scopeOf(offer, rs);
  if (organism !== null && organism.timeZone === null && outcome.concerned !== false) {
    const placed = scope(null, outcome.regime, outcome.reason, [...outcome.missing, 'organism.territory']);
    return decision(offer, rs, placed, window.view, windowOpen, [
      outcome.reason,
      frozen('TERRITORY_UNKNOWN', `${organism.label} sans territoire reconnu : période calculée à l'heure de Paris, à vérifier`, 'mappings/organismes.yaml'),
      windowReason(ruleSets, rs, window, windowOpen),
    ]);
  }
  return decision(offer, rs, outcome, window.view, windowOpen, [outcome.reason, windowReason(ruleSets, rs, window, windowOpen)]);
}

function decision(offer: Offer, rs: CompiledRuleSet, outcome: Scope, window: Decision['window'], windowOpen: boolean, reasons: Reason[]): Decision {
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

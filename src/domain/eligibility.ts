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

interface Scope {
  concerned: boolean | null;
  regime: string | null;
  reason: Reason;
  missing: readonly string[];
}

const frozen = (code: string, message: string, source: string): Reason => Object.freeze({ code, message, source });

function unreadableNote(offer: Offer, field: string): string {
  const hit = offer.unreadable.find((u) => u.field === field);
  return hit ? ` (${hit.key} « ${hit.value} » illisible : ${hit.expected})` : '';
}

function levelsScope(offer: Offer, rs: CompiledRuleSet, regime: CompiledRegime): Scope {
  const c = offer.classification;
  const criterion = regime.rule.criterion;
  if (criterion.kind !== 'levels') throw new Error(`levelsScope called for a ${criterion.kind} criterion`);
  const level = c.level;
  if (level === null) {
    return {
      concerned: null,
      regime: regime.key,
      missing: ['classification.level'],
      reason: frozen('LEVEL_MISSING', `${regime.heading} : niveau de classification absent${unreadableNote(offer, 'classification.level')}, à vérifier`, regime.source),
    };
  }
  const reason = regime.levelReasons.get(level);
  if (!reason) {
    return {
      concerned: null,
      regime: regime.key,
      missing: ['classification.level'],
      reason: frozen(
        'LEVEL_UNKNOWN',
        `${regime.heading} : « ${level} » n'est pas un niveau de la grille lue par ce texte (${regime.knownLevelsText}), à vérifier`,
        regime.source,
      ),
    };
  }
  if (!regime.levels.has(level) || !criterion.collectiveAgreements) {
    return { concerned: regime.levels.has(level), regime: regime.key, reason, missing: NONE };
  }
  const agreement = c.collectiveAgreement;
  if (agreement === null) {
    return {
      concerned: null,
      regime: regime.key,
      missing: ['classification.collectiveAgreement'],
      reason: frozen('AGREEMENT_MISSING', `${regime.heading}, niveau ${level} : convention collective non renseignée, à vérifier`, regime.source),
    };
  }
  if (!criterion.collectiveAgreements.includes(agreement)) {
    return {
      concerned: false,
      regime: regime.key,
      missing: NONE,
      reason: frozen('AGREEMENT_OUT_OF_SCOPE', `${regime.heading}, niveau ${level} : emploi hors ${criterion.collectiveAgreements.join(', ')}, non concernée`, regime.source),
    };
  }
  return { concerned: true, regime: regime.key, reason, missing: NONE };
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
    return {
      concerned: false,
      regime: regime.key,
      missing: NONE,
      reason: frozen('MINES_OUT_OF_SCOPE', `Régime des mines, ${failures.join(', ')} : non concernée (${criterion.scopeLabel})`, regime.source),
    };
  }
  if (missing.length > 0) {
    return {
      concerned: null,
      regime: regime.key,
      missing,
      reason: frozen('MINES_DATA_MISSING', `Régime des mines : ${missing.map((m) => m.replace('classification.', '')).join(', ')} non renseigné(s), à vérifier (${criterion.scopeLabel})`, regime.source),
    };
  }
  return {
    concerned: true,
    regime: regime.key,
    missing: NONE,
    reason: frozen('MINES_IN_SCOPE', `Régime des mines, chef de service, échelle ${criterion.scale} en début de carrière : concernée`, regime.source),
  };
}

function scopeOf(offer: Offer, rs: CompiledRuleSet): Scope {
  const organism = offer.organism;
  const category = offer.classification.category;
  if (category !== null) {
    // An agent de direction post is never concerned, whatever the body, even an unknown one.
    const exclusion = rs.exclusionByCategory.get(category);
    if (exclusion) return { concerned: false, regime: organism ? (rs.regimeByBody.get(organism.type)?.key ?? null) : null, reason: exclusion, missing: NONE };
  }
  if (organism === null) {
    const { code, name } = offer.organization;
    return {
      concerned: null,
      regime: null,
      missing: ['organism'],
      reason: frozen('ORGANISM_UNKNOWN', `Organisme non reconnu (« ${name || code} »), à vérifier`, 'mappings/organismes.yaml'),
    };
  }
  const regime = rs.regimeByBody.get(organism.type);
  const removed = rs.removedByBody.get(organism.type);
  if (removed) return { concerned: false, regime: null, reason: removed, missing: NONE };
  if (!regime) {
    return {
      concerned: false,
      regime: null,
      missing: NONE,
      reason: frozen('BODY_NOT_COVERED', `${organism.label} : organisme non visé par ce texte`, `${rs.citation} §1`),
    };
  }
  const grid = offer.classification.grid ?? regime.defaultGrid;
  if (!regime.grids.has(grid)) {
    return {
      concerned: null,
      regime: regime.key,
      missing: ['classification.grid'],
      reason: frozen('GRID_MISMATCH', `${regime.heading} : grille ${grid} inattendue (attendu ${regime.gridsText}), à vérifier`, regime.source),
    };
  }
  if (offer.classification.grid === null && offer.unreadable.some((u) => u.field === 'classification.grid')) {
    return {
      concerned: null,
      regime: regime.key,
      missing: ['classification.grid'],
      reason: frozen('GRID_UNREADABLE', `${regime.heading} : grille de classification${unreadableNote(offer, 'classification.grid')}, à vérifier`, regime.source),
    };
  }
  return regime.rule.criterion.kind === 'mines' ? minesScope(offer, regime) : levelsScope(offer, rs, regime);
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
  let scope = scopeOf(offer, rs);
  if (organism !== null && organism.timeZone === null && scope.concerned !== false) {
    scope = {
      concerned: null,
      regime: scope.regime,
      missing: [...scope.missing, 'organism.territory'],
      reason: scope.reason,
    };
    return decision(offer, rs, scope, window.view, windowOpen, [
      scope.reason,
      frozen('TERRITORY_UNKNOWN', `${organism.label} sans territoire reconnu : période calculée à l'heure de Paris, à vérifier`, 'mappings/organismes.yaml'),
      windowReason(ruleSets, rs, window, windowOpen),
    ]);
  }
  return decision(offer, rs, scope, window.view, windowOpen, [scope.reason, windowReason(ruleSets, rs, window, windowOpen)]);
}

function decision(offer: Offer, rs: CompiledRuleSet, scope: Scope, window: Decision['window'], windowOpen: boolean, reasons: Reason[]): Decision {
  const concerned = scope.concerned;
  return {
    concerned,
    windowOpen,
    requiresEn3sApproval: concerned === null ? (windowOpen ? null : false) : concerned && windowOpen,
    ruleSet: rs.id,
    regime: scope.regime,
    organismType: offer.organism?.type ?? null,
    window,
    reasons,
    missing: scope.missing,
  };
}

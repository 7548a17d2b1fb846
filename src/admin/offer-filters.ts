import { scopes } from '../domain/scope.js';
import { jobProcessStates, type JobProcessState } from '../domain/job-process-states.js';
import type { DomainData } from '../mappings/load.js';
import { currentCampaign } from './campaign.js';
import { badRequest } from './errors.js';
import { networksOf, regimeLabels, typesOfNetwork } from './format.js';
import { decodeKey, offerSorts, type AdminOfferFilter, type OfferSort } from '../store/offer-list.js';

/**
 * The offer list's query string, shared by the page and the API:
 * `campaign, q, state (repeatable or comma-separated), regime, network, body, concerned,
 * review, violation, unansweredDays, sort, after, limit`. Anything unexpected is refused with a French
 * message naming the parameter and what was expected (400), never ignored silently.
 */

export interface OfferQuery {
  filter: AdminOfferFilter;
  sort: OfferSort;
  limit: number;
  after: [string, string, string] | null;
  /** The parameters as understood, to rebuild links (filters kept, page reset). */
  params: Record<string, string>;
}

const known = new Set([
  'campaign',
  'q',
  'state',
  'regime',
  'network',
  'body',
  'concerned',
  'review',
  'violation',
  'unansweredDays',
  'sort',
  'after',
  'limit',
  'done',
]);

function one(query: Record<string, unknown>, name: string): string | null {
  const value = query[name];
  if (value === undefined) return null;
  if (typeof value !== 'string') throw badRequest(`paramètre « ${name} » : une seule valeur attendue`);
  const trimmed = value.trim();
  if (trimmed.length > 200) throw badRequest(`paramètre « ${name} » : 200 caractères au plus`);
  return trimmed === '' ? null : trimmed;
}

function flag(query: Record<string, unknown>, name: string): boolean {
  const value = one(query, name);
  if (value === null || value === '0' || value === 'false') return false;
  if (value === '1' || value === 'true' || value === 'on') return true;
  throw badRequest(`paramètre « ${name} » : 1 ou 0 attendu, reçu « ${value} »`);
}

/** The instant before which a submission still unanswered has waited more than `days` days. */
export function unansweredSinceOf(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

export function parseOfferQuery(
  query: Record<string, unknown>,
  domain: DomainData,
  now: Date,
  defaultLimit = 50,
): OfferQuery {
  for (const name of Object.keys(query))
    if (!known.has(name))
      throw badRequest(
        `paramètre inconnu « ${name.slice(0, 50)} » ; connus : ${[...known].filter((k) => k !== 'done').join(', ')}`,
      );
  const params: Record<string, string> = {};
  const keep = (name: string, value: string | null) => {
    if (value !== null) params[name] = value;
    return value;
  };

  const campaignText = keep('campaign', one(query, 'campaign'));
  const campaign = campaignText === null ? currentCampaign(domain, now) : Number(campaignText);
  if (campaignText !== null && !(/^\d{4}$/.test(campaignText) && campaign >= 2000 && campaign <= 2100)) {
    throw badRequest(`paramètre « campaign » : une année de 2000 à 2100 attendue, reçu « ${campaignText} »`);
  }

  const rawStates = query.state === undefined ? [] : Array.isArray(query.state) ? query.state : [query.state];
  const states: JobProcessState[] = [];
  for (const entry of rawStates) {
    if (typeof entry !== 'string') throw badRequest('paramètre « state » : texte attendu');
    for (const s of entry
      .split(',')
      .map((x) => x.trim())
      .filter(Boolean)) {
      if (!(jobProcessStates as readonly string[]).includes(s))
        throw badRequest(
          `paramètre « state » : « ${s.slice(0, 50)} » inconnu ; états connus : ${jobProcessStates.join(', ')}`,
        );
      if (!states.includes(s as JobProcessState)) states.push(s as JobProcessState);
    }
  }
  if (states.length > 0) params.state = states.join(',');

  const regime = keep('regime', one(query, 'regime'));
  const regimes = regimeLabels(domain);
  if (regime !== null && !regimes.has(regime))
    throw badRequest(`paramètre « regime » : « ${regime} » inconnu ; attendu ${[...regimes.keys()].join(', ')}`);

  const network = keep('network', one(query, 'network'));
  const networks = networksOf(domain);
  if (network !== null && !networks.includes(network))
    throw badRequest(`paramètre « network » : « ${network} » inconnu ; réseaux connus : ${networks.join(', ')}`);

  const body = keep('body', one(query, 'body'));
  const types = domain.organismsFile.types.map((t) => t.key);
  if (body !== null && !types.includes(body))
    throw badRequest(`paramètre « body » : type d’organisme « ${body} » inconnu ; attendu l’un de ${types.join(', ')}`);
  let bodyTypes: string[] | null = body !== null ? [body] : null;
  if (network !== null) {
    const ofNetwork = typesOfNetwork(domain, network);
    bodyTypes = bodyTypes ? bodyTypes.filter((t) => ofNetwork.includes(t)) : ofNetwork;
  }

  const concerned = keep('concerned', one(query, 'concerned'));
  if (concerned !== null && !(scopes as readonly string[]).includes(concerned)) {
    throw badRequest(`paramètre « concerned » : yes, no ou undetermined attendu, reçu « ${concerned} »`);
  }

  const q = keep('q', one(query, 'q'));
  const review = flag(query, 'review');
  const violation = flag(query, 'violation');
  if (review) params.review = '1';
  if (violation) params.violation = '1';
  const unansweredText = keep('unansweredDays', one(query, 'unansweredDays'));
  const unansweredDays = unansweredText === null ? null : Number(unansweredText);
  if (
    unansweredText !== null &&
    !(/^\d{1,3}$/.test(unansweredText) && unansweredDays! >= 1 && unansweredDays! <= 366)
  ) {
    throw badRequest(`paramètre « unansweredDays » : nombre de jours de 1 à 366 attendu, reçu « ${unansweredText} »`);
  }

  const sortText = one(query, 'sort') ?? 'recent';
  if (!(offerSorts as readonly string[]).includes(sortText))
    throw badRequest(`paramètre « sort » : ${offerSorts.join(', ')} attendu, reçu « ${sortText} »`);
  if (sortText !== 'recent') params.sort = sortText;

  const limitText = one(query, 'limit');
  const limit = limitText === null ? defaultLimit : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 500)
    throw badRequest(`paramètre « limit » : entier de 1 à 500 attendu, reçu « ${limitText} »`);
  if (limitText !== null) params.limit = String(limit);

  const afterText = one(query, 'after');
  const after = afterText === null ? null : decodeKey(afterText);
  if (afterText !== null && after === null)
    throw badRequest('paramètre « after » : clé de page illisible (suivez le lien « Page suivante »)');

  return {
    filter: {
      campaign,
      q,
      states,
      regime,
      types: bodyTypes,
      concerned: concerned as AdminOfferFilter['concerned'],
      review,
      violation,
      unansweredSince: unansweredDays === null ? null : unansweredSinceOf(now, unansweredDays),
    },
    sort: sortText as OfferSort,
    limit,
    after,
    params,
  };
}

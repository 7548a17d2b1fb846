import { z } from 'zod';
import { scopes } from '../domain/scope.js';
import { jobProcessStates, type JobProcessState } from '../domain/job-process-states.js';
import type { DomainData } from '../mappings/load.js';
import { currentCampaign } from './campaign.js';
import { badRequest } from './errors.js';
import { expecting, integerText, parseInput, yearText } from './input-problems.js';
import { networksOf, regimeLabels, typesOfNetwork } from './format.js';
import { decodeKey, offerSorts, type AdminOfferFilter, type OfferSort } from '../store/offer-list.js';

/**
 * The offer list's query string, shared by the page and the API: one zod schema of
 * `campaign, q, state (repeatable or comma-separated), regime, network, body, concerned,
 * review, violation, unansweredDays, sort, limit`, plus the page key (`after` on the page,
 * `cursor` in the API). Anything unexpected is refused with a French message naming the
 * parameter and what was expected (400), never ignored silently. A blank field (an empty form
 * input) is an absent one. Regimes, networks and body types come from the mappings and are
 * checked against them once parsed.
 */

export interface OfferQuery {
  filter: AdminOfferFilter;
  sort: OfferSort;
  limit: number;
  after: [string, string, string] | null;
  /** The parameters as understood, to rebuild links (filters kept, page reset). */
  params: Record<string, string>;
}

/** A parameter whose blank value (an empty form field) counts as absent; text is trimmed. */
const blankAsAbsent = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.trim() || undefined : v), schema.optional());

const text = z.string({ error: expecting('une seule valeur attendue') }).max(200, { error: '200 caractères au plus' });

const flag = z
  .enum(['1', '0', 'true', 'false', 'on'], { error: expecting('1 ou 0 attendu') })
  .transform((v) => v === '1' || v === 'true' || v === 'on')
  .meta({ description: '1 pour ne garder que celles-là' });

const stateList = z
  .union([z.string(), z.array(z.string()).max(30)], { error: expecting('texte attendu') })
  .transform((value, ctx) => {
    const states: JobProcessState[] = [];
    for (const entry of Array.isArray(value) ? value : [value])
      for (const s of entry
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean)) {
        if (!(jobProcessStates as readonly string[]).includes(s)) {
          ctx.addIssue({
            code: 'custom',
            message: `« ${s.slice(0, 50)} » inconnu ; états connus : ${jobProcessStates.join(', ')}`,
          });
          return z.NEVER;
        }
        if (!states.includes(s as JobProcessState)) states.push(s as JobProcessState);
      }
    return states;
  })
  .meta({ description: `États, répétable ou séparés par des virgules : ${jobProcessStates.join(', ')}` });

/** The list's filters, sort and page size, as the page and the API take them. */
export const offerQueryFields = {
  campaign: blankAsAbsent(yearText('une année de 2000 à 2100 attendue', 2000, 2100)).meta({
    description: 'Campagne (année) ; par défaut celle en cours',
  }),
  q: blankAsAbsent(text).meta({ description: 'Partie de la référence, de l’intitulé ou du nom de l’organisme' }),
  state: stateList.optional(),
  regime: blankAsAbsent(text),
  network: blankAsAbsent(text),
  body: blankAsAbsent(text).meta({ description: 'Type d’organisme (ex. CPAM)' }),
  concerned: blankAsAbsent(z.enum(scopes, { error: expecting('yes, no ou undetermined attendu') })),
  review: blankAsAbsent(flag),
  violation: blankAsAbsent(flag),
  unansweredDays: blankAsAbsent(integerText(1, 366, 'nombre de jours de 1 à 366 attendu')).meta({
    description: 'Soumises à l’EN3S et sans réponse observée N jours après (1 à 366)',
  }),
  sort: blankAsAbsent(z.enum(offerSorts, { error: expecting(`${offerSorts.join(', ')} attendu`) })),
  limit: blankAsAbsent(integerText(1, 500)).meta({ description: 'Taille de la page : 1 à 500, 50 par défaut' }),
};

export type OfferQueryValues = z.output<z.ZodObject<typeof offerQueryFields>> & {
  /** The page key, already read (`decodeKey`). */
  after?: [string, string, string] | null;
};

/** The page's query string: the fields, its page key `after`, and `done` (the notice of an action). */
const pageOfferQuery = z.strictObject({
  ...offerQueryFields,
  after: blankAsAbsent(z.string()),
  done: z.string().optional(),
});

/** The instant before which a submission still unanswered has waited more than `days` days. */
export function unansweredSinceOf(now: Date, days: number): string {
  return new Date(now.getTime() - days * 86_400_000).toISOString();
}

/** The query string of the dashboard's offer list, checked and read (400 naming the parameter otherwise). */
export function parseOfferQuery(
  query: Record<string, unknown>,
  domain: DomainData,
  now: Date,
  defaultLimit = 50,
): OfferQuery {
  const { after: afterText, done: _done, ...values } = parseInput('query', pageOfferQuery, query);
  const after = afterText === undefined ? null : decodeKey(afterText);
  if (afterText !== undefined && after === null)
    throw badRequest('paramètre « after » : clé de page illisible (suivez le lien « Page suivante »)');
  return offerQueryOf({ ...values, after }, domain, now, defaultLimit);
}

/** The list's query from values the schema has read: their names checked against the mappings. */
export function offerQueryOf(values: OfferQueryValues, domain: DomainData, now: Date, defaultLimit = 50): OfferQuery {
  const params: Record<string, string> = {};
  for (const name of ['campaign', 'q', 'regime', 'network', 'body', 'concerned', 'unansweredDays'] as const) {
    const value = values[name];
    if (value !== undefined) params[name] = String(value);
  }
  const campaign = values.campaign ?? currentCampaign(domain, now);
  const states = values.state ?? [];
  if (states.length > 0) params.state = states.join(',');

  const regime = values.regime ?? null;
  const regimes = regimeLabels(domain);
  if (regime !== null && !regimes.has(regime))
    throw badRequest(`paramètre « regime » : « ${regime} » inconnu ; attendu ${[...regimes.keys()].join(', ')}`);

  const network = values.network ?? null;
  const networks = networksOf(domain);
  if (network !== null && !networks.includes(network))
    throw badRequest(`paramètre « network » : « ${network} » inconnu ; réseaux connus : ${networks.join(', ')}`);

  const body = values.body ?? null;
  const types = domain.organismsFile.types.map((t) => t.key);
  if (body !== null && !types.includes(body))
    throw badRequest(`paramètre « body » : type d’organisme « ${body} » inconnu ; attendu l’un de ${types.join(', ')}`);
  let bodyTypes: string[] | null = body !== null ? [body] : null;
  if (network !== null) {
    const ofNetwork = typesOfNetwork(domain, network);
    bodyTypes = bodyTypes ? bodyTypes.filter((t) => ofNetwork.includes(t)) : ofNetwork;
  }

  const review = values.review ?? false;
  const violation = values.violation ?? false;
  if (review) params.review = '1';
  if (violation) params.violation = '1';
  const sort = values.sort ?? 'recent';
  if (sort !== 'recent') params.sort = sort;
  if (values.limit !== undefined) params.limit = String(values.limit);

  return {
    filter: {
      campaign,
      q: values.q ?? null,
      states,
      regime,
      types: bodyTypes,
      concerned: values.concerned ?? null,
      review,
      violation,
      unansweredSince: values.unansweredDays === undefined ? null : unansweredSinceOf(now, values.unansweredDays),
    },
    sort,
    limit: values.limit ?? defaultLimit,
    after: values.after ?? null,
    params,
  };
}

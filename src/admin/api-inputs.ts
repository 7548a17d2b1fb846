import { z } from 'zod';
import { REASON_MAX, REASON_MIN, boardEntryInput } from './actions.js';
import { decodeNumberCursor } from './cursor.js';
import { TIMELINE_LIMIT } from './html-routes.js';
import { reportRequestSchema } from './report-request.js';
import { decodeKey } from '../store/offer-list.js';

/**
 * What each route of the admin API takes (path, query string, body), as zod schemas: the router
 * checks requests with them and the OpenAPI document is generated from them. Every refusal is a
 * 400 whose French message names the parameter or key and what was expected; an unknown query
 * parameter is refused, never ignored.
 */

const shown = (value: unknown) =>
  typeof value === 'string' ? value.slice(0, 50) : JSON.stringify(value)?.slice(0, 50);

/** An error message saying what was expected and what came (or that a parameter was repeated). */
const expecting = (what: string) => (issue: { input?: unknown }) =>
  Array.isArray(issue.input)
    ? 'une seule valeur attendue'
    : issue.input === undefined
      ? `${what} attendu`
      : `${what} attendu, reçu « ${shown(issue.input)} »`;

/** A whole number in a query string or path, from `min` to `max`. */
const integerText = (min: number, max: number, what = `entier de ${min} à ${max}`) =>
  z
    .string({ error: expecting(what) })
    .regex(/^\d{1,16}$/, { error: expecting(what) })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: expecting(what) })
    .meta({ description: `${what}` });

const yearText = (what: string) =>
  z
    .string({ error: expecting(what) })
    .regex(/^\d{4}$/, { error: expecting(what) })
    .transform(Number);

export const limitParam = (max: number, fallback: number) =>
  integerText(1, max)
    .optional()
    .transform((n) => n ?? fallback)
    .meta({ description: `Taille de la page : 1 à ${max}, ${fallback} par défaut` });

const cursorText = z
  .string({ error: expecting('la valeur « next » de la page précédente') })
  .max(2000, { error: 'curseur trop long : reprenez la valeur « next » de la page précédente' })
  .meta({ description: 'La valeur `next` de la page précédente (opaque)' });

/** A cursor holding one number (ledger entry, command, report run). */
export const numberCursorParam = cursorText
  .transform((text, ctx) => {
    const n = decodeNumberCursor(text);
    if (n === null) ctx.addIssue({ code: 'custom', message: 'curseur illisible : reprenez la valeur « next » reçue' });
    return n ?? 0;
  })
  .optional();

/** The offer list's cursor (sort value, source, identifier). */
export const offerCursorParam = cursorText
  .refine((text) => decodeKey(text) !== null, {
    error: 'curseur illisible : reprenez la valeur « next » reçue',
  })
  .optional();

const campaignQuery = yearText('une année sur quatre chiffres')
  .optional()
  .meta({ description: 'Campagne (année) ; par défaut celle en cours' });

export const overviewQuery = z.strictObject({ campaign: campaignQuery });

const text = (max: number) =>
  z.string({ error: expecting('un texte') }).max(max, { error: `${max} caractères au plus` });
const flagText = z
  .string({ error: expecting('1 ou 0') })
  .meta({ description: '1 (ou true) pour ne garder que celles-là' });

/**
 * The offer list's parameters. Their values (known states, networks, bodies…) depend on the
 * mappings and are checked by `parseOfferQuery`, shared with the dashboard's list.
 */
export const offersQuery = z.strictObject({
  campaign: text(200).optional().meta({ description: 'Campagne (année de 2000 à 2100) ; par défaut celle en cours' }),
  q: text(200).optional().meta({ description: 'Partie de la référence, de l’intitulé ou du nom de l’organisme' }),
  state: z
    .union([text(500), z.array(text(500)).max(30)])
    .optional()
    .meta({ description: 'États (répétable ou séparés par des virgules)' }),
  regime: text(200).optional(),
  network: text(200).optional(),
  body: text(200).optional().meta({ description: 'Type d’organisme (ex. CPAM)' }),
  concerned: z.enum(['yes', 'no', 'undetermined'], { error: expecting('yes, no ou undetermined') }).optional(),
  review: flagText.optional(),
  violation: flagText.optional(),
  unansweredDays: text(200).optional().meta({ description: 'Soumises à l’EN3S sans réponse depuis N jours (1–366)' }),
  sort: z
    .enum(['recent', 'oldest', 'reference', 'title'], { error: expecting('recent, oldest, reference ou title') })
    .optional(),
  limit: text(200).optional().meta({ description: 'Taille de la page : 1 à 500, 50 par défaut' }),
  cursor: offerCursorParam,
});

export const timelineQuery = z.strictObject({ limit: limitParam(TIMELINE_LIMIT, 1000), cursor: numberCursorParam });
export const deadLettersQuery = z.strictObject({ limit: limitParam(500, 50), cursor: numberCursorParam });
export const reportRunsQuery = z.strictObject({
  campaign: campaignQuery.meta({ description: 'Campagne (année) ; par défaut toutes' }),
  limit: limitParam(500, 50),
  cursor: numberCursorParam,
});

export const offerPath = z.object({
  source: z.string().min(1).max(100, { error: 'source de l’offre : 100 caractères au plus' }),
  atsId: z.string().min(1).max(200, { error: 'identifiant de l’offre : 200 caractères au plus' }),
  campaign: yearText('campagne : une année sur quatre chiffres'),
});

export const commandPath = z.object({ id: integerText(1, 999_999_999_999, 'numéro de commande : entier') });
export const runPath = z.object({ id: integerText(1, 999_999_999_999, 'numéro de rapport : entier') });

export const reasonField = z
  .string({ error: `motif obligatoire : ${REASON_MIN} caractères au moins, pour le registre` })
  .transform((v) => v.trim().replace(/\s+/g, ' '))
  .refine((v) => v.length >= REASON_MIN, {
    error: `motif obligatoire : ${REASON_MIN} caractères au moins, pour le registre`,
  })
  .refine((v) => v.length <= REASON_MAX, { error: `motif trop long : ${REASON_MAX} caractères au plus` })
  .meta({ description: `Le motif, pour le registre (${REASON_MIN} à ${REASON_MAX} caractères)` });

export const reasonBody = z.object({ reason: reasonField });

export const overrideBody = z.object({
  concerned: z
    .boolean({ error: 'true (concernée), false (non concernée) ou null (retirer le forçage) attendu' })
    .nullable()
    .meta({ description: 'true : concernée ; false : non concernée ; null : retirer le forçage' }),
  reason: reasonField,
});

export { boardEntryInput as boardEntryBody, reportRequestSchema as reportRequestBody };

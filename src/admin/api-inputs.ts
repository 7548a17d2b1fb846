import { z } from 'zod';
import { boardEntryInput, commandIdInput, offerKeyInput, reasonInput } from './actions.js';
import { decodeNumberKey } from '../store/page-keys.js';
import { TIMELINE_LIMIT } from './html-routes.js';
import { expecting, integerText, yearText } from './input-problems.js';
import { offerQueryFields } from './offer-filters.js';
import { reportRequestSchema } from './report-request.js';
import { runIdInput } from './reports.js';
import { decodeKey } from '../store/offer-list.js';

/**
 * What each route of the admin API takes (path, query string, body), as zod schemas: the router
 * checks requests with them and the OpenAPI document is generated from them. Every refusal is a
 * 400 whose French message names the parameter or key and what was expected; an unknown query
 * parameter is refused, never ignored.
 */

export const limitParam = (max: number, fallback: number) =>
  integerText(1, max)
    .optional()
    .transform((n) => n ?? fallback)
    .meta({ description: `Taille de la page : 1 à ${max}, ${fallback} par défaut` });

const cursorText = z
  .string({ error: expecting('la valeur « next » de la page précédente attendue') })
  .max(2000, { error: 'curseur trop long : reprenez la valeur « next » de la page précédente' })
  .meta({ description: 'La valeur `next` de la page précédente (opaque)' });

/** A cursor holding one number (ledger entry, command, report run). */
export const numberCursorParam = cursorText
  .transform((text, ctx) => {
    const n = decodeNumberKey(text);
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

const campaignQuery = yearText('une année sur quatre chiffres attendue')
  .optional()
  .meta({ description: 'Campagne (année) ; par défaut celle en cours' });

export const overviewQuery = z.strictObject({ campaign: campaignQuery });

/** The offer list's parameters (shared with the dashboard's list) and its cursor. */
export const offersQuery = z.strictObject({ ...offerQueryFields, cursor: offerCursorParam });

export const timelineQuery = z.strictObject({ limit: limitParam(TIMELINE_LIMIT, 1000), cursor: numberCursorParam });
export const deadLettersQuery = z.strictObject({ limit: limitParam(500, 50), cursor: numberCursorParam });
export const reportRunsQuery = z.strictObject({
  campaign: campaignQuery.meta({ description: 'Campagne (année) ; par défaut toutes' }),
  limit: limitParam(500, 50),
  cursor: numberCursorParam,
});

export { commandIdInput as commandPath, offerKeyInput as offerPath };

export const reasonBody = z.object({ reason: reasonInput });

export const overrideBody = z.object({
  concerned: z
    .boolean({ error: 'true (concernée), false (non concernée) ou null (retirer le forçage) attendu' })
    .nullable()
    .meta({ description: 'true : concernée ; false : non concernée ; null : retirer le forçage' }),
  reason: reasonInput,
});

export { boardEntryInput as boardEntryBody, reportRequestSchema as reportRequestBody, runIdInput as runPath };

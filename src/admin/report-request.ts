import { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * The body of `POST /api/reports`, checked for its shape before its values: an unknown key or a
 * value of the wrong type is refused (400 naming the key), never dropped, so that a misspelt
 * filter (`netwrok`) or a list where a name is expected cannot widen the report to the whole
 * campaign. The values themselves (known networks, dates, states) are checked afterwards by the
 * reports module, whose French messages name them.
 */

const text = (max: number) => z.string().max(max);

export const reportRequestSchema = z.strictObject({
  kind: text(50).optional(),
  format: text(50).optional(),
  campaign: z.union([z.number().int(), text(10)]).optional(),
  asOf: text(100).nullable().optional(),
  network: text(200).nullable().optional(),
  regime: text(200).nullable().optional(),
  body: text(200).nullable().optional(),
  state: z
    .union([text(500), z.array(text(50)).max(20)])
    .nullable()
    .optional(),
  primaryNetworks: z.enum(['all', 'primary']).optional(),
});

export type ReportRequest = z.output<typeof reportRequestSchema>;

const expected: Record<string, string> = {
  kind: 'un texte (report, recap ou posts)',
  format: 'un texte (csv, xlsx, json ou html)',
  campaign: 'une année (nombre entier, ex. 2027)',
  asOf: 'un texte (instant ISO ou date)',
  network: 'un texte (nom de réseau)',
  regime: 'un texte (régime)',
  body: 'un texte (type ou nom d’organisme)',
  state: 'un texte ou une liste de textes (états)',
  primaryNetworks: '« all » ou « primary »',
};

/** The request, or a 400 whose French message names the first wrong key and what it expects. */
export function parseReportRequest(value: unknown): ReportRequest {
  const parsed = reportRequestSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `« ${k.slice(0, 50)} »`).join(', ');
    throw badRequest(
      `corps de la requête : clé${issue.keys.length > 1 ? 's' : ''} inconnue` +
        `${issue.keys.length > 1 ? 's' : ''} ${keys} ` +
        `; clés acceptées : ${Object.keys(expected).join(', ')}`,
    );
  }
  const key = String(issue.path[0] ?? '');
  if (!(key in expected)) throw badRequest('corps de la requête : un objet JSON était attendu');
  const tooLong = issue.code === 'too_big' ? ' (trop long)' : '';
  throw badRequest(`« ${key} » : ${expected[key]} attendu${tooLong}`);
}

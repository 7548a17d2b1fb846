import { z } from 'zod';
import { parseInput } from './input-problems.js';

/**
 * The body of `POST /api/v1/reports`, checked for its shape before its values: an unknown key or a
 * value of the wrong type is refused (400 naming the key), never dropped, so that a misspelt
 * filter (`netwrok`) or a list where a name is expected cannot widen the report to the whole
 * campaign. The values themselves (known networks, dates, states) are checked afterwards by the
 * reports module, whose French messages name them.
 */

const expected = {
  kind: 'un texte (report, recap ou posts)',
  format: 'un texte (csv, xlsx, json ou html)',
  campaign: 'une année (nombre entier, ex. 2027)',
  asOf: 'un texte (instant ISO ou date)',
  network: 'un texte (nom de réseau)',
  regime: 'un texte (régime)',
  body: 'un texte (type ou nom d’organisme)',
  state: 'un texte ou une liste de textes (états)',
  primaryNetworks: '« all » ou « primary »',
} as const;

/** The French expectation of a key, "(trop long)" added when the value was too long. */
const expecting = (key: keyof typeof expected) => (issue: { code?: string }) =>
  `${expected[key]} attendu${issue.code === 'too_big' ? ' (trop long)' : ''}`;

const text = (key: keyof typeof expected, max: number) =>
  z.string({ error: expecting(key) }).max(max, { error: expecting(key) });

export const reportRequestSchema = z.strictObject(
  {
    kind: text('kind', 50).optional(),
    format: text('format', 50).optional(),
    campaign: z.union([z.number().int(), z.string().max(10)], { error: expecting('campaign') }).optional(),
    asOf: text('asOf', 100).nullable().optional(),
    network: text('network', 200).nullable().optional(),
    regime: text('regime', 200).nullable().optional(),
    body: text('body', 200).nullable().optional(),
    state: z
      .union([z.string().max(500), z.array(z.string().max(50)).max(20)], { error: expecting('state') })
      .nullable()
      .optional(),
    primaryNetworks: z.enum(['all', 'primary'], { error: expecting('primaryNetworks') }).optional(),
  },
  {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const keys = issue.keys.map((k) => `« ${k.slice(0, 50)} »`).join(', ');
      const plural = issue.keys.length > 1 ? 's' : '';
      const accepted = Object.keys(expected).join(', ');
      return `corps de la requête : clé${plural} inconnue${plural} ${keys} ; clés acceptées : ${accepted}`;
    },
  },
);

export type ReportRequest = z.output<typeof reportRequestSchema>;

/** The request, or a 400 whose French message names the first wrong key and what it expects. */
export function parseReportRequest(value: unknown): ReportRequest {
  return parseInput('body', reportRequestSchema, value);
}

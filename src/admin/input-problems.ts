import { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * The French refusals of request parts checked by zod: helpers that write what a parameter
 * expects into its schema (`error`), and `parseInput`, which turns the first issue into a 400
 * saying where (parameter, key, path) and what was expected.
 */

const shown = (value: unknown) =>
  typeof value === 'string' ? value.slice(0, 50) : JSON.stringify(value)?.slice(0, 50);

/** An error message: what was expected (with its « attendu(e) ») and what came, or that a parameter was repeated. */
export const expecting = (what: string) => (issue: { input?: unknown }) =>
  Array.isArray(issue.input)
    ? 'une seule valeur attendue'
    : issue.input === undefined
      ? what
      : `${what}, reçu « ${shown(issue.input)} »`;

/** A whole number in a query string or path, from `min` to `max`. */
export const integerText = (min: number, max: number, what = `entier de ${min} à ${max} attendu`) =>
  z
    .string({ error: expecting(what) })
    .regex(/^\d{1,16}$/, { error: expecting(what) })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: expecting(what) })
    .meta({ description: what });

/** A year in a query string or path (four digits), from `min` to `max`. */
export const yearText = (what: string, min = 0, max = 9999) =>
  z
    .string({ error: expecting(what) })
    .regex(/^\d{4}$/, { error: expecting(what) })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: expecting(what) });

const where = { query: 'paramètre', params: 'chemin', body: 'corps de la requête' } as const;

/**
 * The value as the schema reads it, or a 400 naming what is wrong and where. A missing body is an
 * empty object (the routes whose keys are all optional take none).
 */
export function parseInput<S extends z.ZodType>(part: keyof typeof where, schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(part === 'body' && value === undefined ? {} : value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  const key = issue.path.length > 0 ? String(issue.path[0]).slice(0, 50) : null;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.map((k) => `« ${k.slice(0, 50)} »`).join(', ');
    const accepted = Object.keys((schema as unknown as z.ZodObject).shape ?? {}).join(', ');
    if (part === 'query') throw badRequest(`paramètre inconnu ${keys} ; connus : ${accepted}`);
    if (!issue.message.startsWith('Unrecognized')) throw badRequest(issue.message);
    const plural = issue.keys.length > 1 ? 's' : '';
    throw badRequest(`${where.body} : clé${plural} inconnue${plural} ${keys} ; clés acceptées : ${accepted}`);
  }
  if (key === null) throw badRequest(`${where[part]} : un objet JSON était attendu`);
  if (part === 'params') throw badRequest(issue.message);
  if (part === 'query') throw badRequest(`paramètre « ${key} » : ${issue.message}`);
  throw badRequest(`« ${key} » : ${issue.message}`);
}

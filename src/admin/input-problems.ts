import type { z } from 'zod';
import { badRequest } from './errors.js';

/**
 * Turns the first issue of a request part that its zod schema refused into a 400 whose French
 * message says where (parameter, key, path) and what was expected. The schemas carry the French
 * wording of each expectation (`error`); this adds the place.
 */

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

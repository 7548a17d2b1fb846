import { project } from './dto-shapes.js';
import type { Filter, ReadQuery } from './query-language.js';

/**
 * Runs a parsed read over full DTOs: filters (all of them must hold), sort, page, then the
 * selection. Pure: the items and the query in, the answer's list out.
 */

/** Every value at a path; lists met on the way are walked through (`team_approvers_user_id`). */
function valuesAt(item: unknown, path: readonly string[]): unknown[] {
  let current: unknown[] = [item];
  for (const name of path) {
    const next: unknown[] = [];
    for (const value of current) {
      if (value === null || value === undefined) continue;
      const child = (value as Record<string, unknown>)[name];
      if (Array.isArray(child)) next.push(...child);
      else next.push(child);
    }
    current = next;
  }
  return current.filter((v) => v !== undefined);
}

/** A filter's value in the field's type: ids and dates may be written as decimal strings. */
function comparable(field: unknown, target: unknown): [unknown, unknown] {
  if (typeof field === 'number' && typeof target === 'string' && /^-?\d+(\.\d+)?$/.test(target))
    return [field, Number(target)];
  if (typeof field === 'string' && typeof target === 'number') return [field, String(target)];
  return [field, target];
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'boolean' && typeof b === 'boolean') return Number(a) - Number(b);
  return Number.NaN;
}

/** SQL `LIKE`: `%` any run, `_` one character; case ignored. */
function likeRegExp(pattern: string): RegExp {
  const body = [...pattern]
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${body}$`, 'isu');
}

function holds(item: unknown, filter: Filter): boolean {
  const values = valuesAt(item, filter.path);
  const present = values.filter((v) => v !== null);
  switch (filter.op) {
    case 'isNull':
      return filter.value === true ? present.length === 0 : present.length > 0;
    case 'in':
      return present.some((v) => (filter.value as unknown[]).some((t) => compare(...comparable(v, t)) === 0));
    case 'like':
      return present.some((v) => typeof v === 'string' && likeRegExp(filter.value as string).test(v));
    case 'notLike':
      return !present.some((v) => typeof v === 'string' && likeRegExp(filter.value as string).test(v));
    default: {
      const test = {
        eq: (c: number) => c === 0,
        gt: (c: number) => c > 0,
        ge: (c: number) => c >= 0,
        lt: (c: number) => c < 0,
        le: (c: number) => c <= 0,
      }[filter.op];
      return present.some((v) => test(compare(...comparable(v, filter.value))));
    }
  }
}

/** Nulls first in ascending order; equal values keep the order of ids. */
function sortKey(item: unknown, path: readonly string[]): unknown {
  return valuesAt(item, path)[0] ?? null;
}

export function runQuery(items: ReadonlyArray<Record<string, unknown>>, query: ReadQuery): unknown[] {
  const matching = items.filter((item) => query.where.every((f) => holds(item, f)));
  const byId = (a: Record<string, unknown>, b: Record<string, unknown>) => Number(a.id) - Number(b.id);
  const sortBy = query.sortBy;
  const sign = query.orderBy === 'DESC' ? -1 : 1;
  matching.sort((a, b) => {
    if (sortBy) {
      const [x, y] = [sortKey(a, sortBy), sortKey(b, sortBy)];
      if (x === null && y !== null) return -sign;
      if (y === null && x !== null) return sign;
      const c = x === null ? 0 : compare(x, y);
      if (c !== 0 && !Number.isNaN(c)) return sign * Math.sign(c);
    }
    return sign * byId(a, b);
  });
  return matching.slice(query.after, query.after + query.first).map((item) => project(item, query.selection, true));
}

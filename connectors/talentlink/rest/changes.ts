import type { ChangeCursor } from '../../ats-port.js';
import { isoFromMs } from './answers.js';

/**
 * Keyset paging of the changed jobs (docs/talentlink.md §2), pure. The listing asks for
 * `updateDate >= since` in ascending order and continues from the last `updateDate` returned,
 * not from an offset: the connector's own writes move jobs to the end of the list, which would
 * make an offset skip others. Jobs already returned at exactly `since` are skipped by id; a job
 * seen there that changed again has a later `updateDate` and comes back, as it should.
 */

export interface ChangedRow {
  id: number;
  updateDate: number;
}

export interface ParsedCursor {
  sinceMs: number;
  seen: ReadonlySet<string>;
}

/** The cursor's instant as epoch ms, or a message saying what was expected. */
export function parseCursor(cursor: ChangeCursor): { ok: true; value: ParsedCursor } | { ok: false; message: string } {
  const sinceMs = Date.parse(cursor.since);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(cursor.since) || Number.isNaN(sinceMs)) {
    return { ok: false, message: `cursor.since: expected an ISO-8601 instant, got ${JSON.stringify(cursor.since)}` };
  }
  return { ok: true, value: { sinceMs, seen: new Set(cursor.seenAtSince) } };
}

/** How many rows to ask for: the page, plus room for the rows that will be skipped, within the vendor's limit. */
export function rowsToAsk(pageSize: number, cursor: ParsedCursor, maxPage: number): number {
  return Math.min(maxPage, pageSize + cursor.seen.size);
}

/** The rows not returned before, oldest change first (a stable sort keeps the ATS's order at equal instants). */
export function freshRows<T extends ChangedRow>(rows: readonly T[], cursor: ParsedCursor): T[] {
  return rows
    .filter((row) => !(row.updateDate === cursor.sinceMs && cursor.seen.has(String(row.id))))
    .sort((a, b) => a.updateDate - b.updateDate);
}

/** Where the next page starts once `taken` (fresh rows, oldest first) were returned. */
export function nextCursor(cursor: ChangeCursor, parsed: ParsedCursor, taken: readonly ChangedRow[]): ChangeCursor {
  const last = taken.at(-1);
  if (!last) return cursor;
  const atLast = taken.filter((row) => row.updateDate === last.updateDate).map((row) => String(row.id));
  const seen = last.updateDate === parsed.sinceMs ? [...parsed.seen, ...atLast] : atLast;
  // `updateDate` was checked to be within a date's range before it got here.
  const since = isoFromMs(last.updateDate) ?? cursor.since;
  return { since, seenAtSince: [...new Set(seen)] };
}

import { sql } from 'kysely';
import { dialectOf, type Db } from './database.js';
import { assertInstant } from './instant.js';
import { parseOffer, type OfferKey, type OfferRecord } from './offers.js';

/**
 * The offers' changes, for the projector that keeps the report's projection (`offer_report`) up
 * to date from a cursor (migration 0014). Every write of an `offers` row is stamped with a change
 * number taken from a one-row counter (`offer_change_counter`); the projector reads the rows
 * numbered after its cursor, in number order, and moves the cursor in the transaction that writes
 * their projection.
 *
 * Why the cursor cannot step over a row: `stampOfferChange` updates the counter's one row as the
 * last statement of the writer's transaction. On PostgreSQL that row's lock is held to the
 * commit, so a second writer's update waits for the first to commit (or roll back, its number
 * then given again) and reads the committed value: numbers are handed out in commit order, and
 * once number n is visible every smaller number is committed (a transaction is visible before its
 * locks are released). A plain sequence would not do: two writers could take n and n+1 and commit
 * n+1 first, and a projector reading then would move past n for good. On SQLite one write
 * transaction at a time holds the database, so the same holds trivially. The cursor itself is
 * read under a row lock (`lockProjectionCursor`), so two projectors never move it backwards.
 */

/** The cursor's name in `cursors`: the last change number the projection reflects. */
export const PROJECTION_CURSOR = 'offer_report';

/**
 * Gives the offer's row the next change number. Call it after the row's write, as the last
 * statement of the transaction (see above: the counter's lock is held to the commit).
 */
export async function stampOfferChange(db: Db, key: OfferKey): Promise<number> {
  if (!db.isTransaction) throw new TypeError('stampOfferChange: call it inside the transaction that wrote the offer');
  const { last } = await db
    .updateTable('offer_change_counter')
    .set((eb) => ({ last: eb('last', '+', 1) }))
    .where('id', '=', 1)
    .returning('last')
    .executeTakeFirstOrThrow();
  const number = Number(last);
  await db
    .updateTable('offers')
    .set({ change_no: number })
    .where('source', '=', key.source)
    .where('ats_id', '=', key.ats_id)
    .where('campaign', '=', key.campaign)
    .execute();
  return number;
}

/** The offers changed after `after`, in change order, at most `limit`. */
export async function offersChangedAfter(
  db: Db,
  after: number,
  limit: number,
): Promise<(OfferRecord & { change_no: number })[]> {
  const rows = await db
    .selectFrom('offers')
    .selectAll()
    .where('change_no', '>', after)
    .orderBy('change_no')
    .limit(limit)
    .execute();
  return rows.map((row) => ({ ...parseOffer(row), change_no: Number(row.change_no) }));
}

/** The last change number given (0 when none). */
export async function lastOfferChange(db: Db): Promise<number> {
  const row = await db.selectFrom('offer_change_counter').select('last').where('id', '=', 1).executeTakeFirst();
  return row ? Number(row.last) : 0;
}

/** The projection's cursor (0: nothing projected yet). */
export async function projectionCursor(db: Db): Promise<number> {
  const row = await db.selectFrom('cursors').select('value').where('name', '=', PROJECTION_CURSOR).executeTakeFirst();
  return row ? Number(row.value) : 0;
}

/**
 * The projection's cursor, locked to the end of the caller's transaction on PostgreSQL (SQLite's
 * write transaction already excludes other writers), so that one projector at a time moves it.
 */
export async function lockProjectionCursor(db: Db): Promise<number> {
  if (!db.isTransaction) throw new TypeError('lockProjectionCursor: call it inside a transaction');
  if (dialectOf(db) === 'postgres') {
    const { rows } = await sql<{
      value: string;
    }>`select value from cursors where name = ${PROJECTION_CURSOR} for update`.execute(db);
    return rows[0] ? Number(rows[0].value) : 0;
  }
  return projectionCursor(db);
}

/** Moves the projection's cursor (in the transaction that wrote the projection up to it). */
export async function setProjectionCursor(db: Db, value: number, now: string): Promise<void> {
  assertInstant(now, 'setProjectionCursor now');
  await db
    .insertInto('cursors')
    .values({ name: PROJECTION_CURSOR, value: String(value), updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value: String(value), updated_at: now }))
    .execute();
}

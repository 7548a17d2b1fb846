import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import { dialectOf, type Db } from './database.js';
import { addMs, assertInstant, msBetween } from './instant.js';
import type { Database, InboxStatus, InboxTable } from './schema.js';
import { withinTransaction } from './transaction.js';

/**
 * The inbox: every notification received, once, as it was received, until a worker has
 * processed it. Workers take rows under a lease (`claimEvents`); a worker that dies leaves its
 * lease to expire and another worker takes the row again.
 *
 * A `pending` row may carry a `lease_until`: after a failure it is the instant before which the
 * row is not handed out again (the retry delay). `attempts` counts failed attempts.
 */

export type InboxRow = Selectable<InboxTable>;

export interface NewInboxEvent {
  source: string;
  event_id: string;
  event_type: string;
  /** When the ATS says the change happened (ISO instant), if it says. */
  occurred_at: string | null;
  received_at: string;
  content_type: string;
  /** The raw payload, exactly as received. */
  body: string;
  job_id?: string | null;
  job_version?: number | null;
}

export interface ClaimOptions {
  /** Who takes the rows (process and worker id): only the owner can complete or fail them. */
  owner: string;
  leaseMs: number;
  limit: number;
  now: string;
}

export const DEFAULT_MAX_EVENT_ATTEMPTS = 5;

/** Stores a received event; `'duplicate'` when the same (source, event_id) is already there. */
export async function insertEvent(db: Db, event: NewInboxEvent): Promise<'inserted' | 'duplicate'> {
  assertInstant(event.received_at, 'insertEvent received_at');
  if (event.occurred_at !== null) assertInstant(event.occurred_at, 'insertEvent occurred_at');
  const result = await db
    .insertInto('inbox')
    .values({
      source: event.source,
      event_id: event.event_id,
      event_type: event.event_type,
      occurred_at: event.occurred_at,
      received_at: event.received_at,
      content_type: event.content_type,
      body: event.body,
      job_id: event.job_id ?? null,
      job_version: event.job_version ?? null,
      status: 'pending',
      attempts: 0,
    })
    .onConflict((oc) => oc.columns(['source', 'event_id']).doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 ? 'inserted' : 'duplicate';
}

/**
 * Takes up to `limit` rows, oldest first: `pending` rows whose retry delay has passed and
 * `processing` rows whose lease expired. They become `processing`, leased to `owner` until
 * `now + leaseMs`. No row is handed to two owners: on PostgreSQL the rows are locked with
 * FOR UPDATE SKIP LOCKED (concurrent workers take different rows without waiting); on SQLite
 * the select and the update are one statement in a write transaction, which SQLite serialises.
 */
export async function claimEvents(db: Db, options: ClaimOptions): Promise<InboxRow[]> {
  const now = assertInstant(options.now, 'claimEvents now');
  const leaseUntil = addMs(now, options.leaseMs);
  const claimable = (eb: ExpressionBuilder<Database, 'inbox'>) =>
    eb.or([
      eb.and([eb('status', '=', 'pending'), eb.or([eb('lease_until', 'is', null), eb('lease_until', '<=', now)])]),
      eb.and([eb('status', '=', 'processing'), eb('lease_until', '<=', now)]),
    ]);
  const postgres = dialectOf(db) === 'postgres';
  const claim = async (trx: Db) => {
    let picked = trx.selectFrom('inbox').select('id').where(claimable).orderBy('id').limit(options.limit);
    if (postgres) picked = picked.forUpdate().skipLocked();
    const rows = await trx
      .updateTable('inbox')
      .set({ status: 'processing', lease_owner: options.owner, lease_until: leaseUntil })
      // On PostgreSQL the locking sub-select must run exactly once: as a plain IN it may be
      // rescanned during the update, and a rescan with SKIP LOCKED returns further rows.
      .where((eb) => (postgres ? sql<boolean>`${eb.ref('id')} = any(array(${picked}))` : eb('id', 'in', picked)))
      // The same condition again: the row must still be claimable when it is updated.
      .where(claimable)
      .returningAll()
      .execute();
    return rows.sort((a, b) => a.id - b.id);
  };
  // One statement is atomic on PostgreSQL; on SQLite make the write transaction explicit.
  return postgres ? claim(db) : withinTransaction(db, claim);
}

/** Marks a leased row done. False when `owner` no longer holds it (its lease went to another). */
export async function completeEvent(db: Db, id: number, owner: string, now: string): Promise<boolean> {
  assertInstant(now, 'completeEvent now');
  const result = await db
    .updateTable('inbox')
    .set({ status: 'done', processed_at: now, lease_until: null, last_error: null })
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface FailOptions {
  /** After this many failed attempts the row becomes `failed` (default 5). */
  maxAttempts?: number;
  /** Not handed out again before this instant (default: at once). */
  retryAt?: string;
}

/**
 * Records a failed attempt: back to `pending` (after `retryAt`) with attempts + 1, or `failed`
 * once `maxAttempts` is reached. `'not-owner'` when `owner` no longer holds the lease.
 */
export async function failEvent(
  db: Db,
  id: number,
  owner: string,
  error: string,
  now: string,
  options: FailOptions = {},
): Promise<'retry' | 'failed' | 'not-owner'> {
  assertInstant(now, 'failEvent now');
  const retryAt = options.retryAt === undefined ? null : assertInstant(options.retryAt, 'failEvent retryAt');
  const maxAttempts = options.maxAttempts ?? DEFAULT_MAX_EVENT_ATTEMPTS;
  const giveUp = sql<boolean>`attempts + 1 >= ${maxAttempts}`;
  const row = await db
    .updateTable('inbox')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      last_error: error,
      status: sql<InboxStatus>`case when ${giveUp} then 'failed' else 'pending' end`,
      lease_owner: null,
      lease_until: sql<string | null>`case when ${giveUp} then null else ${retryAt} end`,
      processed_at: sql<string | null>`case when ${giveUp} then ${now} else null end`,
    }))
    .where('id', '=', id)
    .where('status', '=', 'processing')
    .where('lease_owner', '=', owner)
    .returning('status')
    .executeTakeFirst();
  if (!row) return 'not-owner';
  return row.status === 'failed' ? 'failed' : 'retry';
}

/** Failed events, newest first, for the administrators. */
export async function listFailedEvents(db: Db, page: { limit: number; offset?: number }): Promise<InboxRow[]> {
  return db
    .selectFrom('inbox')
    .selectAll()
    .where('status', '=', 'failed')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset ?? 0)
    .execute();
}

/** Puts a failed event back in the queue with its attempts reset. False when it is not failed. */
export async function requeueFailedEvent(db: Db, id: number, now: string): Promise<boolean> {
  assertInstant(now, 'requeueFailedEvent now');
  const result = await db
    .updateTable('inbox')
    .set({ status: 'pending', attempts: 0, lease_owner: null, lease_until: null, processed_at: null })
    .where('id', '=', id)
    .where('status', '=', 'failed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export interface InboxStats {
  byStatus: Record<InboxStatus, number>;
  /** Processing rows whose lease has expired (a worker died or is stuck). */
  expiredLeases: number;
  /** Age of the oldest pending row, from its reception; null when none is pending. */
  oldestPendingAgeMs: number | null;
}

export async function inboxStats(db: Db, now: string): Promise<InboxStats> {
  assertInstant(now, 'inboxStats now');
  const counts = await db
    .selectFrom('inbox')
    .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const byStatus: Record<InboxStatus, number> = { pending: 0, processing: 0, done: 0, failed: 0 };
  for (const { status, count } of counts) byStatus[status] = Number(count);
  const extra = await db
    .selectFrom('inbox')
    .select((eb) => [
      eb.fn.min(eb.case().when('status', '=', 'pending').then(eb.ref('received_at')).end()).as('oldest'),
      eb.fn
        .sum<number>(
          eb
            .case()
            .when(eb.and([eb('status', '=', 'processing'), eb('lease_until', '<=', now)]))
            .then(1)
            .else(0)
            .end(),
        )
        .as('expired'),
    ])
    .where('status', 'in', ['pending', 'processing'])
    .executeTakeFirstOrThrow();
  return {
    byStatus,
    expiredLeases: Number(extra.expired ?? 0),
    oldestPendingAgeMs: extra.oldest ? Math.max(0, msBetween(extra.oldest, now)) : null,
  };
}

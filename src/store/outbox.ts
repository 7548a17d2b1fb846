import { sql, type ExpressionBuilder, type Selectable } from 'kysely';
import { canonicalJson } from './canonical-json.js';
import { dialectOf, type Db } from './database.js';
import { addMs, assertInstant, msBetween } from './instant.js';
import type { ProcessCommandKind } from '../domain/job-process.js';
import { OUTBOX_STATUSES, type OutboxMove, type OutboxStatus } from './outbox-status.js';
import type { Database, OutboxTable } from './schema.js';
import { withinTransaction } from './transaction.js';

/**
 * The outbox: commands for the ATS, written in the same transaction as the state change that
 * calls for them, then carried out by the dispatcher under a lease. A command is `done` only
 * once the ATS answered it; `skipped` when the dispatcher gave it up unsent; `dead` after the
 * dispatcher gave up on failures, until an administrator requeues it (the states and their
 * moves: `outbox-status.ts`). `payload` and `result` are JSON values (stored as text).
 */

export { OUTBOX_MOVES, OUTBOX_STATUSES, SETTLED_OUTBOX_STATUSES, type OutboxStatus } from './outbox-status.js';

export interface OutboxCommand extends Omit<Selectable<OutboxTable>, 'payload' | 'result'> {
  payload: unknown;
  result: unknown;
}

export interface NewCommand {
  /** Same key, same command: a second enqueue is answered `'duplicate'` and changes nothing. */
  idempotency_key: string;
  source: string;
  ats_id: string;
  campaign: number;
  kind: ProcessCommandKind;
  payload: unknown;
  /** Creation instant; also the first attempt's, unless `next_attempt_at` says later. */
  now: string;
  next_attempt_at?: string;
  /** The request id of the change that called for it (the notification id), carried to the ATS call. */
  request_id?: string | null;
}

export interface CommandClaimOptions {
  owner: string;
  leaseMs: number;
  limit: number;
  now: string;
}

export async function enqueueCommand(db: Db, cmd: NewCommand): Promise<'inserted' | 'duplicate'> {
  const now = assertInstant(cmd.now, 'enqueueCommand now');
  const result = await db
    .insertInto('outbox')
    .values({
      idempotency_key: cmd.idempotency_key,
      source: cmd.source,
      ats_id: cmd.ats_id,
      campaign: cmd.campaign,
      kind: cmd.kind,
      payload: canonicalJson(cmd.payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at:
        cmd.next_attempt_at === undefined ? now : assertInstant(cmd.next_attempt_at, 'enqueueCommand next_attempt_at'),
      created_at: now,
      request_id: cmd.request_id ?? null,
    })
    .onConflict((oc) => oc.column('idempotency_key').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 ? 'inserted' : 'duplicate';
}

/**
 * Takes up to `limit` commands that are due (`pending` with next_attempt_at <= now) or whose
 * lease expired (`in_flight`), earliest due first, leased to `owner` until now + leaseMs.
 * Same guarantees as `claimEvents`: SKIP LOCKED on PostgreSQL, one write transaction on SQLite.
 */
export async function claimCommands(db: Db, options: CommandClaimOptions): Promise<OutboxCommand[]> {
  const now = assertInstant(options.now, 'claimCommands now');
  const leaseUntil = addMs(now, options.leaseMs);
  const claimable = (eb: ExpressionBuilder<Database, 'outbox'>) =>
    eb.or([
      eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', now)]),
      eb.and([eb('status', '=', 'in_flight'), eb('lease_until', '<=', now)]),
    ]);
  const postgres = dialectOf(db) === 'postgres';
  const claim = async (trx: Db) => {
    let picked = trx
      .selectFrom('outbox')
      .select('id')
      .where(claimable)
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(options.limit);
    if (postgres) picked = picked.forUpdate().skipLocked();
    const rows = await trx
      .updateTable('outbox')
      .set({ status: 'in_flight', lease_owner: options.owner, lease_until: leaseUntil })
      // On PostgreSQL the locking sub-select must run exactly once: as a plain IN it may be
      // rescanned during the update, and a rescan with SKIP LOCKED returns further rows.
      .where((eb) => (postgres ? sql<boolean>`${eb.ref('id')} = any(array(${picked}))` : eb('id', 'in', picked)))
      .where(claimable)
      .returningAll()
      .execute();
    return rows
      .map(parseCommand)
      .sort((a, b) =>
        a.next_attempt_at < b.next_attempt_at ? -1 : a.next_attempt_at > b.next_attempt_at ? 1 : a.id - b.id,
      );
  };
  return postgres ? claim(db) : withinTransaction(db, claim);
}

/**
 * The ATS answered: the command is done; or, `skipped`, the dispatcher gave it up without
 * sending it. False when `owner` no longer holds the lease.
 */
export async function completeCommand(
  db: Db,
  id: number,
  owner: string,
  outcome: { now: string; result?: unknown; requestId?: string | null; skipped?: boolean },
): Promise<boolean> {
  const now = assertInstant(outcome.now, 'completeCommand now');
  const result = await leased(db, id, owner, outcome.skipped ? 'skipped' : 'done')
    .set({
      done_at: now,
      lease_until: null,
      result: outcome.result === undefined ? null : canonicalJson(outcome.result),
      ...(outcome.requestId !== undefined ? { request_id: outcome.requestId } : {}),
    })
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * A transient failure: back to `pending` for another attempt at `nextAttemptAt`. `notSent`: the
 * call never reached the ATS (its circuit was open), so it does not count as an attempt.
 */
export async function retryCommand(
  db: Db,
  id: number,
  owner: string,
  retry: { error: string; nextAttemptAt: string; requestId?: string | null; uncounted?: boolean },
): Promise<boolean> {
  const nextAttemptAt = assertInstant(retry.nextAttemptAt, 'retryCommand nextAttemptAt');
  const result = await leased(db, id, owner, 'pending')
    .set((eb) => ({
      attempts: retry.uncounted ? eb.ref('attempts') : eb('attempts', '+', 1),
      next_attempt_at: nextAttemptAt,
      lease_owner: null,
      lease_until: null,
      last_error: retry.error,
      ...(retry.requestId !== undefined ? { request_id: retry.requestId } : {}),
    }))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives up: the command is `dead` until an administrator requeues it. */
export async function deadLetterCommand(
  db: Db,
  id: number,
  owner: string,
  error: string,
  requestId?: string | null,
): Promise<boolean> {
  const result = await leased(db, id, owner, 'dead')
    .set((eb) => ({
      attempts: eb('attempts', '+', 1),
      lease_owner: null,
      lease_until: null,
      last_error: error,
      ...(requestId !== undefined ? { request_id: requestId } : {}),
    }))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Dead-lettered commands, newest first: a page by offset, or after a key (`beforeId`: ids below it). */
export async function listDeadLetters(
  db: Db,
  page: { limit: number; offset?: number; beforeId?: number },
): Promise<OutboxCommand[]> {
  let query = db.selectFrom('outbox').selectAll().where('status', '=', 'dead');
  if (page.beforeId !== undefined) query = query.where('id', '<', page.beforeId);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset ?? 0)
    .execute();
  return rows.map(parseCommand);
}

/** A command's key, kind and status by its id (the admin's retry checks it first); undefined when unknown. */
export async function getCommandStatus(db: Db, id: number) {
  return db
    .selectFrom('outbox')
    .select(['id', 'source', 'ats_id', 'campaign', 'kind', 'status', 'idempotency_key'])
    .where('id', '=', id)
    .executeTakeFirst();
}

/** A dead command goes back to `pending`, due at `now`, attempts reset. False if it was not dead. */
export async function requeueDeadLetter(db: Db, id: number, now: string): Promise<boolean> {
  assertInstant(now, 'requeueDeadLetter now');
  const result = await move(db, 'dead', 'pending')
    .set({ attempts: 0, next_attempt_at: now, lease_owner: null, lease_until: null })
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * A command the dispatcher skipped goes back to `pending`, due at `now` (its key is taken, so it
 * cannot be enqueued anew). False when no skipped command has that key.
 */
export async function reviveSkippedCommand(db: Db, idempotencyKey: string, now: string): Promise<boolean> {
  assertInstant(now, 'reviveSkippedCommand now');
  const result = await move(db, 'skipped', 'pending')
    .set({
      attempts: 0,
      next_attempt_at: now,
      done_at: null,
      result: null,
      lease_owner: null,
      lease_until: null,
      last_error: null,
    })
    .where('idempotency_key', '=', idempotencyKey)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The commands of one offer, oldest first (for its timeline). */
export async function listOfferCommands(
  db: Db,
  offer: { source: string; ats_id: string; campaign: number },
): Promise<OutboxCommand[]> {
  const rows = await db
    .selectFrom('outbox')
    .selectAll()
    .where('source', '=', offer.source)
    .where('ats_id', '=', offer.ats_id)
    .where('campaign', '=', offer.campaign)
    .orderBy('id')
    .execute();
  return rows.map(parseCommand);
}

export interface OutboxStats {
  byStatus: Record<OutboxStatus, number>;
  /** Pending commands already due. */
  due: number;
  /** How late the most overdue pending command is; null when none is due. */
  oldestDueAgeMs: number | null;
}

export async function outboxStats(db: Db, now: string): Promise<OutboxStats> {
  assertInstant(now, 'outboxStats now');
  const counts = await db
    .selectFrom('outbox')
    .select((eb) => ['status', eb.fn.countAll<number>().as('count')])
    .groupBy('status')
    .execute();
  const byStatus = Object.fromEntries(OUTBOX_STATUSES.map((status) => [status, 0])) as Record<OutboxStatus, number>;
  for (const { status, count } of counts) byStatus[status] = Number(count);
  const due = await db
    .selectFrom('outbox')
    .select((eb) => [eb.fn.countAll<number>().as('due'), eb.fn.min('next_attempt_at').as('oldest')])
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .executeTakeFirstOrThrow();
  return {
    byStatus,
    due: Number(due.due),
    oldestDueAgeMs: due.oldest ? Math.max(0, msBetween(due.oldest, now)) : null,
  };
}

/** Moves the commands in state `from` to `to`, a move `OUTBOX_MOVES` allows (narrow it with `where`). */
function move<F extends OutboxStatus>(db: Db, from: F, to: OutboxMove<F>) {
  return db.updateTable('outbox').set({ status: to }).where('status', '=', from);
}

/** The command `id`, still leased to `owner`, moves to `to`. */
function leased(db: Db, id: number, owner: string, to: OutboxMove<'in_flight'>) {
  return move(db, 'in_flight', to).where('id', '=', id).where('lease_owner', '=', owner);
}

function parseCommand(row: Selectable<OutboxTable>): OutboxCommand {
  return {
    ...row,
    payload: JSON.parse(row.payload) as unknown,
    result: row.result === null ? null : (JSON.parse(row.result) as unknown),
  };
}

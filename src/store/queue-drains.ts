import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import { addMs, assertInstant } from './instant.js';
import type { QueuePoisonElementsTable } from './schema.js';
import { withinTransaction } from './transaction.js';

/**
 * The drains of the ATS's queues (docs/talentlink.md §5).
 *
 * Leases: one drain per queue across every instance, because a poison element (a read answered
 * 403/404, without an id) can only be cleared with "delete the oldest element", which deletes
 * the wrong element if another drain handled the oldest meanwhile. A lease is taken for
 * `leaseMs`, renewed while the drain runs, and released at its end; an instance that dies
 * leaves it to expire.
 *
 * Poison elements: recorded before they are cleared, never silently dropped. Recording the same
 * element again (a run that stopped between the record and the delete) finds its row: by element
 * id when it has one, else the queue's unconfirmed row of the same code (the oldest element
 * cannot change while one drain alone reads the queue).
 */

export interface LeaseRequest {
  queueName: string;
  /** The drain's identity (instance and process): only it renews or releases its lease. */
  owner: string;
  now: string;
  leaseMs: number;
}

/**
 * Takes the queue's lease when it is free, expired, or already this owner's. False when another
 * owner holds it. One statement: on PostgreSQL the insert's conflict check waits for a rival's
 * insert to commit, so two instances cannot both take it; SQLite serialises writers.
 */
export async function takeDrainLease(db: Db, request: LeaseRequest): Promise<boolean> {
  const now = assertInstant(request.now, 'takeDrainLease now');
  const until = addMs(now, request.leaseMs);
  const row = await db
    .insertInto('queue_drain_leases')
    .values({ queue_name: request.queueName, owner: request.owner, lease_until: until, taken_at: now, renewed_at: now })
    .onConflict((oc) =>
      oc
        .column('queue_name')
        .doUpdateSet({ owner: request.owner, lease_until: until, taken_at: now, renewed_at: now })
        .where((eb) =>
          eb.or([eb('queue_drain_leases.lease_until', '<=', now), eb('queue_drain_leases.owner', '=', request.owner)]),
        ),
    )
    .returning('owner')
    .executeTakeFirst();
  return row?.owner === request.owner;
}

/**
 * Extends this owner's lease to `now + leaseMs`. False when the lease is no longer its own (it
 * expired and another drain took it): the caller stops at once.
 */
export async function renewDrainLease(db: Db, request: LeaseRequest): Promise<boolean> {
  const now = assertInstant(request.now, 'renewDrainLease now');
  const result = await db
    .updateTable('queue_drain_leases')
    .set({ lease_until: addMs(now, request.leaseMs), renewed_at: now })
    .where('queue_name', '=', request.queueName)
    .where('owner', '=', request.owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Gives the lease up (the end of a run). False when it was not this owner's any more. */
export async function releaseDrainLease(db: Db, request: Pick<LeaseRequest, 'queueName' | 'owner'>): Promise<boolean> {
  const result = await db
    .deleteFrom('queue_drain_leases')
    .where('queue_name', '=', request.queueName)
    .where('owner', '=', request.owner)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export interface DrainLeaseRow {
  queueName: string;
  owner: string;
  leaseUntil: string;
}

/** Who holds the queue's lease, if anyone (an expired lease is still shown, with its end). */
export async function drainLeaseOf(db: Db, queueName: string): Promise<DrainLeaseRow | null> {
  const row = await db
    .selectFrom('queue_drain_leases')
    .select(['queue_name', 'owner', 'lease_until'])
    .where('queue_name', '=', queueName)
    .executeTakeFirst();
  return row ? { queueName: row.queue_name, owner: row.owner, leaseUntil: row.lease_until } : null;
}

export type PoisonElementRow = Selectable<QueuePoisonElementsTable>;

export interface NewPoisonElement {
  queueName: string;
  queueKind: 'job' | 'posting';
  elementId: string | null;
  jobId: string | null;
  postingId: string | null;
  code: string;
  message: string;
}

/** Records a poison element, or counts one more sighting of the row already holding it. */
export async function recordPoisonElement(
  db: Db,
  poison: NewPoisonElement,
  now: string,
): Promise<{ id: number; occurrences: number }> {
  assertInstant(now, 'recordPoisonElement now');
  return withinTransaction(db, async (trx) => {
    let existing = trx
      .selectFrom('queue_poison_elements')
      .select(['id'])
      .where('queue_name', '=', poison.queueName)
      .orderBy('id', 'desc')
      .limit(1);
    existing =
      poison.elementId !== null
        ? existing.where('element_id', '=', poison.elementId)
        : existing.where('element_id', 'is', null).where('cleared_at', 'is', null).where('code', '=', poison.code);
    const found = await existing.executeTakeFirst();
    if (found) {
      const row = await trx
        .updateTable('queue_poison_elements')
        .set((eb) => ({ occurrences: eb('occurrences', '+', 1), last_seen_at: now, message: poison.message }))
        .where('id', '=', found.id)
        .returning(['id', 'occurrences'])
        .executeTakeFirstOrThrow();
      return { id: row.id, occurrences: row.occurrences };
    }
    const row = await trx
      .insertInto('queue_poison_elements')
      .values({
        queue_name: poison.queueName,
        queue_kind: poison.queueKind,
        element_id: poison.elementId,
        job_id: poison.jobId,
        posting_id: poison.postingId,
        code: poison.code,
        message: poison.message,
        recorded_at: now,
        last_seen_at: now,
        occurrences: 1,
        cleared_at: null,
      })
      .returning(['id', 'occurrences'])
      .executeTakeFirstOrThrow();
    return { id: row.id, occurrences: row.occurrences };
  });
}

/** The poison element is gone from its queue (deleted now, or found gone). */
export async function markPoisonCleared(db: Db, id: number, now: string): Promise<boolean> {
  assertInstant(now, 'markPoisonCleared now');
  const result = await db
    .updateTable('queue_poison_elements')
    .set({ cleared_at: now })
    .where('id', '=', id)
    .where('cleared_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/**
 * After a read of the queue's oldest element: every unconfirmed poison row of the queue whose
 * element is not that oldest one no longer blocks it (elements leave a queue only by this
 * drain's deletes, so a poison element still there would still be the oldest and still read as
 * poison). This settles a run that stopped after deleting a poison element and before marking
 * it. `oldestElementId` is the id read, or null when the queue answered empty. Returns how many
 * rows were confirmed.
 */
export async function confirmPoisonCleared(
  db: Db,
  queueName: string,
  oldestElementId: string | null,
  now: string,
): Promise<number> {
  assertInstant(now, 'confirmPoisonCleared now');
  let update = db
    .updateTable('queue_poison_elements')
    .set({ cleared_at: now })
    .where('queue_name', '=', queueName)
    .where('cleared_at', 'is', null);
  if (oldestElementId !== null)
    update = update.where((eb) => eb.or([eb('element_id', 'is', null), eb('element_id', '!=', oldestElementId)]));
  const result = await update.executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface PoisonPage {
  /** Every recorded poison element matching the filter (not only this page). */
  total: number;
  /** Newest first. */
  rows: PoisonElementRow[];
}

/** Poison elements for the administrators, newest first, with their count. */
export async function listPoisonElements(
  db: Db,
  page: { limit: number; offset?: number; queueName?: string },
): Promise<PoisonPage> {
  let base = db.selectFrom('queue_poison_elements');
  if (page.queueName !== undefined) base = base.where('queue_name', '=', page.queueName);
  const counted = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('recorded_at', 'desc')
    .orderBy('id', 'desc')
    .limit(page.limit)
    .offset(page.offset ?? 0)
    .execute();
  return { total: Number(counted.total), rows };
}

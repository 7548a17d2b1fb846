import { appendLedger } from '../store/ledger.js';
import { claimEvents, completeEvent, failEvent, type InboxRow } from '../store/inbox.js';
import { inTransaction } from '../store/transaction.js';
import type { Transaction } from 'kysely';
import type { Database } from '../store/schema.js';
import { jobProcessLabel, type JobProcessState } from '../domain/job-process-states.js';
import type { ProcessResult } from '../domain/job-process.js';
import { applySnapshot } from './apply.js';
import type { PipelineContext } from './context.js';
import { Loop, type LoopOptions } from './loop.js';
import { withRequestId } from './request-context.js';
import type { HandedSnapshots } from './handed-snapshots.js';
import { parseSnapshotBody, SNAPSHOT_EVENT, type ReadSnapshot } from './snapshot-events.js';

/**
 * Takes inbox rows under a lease and applies each in one transaction with its completion: a
 * crash before the commit leaves the lease to expire and the row is taken again, with the same
 * result. A row that cannot be read is failed with the reason (never retried forever).
 */

type Readable = { ok: true; read: ReadSnapshot } | { ok: false; error: string };

/**
 * The snapshot an inbox row carries, decoded by the ATS's port. A row of another kind (a
 * notification of the earlier, invented ATS left in an old database) is refused with the reason.
 */
export function readInboxRow(row: InboxRow, ats: PipelineContext['ats'], handed?: HandedSnapshots): Readable {
  const taken = handed?.take(row.source, row.event_id);
  if (taken) return { ok: true, read: taken };
  if (row.event_type !== SNAPSHOT_EVENT)
    return { ok: false, error: `UNSUPPORTED_EVENT: « ${row.event_type} » is not a job snapshot` };
  const body = parseSnapshotBody(row.body);
  if (!body.ok) return { ok: false, error: `INVALID_BODY: ${body.message}` };
  const decoded = ats.decodeJob(body.value.document, body.value.fetchedAt);
  if (!decoded.ok) return { ok: false, error: `${decoded.error.code}: ${decoded.error.message}` };
  return { ok: true, read: { snapshot: decoded.value, posting: body.value.posting, origin: body.value.origin } };
}

export interface InboxWorkerOptions extends Partial<LoopOptions> {
  owner: string;
  leaseMs?: number;
  batchSize?: number;
  /** Events applied in one transaction (default: 10 on SQLite, 1 on PostgreSQL). */
  eventsPerTransaction?: number;
  /** Called after a batch was applied (e.g. to wake the dispatcher for the commands it queued). */
  onBatch?: () => void;
}

export class InboxWorker extends Loop {
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly eventsPerTransaction: number;
  private readonly onBatch: (() => void) | undefined;

  constructor(
    private readonly ctx: PipelineContext,
    options: InboxWorkerOptions,
  ) {
    super('inbox', ctx.log, options);
    this.owner = options.owner;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.batchSize = options.batchSize ?? 50;
    // PostgreSQL: one event per transaction, so that an offer's row lock is never taken while the
    // ledger's lock is held (two instances would deadlock); its commits are cheap anyway.
    this.eventsPerTransaction = Math.max(1, options.eventsPerTransaction ?? (ctx.store.dialect === 'sqlite' ? 10 : 1));
    this.onBatch = options.onBatch;
  }

  /** Claims and applies one batch; returns how many rows were handled. */
  async runOnce(): Promise<number> {
    const { store, clock } = this.ctx;
    const rows = await claimEvents(store.db, {
      owner: this.owner,
      leaseMs: this.leaseMs,
      limit: this.batchSize,
      now: clock.now().toISOString(),
    });
    const read = rows.map((row) => ({ row, readable: readInboxRow(row, this.ctx.ats, this.ctx.snapshots) }));
    // A stop lets the claimed batch finish (see `Loop`): rows left leased would wait for their
    // lease to expire before anyone, this service restarted included, could take them.
    for (let i = 0; i < read.length; i += this.eventsPerTransaction) {
      const group = read.slice(i, i + this.eventsPerTransaction);
      if (!(group.length > 1 && (await this.applyTogether(group)))) {
        for (const { row, readable } of group) {
          await withRequestId(row.event_id, () => this.handle(row, readable));
        }
      }
      // SQLite answers synchronously: without this, a batch (and the next one, and the next)
      // would hold the event loop, and webhooks arriving meanwhile would wait for all of it.
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (rows.length > 0) this.onBatch?.();
    return rows.length;
  }

  /**
   * Several readable rows applied and completed in one transaction (SQLite: one commit instead
   * of one each, which is most of an event's cost). On any failure, nothing of it stays and the
   * caller applies the rows one by one, each failing alone as it would have.
   */
  private async applyTogether(group: { row: InboxRow; readable: Readable }[]): Promise<boolean> {
    const { store, log } = this.ctx;
    if (group.some(({ readable }) => !readable.ok)) return false;
    try {
      const results = await inTransaction(store, async (trx) => {
        const applied: ProcessResult[] = [];
        for (const { row, readable } of group) {
          const read = (readable as { ok: true; read: ReadSnapshot }).read;
          applied.push(await withRequestId(row.event_id, () => this.applyAndComplete(trx, row, read)));
        }
        return applied;
      });
      for (const [index, { row }] of group.entries())
        withRequestId(row.event_id, () => logStateChange(log, results[index]!));
      return true;
    } catch (error) {
      log.debug('inbox batch rolled back, rows applied one by one', {
        rows: group.length,
        error: error instanceof Error ? error.message : String(error),
      });
      return false;
    }
  }

  /** The row's snapshot applied and the row completed, in the caller's transaction. */
  private async applyAndComplete(
    trx: Transaction<Database>,
    row: InboxRow,
    read: ReadSnapshot,
  ): Promise<ProcessResult> {
    const now = this.ctx.clock.now();
    const applied = await applySnapshot(
      this.ctx,
      trx,
      read,
      { eventId: row.event_id, type: row.event_type, body: row.body },
      now,
    );
    // Our lease expired and another worker took the row: roll back, it will apply it.
    if (!(await completeEvent(trx, row.id, this.owner, now.toISOString()))) throw new LeaseLostError(row.id);
    return applied;
  }

  private async handle(row: InboxRow, readable: Readable): Promise<void> {
    const { store, clock, log } = this.ctx;
    if (!readable.ok) {
      const now = clock.now().toISOString();
      await inTransaction(store, async (trx) => {
        await failEvent(trx, row.id, this.owner, readable.error, now, { maxAttempts: 1 });
        await appendLedger(
          trx,
          [
            {
              offer_source: row.source,
              offer_ats_id: row.job_id,
              campaign: null,
              actor: 'system',
              kind: 'event.rejected',
              data: { eventId: row.event_id, error: readable.error },
            },
          ],
          now,
        );
      });
      log.warn('inbox event unreadable', { eventId: row.event_id, error: readable.error });
      return;
    }
    const read = readable.read;
    try {
      const result = await inTransaction(store, (trx) => this.applyAndComplete(trx, row, read));
      logStateChange(log, result);
    } catch (error) {
      if (error instanceof LeaseLostError) {
        log.warn('inbox lease lost, row left to its new owner', { inboxId: row.id });
        return;
      }
      const message = error instanceof Error ? error.message : String(error);
      log.error('inbox event failed', { inboxId: row.id, eventId: row.event_id, error: message });
      await failEvent(store.db, row.id, this.owner, message, clock.now().toISOString(), {
        retryAt: new Date(clock.now().getTime() + Math.min(60_000, 1000 * 2 ** row.attempts)).toISOString(),
      });
    }
  }
}

class LeaseLostError extends Error {
  constructor(id: number) {
    super(`lease of inbox row ${id} lost`);
  }
}

/** One line per change of state, after the commit: what an operator follows in the log. */
export function logStateChange(log: PipelineContext['log'], result: ProcessResult): void {
  const change = result.facts.find((f) => f.kind === 'state.changed');
  if (!change) return;
  const { from, to } = change.data as { from: JobProcessState | null; to: JobProcessState };
  const offer = result.memory.snapshot;
  log.info('offer state changed', {
    jobNumber: offer.jobNumber,
    jobId: offer.atsId,
    campaign: result.memory.campaign,
    from,
    to,
    label: jobProcessLabel(to),
    commands: result.commands.map((c) => c.kind),
  });
}

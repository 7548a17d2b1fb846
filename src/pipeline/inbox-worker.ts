import { parseJobDocument, parseNotification } from '../../connectors/talentlink/payload.js';
import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import { appendLedger } from '../store/ledger.js';
import { claimEvents, completeEvent, failEvent, type InboxRow } from '../store/inbox.js';
import { inTransaction } from '../store/transaction.js';
import { stateLabel, type OfferState } from '../domain/workflow-states.js';
import type { TransitionResult } from '../domain/workflow.js';
import { applyDocument } from './apply.js';
import type { PipelineContext } from './context.js';
import { Loop, type LoopOptions } from './loop.js';
import { withRequestId } from './request-context.js';

/**
 * Takes inbox rows under a lease and applies each in one transaction with its completion: a
 * crash before the commit leaves the lease to expire and the row is taken again, with the same
 * result. A row that cannot be read is failed with the reason (never retried forever).
 */

export const SNAPSHOT_EVENT = 'job.snapshot';

type Readable = { ok: true; doc: JobDocument | null } | { ok: false; error: string };

/** The job document an inbox row carries (`null` for a queue alert, which carries none). */
export function readInboxRow(row: InboxRow): Readable {
  if (row.event_type === SNAPSHOT_EVENT) {
    const parsed = parseJobDocument(row.body, 'json');
    return parsed.ok ? { ok: true, doc: parsed.job } : { ok: false, error: `${parsed.error.code}: ${parsed.error.message}` };
  }
  const parsed = parseNotification(row.body, row.content_type);
  if (!parsed.ok) return { ok: false, error: `${parsed.error.code}: ${parsed.error.message}` };
  return { ok: true, doc: parsed.kind === 'notification' ? parsed.notification.job : null };
}

export interface InboxWorkerOptions extends Partial<LoopOptions> {
  owner: string;
  leaseMs?: number;
  batchSize?: number;
  /** Called after a batch was applied (e.g. to wake the dispatcher for the commands it queued). */
  onBatch?: () => void;
}

export class InboxWorker extends Loop {
  private readonly owner: string;
  private readonly leaseMs: number;
  private readonly batchSize: number;
  private readonly onBatch: (() => void) | undefined;

  constructor(
    private readonly ctx: PipelineContext,
    options: InboxWorkerOptions,
  ) {
    super('inbox', ctx.log, options);
    this.owner = options.owner;
    this.leaseMs = options.leaseMs ?? 30_000;
    this.batchSize = options.batchSize ?? 50;
    this.onBatch = options.onBatch;
  }

  /** Claims and applies one batch; returns how many rows were handled. */
  async runOnce(): Promise<number> {
    const { store, clock } = this.ctx;
    const rows = await claimEvents(store.db, { owner: this.owner, leaseMs: this.leaseMs, limit: this.batchSize, now: clock.now().toISOString() });
    for (const row of rows) {
      if (this.stopping) break;
      await withRequestId(row.event_id, () => this.handle(row));
    }
    if (rows.length > 0) this.onBatch?.();
    return rows.length;
  }

  private async handle(row: InboxRow): Promise<void> {
    const { store, clock, log } = this.ctx;
    const readable = readInboxRow(row);
    if (!readable.ok || readable.doc === null) {
      const now = clock.now().toISOString();
      await inTransaction(store, async (trx) => {
        if (!readable.ok) {
          await failEvent(trx, row.id, this.owner, readable.error, now, { maxAttempts: 1 });
          await appendLedger(trx, [{ offer_source: row.source, offer_ats_id: row.job_id, campaign: null, actor: 'system', kind: 'event.rejected', data: { eventId: row.event_id, error: readable.error } }], now);
        } else {
          await completeEvent(trx, row.id, this.owner, now);
        }
      });
      if (!readable.ok) log.warn('inbox event unreadable', { eventId: row.event_id, error: readable.error });
      return;
    }
    const doc = readable.doc;
    try {
      const result = await inTransaction(store, async (trx) => {
        const now = clock.now();
        const applied = await applyDocument(this.ctx, trx, doc, { eventId: row.event_id, type: row.event_type, origin: originOf(row), body: row.body }, now);
        if (!(await completeEvent(trx, row.id, this.owner, now.toISOString()))) {
          // Our lease expired and another worker took the row: roll back, it will apply it.
          throw new LeaseLostError(row.id);
        }
        return applied;
      });
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
export function logStateChange(log: PipelineContext['log'], result: TransitionResult): void {
  const change = result.facts.find((f) => f.kind === 'state.changed');
  if (!change) return;
  const { from, to } = change.data as { from: OfferState | null; to: OfferState };
  const offer = result.memory.offer;
  log.info('offer state changed', {
    jobNumber: offer.jobNumber,
    jobId: offer.atsId,
    campaign: result.memory.campaign,
    from,
    to,
    label: stateLabel(to),
    commands: result.commands.map((c) => c.kind),
  });
}

function originOf(row: InboxRow): string {
  if (row.event_id.startsWith('cmd:')) return 'command';
  if (row.event_id.startsWith('recon:')) return 'reconciliation';
  if (row.event_id.startsWith('fetch:')) return 'fetch';
  return row.content_type.includes('queue') ? 'queue' : 'webhook';
}

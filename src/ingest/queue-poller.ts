import type { AtsConnector, AtsError, QueueElement } from '../../connectors/ats-connector.js';
import { parseNotification } from '../../connectors/talentlink/payload.js';
import type { Clock, Logger } from '../pipeline/context.js';
import { Loop } from '../pipeline/loop.js';
import type { Store } from '../store/database.js';
import { insertEvent, type NewInboxEvent } from '../store/inbox.js';
import { notificationEvent, storableText, TALENTLINK_SOURCE, UNREADABLE_EVENT } from './inbox-event.js';
import type { AcceptedEvent } from './webhook-route.js';

/**
 * Pull mode (spec §4): each configured queue is read element by element until it is empty.
 * An element is acknowledged only once its inbox row is committed; if the commit or the
 * acknowledgement fails, the ATS hands the element out again (after 60 s) and the inbox's
 * unique event id turns the second copy into a duplicate, which is then acknowledged.
 *
 * An element that cannot be read is still stored (event type `unreadable`, exact body) and
 * acknowledged: the inbox worker then fails it with its reason and records the rejection in the
 * ledger, and the queue is not blocked by it. Only an element without a usable id cannot be
 * acknowledged at all (the client reports it as a read failure); it is logged on every read.
 *
 * Runs every `intervalMs`, and at once for a queue named by `poke` (queue alert mode).
 */

export type QueueOutcome = 'accepted' | 'duplicate' | 'unreadable' | 'read-failed' | 'store-failed' | 'ack-failed' | 'redelivered';

export interface QueuePollerDeps {
  store: Store;
  ats: Pick<AtsConnector, 'readQueue' | 'ackQueue'>;
  clock: Clock;
  log: Logger;
  /** The only queues ever read; an alert or a poke cannot add one. */
  queueNames: readonly string[];
  /** After a new inbox row was committed (wake the inbox worker). Must not throw. */
  onAccepted?: (event: AcceptedEvent) => void;
  /** Once per element or failure, for the metrics. Must not throw. */
  onOutcome?: (outcome: QueueOutcome, queueName: string) => void;
}

export interface QueuePollerOptions {
  /** Sleep between two reads of every queue when there was nothing to read. */
  intervalMs: number;
  /** Sleep after an unexpected error; default 5 s. */
  errorMs?: number;
  /** Elements read from one queue in one run, so `stop()` is not kept waiting; default 100. */
  maxPerRun?: number;
}

export interface DrainReport {
  queueName: string;
  /** Elements acknowledged (each is in the inbox). */
  acknowledged: number;
  inserted: number;
  duplicates: number;
  unreadable: number;
  /** The queue answered empty. */
  empty: boolean;
  /** Why reading stopped before the queue was empty (the rest is read on the next run). */
  stoppedBy?: { outcome: QueueOutcome; code: string; message: string };
}

export class QueuePoller extends Loop {
  private readonly due = new Set<string>();
  private readonly maxPerRun: number;

  constructor(
    private readonly deps: QueuePollerDeps,
    options: QueuePollerOptions,
  ) {
    super('queue-poller', deps.log, { idleMs: options.intervalMs, errorMs: options.errorMs ?? 5000 });
    if (deps.queueNames.length === 0) throw new Error('queue poller: no queue configured (queueNames)');
    this.maxPerRun = options.maxPerRun ?? 100;
  }

  /** Reads `queueName` at once (queue alert); false, and nothing read, for a queue not configured. */
  override poke(queueName?: string): boolean {
    if (queueName !== undefined) {
      if (!this.deps.queueNames.includes(queueName)) return false;
      this.due.add(queueName);
    }
    super.poke();
    return true;
  }

  /**
   * Drains the poked queues, or every queue when none was poked (a periodic run). Returns the
   * elements handled, or at least 1 while some queue is due again (not empty yet, or poked during
   * the run), so the loop runs again at once instead of sleeping.
   */
  async runOnce(): Promise<number> {
    const queues = this.due.size > 0 ? [...this.due] : [...this.deps.queueNames];
    this.due.clear();
    let handled = 0;
    for (const queueName of queues) {
      if (this.stopping) break;
      const report = await this.drainQueue(queueName);
      handled += report.acknowledged;
      if (!report.empty && !report.stoppedBy) this.due.add(queueName);
    }
    return this.due.size > 0 ? Math.max(handled, 1) : handled;
  }

  /** Reads one queue until it is empty, `max` elements were handled, or a failure stops it. */
  async drainQueue(queueName: string, max = this.maxPerRun): Promise<DrainReport> {
    const { ats, log } = this.deps;
    const report: DrainReport = { queueName, acknowledged: 0, inserted: 0, duplicates: 0, unreadable: 0, empty: false };
    if (!this.deps.queueNames.includes(queueName)) throw new Error(`queue poller: queue ${JSON.stringify(queueName)} is not configured`);
    const stop = (outcome: QueueOutcome, error: Pick<AtsError, 'code' | 'message'>, meta: Record<string, unknown> = {}) => {
      report.stoppedBy = { outcome, code: error.code, message: error.message };
      this.outcome(outcome, queueName);
      log.warn('queue reading stopped', { queueName, outcome, code: error.code, error: error.message, ...meta });
      return report;
    };
    const seen = new Set<string>();
    while (report.acknowledged < max && !this.stopping) {
      const read = await ats.readQueue(queueName);
      if (!read.ok) return stop('read-failed', read.error);
      if (read.value === null) {
        report.empty = true;
        break;
      }
      const element = read.value;
      const eventId = element.notificationId;
      // An element acknowledged and handed out again in the same run: the ATS did not take the
      // acknowledgement; reading on would only spin.
      if (seen.has(eventId)) return stop('redelivered', { code: 'REDELIVERED', message: 'element handed out again after its acknowledgement' }, { eventId });
      seen.add(eventId);
      let stored: StoredElement;
      try {
        stored = await this.store(element, queueName);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        return stop('store-failed', { code: 'STORE_UNAVAILABLE', message }, { eventId });
      }
      report[stored.result === 'duplicate' ? 'duplicates' : stored.unreadable ? 'unreadable' : 'inserted'] += 1;
      this.outcome(stored.result === 'duplicate' ? 'duplicate' : stored.unreadable ? 'unreadable' : 'accepted', queueName);
      if (stored.result === 'inserted') this.safely(() => this.deps.onAccepted?.(stored.event));
      // Only now, with the row committed, may the ATS forget the element.
      const ack = await ats.ackQueue(queueName, eventId);
      if (!ack.ok && ack.error.kind !== 'already-applied') return stop('ack-failed', ack.error, { eventId });
      report.acknowledged += 1;
      log.info('queue element ingested', { queueName, eventId, type: stored.event.type, jobId: stored.event.jobId, outcome: stored.result });
    }
    return report;
  }

  private async store(element: QueueElement, queueName: string): Promise<StoredElement> {
    const receivedAt = this.deps.clock.now();
    const row = queueRow(element, receivedAt);
    if (row.unreadable) {
      this.deps.log.warn('queue element unreadable, stored for the record', { queueName, eventId: element.notificationId, reason: row.unreadable });
    }
    const result = await insertEvent(this.deps.store.db, row.event);
    return {
      result,
      unreadable: row.unreadable !== undefined,
      event: { id: row.event.event_id, type: row.event.event_type, jobId: row.event.job_id ?? '' },
    };
  }

  private outcome(outcome: QueueOutcome, queueName: string): void {
    this.safely(() => this.deps.onOutcome?.(outcome, queueName));
  }

  private safely(fn: () => void): void {
    try {
      fn();
    } catch (error) {
      this.deps.log.error('queue poller hook failed', { error: error instanceof Error ? error.message : String(error) });
    }
  }
}

interface StoredElement {
  result: 'inserted' | 'duplicate';
  unreadable: boolean;
  event: AcceptedEvent;
}

/**
 * The inbox row of a queue element. The content type carries `origin=queue` (a parameter the
 * parser ignores) so the ledger tells queue events from pushed ones. A body that is not storable
 * text is kept byte for byte in base64.
 */
export function queueRow(element: QueueElement, receivedAt: Date): { event: NewInboxEvent; unreadable?: string } {
  const contentType = `${element.contentType}; origin=queue`;
  const text = storableText(element.body);
  const parsed = parseNotification(element.body, element.contentType);
  if (text.ok && parsed.ok && parsed.kind === 'notification' && parsed.notification.id === element.notificationId) {
    return { event: notificationEvent(parsed.notification, { text: text.text, contentType }, receivedAt) };
  }
  const unreadable = !text.ok
    ? text.reason
    : !parsed.ok
      ? `${parsed.error.code}: ${parsed.error.message}`
      : parsed.kind === 'queue-alert'
        ? 'a queue alert inside a queue, where full notifications are expected'
        : `the element id ${JSON.stringify(element.notificationId)} differs from the notification id`;
  const event: NewInboxEvent = {
    source: TALENTLINK_SOURCE,
    event_id: element.notificationId,
    event_type: UNREADABLE_EVENT,
    occurred_at: null,
    received_at: receivedAt.toISOString(),
    content_type: text.ok ? contentType : 'application/octet-stream; origin=queue; transfer-encoding=base64',
    body: text.ok ? text.text : element.body.toString('base64'),
    job_id: null,
    job_version: null,
  };
  return { event, unreadable };
}

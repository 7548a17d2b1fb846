import type { AtsFailure, AtsPort, JobRead, QueueElement, QueueRef } from '../../connectors/ats-port.js';
import type { JobPosting } from '../domain/job-snapshot.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/database.js';
import { insertEvent } from '../store/inbox.js';
import {
  confirmPoisonCleared,
  markPoisonCleared,
  recordPoisonElement,
  releaseDrainLease,
  renewDrainLease,
  takeDrainLease,
} from '../store/queue-drains.js';
import { snapshotEvent } from '../pipeline/snapshot-events.js';

/**
 * Drains one queue of the ATS (docs/talentlink.md §5): peek the oldest element → read its job (a posting
 * element: the posting with its job, in one call) → commit the observation to the inbox →
 * delete the element by id. Each step is durable before the next, so a crash between any two
 * loses nothing and applies nothing twice: the element stays until its job is committed, and
 * the inbox row's key comes from what was read (`snapshot-event.ts`), so committing the same
 * observation again is a duplicate.
 *
 * A poison element (its read answered 403/404, or its job is gone, or its document cannot be
 * read) is recorded first, then deleted, so the queue flows again. A transient or throttled
 * failure stops the run and leaves the element for the next run (the scheduler backs off).
 * One drain per queue across every instance: a lease in the database, renewed at each element
 * and always just before "delete the oldest", which would delete the wrong element otherwise.
 */

export type DrainPort = Pick<
  AtsPort,
  'name' | 'peekQueue' | 'fetchJob' | 'fetchPosting' | 'deleteQueueElement' | 'deleteOldestQueueElement'
>;

export interface QueueDrainDeps {
  store: Store;
  ats: DrainPort;
  clock: Clock;
  log: Logger;
  /** This instance's identity in the leases, e.g. `host:pid:random`. */
  owner: string;
  /** How long a lease lasts without renewal (an instance that died frees its queues after it); default 60 s. */
  leaseMs?: number;
  /** Elements handled in one run, so that a busy queue does not hold the drain for ever; default 100. */
  maxPerRun?: number;
  /** After a new inbox row was committed (wake the inbox worker). Must not throw. */
  onCommitted?: (event: { id: string; jobId: string }) => void;
}

/** Why a run ended. Only `bound` means "run again soon"; `failed` means "back off". */
export type DrainEnd = 'empty' | 'bound' | 'busy' | 'lease-lost' | 'aborted' | 'failed';

export type DrainStep = 'peek' | 'fetch' | 'commit' | 'delete' | 'clear';

export interface DrainReport {
  queueName: string;
  end: DrainEnd;
  /** New inbox rows. */
  committed: number;
  /** Observations already in the inbox (a run that stopped after its commit). */
  duplicates: number;
  /** Elements deleted after their commit. */
  deleted: number;
  /** Poison elements recorded and cleared. */
  poison: number;
  failure?: AtsFailure & { step: DrainStep };
}

/** The element cannot be read: its object is out of reach, gone, or unreadable (docs/talentlink.md §5). */
const POISON_ON_PEEK = new Set(['ELEMENT_FORBIDDEN', 'ELEMENT_GONE']);
/** The element's job (or posting) is gone, its document cannot be read, or its id cannot be sent. */
const POISON_ON_FETCH = new Set(['NOT_FOUND', 'INVALID_RESPONSE', 'INVALID_ARGUMENT']);

export const DEFAULT_DRAIN_LEASE_MS = 60_000;
export const DEFAULT_DRAIN_MAX_PER_RUN = 100;

export function createQueueDrain(
  deps: QueueDrainDeps,
): (queue: QueueRef, signal?: AbortSignal) => Promise<DrainReport> {
  const leaseMs = deps.leaseMs ?? DEFAULT_DRAIN_LEASE_MS;
  const maxPerRun = deps.maxPerRun ?? DEFAULT_DRAIN_MAX_PER_RUN;
  const { store, ats, log } = deps;
  const now = () => deps.clock.now().toISOString();
  const lease = (queue: QueueRef) => ({ queueName: queue.name, owner: deps.owner, now: now(), leaseMs });

  return async function drain(queue, signal) {
    const report: DrainReport = {
      queueName: queue.name,
      end: 'empty',
      committed: 0,
      duplicates: 0,
      deleted: 0,
      poison: 0,
    };
    if (!(await takeDrainLease(store.db, lease(queue)))) return { ...report, end: 'busy' };
    const failed = (step: DrainStep, error: AtsFailure): DrainReport => {
      // A limit or an open circuit is logged once per episode where it is seen (`HoldRegister`), not at every drain.
      const held = error.kind === 'throttled' || error.code === 'CIRCUIT_OPEN';
      (held ? log.debug : log.warn).call(log, 'queue drain stopped', {
        queueName: queue.name,
        step,
        kind: error.kind,
        code: error.code,
        error: error.message,
      });
      return { ...report, end: 'failed', failure: { ...error, step } };
    };
    /** Clears a poison element once recorded; undefined when it was cleared, else how the run ends. */
    const poison = async (element: QueueElement | null, error: AtsFailure): Promise<DrainReport | undefined> => {
      const record = await recordPoisonElement(
        store.db,
        {
          queueName: queue.name,
          queueKind: queue.kind,
          elementId: element?.elementId ?? null,
          jobId: element?.kind === 'job' ? element.jobId : null,
          postingId: element?.kind === 'posting' ? element.postingId : null,
          code: error.code,
          message: error.message,
        },
        now(),
      );
      log.warn('queue element poisoned, recorded then cleared', {
        queueName: queue.name,
        elementId: element?.elementId ?? null,
        code: error.code,
        error: error.message,
        occurrences: record.occurrences,
      });
      let cleared: Awaited<ReturnType<AtsPort['deleteQueueElement']>>;
      if (element) cleared = await ats.deleteQueueElement(queue, element.elementId);
      else if (!(await renewDrainLease(store.db, lease(queue)))) return { ...report, end: 'lease-lost' };
      else cleared = await ats.deleteOldestQueueElement(queue);
      if (!cleared.ok && cleared.error.kind !== 'already-applied') return failed('clear', cleared.error);
      await markPoisonCleared(store.db, record.id, now());
      report.poison += 1;
      return undefined;
    };

    const deletedThisRun = new Set<string>();
    try {
      for (let handled = 0; ; handled++) {
        if (signal?.aborted) return { ...report, end: 'aborted' };
        if (handled >= maxPerRun) return { ...report, end: 'bound' };
        if (handled > 0 && !(await renewDrainLease(store.db, lease(queue)))) return { ...report, end: 'lease-lost' };

        const peeked = await ats.peekQueue(queue);
        if (!peeked.ok) {
          if (!POISON_ON_PEEK.has(peeked.error.code)) return failed('peek', peeked.error);
          const stop = await poison(null, peeked.error);
          if (stop) return stop;
          continue;
        }
        const element = peeked.value;
        // What was the oldest element and is not any more has left the queue: its poison row is confirmed cleared.
        await confirmPoisonCleared(store.db, queue.name, element?.elementId ?? null, now());
        if (element === null) return { ...report, end: 'empty' };
        if (deletedThisRun.has(element.elementId)) {
          return failed('delete', {
            kind: 'permanent',
            code: 'REDELIVERED',
            message: `queue ${JSON.stringify(queue.name)}: element ${element.elementId} came back after it was deleted`,
          });
        }

        const read = await readElement(ats, element);
        if (!read.ok) {
          if (!POISON_ON_FETCH.has(read.error.code)) return failed('fetch', read.error);
          // The ATS lists live postings only (docs/talentlink.md §2): a posting not found was taken down before
          // its element was read (often by the connector itself). Recorded as such, not as a fault.
          const notLive = element.kind === 'posting' && read.error.code === 'NOT_FOUND';
          const stop = await poison(element, notLive ? { ...read.error, code: 'POSTING_NOT_LIVE' } : read.error);
          if (stop) return stop;
          continue;
        }
        const row = snapshotEvent(ats.name, read.value.job, { origin: 'queue', element, posting: read.value.posting });
        if (!row.ok) {
          const stop = await poison(element, { kind: 'permanent', code: 'INVALID_RESPONSE', message: row.message });
          if (stop) return stop;
          continue;
        }
        const stored = await insertEvent(store.db, row.event);
        if (stored === 'inserted') {
          report.committed += 1;
          safely(log, () => deps.onCommitted?.({ id: row.event.event_id, jobId: row.event.job_id ?? '' }));
        } else report.duplicates += 1;

        // Only now, with the observation committed, may the ATS forget the element.
        const deleted = await ats.deleteQueueElement(queue, element.elementId);
        if (!deleted.ok && deleted.error.kind !== 'already-applied') return failed('delete', deleted.error);
        deletedThisRun.add(element.elementId);
        report.deleted += 1;
        log.debug('queue element ingested', {
          queueName: queue.name,
          elementId: element.elementId,
          jobId: row.event.job_id,
          outcome: stored,
        });
      }
    } finally {
      await releaseDrainLease(store.db, { queueName: queue.name, owner: deps.owner }).catch((error: unknown) => {
        // The lease then expires by itself; nothing else to do.
        log.error('queue drain lease not released', {
          queueName: queue.name,
          error: error instanceof Error ? error.message : String(error),
        });
      });
    }
  };
}

type ElementRead = { ok: true; value: { job: JobRead; posting: JobPosting | null } } | { ok: false; error: AtsFailure };

async function readElement(ats: DrainPort, element: QueueElement): Promise<ElementRead> {
  if (element.kind === 'job') {
    const job = await ats.fetchJob(element.jobId, { lane: 'routine' });
    return job.ok ? { ok: true, value: { job: job.value, posting: null } } : job;
  }
  const read = await ats.fetchPosting(element.postingId);
  return read.ok ? { ok: true, value: { job: read.value.job, posting: read.value.posting } } : read;
}

function safely(log: Logger, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    log.error('queue drain hook failed', { error: error instanceof Error ? error.message : String(error) });
  }
}

import type { ChangeCursor } from '../../connectors/ats-port.js';
import { getCursor, setCursor } from '../store/cursors.js';
import { inTransaction } from '../store/transaction.js';
import type { PipelineContext } from './context.js';
import { storeSnapshots } from './snapshot-events.js';

/**
 * Catches what the queues and their alerts missed: lists the jobs changed since the cursor
 * (keyset on the instant of their last change, oldest first, docs/talentlink.md §2) and puts each one in the
 * inbox as a snapshot. A job already there with the same document is a duplicate and costs
 * nothing. Keyset paging does not move under the listing: a job that changes while it runs
 * (the connector's own team calls included) only comes again at the end, with its new instant.
 * The cursor is saved with each page's snapshots, in the same transaction, so a run interrupted
 * at any point resumes where it stopped.
 */

export const RECONCILE_CURSOR = 'reconcile:changes';
/** The first run lists this far back. */
export const RECONCILE_FIRST_LOOKBACK_MS = 30 * 24 * 3600_000;
/** Pages of one run at the most, so that one run never holds the call budget for long. */
const MAX_PAGES = 50;
/** Waits on the gateway's "over limit" in one run before it gives up until the next. */
const MAX_THROTTLED_WAITS = 10;

export type ReconcileResult =
  | { ok: true; listed: number; inserted: number; since: string; more: boolean }
  | { ok: false; error: string; listed: number };

type ListOptions = {
  pageSize?: number;
  initialSince?: string;
  pageAttempts?: number;
  retryPauseMs?: number;
  maxPages?: number;
};

function parseCursor(text: string | null): ChangeCursor | null {
  if (!text) return null;
  try {
    const value = JSON.parse(text) as ChangeCursor;
    if (typeof value.since === 'string' && Array.isArray(value.seenAtSince)) return value;
  } catch {
    // An instant alone (a cursor written before the keyset): start from it.
  }
  return Number.isNaN(Date.parse(text)) ? null : { since: text, seenAtSince: [] };
}

/**
 * `pageAttempts`: tries of one page on a transient failure before the run gives up (the circuit
 * open: at once; the next run goes on from the cursor). A gateway limit is waited out.
 */
export async function reconcile(ctx: PipelineContext, options: ListOptions = {}): Promise<ReconcileResult> {
  const { store, clock, ats, log } = ctx;
  const start = parseCursor(await getCursor(store.db, RECONCILE_CURSOR)) ?? {
    since: options.initialSince ?? new Date(clock.now().getTime() - RECONCILE_FIRST_LOOKBACK_MS).toISOString(),
    seenAtSince: [],
  };
  let cursor = start;
  let listed = 0;
  let inserted = 0;
  for (let page = 1; page <= (options.maxPages ?? MAX_PAGES); page++) {
    let result = await ats.listChangedJobs(cursor, options.pageSize ?? 100);
    // The gateway's "over limit" is a wait, not a failure: the page is asked again once the time
    // it gave has passed (a few times at most in one run, each spending no attempt).
    for (let attempt = 2, waits = 0; !result.ok; ) {
      const error = result.error;
      if (error.kind === 'throttled' && waits < MAX_THROTTLED_WAITS) {
        waits += 1;
        await new Promise((resolve) => setTimeout(resolve, error.retryAfterMs ?? 1_000));
      } else if (
        error.kind === 'transient' &&
        error.code !== 'CIRCUIT_OPEN' &&
        attempt <= (options.pageAttempts ?? 1)
      ) {
        await new Promise((resolve) => setTimeout(resolve, (options.retryPauseMs ?? 250) * (attempt - 1)));
        attempt += 1;
      } else break;
      result = await ats.listChangedJobs(cursor, options.pageSize ?? 100);
    }
    if (!result.ok) {
      log.warn('reconciliation interrupted', { code: result.error.code, page });
      return { ok: false, error: `${result.error.code}: ${result.error.message}`, listed };
    }
    const pageResult = result.value;
    const nowIso = clock.now().toISOString();
    const stored = await inTransaction(store, async (trx) => {
      const rows = await storeSnapshots(trx, ats.name, pageResult.jobs, 'listing');
      await setCursor(trx, RECONCILE_CURSOR, JSON.stringify(pageResult.next), nowIso);
      return rows;
    });
    for (const s of stored) ctx.snapshots?.put(ats.name, s.eventId, s.read);
    listed += pageResult.jobs.length;
    inserted += stored.length;
    cursor = pageResult.next;
    if (!pageResult.more) {
      log.info('reconciliation done', { listed, inserted });
      return { ok: true, listed, inserted, since: start.since, more: false };
    }
  }
  log.info('reconciliation paused, the next run goes on', { listed, inserted });
  return { ok: true, listed, inserted, since: start.since, more: true };
}

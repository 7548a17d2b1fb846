import type { AtsConnector } from '../../connectors/ats-connector.js';
import { getCursor, setCursor } from '../store/cursors.js';
import { insertEvent } from '../store/inbox.js';
import { inTransaction } from '../store/transaction.js';
import type { PipelineContext } from './context.js';
import { SNAPSHOT_EVENT } from './inbox-worker.js';

/**
 * Catches what notifications missed: lists the jobs changed since the cursor (paged, oldest
 * first) and puts each document in the inbox as a snapshot. The event id carries the job's
 * version, so a job already seen at that version is a duplicate and costs nothing. The cursor
 * moves only once every page was read, back by an overlap to absorb clock differences.
 */

const CURSOR = 'reconcile:talentlink';
export const RECONCILE_OVERLAP_MS = 2 * 60_000;

export type ReconcileResult = { ok: true; listed: number; inserted: number; since: string } | { ok: false; error: string; listed: number };

type ListOptions = { pageSize?: number; initialSince?: string; pageAttempts?: number; retryPauseMs?: number };

/**
 * How many times one run lists the changes when the listing moved under it. The listing is
 * paged by number, oldest change first: a job that changes during the run leaves its place for
 * the end, every job after it moves up by one, and the first job of the next page slips onto a
 * page already read. Seeing a job twice in one listing tells that this happened; the run then
 * lists again (what it already has costs nothing: the event ids carry the versions). A run whose
 * listings all moved leaves the cursor where it was, so the next run lists the same changes.
 */
const MAX_LISTINGS = 3;

/**
 * `pageAttempts`: tries of one page before the run gives up (the circuit open: at once). A run
 * that gives up leaves the cursor where it was, so with one try per page a flaky ATS (a fifth of
 * calls failing) would almost never finish a listing of many pages, and the window it must list
 * would only grow: lost notifications would wait for the ATS to heal.
 */
export async function reconcile(ctx: PipelineContext & { ats: AtsConnector }, options: ListOptions = {}): Promise<ReconcileResult> {
  const { store, clock, log } = ctx;
  const startedAt = clock.now();
  const since = (await getCursor(store.db, CURSOR)) ?? options.initialSince ?? new Date(startedAt.getTime() - 30 * 24 * 3600_000).toISOString();
  let listed = 0;
  let inserted = 0;
  for (let listing = 1; ; listing++) {
    const result = await listOnce(ctx, since, options);
    listed += result.listed;
    if (!result.ok) return { ok: false, error: result.error, listed };
    inserted += result.inserted;
    if (!result.moved) break;
    if (listing === MAX_LISTINGS) {
      log.warn('reconciliation: the listing kept moving, cursor kept', { listings: listing, listed, inserted });
      return { ok: true, listed, inserted, since };
    }
    log.info('reconciliation: a job changed during the listing, listing again', { listing });
  }
  const next = new Date(startedAt.getTime() - RECONCILE_OVERLAP_MS).toISOString();
  await setCursor(store.db, CURSOR, next > since ? next : since, clock.now().toISOString());
  log.info('reconciliation done', { listed, inserted });
  return { ok: true, listed, inserted, since };
}

/** One listing of the changes since `since`, page after page, into the inbox; `moved`: a job came twice. */
async function listOnce(
  ctx: PipelineContext & { ats: AtsConnector },
  since: string,
  options: ListOptions,
): Promise<{ ok: true; listed: number; inserted: number; moved: boolean } | { ok: false; error: string; listed: number }> {
  const { store, clock, ats, log } = ctx;
  const pageSize = options.pageSize ?? 200;
  const seen = new Set<string>();
  let moved = false;
  let listed = 0;
  let inserted = 0;
  for (let page = 1; ; page++) {
    let result = await ats.listChanged(since, page, pageSize);
    for (let attempt = 2; !result.ok && result.error.kind === 'transient' && result.error.code !== 'CIRCUIT_OPEN' && attempt <= (options.pageAttempts ?? 1); attempt++) {
      await new Promise((resolve) => setTimeout(resolve, (options.retryPauseMs ?? 250) * (attempt - 1)));
      result = await ats.listChanged(since, page, pageSize);
    }
    if (!result.ok) {
      log.warn('reconciliation interrupted', { code: result.error.code, page });
      return { ok: false, error: `${result.error.code}: ${result.error.message}`, listed };
    }
    const nowIso = clock.now().toISOString();
    inserted += await inTransaction(store, async (trx) => {
      let n = 0;
      for (const job of result.value.items) {
        const outcome = await insertEvent(trx, {
          source: 'talentlink',
          event_id: `recon:${job.id}:v${job.version}`,
          event_type: SNAPSHOT_EVENT,
          occurred_at: null,
          received_at: nowIso,
          content_type: 'application/json',
          body: JSON.stringify(job),
          job_id: job.id,
          job_version: job.version,
        });
        if (outcome === 'inserted') n += 1;
      }
      return n;
    });
    for (const job of result.value.items) {
      if (seen.has(job.id)) moved = true;
      seen.add(job.id);
    }
    listed += result.value.items.length;
    if (result.value.items.length === 0 || page * result.value.pageSize >= result.value.total) return { ok: true, listed, inserted, moved };
  }
}

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

/**
 * `pageAttempts`: tries of one page before the run gives up (the circuit open: at once). A run
 * that gives up leaves the cursor where it was, so with one try per page a flaky ATS (a fifth of
 * calls failing) would almost never finish a listing of many pages, and the window it must list
 * would only grow: lost notifications would wait for the ATS to heal.
 */
export async function reconcile(
  ctx: PipelineContext & { ats: AtsConnector },
  options: { pageSize?: number; initialSince?: string; pageAttempts?: number; retryPauseMs?: number } = {},
): Promise<ReconcileResult> {
  const { store, clock, ats, log } = ctx;
  const startedAt = clock.now();
  const since = (await getCursor(store.db, CURSOR)) ?? options.initialSince ?? new Date(startedAt.getTime() - 30 * 24 * 3600_000).toISOString();
  const pageSize = options.pageSize ?? 200;
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
    listed += result.value.items.length;
    if (result.value.items.length === 0 || page * result.value.pageSize >= result.value.total) break;
  }
  const next = new Date(startedAt.getTime() - RECONCILE_OVERLAP_MS).toISOString();
  await setCursor(store.db, CURSOR, next > since ? next : since, clock.now().toISOString());
  log.info('reconciliation done', { listed, inserted });
  return { ok: true, listed, inserted, since };
}

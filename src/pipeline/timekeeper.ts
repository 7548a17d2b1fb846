import { jobProcessStates, jobProcessTable } from '../domain/job-process-states.js';
import { getCursor, setCursor } from '../store/cursors.js';
import { appendLedger, serviceEntry } from '../store/ledger.js';
import { offerKeysInStates } from '../store/offer-keys.js';
import { inTransaction } from '../store/transaction.js';
import { applyToKnownOffer } from './apply.js';
import { logStateChange } from './inbox-worker.js';
import type { PipelineContext } from './context.js';
import { Loop, type LoopOptions } from './loop.js';

/**
 * Time drives the workflow too: when a window opens or closes in any body's time zone, or a new
 * text comes into force, every offer not yet settled is evaluated again. The last instant
 * checked is a cursor, so a boundary passed while the service was down is caught at start-up.
 */

const CURSOR = 'timekeeper';
const open = jobProcessStates.filter((s) => !jobProcessTable[s].final);

export interface Boundary {
  atMs: number;
  kind: 'window.opened' | 'window.closed' | 'ruleset.in_force';
  detail: Record<string, unknown>;
}

/** The boundaries in `(fromMs, toMs]`, from the rule sets and every time zone bodies can be in. */
export function boundariesBetween(ctx: Pick<PipelineContext, 'domain'>, fromMs: number, toMs: number): Boundary[] {
  const { ruleSets, organismsFile } = ctx.domain;
  const zones = [organismsFile.defaultTimeZone, ...organismsFile.territories.map((t) => t.timeZone)];
  const out: Boundary[] = [];
  const firstYear = new Date(fromMs).getUTCFullYear() - 1;
  const lastYear = new Date(toMs).getUTCFullYear() + 1;
  for (const rs of ruleSets.list) {
    if (rs.fromMs > fromMs && rs.fromMs <= toMs)
      out.push({ atMs: rs.fromMs, kind: 'ruleset.in_force', detail: { ruleSet: rs.id } });
    for (let year = firstYear; year <= lastYear; year++) {
      for (const zone of zones) {
        const w = rs.calendar.window(year, zone);
        // A window belongs to the text in force when it opens.
        if (w.startMs < rs.fromMs || w.startMs >= rs.toMs) continue;
        if (w.startMs > fromMs && w.startMs <= toMs)
          out.push({ atMs: w.startMs, kind: 'window.opened', detail: { campaign: year, timeZone: zone } });
        if (w.endMs > fromMs && w.endMs <= toMs)
          out.push({ atMs: w.endMs, kind: 'window.closed', detail: { campaign: year, timeZone: zone } });
      }
    }
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

export class Timekeeper extends Loop {
  constructor(
    private readonly ctx: PipelineContext,
    options: Partial<LoopOptions> = {},
  ) {
    super('timekeeper', ctx.log, { idleMs: 30_000, ...options });
  }

  /**
   * Asleep until the next boundary if it comes before the idle period ends: the window opens on
   * 1 January at midnight for every concerned job at once, and each second of sleep past it is
   * a second of every job's enforcement lost.
   */
  protected override idleDelayMs(): number {
    const now = this.ctx.clock.now().getTime();
    const next = boundariesBetween(this.ctx, now, now + this.options.idleMs)[0];
    return next ? Math.max(1, next.atMs - now + 1) : this.options.idleMs;
  }

  /** Returns the number of offers evaluated again (0 when no boundary was passed). */
  async runOnce(): Promise<number> {
    const { store, clock } = this.ctx;
    const now = clock.now();
    const last = await getCursor(store.db, CURSOR);
    const boundaries = last ? boundariesBetween(this.ctx, Date.parse(last), now.getTime()) : [];
    if (last && boundaries.length === 0) {
      await setCursor(store.db, CURSOR, now.toISOString(), now.toISOString());
      return 0;
    }
    const nowIso = now.toISOString();
    if (boundaries.length > 0) {
      await inTransaction(store, (trx) =>
        appendLedger(
          trx,
          boundaries.map((b) =>
            serviceEntry({ kind: b.kind, data: { ...b.detail, at: new Date(b.atMs).toISOString() } }),
          ),
          nowIso,
        ),
      );
    }
    const count = await this.tickOpenOffers(now);
    await setCursor(store.db, CURSOR, nowIso, nowIso);
    this.logger.info('offers evaluated again', { count, boundaries: boundaries.map((b) => b.kind) });
    return count;
  }

  /** Evaluates again, one transaction each, every offer whose state is not final. */
  async tickOpenOffers(now: Date): Promise<number> {
    const { store } = this.ctx;
    let count = 0;
    let after: [string, string, number] | null = null;
    for (;;) {
      const keys = await offerKeysInStates(store.db, open, after, 500);
      if (keys.length === 0) return count;
      for (const key of keys) {
        const result = await inTransaction(store, (trx) =>
          applyToKnownOffer(this.ctx, trx, key, { kind: 'tick', at: now.toISOString() }, now),
        );
        if (result) logStateChange(this.ctx.log, result);
        count += 1;
      }
      const lastKey = keys[keys.length - 1]!;
      after = [lastKey.source, lastKey.ats_id, lastKey.campaign];
    }
  }
}

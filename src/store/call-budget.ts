import type BetterSqlite3 from 'better-sqlite3';
import { sql, type Compilable, type Kysely } from 'kysely';
import { dialectOf, sqliteConnectionOf, type Db } from './database.js';
import type { Database } from './schema.js';
import { withinTransaction } from './transaction.js';

/**
 * The budget of ATS calls shared by every instance of the connector (one per API key): each
 * call takes a grant here first. A grant is atomic across instances: it locks the budget's row
 * (an upsert, which takes the row lock on PostgreSQL; on SQLite the grant is one synchronous
 * BEGIN IMMEDIATE transaction, which holds the file's write lock), counts the grants of the
 * window and the calls of the quota's 30 days, and records itself, all under that lock.
 *
 * Instants are epoch milliseconds here and ISO-8601 text in the tables (they sort as text).
 * The policy (lanes, waiting, the window's margin) is `src/pipeline/call-budget.ts`.
 */

const DAY_MS = 86_400_000;
/** The quota is counted over a rolling 30 days, reset daily (docs/talentlink.md §1, evidenced). */
export const QUOTA_DAYS = 30;
/**
 * Grants are kept this long after they leave the window before they are pruned: an instance
 * whose clock lags slightly behind the one that prunes must still see them in its window.
 */
const KEEP_AFTER_WINDOW_MS = 10_000;

export interface GrantRequest {
  budget: string;
  lane: string;
  /** Grants allowed in any window, all lanes together. */
  callsPerWindow: number;
  /**
   * Of each window's grants, `calls` are kept for `lane` while a call of that lane waits (on any
   * instance): the other lanes together then take no more than `callsPerWindow - calls`, while
   * `lane` may take them all. While none waits, every lane may use the whole window.
   */
  reserve: { lane: string; calls: number };
  windowMs: number;
  /** Calls allowed over the rolling 30 days, or null when the key has no monthly quota. */
  monthlyQuota: number | null;
  /**
   * Read once the budget is locked, so that the instant recorded is the grant's own and not the
   * moment the caller started waiting for the lock.
   */
  now: () => number;
}

export type GrantAnswer =
  | { granted: true; at: number }
  /** The window is full for this lane: a slot frees in `waitMs` at the earliest. */
  | { granted: false; reason: 'window'; waitMs: number }
  /** The quota is spent, or an instance was told so by the gateway (`stopped`). */
  | { granted: false; reason: 'quota' | 'stopped'; retryAfterMs: number };

/** What the rows say, as read under the lock. */
export interface BudgetRows {
  stoppedUntil: number | null;
  /** A call of the reserve's lane waits until this instant (it claimed the reserve), or null. */
  reserveClaimedUntil: number | null;
  /** Grants still in the window, oldest first (those of a clock running ahead included). */
  recent: { at: number; lane: string }[];
  /** Calls per UTC day over the last 30 days, days as `YYYY-MM-DD`. */
  days: { day: string; calls: number }[];
}

/** The decision alone (pure): grant now, or how long to wait. */
export function decideGrant(rows: BudgetRows, request: Omit<GrantRequest, 'now' | 'budget'>, now: number): GrantAnswer {
  if (rows.stoppedUntil !== null && rows.stoppedUntil > now) {
    return { granted: false, reason: 'stopped', retryAfterMs: rows.stoppedUntil - now };
  }
  if (request.monthlyQuota !== null) {
    const used = rows.days.reduce((sum, d) => sum + d.calls, 0);
    if (used >= request.monthlyQuota) {
      return { granted: false, reason: 'quota', retryAfterMs: quotaFreesInMs(rows.days, request.monthlyQuota, now) };
    }
  }
  const all = rows.recent.map((g) => g.at);
  let freeAt = slotFreesAt(all, request.callsPerWindow, request.windowMs);
  const claimed = rows.reserveClaimedUntil !== null && rows.reserveClaimedUntil > now;
  if (request.lane !== request.reserve.lane && claimed) {
    const others = rows.recent.filter((g) => g.lane !== request.reserve.lane).map((g) => g.at);
    const shared = slotFreesAt(others, request.callsPerWindow - request.reserve.calls, request.windowMs);
    if (shared !== null) freeAt = Math.max(freeAt ?? shared, shared);
  }
  if (freeAt !== null) return { granted: false, reason: 'window', waitMs: Math.max(1, freeAt - now) };
  return { granted: true, at: now };
}

/**
 * When fewer than `limit` of these grants (oldest first) will be in the window, or null when
 * they already are: once the oldest `length - limit + 1` have left it, a grant at g leaving it
 * at g + windowMs.
 */
function slotFreesAt(grants: number[], limit: number, windowMs: number): number | null {
  return grants.length < limit ? null : grants[grants.length - limit]! + windowMs;
}

/** Milliseconds until enough days have left the rolling 30 days for the quota to allow a call. */
function quotaFreesInMs(days: BudgetRows['days'], quota: number, now: number): number {
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const callsOn = new Map(days.map((d) => [d.day, d.calls]));
  let used = days.reduce((sum, d) => sum + d.calls, 0);
  for (let k = 1; k <= QUOTA_DAYS; k++) {
    // On day today + k, the day today - (30 - k) has left the window.
    used -= callsOn.get(dayOf(today - (QUOTA_DAYS - k) * DAY_MS)) ?? 0;
    if (used < quota) return today + k * DAY_MS - now;
  }
  return today + QUOTA_DAYS * DAY_MS - now;
}

const iso = (ms: number) => new Date(ms).toISOString();
const dayOf = (ms: number) => iso(ms).slice(0, 10);
const firstQuotaDay = (now: number) => dayOf(now - (QUOTA_DAYS - 1) * DAY_MS);

/**
 * The grant's statements in order, written once for both databases: the PostgreSQL driver runs
 * them in an async transaction, the SQLite driver in a synchronous one (see `grantCall`).
 */
function* grantSteps(db: Db, request: GrantRequest): Generator<Compilable<unknown>, GrantAnswer, unknown[]> {
  const { budget } = request;
  // Upserting the row locks it until the end of the transaction (and creates it the first time).
  const [row] = (yield db
    .insertInto('ats_call_budget')
    .values({ budget, stopped_until: null })
    .onConflict((oc) => oc.column('budget').doUpdateSet({ budget: (eb) => eb.ref('excluded.budget') }))
    .returning(['stopped_until', 'reserve_claimed_until'])) as {
    stopped_until: string | null;
    reserve_claimed_until: string | null;
  }[];
  const now = request.now();
  const recent = (yield db
    .selectFrom('ats_call_grants')
    .select(['granted_at', 'lane'])
    .where('budget', '=', budget)
    .where('granted_at', '>', iso(now - request.windowMs))
    .orderBy('granted_at')) as { granted_at: string; lane: string }[];
  const days =
    request.monthlyQuota === null
      ? []
      : ((yield db
          .selectFrom('ats_call_days')
          .select(['day', 'calls'])
          .where('budget', '=', budget)
          .where('day', '>=', firstQuotaDay(now))) as { day: string; calls: number }[]);
  const rows: BudgetRows = {
    stoppedUntil: row?.stopped_until ? Date.parse(row.stopped_until) : null,
    reserveClaimedUntil: row?.reserve_claimed_until ? Date.parse(row.reserve_claimed_until) : null,
    recent: recent.map((r) => ({ at: Date.parse(r.granted_at), lane: r.lane })),
    days: days.map((d) => ({ day: d.day, calls: Number(d.calls) })),
  };
  const answer = decideGrant(rows, request, now);
  if (!answer.granted) {
    // A take-down that must wait claims the reserve for two windows: the other lanes, on every
    // instance, then leave it its share until it has gone (it renews the claim while it waits).
    if (answer.reason === 'window' && request.lane === request.reserve.lane && request.reserve.calls > 0) {
      yield db
        .updateTable('ats_call_budget')
        .set({ reserve_claimed_until: iso(now + 2 * request.windowMs) })
        .where('budget', '=', budget);
    }
    return answer;
  }
  yield db.insertInto('ats_call_grants').values({ budget, granted_at: iso(now), lane: request.lane });
  yield db
    .insertInto('ats_call_days')
    .values({ budget, day: dayOf(now), calls: 1 })
    .onConflict((oc) =>
      oc.columns(['budget', 'day']).doUpdateSet((eb) => ({ calls: eb('ats_call_days.calls', '+', 1) })),
    );
  yield db
    .deleteFrom('ats_call_grants')
    .where('budget', '=', budget)
    .where('granted_at', '<=', iso(now - request.windowMs - KEEP_AFTER_WINDOW_MS));
  yield db.deleteFrom('ats_call_days').where('budget', '=', budget).where('day', '<', firstQuotaDay(now));
  return answer;
}

/**
 * Grants one call, or says how long to wait. On SQLite, pass the store's handle (not a
 * transaction): the grant runs as one synchronous transaction, so two handles of one process
 * never wait for each other's lock while the event loop is blocked.
 */
export async function grantCall(db: Db, request: GrantRequest): Promise<GrantAnswer> {
  if (dialectOf(db) === 'postgres') {
    return withinTransaction(db, async (trx) => {
      const steps = grantSteps(trx, request);
      let step = steps.next();
      while (!step.done) step = steps.next((await trx.executeQuery(step.value.compile())).rows as unknown[]);
      return step.value;
    });
  }
  const handle = sqliteConnectionOf(db);
  if (!handle) throw new TypeError("grantCall on SQLite: expected the store's handle, not a transaction");
  // `connection()` waits for any transaction of this store to end before the synchronous one runs.
  return (db as Kysely<Database>).connection().execute(async () =>
    handle
      .transaction(() => {
        const steps = grantSteps(db, request);
        let step = steps.next();
        while (!step.done) step = steps.next(runSync(handle, step.value));
        return step.value;
      })
      .immediate(),
  );
}

function runSync(handle: BetterSqlite3.Database, query: Compilable<unknown>): unknown[] {
  const compiled = query.compile();
  const statement = handle.prepare(compiled.sql);
  if (statement.reader) return statement.all(...(compiled.parameters as unknown[]));
  statement.run(...(compiled.parameters as unknown[]));
  return [];
}

/** Stops every instance until `untilMs` (an earlier stop already recorded is never shortened). */
export async function stopCalls(db: Db, budget: string, untilMs: number): Promise<void> {
  const until = iso(untilMs);
  await db
    .insertInto('ats_call_budget')
    .values({ budget, stopped_until: until })
    .onConflict((oc) =>
      oc.column('budget').doUpdateSet({
        stopped_until: sql<string>`case when ats_call_budget.stopped_until is null or ats_call_budget.stopped_until <
            excluded.stopped_until
          then excluded.stopped_until else ats_call_budget.stopped_until end`,
      }),
    )
    .execute();
}

export interface BudgetReading {
  /** Grants of every instance in the window ending now. */
  inWindow: number;
  /** Calls granted over the rolling 30 days. */
  quotaUsed: number;
  /** The stop recorded, if any (possibly already past). */
  stoppedUntil: number | null;
}

/** The budget as it stands, for metrics and the dashboard (no lock). */
export async function readCallBudget(
  db: Db,
  budget: string,
  at: { now: number; windowMs: number },
): Promise<BudgetReading> {
  const [row, window, quota] = await Promise.all([
    db.selectFrom('ats_call_budget').select('stopped_until').where('budget', '=', budget).executeTakeFirst(),
    db
      .selectFrom('ats_call_grants')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('budget', '=', budget)
      .where('granted_at', '>', iso(at.now - at.windowMs))
      .executeTakeFirstOrThrow(),
    db
      .selectFrom('ats_call_days')
      .select((eb) => eb.fn.sum<number | null>('calls').as('n'))
      .where('budget', '=', budget)
      .where('day', '>=', firstQuotaDay(at.now))
      .executeTakeFirstOrThrow(),
  ]);
  return {
    inWindow: Number(window.n),
    quotaUsed: Number(quota.n ?? 0),
    stoppedUntil: row?.stopped_until ? Date.parse(row.stopped_until) : null,
  };
}

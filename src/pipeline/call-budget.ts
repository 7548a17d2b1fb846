import type { CallBudget, CallLane } from '../../connectors/ats-port.js';
import { grantCall, readCallBudget, stopCalls } from '../store/call-budget.js';
import type { Db } from '../store/database.js';

/**
 * The budget of ATS calls of one API key, shared by every instance through the database
 * (`src/store/call-budget.ts` makes each grant atomic across instances). In this process,
 * waiting callers are served by lane: take-downs first, then approvers, then routine reads;
 * first come, first served within a lane. Only the head of the line asks the database; when the
 * window is full it sleeps until the earliest moment a slot can free up, so waiting costs one
 * query per freed slot, not a poll. A caller of a more urgent lane wakes it at once.
 *
 * The reserve: while a take-down waits for a slot (on any instance, a claim held in the
 * database), routine and approver calls together take no more than `callsPerSecond -
 * reservedForTakedowns` grants of any window, so the take-down gets its share within a window
 * whatever the surge; while none waits, every lane may use the whole window (the 1 January surge
 * of approvers to set runs at the key's full rate). Take-downs may always use the whole window.
 */

/**
 * Added to the gateway's 1,000 ms window. A call granted at t reaches the gateway at t + δ,
 * and the gateway counts arrivals: if the first of nine calls travels slower than the ninth,
 * their arrivals are closer together than their grants. δ varies with the network's jitter,
 * a new TLS connection (one or two more round trips, typically 50-150 ms over the Internet),
 * the event loop's delay between the grant and the send, and the instances' clock skew
 * (NTP-synchronised: a few ms). 100 ms covers these between a data centre and the vendor's
 * gateway; it costs throughput (8 calls per 1.1 s, 7.3 per second at most), a price worth not
 * being refused: a refusal
 * wastes the call and its wait. A setting, for a network known to be closer or farther.
 */
export const DEFAULT_WINDOW_MARGIN_MS = 100;

/** The gateway's sliding window (docs/talentlink.md §1). */
export const GATEWAY_WINDOW_MS = 1_000;

/** Most urgent first: the order in which this process serves its waiting callers. */
const LANES: readonly CallLane[] = ['takedown', 'approver', 'routine'];

export interface CallBudgetOptions {
  db: Db;
  /** Which budget: one per API key (default `talentlink`). */
  name?: string;
  /** The connector's own share of the key's limit, for all its instances (default 8). */
  callsPerSecond?: number;
  /** Calls over the rolling 30 days, or null when the key has no monthly quota (default). */
  monthlyQuota?: number | null;
  /** Of each window's calls, how many only take-downs may use (default 2). */
  reservedForTakedowns?: number;
  windowMarginMs?: number;
  clock: { now(): Date };
  /** Waits `ms`, or less when `signal` aborts (then resolves, never rejects). */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Told of each grant of this instance (metrics, traces). */
  onGrant?: (lane: CallLane, atMs: number) => void;
}

export type LaneCounts = Record<CallLane, number>;

export interface CallBudgetSnapshot {
  callsPerSecond: number;
  windowMs: number;
  reservedForTakedowns: number;
  /** Grants to this instance since it started (a counter: sum it over instances). */
  granted: LaneCounts & { total: number };
  /** Callers of this instance waiting for a slot. */
  waiting: LaneCounts;
  /** Grants of all instances in the window ending now. */
  inWindow: number;
  quota: { limit: number | null; used: number; left: number | null };
  /** ISO instant before which no instance calls, or null. */
  stoppedUntil: string | null;
}

export interface SharedCallBudget extends CallBudget {
  readonly windowMs: number;
  snapshot(): Promise<CallBudgetSnapshot>;
}

type TakeAnswer = Awaited<ReturnType<CallBudget['take']>>;

interface Waiter {
  lane: CallLane;
  settle(answer: TakeAnswer): void;
  fail(error: unknown): void;
}

export function createCallBudget(options: CallBudgetOptions): SharedCallBudget {
  const name = options.name ?? 'talentlink';
  const callsPerSecond = options.callsPerSecond ?? 8;
  const reserved = options.reservedForTakedowns ?? 2;
  const monthlyQuota = options.monthlyQuota ?? null;
  const margin = options.windowMarginMs ?? DEFAULT_WINDOW_MARGIN_MS;
  if (!Number.isInteger(callsPerSecond) || callsPerSecond < 1) {
    throw new RangeError(`createCallBudget callsPerSecond: expected an integer >= 1, got ${String(callsPerSecond)}`);
  }
  if (!Number.isInteger(reserved) || reserved < 0 || reserved >= callsPerSecond) {
    throw new RangeError(
      `createCallBudget reservedForTakedowns: expected an integer from 0 to ${callsPerSecond - 1}, ` +
        `got ${String(reserved)}`,
    );
  }
  if (monthlyQuota !== null && (!Number.isInteger(monthlyQuota) || monthlyQuota < 1)) {
    throw new RangeError(
      `createCallBudget monthlyQuota: expected null or an integer >= 1, got ${String(monthlyQuota)}`,
    );
  }
  if (!Number.isFinite(margin) || margin < 0) {
    throw new RangeError(`createCallBudget windowMarginMs: expected a number >= 0, got ${String(margin)}`);
  }
  const { db, clock } = options;
  const sleep = options.sleep ?? timerSleep;
  const windowMs = GATEWAY_WINDOW_MS + margin;

  const queues: Record<CallLane, Waiter[]> = { takedown: [], approver: [], routine: [] };
  const granted: LaneCounts = { takedown: 0, approver: 0, routine: 0 };
  let pumping = false;
  /** The waiter the pump sleeps for, and how to wake it. */
  let sleepingFor: Waiter | null = null;
  let wake: AbortController | null = null;

  const head = (): Waiter | undefined => LANES.map((lane) => queues[lane][0]).find((w) => w !== undefined);
  const everyone = (): Waiter[] => LANES.flatMap((lane) => queues[lane].splice(0));

  async function pump(): Promise<void> {
    if (pumping) return;
    pumping = true;
    try {
      for (let first = head(); first; first = head()) {
        const answer = await grantCall(db, {
          budget: name,
          lane: first.lane,
          callsPerWindow: callsPerSecond,
          reserve: { lane: 'takedown', calls: reserved },
          windowMs,
          monthlyQuota,
          now: () => clock.now().getTime(),
        });
        if (answer.granted) {
          granted[first.lane] += 1;
          options.onGrant?.(first.lane, answer.at);
          // The head itself, or, if it gave up during the query, the next caller of its lane:
          // the grant was checked against that lane's share.
          queues[first.lane].shift()?.settle({ ok: true });
        } else if (answer.reason === 'window') {
          // The head gave up during the query: ask again for the new one, whose lane may fit.
          if (head() !== first) continue;
          sleepingFor = first;
          wake = new AbortController();
          await sleep(answer.waitMs, wake.signal);
          sleepingFor = null;
          wake = null;
        } else {
          // Quota spent or stopped: every caller gives up for now (its work stays where it is).
          for (const waiter of everyone())
            waiter.settle({ ok: false, code: 'OVER_QUOTA', retryAfterMs: answer.retryAfterMs });
        }
      }
    } catch (error) {
      const failure = new Error(`call budget "${name}": the grant could not be recorded in the database`, {
        cause: error,
      });
      for (const waiter of everyone()) waiter.fail(failure);
    } finally {
      pumping = false;
    }
  }

  function take(lane: CallLane, signal?: AbortSignal): Promise<TakeAnswer> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise<TakeAnswer>((resolve, reject) => {
      const onAbort = () => {
        const queue = queues[lane];
        const at = queue.indexOf(waiter);
        if (at >= 0) queue.splice(at, 1);
        if (sleepingFor === waiter) wake?.abort();
        reject(signal!.reason);
      };
      const waiter: Waiter = {
        lane,
        settle: (answer) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(answer);
        },
        fail: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      queues[lane].push(waiter);
      // A more urgent caller than the one the pump waits for may fit in the window now.
      if (sleepingFor && LANES.indexOf(lane) < LANES.indexOf(sleepingFor.lane)) wake?.abort();
      void pump();
    });
  }

  return {
    windowMs,
    take,
    async quotaExhausted(untilMs: number): Promise<void> {
      await stopCalls(db, name, untilMs);
      // The waiters of this instance learn it at once rather than when a slot frees.
      wake?.abort();
    },
    async snapshot(): Promise<CallBudgetSnapshot> {
      const now = clock.now().getTime();
      const reading = await readCallBudget(db, name, { now, windowMs });
      return {
        callsPerSecond,
        windowMs,
        reservedForTakedowns: reserved,
        granted: { ...granted, total: granted.takedown + granted.approver + granted.routine },
        waiting: { takedown: queues.takedown.length, approver: queues.approver.length, routine: queues.routine.length },
        inWindow: reading.inWindow,
        quota: {
          limit: monthlyQuota,
          used: reading.quotaUsed,
          left: monthlyQuota === null ? null : Math.max(0, monthlyQuota - reading.quotaUsed),
        },
        stoppedUntil:
          reading.stoppedUntil !== null && reading.stoppedUntil > now
            ? new Date(reading.stoppedUntil).toISOString()
            : null,
      };
    },
  };
}

function timerSleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

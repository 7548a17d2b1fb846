import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { CallLane } from '../../../connectors/ats-port.js';
import { createCallBudget, type CallBudgetOptions } from '../../../src/pipeline/call-budget.js';
import { openDatabase, type Store } from '../../../src/store/database.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

const T0 = Date.parse('2026-03-02T09:00:00.000Z');
const DAY = 86_400_000;

/** Virtual time: sleepers wake only when the test advances the clock. */
class ManualClock {
  private timers: { at: number; wake: () => void }[] = [];
  constructor(public ms = T0) {}
  now = () => new Date(this.ms);
  sleep = (ms: number, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const timer = { at: this.ms + ms, wake: () => resolve() };
      this.timers.push(timer);
      signal.addEventListener('abort', () => {
        this.timers = this.timers.filter((t) => t !== timer);
        resolve();
      });
    });
  get sleepers() {
    return this.timers.length;
  }
  advance(ms: number) {
    this.ms += ms;
    const due = this.timers.filter((t) => t.at <= this.ms);
    this.timers = this.timers.filter((t) => t.at > this.ms);
    for (const t of due) t.wake();
  }
}

/** Virtual time that moves by itself: a sleeper wakes on the next turn, the clock jumps to its wake time. */
class RunningClock {
  constructor(public ms = T0) {}
  now = () => new Date(this.ms);
  sleep = async (ms: number) => {
    const at = this.ms + ms;
    await new Promise((resolve) => setImmediate(resolve));
    this.ms = Math.max(this.ms, at);
  };
}

/** The largest number of grants found in any span shorter than `windowMs`. */
function mostInAnyWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; j < sorted.length; j++) {
    while (sorted[j]! - sorted[i]! >= windowMs) i++;
    most = Math.max(most, j - i + 1);
  }
  return most;
}

describe.each(testDatabases())('shared ATS call budget on %s', (dialect) => {
  let store: TestStore;
  let other: Store;
  let budgets = 0;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'call-budget');
    other = await openDatabase(store.url); // a second instance: its own connection or pool
  });
  afterAll(async () => {
    await other?.close();
    await store?.cleanup();
  });

  /** Two instances of one fresh budget, one per database handle. */
  function pair(clock: ManualClock | RunningClock, settings: Partial<CallBudgetOptions> = {}) {
    const name = `budget-${++budgets}`;
    const grants: { lane: CallLane; at: number }[] = [];
    const make = (db: Store) =>
      createCallBudget({
        db: db.db,
        name,
        clock,
        sleep: clock.sleep,
        onGrant: (lane, at) => grants.push({ lane, at }),
        ...settings,
      });
    return { a: make(store), b: make(other), grants };
  }

  const settled = (clock: ManualClock, sleepers: number) => vi.waitFor(() => expect(clock.sleepers).toBe(sleepers));

  it('grants N calls per window to all instances together, the next when the oldest leaves the window', async () => {
    const clock = new ManualClock();
    const { a, b, grants } = pair(clock, { callsPerSecond: 3, reservedForTakedowns: 0 });
    expect(a.windowMs).toBe(1_100); // 1,000 ms and the default margin
    await a.take('routine');
    clock.advance(100);
    await b.take('routine');
    await a.take('routine');
    const fourth = b.take('routine');
    await settled(clock, 1);
    expect(await a.snapshot()).toMatchObject({ inWindow: 3, granted: { routine: 2, total: 2 } });
    expect((await b.snapshot()).waiting).toEqual({ takedown: 0, approver: 0, routine: 1 });
    clock.advance(999); // the first grant (at T0) leaves the window at T0 + 1,100
    await settled(clock, 1);
    expect(grants).toHaveLength(3);
    clock.advance(1);
    await expect(fourth).resolves.toEqual({ ok: true });
    expect(grants.map((g) => g.at - T0)).toEqual([0, 100, 100, 1_100]);
  });

  it('serves take-downs, then approvers, then routine reads, first come first served in a lane', async () => {
    const clock = new ManualClock();
    const { a } = pair(clock, { callsPerSecond: 2, reservedForTakedowns: 0, windowMarginMs: 0 });
    await a.take('routine');
    await a.take('routine');
    const order: string[] = [];
    const take = (lane: CallLane, label: string) => a.take(lane).then(() => order.push(label));
    const all = [
      take('routine', 'r1'),
      take('approver', 'a1'),
      take('routine', 'r2'),
      take('takedown', 't1'),
      take('approver', 'a2'),
    ];
    await settled(clock, 1);
    clock.advance(1_000);
    await vi.waitFor(() => expect(order).toEqual(['t1', 'a1']));
    await settled(clock, 1);
    clock.advance(1_000);
    await vi.waitFor(() => expect(order).toEqual(['t1', 'a1', 'a2', 'r1']));
    await settled(clock, 1);
    clock.advance(1_000);
    await Promise.all(all);
    expect(order).toEqual(['t1', 'a1', 'a2', 'r1', 'r2']);
  });

  it('across instances: lanes fill the window while no take-down waits, the reserve kept for one waiting', async () => {
    const clock = new ManualClock();
    const { a, b, grants } = pair(clock, { callsPerSecond: 4, reservedForTakedowns: 2, windowMarginMs: 0 });
    // No take-down waits: routine and approver calls take the whole window (the surge of 1 January).
    await a.take('routine');
    await b.take('approver');
    await a.take('approver');
    await b.take('routine');
    expect(grants).toHaveLength(4);
    // A take-down finds the window full: it waits, and claims the reserve on every instance.
    const takedown = a.take('takedown');
    await settled(clock, 1);
    const routines = [b.take('routine'), b.take('routine'), b.take('routine')];
    await settled(clock, 2);
    clock.advance(1_000);
    await takedown;
    // Of the next window, the other lanes get no more than N minus the reserve while the claim holds.
    await vi.waitFor(() => expect(grants.length).toBeGreaterThanOrEqual(7));
    // Across instances the order within the window is not promised (each serves its own callers
    // first); the reserve is: the take-down is granted in it, and the others take at most N minus 2.
    const next = grants.slice(4);
    const inWindow = next.filter((g) => g.at < clock.ms + 1_000);
    expect(inWindow.filter((g) => g.lane === 'takedown')).toHaveLength(1);
    expect(inWindow.filter((g) => g.lane === 'routine')).toHaveLength(2);
    clock.advance(1_000);
    await Promise.all(routines);
    expect(
      grants
        .slice(4)
        .map((g) => g.lane)
        .sort(),
    ).toEqual(['routine', 'routine', 'routine', 'takedown']);
  });

  it('stops every instance when the quota of the rolling 30 days is spent, until a day leaves it', async () => {
    const clock = new ManualClock(T0 - 29 * DAY); // day D-29
    const { a, b } = pair(clock, { callsPerSecond: 8, monthlyQuota: 5 });
    await a.take('routine');
    await a.take('routine');
    clock.ms = T0 - 31 * DAY; // older than the 30 days: must not count
    await b.take('routine');
    clock.ms = T0 - DAY + 5_000;
    await b.take('routine');
    await a.take('routine');
    expect((await b.snapshot()).quota).toEqual({ limit: 5, used: 4, left: 1 });
    clock.ms = T0 + 3_600_000; // day D, 10:00: four calls in the 30 days
    await b.take('takedown');
    const startOfNextDay = Date.parse('2026-03-03T00:00:00.000Z');
    const stop = { ok: false, code: 'OVER_QUOTA', retryAfterMs: startOfNextDay - clock.ms };
    await expect(a.take('takedown')).resolves.toEqual(stop);
    await expect(b.take('routine')).resolves.toEqual(stop);
    expect((await a.snapshot()).quota).toEqual({ limit: 5, used: 5, left: 0 });
    clock.ms = startOfNextDay; // day D-29 and its two calls have left the 30 days
    await expect(a.take('routine')).resolves.toEqual({ ok: true });
  });

  it('stops every instance when one is told the quota is spent, waiting callers included', async () => {
    const clock = new ManualClock();
    const { a, b } = pair(clock, { callsPerSecond: 1, reservedForTakedowns: 0 });
    await b.take('routine');
    const waiting = b.take('routine');
    await settled(clock, 1);
    await a.quotaExhausted(T0 + 60_000);
    await a.quotaExhausted(T0 + 30_000); // an earlier stop does not shorten it
    clock.advance(1_200);
    await expect(waiting).resolves.toEqual({ ok: false, code: 'OVER_QUOTA', retryAfterMs: 58_800 });
    await expect(a.take('takedown')).resolves.toEqual({ ok: false, code: 'OVER_QUOTA', retryAfterMs: 58_800 });
    expect((await b.snapshot()).stoppedUntil).toBe(new Date(T0 + 60_000).toISOString());
    clock.ms = T0 + 60_000;
    await expect(b.take('routine')).resolves.toEqual({ ok: true });
    expect((await a.snapshot()).stoppedUntil).toBeNull();
  });

  it('lets a waiting caller give up, and the slot goes to the next one', async () => {
    const clock = new ManualClock();
    const { a, grants } = pair(clock, { callsPerSecond: 1, reservedForTakedowns: 0, windowMarginMs: 0 });
    const gone = new AbortController();
    gone.abort(new Error('shutting down'));
    await expect(a.take('routine', gone.signal)).rejects.toThrow('shutting down');
    await a.take('routine');
    const controller = new AbortController();
    const first = a.take('routine', controller.signal);
    const second = a.take('routine');
    await settled(clock, 1);
    controller.abort(new Error('job cancelled'));
    await expect(first).rejects.toThrow('job cancelled');
    expect((await a.snapshot()).waiting.routine).toBe(1);
    await settled(clock, 1);
    clock.advance(1_000);
    await expect(second).resolves.toEqual({ ok: true });
    expect(grants.map((g) => g.at - T0)).toEqual([0, 1_000]);
  });

  it('never grants more than N calls in any window, whatever the lanes and instances (property)', async () => {
    const lane = fc.constantFrom<CallLane>('takedown', 'approver', 'routine');
    const call = fc.record({
      lane,
      instance: fc.constantFrom('a', 'b'),
      arrivesAfter: fc.integer({ min: 0, max: 2_500 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 3 }),
        fc.array(call, { maxLength: 16 }),
        async (n, r, calls) => {
          const reservedForTakedowns = Math.min(r, n - 1);
          const clock = new RunningClock();
          const budget = pair(clock, { callsPerSecond: n, reservedForTakedowns, windowMarginMs: 50 });
          const answers = await Promise.all(
            calls.map(async (c) => {
              await clock.sleep(c.arrivesAfter);
              return budget[c.instance as 'a' | 'b'].take(c.lane);
            }),
          );
          expect(answers.every((x) => x.ok)).toBe(true);
          expect(budget.grants).toHaveLength(calls.length);
          const times = budget.grants.map((g) => g.at);
          expect(mostInAnyWindow(times, 1_050)).toBeLessThanOrEqual(n);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('paces real calls of two instances on the real clock', async () => {
    const clock = { now: () => new Date() };
    const grants: number[] = [];
    const name = `real-${++budgets}`;
    const make = (db: Store) =>
      createCallBudget({
        db: db.db,
        name,
        clock,
        callsPerSecond: 4,
        reservedForTakedowns: 0,
        windowMarginMs: 0,
        onGrant: (_lane, at) => grants.push(at),
      });
    const [a, b] = [make(store), make(other)];
    const started = Date.now();
    await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).take('routine')));
    const elapsed = Date.now() - started;
    expect(grants).toHaveLength(10);
    expect(mostInAnyWindow(grants, 1_000)).toBeLessThanOrEqual(4);
    expect(elapsed).toBeGreaterThanOrEqual(2_000); // 4 + 4 + 2: the third batch waits two windows
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueueRef } from '../../../connectors/ats-port.js';
import { createQueueDrain, type DrainReport } from '../../../src/ingest/queue-drain.js';
import { QueueScheduler, type QueueSchedulerOptions } from '../../../src/ingest/queue-scheduler.js';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { drainLeaseOf } from '../../../src/store/queue-drains.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { MemoryQueueAts } from '../../support/memory-queue-ats.js';
import { observations } from './drain-support.js';

/**
 * The queues read on a timer as well as on alerts, with the same coalescing: a run that hit its
 * bound is followed by another, a throttled run holds the queue back for the time the gateway
 * asked, and `stop()` ends the run in progress and leaves no timer behind.
 */

const JOBS = 'EN3S offres';
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe.each(testDatabases())('queue scheduler on %s', (dialect) => {
  let store: TestStore;
  let ats: MemoryQueueAts;
  let queue: QueueRef;
  let scheduler: QueueScheduler | undefined;
  let runs: DrainReport[];

  const schedule = (options: Partial<QueueSchedulerOptions> & { maxPerRun?: number } = {}) => {
    const { maxPerRun, ...rest } = options;
    const drain = createQueueDrain({
      store,
      ats: ats.client('a'),
      clock: systemClock,
      log: silentLogger,
      owner: 'instance-a',
      ...(maxPerRun ? { maxPerRun } : {}),
    });
    scheduler = new QueueScheduler({
      queues: [queue],
      drain,
      clock: systemClock,
      log: silentLogger,
      intervalMs: 3_600_000,
      minGapMs: 10,
      onRun: (r) => runs.push(r),
      ...rest,
    });
    return scheduler;
  };

  beforeAll(async () => {
    store = await openTestStore(dialect, 'queue-scheduler');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    for (const table of ['inbox', 'queue_poison_elements', 'queue_drain_leases'] as const)
      await store.db.deleteFrom(table).execute();
    ats = new MemoryQueueAts();
    queue = ats.addQueue(JOBS, 'job');
    runs = [];
  });

  it('reads every queue at start and then on its timer, without any alert', async () => {
    ats.putJob('501');
    const s = schedule({ intervalMs: 40 });
    s.start();
    await s.idle();
    expect((await observations(store.db)).map((o) => o.jobId)).toEqual(['501']);
    ats.putJob('502');
    await pause(120);
    await s.idle();
    expect((await observations(store.db)).map((o) => o.jobId)).toEqual(['501', '502']);
    expect(runs.length).toBeGreaterThanOrEqual(2);
  });

  it('runs again after a run that stopped at its bound, until the queue is empty', async () => {
    for (let id = 510; id < 515; id++) ats.putJob(String(id));
    const s = schedule({ maxPerRun: 2 });
    expect(s.request(JOBS)).toBe('started');
    await s.idle();
    expect(runs.map((r) => [r.end, r.committed])).toEqual([
      ['bound', 2],
      ['bound', 2],
      ['empty', 1],
    ]);
    expect(s.request('autre file')).toBeUndefined();
  });

  it('after a throttled run, pokes wait for the time the gateway asked, then one run drains the queue', async () => {
    ats.putJob('520');
    ats.faults.push({
      op: 'peekQueue',
      when: 'before',
      fail: {
        kind: 'throttled',
        code: 'OVER_QPS',
        message: 'peekQueue: Account Over Queries Per Second Limit',
        retryAfterMs: 300,
      },
    });
    const s = schedule();
    s.request(JOBS);
    await s.idle().catch(() => undefined);
    await pause(5);
    expect(runs.map((r) => r.end)).toEqual(['failed']);
    const outcomes = Array.from({ length: 20 }, () => s.request(JOBS));
    expect(outcomes[0]).toBe('deferred');
    expect(s.status().queues[0]).toMatchObject({ running: false, waiting: true });
    expect(new Set(outcomes.slice(1))).toEqual(new Set(['coalesced']));
    await pause(150);
    expect(runs).toHaveLength(1);
    expect(ats.calls.filter((c) => c.op === 'peekQueue')).toHaveLength(1);
    await s.idle();
    expect(runs.map((r) => r.end)).toEqual(['failed', 'empty']);
    expect((await observations(store.db)).map((o) => o.jobId)).toEqual(['520']);
  });

  it('after transient failures, the wait doubles from the gap up to the back-off; a success resets it', async () => {
    ats.putJob('530');
    const failing = {
      op: 'peekQueue',
      when: 'before',
      fail: { kind: 'transient', code: 'HTTP_503', message: 'peekQueue: HTTP 503' },
    } as const;
    ats.faults.push(failing, failing, failing, failing);
    // A clock that stands still: each wait is read exactly off the queue's "not before".
    const T = Date.parse('2027-02-03T09:00:00.000Z');
    const s = schedule({ minGapMs: 10, backoffMs: 40, clock: { now: () => new Date(T) } });
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      s.request(JOBS);
      await s.idle();
      waits.push(Date.parse(s.status().queues[0]!.notBefore!) - T);
    }
    expect(runs.map((r) => r.end)).toEqual(['failed', 'failed', 'failed', 'failed', 'empty']);
    expect(waits).toEqual([10, 20, 40, 40, 10]);
  });

  it('stop() ends the run in progress after its element, releases the lease and leaves no timer', async () => {
    const before = timers();
    ats = new MemoryQueueAts({ latencyMs: 20 });
    queue = ats.addQueue(JOBS, 'job');
    for (let id = 530; id < 550; id++) ats.putJob(String(id));
    const s = schedule({ intervalMs: 30 });
    s.start();
    // Stop in the middle of the run, once an element went through.
    while (!ats.calls.some((c) => c.op === 'deleteQueueElement')) await pause(5);
    await s.stop();
    expect(runs.map((r) => r.end)).toEqual(['aborted']);
    const committed = (await observations(store.db)).length;
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(20);
    expect(ats.waiting(JOBS)).toHaveLength(20 - committed);
    expect(await drainLeaseOf(store.db, JOBS)).toBeNull();
    expect(s.status()).toMatchObject({
      timer: false,
      queues: [{ name: JOBS, running: false, again: false, waiting: false }],
    });
    // Other timers (the database pool's) come and go; the scheduler's are all gone.
    expect(timers()).toBeLessThanOrEqual(before);
    expect(s.request(JOBS)).toBe('stopped');
    await pause(100);
    expect(runs).toHaveLength(1);
  });
});

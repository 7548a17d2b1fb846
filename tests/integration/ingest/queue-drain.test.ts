import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { QueueRef } from '../../../connectors/ats-port.js';
import { createQueueDrain, type QueueDrainDeps } from '../../../src/ingest/queue-drain.js';
import { silentLogger } from '../../../src/logger.js';
import type { Store } from '../../../src/store/database.js';
import { listPoisonElements, takeDrainLease } from '../../../src/store/queue-drains.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { MemoryQueueAts, throttledFailure, transientFailure, type QueueOp } from '../../support/memory-queue-ats.js';
import { crashingOnInsert, observations, steppingClock } from './drain-support.js';

/**
 * Draining a queue: peek → fetch → commit → delete, on real databases against an in-memory
 * tenant that behaves as docs/talentlink.md §5 says. A crash between any two steps, then a new run, loses
 * nothing and commits each observation once; poison elements are recorded and cleared.
 */

const JOBS = 'EN3S offres';
const POSTINGS = 'EN3S diffusions';

describe.each(testDatabases())('queue drain on %s', (dialect) => {
  let store: TestStore;
  let ats: MemoryQueueAts;
  let jobs: QueueRef;
  let postings: QueueRef;
  let clock: ReturnType<typeof steppingClock>;
  const drainWith = (overrides: Partial<QueueDrainDeps> = {}) =>
    createQueueDrain({ store, ats: ats.client('a'), clock, log: silentLogger, owner: 'instance-a', ...overrides });

  beforeAll(async () => {
    store = await openTestStore(dialect, 'queue-drain');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    for (const table of ['inbox', 'queue_poison_elements', 'queue_drain_leases'] as const)
      await store.db.deleteFrom(table).execute();
    clock = steppingClock();
    ats = new MemoryQueueAts({ now: () => clock.now() });
    jobs = ats.addQueue(JOBS, 'job');
    postings = ats.addQueue(POSTINGS, 'posting');
  });

  it('commits each element’s job to the inbox, then deletes it, oldest first, until the queue is empty', async () => {
    for (const id of ['31', '32', '33']) ats.putJob(id);
    const committed: string[] = [];
    const report = await drainWith({ onCommitted: (e) => committed.push(e.jobId) })(jobs);
    expect(report).toEqual({ queueName: JOBS, end: 'empty', committed: 3, duplicates: 0, deleted: 3, poison: 0 });
    expect(committed).toEqual(['31', '32', '33']);
    expect(ats.waiting(JOBS)).toEqual([]);
    const seen = await observations(store.db);
    expect(seen.map((o) => [o.jobId, o.title, o.postingId])).toEqual([
      ['31', 'Offre 31', null],
      ['32', 'Offre 32', null],
      ['33', 'Offre 33', null],
    ]);
    expect(seen[0]!.eventId).toMatch(/^job-read:31:\d+:[0-9a-f]{64}$/);
    // The lease was released at the end of the run.
    expect(
      await takeDrainLease(store.db, {
        queueName: JOBS,
        owner: 'someone-else',
        now: clock.now().toISOString(),
        leaseMs: 1000,
      }),
    ).toBe(true);
  });

  it('reads a posting element as the posting with its job, in one call', async () => {
    ats.putJob('41');
    const postingId = ats.publish('41');
    const report = await drainWith()(postings);
    expect(report).toMatchObject({ end: 'empty', committed: 1, deleted: 1 });
    expect(ats.calls.filter((c) => c.op === 'fetchPosting' || c.op === 'fetchJob').map((c) => c.op)).toEqual([
      'fetchPosting',
    ]);
    expect((await observations(store.db)).map((o) => [o.jobId, o.postingId])).toEqual([['41', postingId]]);
  });

  it('a job changed after its element was read is queued and committed again, as a new observation', async () => {
    ats.putJob('51');
    ats.faults.push({ op: 'deleteQueueElement', when: 'before', fail: transientFailure('deleteQueueElement') });
    const first = await drainWith()(jobs);
    expect(first).toMatchObject({
      end: 'failed',
      committed: 1,
      deleted: 0,
      failure: { step: 'delete', code: 'HTTP_503' },
    });
    clock.advance(5000);
    ats.putJob('51', { status: 'En attente d’approbation', title: 'Offre 51 (v2)' });
    expect(ats.waiting(JOBS)).toEqual(['51', '51']);
    const second = await drainWith()(jobs);
    // The first element reads the job as it is now; the second finds that same observation committed.
    expect(second).toMatchObject({ end: 'empty', committed: 1, duplicates: 1, deleted: 2 });
    expect((await observations(store.db)).map((o) => o.title)).toEqual(['Offre 51', 'Offre 51 (v2)']);
  });

  const crashPoints: { name: string; op?: QueueOp; when?: 'before' | 'after'; storeTable?: string }[] = [
    { name: 'in the read of the oldest element', op: 'peekQueue', when: 'before' },
    { name: 'between the read of the element and the read of its job', op: 'fetchJob', when: 'before' },
    { name: 'between the read of the job and its commit', storeTable: 'inbox' },
    { name: 'between the commit and the delete', op: 'deleteQueueElement', when: 'before' },
    { name: 'after the delete, before its answer', op: 'deleteQueueElement', when: 'after' },
  ];

  for (const point of crashPoints) {
    it(`a crash ${point.name}, then a new run, loses nothing and commits each job once`, async () => {
      for (const id of ['61', '62', '63']) ats.putJob(id);
      // Let the first element go through, then crash on the second.
      const first = await drainWith({ maxPerRun: 1 })(jobs);
      expect(first).toMatchObject({ end: 'bound', committed: 1, deleted: 1 });
      if (point.op) ats.faults.push({ op: point.op, when: point.when!, fail: 'crash' });
      const crashing: Store = point.storeTable ? crashingOnInsert(store, point.storeTable) : store;
      await expect(drainWith({ store: crashing })(jobs)).rejects.toThrow(/simulated crash/);
      expect(ats.faults).toEqual([]);
      // The next run reads later: the same observation must still be the same row.
      clock.advance(30_000);
      const again = await drainWith()(jobs);
      expect(again.end).toBe('empty');
      expect(ats.waiting(JOBS)).toEqual([]);
      const seen = await observations(store.db);
      expect(seen.map((o) => o.jobId)).toEqual(['61', '62', '63']);
      expect(new Set(seen.map((o) => o.eventId)).size).toBe(3);
    });
  }

  it('a transient or throttled failure at any step stops the run and leaves the element for the next one', async () => {
    ats.putJob('71');
    const steps: [QueueOp, string][] = [
      ['peekQueue', 'peek'],
      ['fetchJob', 'fetch'],
      ['deleteQueueElement', 'delete'],
    ];
    for (const [op, step] of steps) {
      ats.faults.push({ op, when: 'before', fail: op === 'fetchJob' ? throttledFailure(op) : transientFailure(op) });
      const report = await drainWith()(jobs);
      expect(report).toMatchObject({ end: 'failed', deleted: 0, failure: { step } });
      expect(ats.waiting(JOBS)).toEqual(['71']);
    }
    expect(await drainWith()(jobs)).toMatchObject({ end: 'empty', deleted: 1, duplicates: 1 });
    expect((await observations(store.db)).map((o) => o.jobId)).toEqual(['71']);
    expect(await listPoisonElements(store.db, { limit: 10 })).toEqual({ total: 0, rows: [] });
  });

  it('records poison elements first, then clears them, and the queue flows again', async () => {
    for (const id of ['81', '82', '83', '84', '85']) ats.putJob(id);
    ats.removeJob('81'); // 404 on the read: no element id
    ats.forbidJob('82'); // 403 on the read: no element id
    ats.corruptJob('84'); // the element reads, its document does not
    const report = await drainWith()(jobs);
    expect(report).toMatchObject({ end: 'empty', committed: 2, deleted: 2, poison: 3 });
    expect(ats.waiting(JOBS)).toEqual([]);
    expect((await observations(store.db)).map((o) => o.jobId)).toEqual(['83', '85']);
    const poison = await listPoisonElements(store.db, { limit: 10 });
    expect(poison.total).toBe(3);
    const now = clock.now().toISOString();
    expect(
      poison.rows
        .map((r) => [r.code, r.element_id !== null, r.job_id, r.queue_name, r.occurrences, r.cleared_at])
        .reverse(),
    ).toEqual([
      ['ELEMENT_GONE', false, null, JOBS, 1, now],
      ['ELEMENT_FORBIDDEN', false, null, JOBS, 1, now],
      ['INVALID_RESPONSE', true, '84', JOBS, 1, now],
    ]);
    // Blind elements were cleared with "delete the oldest", the one with an id by its id.
    expect(ats.calls.filter((c) => c.op === 'deleteOldestQueueElement')).toHaveLength(2);
    expect(poison.rows[0]!.message).toContain('updateDate');
  });

  it('a posting whose job is gone is recorded with its posting id and cleared', async () => {
    ats.putJob('86');
    const postingId = ats.publish('86');
    ats.removeJob('86');
    expect(await drainWith()(postings)).toMatchObject({ end: 'empty', poison: 1, committed: 0 });
    const poison = await listPoisonElements(store.db, { limit: 10 });
    expect(poison.rows.map((r) => [r.queue_kind, r.posting_id, r.code])).toEqual([
      ['posting', postingId, 'INVALID_RESPONSE'],
    ]);
    expect(ats.waiting(POSTINGS)).toEqual([]);
  });

  it('a posting taken down before its element was read is recorded as no longer live, not as a fault', async () => {
    ats.putJob('87');
    const postingId = ats.publish('87');
    ats.unpost(postingId);
    expect(await drainWith()(postings)).toMatchObject({ end: 'empty', poison: 1, committed: 0 });
    const poison = await listPoisonElements(store.db, { limit: 10 });
    expect(poison.rows.map((r) => [r.posting_id, r.code])).toEqual([[postingId, 'POSTING_NOT_LIVE']]);
    expect(ats.waiting(POSTINGS)).toEqual([]);
  });

  const poisonCrashes: {
    name: string;
    crash: () => Store | undefined;
    fault?: { op: QueueOp; when: 'before' | 'after' };
    occurrences: number;
  }[] = [
    { name: 'while recording it', crash: () => crashingOnInsert(store, 'queue_poison_elements'), occurrences: 1 },
    {
      name: 'between its record and its delete',
      crash: () => undefined,
      fault: { op: 'deleteOldestQueueElement', when: 'before' },
      occurrences: 2,
    },
    {
      name: 'after its delete, before the answer',
      crash: () => undefined,
      fault: { op: 'deleteOldestQueueElement', when: 'after' },
      occurrences: 1,
    },
  ];

  for (const point of poisonCrashes) {
    it(`a crash ${point.name} leaves one record of the poison element, cleared by the next run`, async () => {
      ats.putJob('91');
      ats.putJob('92');
      ats.removeJob('91');
      if (point.fault) ats.faults.push({ ...point.fault, fail: 'crash' });
      await expect(drainWith({ store: point.crash() ?? store })(jobs)).rejects.toThrow(/simulated crash/);
      expect(await drainWith()(jobs)).toMatchObject({ end: 'empty', committed: 1 });
      const poison = await listPoisonElements(store.db, { limit: 10 });
      expect(poison.rows.map((r) => [r.code, r.occurrences, r.cleared_at !== null])).toEqual([
        ['ELEMENT_GONE', point.occurrences, true],
      ]);
      expect((await observations(store.db)).map((o) => o.jobId)).toEqual(['92']);
      expect(ats.waiting(JOBS)).toEqual([]);
    });
  }

  it('a poison element whose delete fails for now stays recorded and queued; the next run clears it', async () => {
    ats.putJob('93');
    ats.removeJob('93');
    ats.faults.push({
      op: 'deleteOldestQueueElement',
      when: 'before',
      fail: transientFailure('deleteOldestQueueElement'),
    });
    expect(await drainWith()(jobs)).toMatchObject({ end: 'failed', failure: { step: 'clear', code: 'HTTP_503' } });
    expect((await listPoisonElements(store.db, { limit: 10 })).rows.map((r) => r.cleared_at)).toEqual([null]);
    expect(await drainWith()(jobs)).toMatchObject({ end: 'empty', poison: 1 });
    expect(
      (await listPoisonElements(store.db, { limit: 10 })).rows.map((r) => [r.occurrences, r.cleared_at !== null]),
    ).toEqual([[2, true]]);
  });

  it('stops at its bound per run and carries on at the next run', async () => {
    for (let id = 100; id < 105; id++) ats.putJob(String(id));
    expect(await drainWith({ maxPerRun: 2 })(jobs)).toMatchObject({ end: 'bound', committed: 2 });
    expect(ats.waiting(JOBS)).toHaveLength(3);
    expect(await drainWith({ maxPerRun: 2 })(jobs)).toMatchObject({ end: 'bound', committed: 2 });
    expect(await drainWith({ maxPerRun: 2 })(jobs)).toMatchObject({ end: 'empty', committed: 1 });
  });

  it('does not touch a queue whose lease another instance holds, until that lease expires', async () => {
    ats.putJob('111');
    // Instance b took the lease and died without releasing it.
    expect(
      await takeDrainLease(store.db, {
        queueName: JOBS,
        owner: 'instance-b',
        now: clock.now().toISOString(),
        leaseMs: 60_000,
      }),
    ).toBe(true);
    expect(await drainWith()(jobs)).toMatchObject({ end: 'busy', committed: 0 });
    expect(ats.calls).toEqual([]);
    clock.advance(60_000);
    expect(await drainWith()(jobs)).toMatchObject({ end: 'empty', committed: 1 });
  });

  it('stops when asked, between two elements', async () => {
    for (const id of ['121', '122']) ats.putJob(id);
    const controller = new AbortController();
    const report = await drainWith({ onCommitted: () => controller.abort() })(jobs, controller.signal);
    expect(report).toMatchObject({ end: 'aborted', committed: 1, deleted: 1 });
    expect(ats.waiting(JOBS)).toEqual(['122']);
  });

  it('an unknown queue stops the run without deleting anything', async () => {
    expect(await drainWith()({ name: 'nulle part', kind: 'job' })).toMatchObject({
      end: 'failed',
      failure: { step: 'peek', code: 'UNKNOWN_QUEUE' },
    });
  });
});

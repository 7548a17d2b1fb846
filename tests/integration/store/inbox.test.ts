import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  claimEvents,
  completeEvent,
  failEvent,
  inboxStats,
  insertEvent,
  listFailedEvents,
  requeueFailedEvent,
  type NewInboxEvent,
} from '../../../src/store/inbox.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

const T0 = '2026-02-02T09:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();

function event(n: number, overrides: Partial<NewInboxEvent> = {}): NewInboxEvent {
  return {
    source: 'talentlink',
    event_id: `evt-${n}`,
    event_type: 'JOB_UPDATED',
    occurred_at: at(-1000),
    received_at: T0,
    content_type: 'application/json',
    body: JSON.stringify({ notificationId: `evt-${n}`, job: { id: `J${n}` } }),
    job_id: `J${n}`,
    job_version: n,
    ...overrides,
  };
}

describe.each(testDatabases())('inbox on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'inbox');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    await store.db.deleteFrom('inbox').execute();
  });

  it('stores an event once and answers duplicate for the same source and event id', async () => {
    expect(await insertEvent(store.db, event(1))).toBe('inserted');
    expect(await insertEvent(store.db, event(1, { body: 'a replay with another body' }))).toBe('duplicate');
    expect(await insertEvent(store.db, event(1, { source: 'other-ats' }))).toBe('inserted');
    const rows = await store.db.selectFrom('inbox').selectAll().orderBy('id').execute();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({
      status: 'pending',
      attempts: 0,
      body: event(1).body,
      job_version: 1,
      occurred_at: at(-1000),
    });
  });

  it('refuses an instant that would not sort as text', async () => {
    await expect(insertEvent(store.db, event(1, { received_at: '2026-02-02T10:00:00+01:00' }))).rejects.toThrow(
      /received_at: expected an ISO-8601 UTC instant/,
    );
  });

  it('hands out pending events oldest first, each to one owner, under a lease', async () => {
    for (let n = 1; n <= 5; n++) await insertEvent(store.db, event(n));
    const a = await claimEvents(store.db, { owner: 'A', leaseMs: 30_000, limit: 3, now: T0 });
    const b = await claimEvents(store.db, { owner: 'B', leaseMs: 30_000, limit: 3, now: T0 });
    const c = await claimEvents(store.db, { owner: 'C', leaseMs: 30_000, limit: 3, now: at(29_999) });
    expect(a.map((r) => r.event_id)).toEqual(['evt-1', 'evt-2', 'evt-3']);
    expect(b.map((r) => r.event_id)).toEqual(['evt-4', 'evt-5']);
    expect(c).toEqual([]);
    expect(a[0]).toMatchObject({ status: 'processing', lease_owner: 'A', lease_until: at(30_000) });
  });

  it('gives an expired lease to another owner, and the first owner can no longer complete it', async () => {
    await insertEvent(store.db, event(1));
    const [first] = await claimEvents(store.db, { owner: 'A', leaseMs: 10_000, limit: 10, now: T0 });
    const [again] = await claimEvents(store.db, { owner: 'B', leaseMs: 10_000, limit: 10, now: at(10_000) });
    expect(again?.id).toBe(first?.id);
    expect(await completeEvent(store.db, first!.id, 'A', at(10_001))).toBe(false);
    expect(await completeEvent(store.db, first!.id, 'B', at(10_002))).toBe(true);
    const row = await store.db.selectFrom('inbox').selectAll().where('id', '=', first!.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'done', processed_at: at(10_002), lease_owner: 'B', lease_until: null });
    expect(await claimEvents(store.db, { owner: 'C', leaseMs: 10_000, limit: 10, now: at(99_000) })).toEqual([]);
  });

  it('retries a failed event after its delay and gives up after the maximum attempts', async () => {
    await insertEvent(store.db, event(1));
    const claim = (now: string) => claimEvents(store.db, { owner: 'W', leaseMs: 5_000, limit: 1, now });
    const [row] = await claim(T0);
    expect(await failEvent(store.db, row!.id, 'other', 'not mine', T0)).toBe('not-owner');
    expect(await failEvent(store.db, row!.id, 'W', 'mapping gap', T0, { maxAttempts: 2, retryAt: at(60_000) })).toBe(
      'retry',
    );
    expect(await claim(at(59_999))).toEqual([]);
    const [retried] = await claim(at(60_000));
    expect(retried).toMatchObject({ id: row!.id, attempts: 1, last_error: 'mapping gap' });
    expect(await failEvent(store.db, row!.id, 'W', 'mapping gap again', at(60_001), { maxAttempts: 2 })).toBe('failed');
    expect(await claim(at(999_999))).toEqual([]);
    const failed = await listFailedEvents(store.db, { limit: 10 });
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      status: 'failed',
      attempts: 2,
      last_error: 'mapping gap again',
      processed_at: at(60_001),
    });
    expect(await requeueFailedEvent(store.db, row!.id, at(70_000))).toBe(true);
    expect(await requeueFailedEvent(store.db, row!.id, at(70_000))).toBe(false);
    expect(await claim(at(70_000))).toMatchObject([{ id: row!.id, attempts: 0 }]);
  });

  it('claims and completes in one caller transaction, rolled back as a whole', async () => {
    await insertEvent(store.db, event(1));
    await expect(
      inTransaction(store, async (trx) => {
        const [row] = await claimEvents(trx, { owner: 'T', leaseMs: 1_000, limit: 1, now: T0 });
        expect(await completeEvent(trx, row!.id, 'T', T0)).toBe(true);
        throw new Error('processing failed after completing');
      }),
    ).rejects.toThrow('processing failed');
    expect(await store.db.selectFrom('inbox').select(['status', 'lease_owner']).executeTakeFirst()).toEqual({
      status: 'pending',
      lease_owner: null,
    });
  });

  it('never hands the same event to two of many concurrent claimers', async () => {
    for (let n = 1; n <= 60; n++) await insertEvent(store.db, event(n));
    const owners = ['A', 'B', 'C', 'D'];
    const claimed = await Promise.all(
      owners.map(async (owner) => {
        const ids: number[] = [];
        for (;;) {
          const rows = await claimEvents(store.db, { owner, leaseMs: 60_000, limit: 4, now: T0 });
          if (rows.length === 0) return ids;
          ids.push(...rows.map((r) => r.id));
        }
      }),
    );
    const all = claimed.flat();
    expect(all).toHaveLength(60);
    expect(new Set(all).size).toBe(60);
  });

  it('reports depth by status, expired leases and the age of the oldest pending event', async () => {
    const empty = await inboxStats(store.db, T0);
    expect(empty).toEqual({
      byStatus: { pending: 0, processing: 0, done: 0, failed: 0 },
      expiredLeases: 0,
      oldestPendingAgeMs: null,
    });
    await insertEvent(store.db, event(1, { received_at: at(-90_000) }));
    await insertEvent(store.db, event(2, { received_at: at(-30_000) }));
    await insertEvent(store.db, event(3, { received_at: at(-10_000) }));
    const [first] = await claimEvents(store.db, { owner: 'A', leaseMs: 1_000, limit: 1, now: T0 });
    expect(first?.event_id).toBe('evt-1');
    const stats = await inboxStats(store.db, at(5_000));
    expect(stats).toEqual({
      byStatus: { pending: 2, processing: 1, done: 0, failed: 0 },
      expiredLeases: 1,
      oldestPendingAgeMs: 35_000,
    });
  });
});

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from '../../../src/store/database.js';
import {
  confirmPoisonCleared,
  drainLeaseOf,
  listPoisonElements,
  markPoisonCleared,
  recordPoisonElement,
  releaseDrainLease,
  renewDrainLease,
  takeDrainLease,
  type NewPoisonElement,
} from '../../../src/store/queue-drains.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

/** The drain leases (one drain per queue across instances) and the poison elements' record. */

const T0 = '2027-01-18T10:00:00.000Z';
const at = (seconds: number) => new Date(Date.parse(T0) + seconds * 1000).toISOString();
const lease = (owner: string, now = T0, queueName = 'EN3S offres') => ({ queueName, owner, now, leaseMs: 60_000 });

const gone = (extra: Partial<NewPoisonElement> = {}): NewPoisonElement => ({
  queueName: 'EN3S offres',
  queueKind: 'job',
  elementId: null,
  jobId: null,
  postingId: null,
  code: 'ELEMENT_GONE',
  message: 'peekQueue: 404 the oldest element is an object no longer in the ATS',
  ...extra,
});

describe.each(testDatabases())('queue drains on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'queue-drains');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    await store.db.deleteFrom('queue_drain_leases').execute();
    await store.db.deleteFrom('queue_poison_elements').execute();
  });

  it('a lease is one owner’s until it is released or expires, and only its owner renews it', async () => {
    expect(await takeDrainLease(store.db, lease('a'))).toBe(true);
    expect(await takeDrainLease(store.db, lease('b', at(30)))).toBe(false);
    // Taking again one's own lease extends it.
    expect(await takeDrainLease(store.db, lease('a', at(30)))).toBe(true);
    expect(await renewDrainLease(store.db, lease('b', at(40)))).toBe(false);
    expect(await renewDrainLease(store.db, lease('a', at(40)))).toBe(true);
    expect(await drainLeaseOf(store.db, 'EN3S offres')).toEqual({
      queueName: 'EN3S offres',
      owner: 'a',
      leaseUntil: at(100),
    });
    // Another queue is another lease.
    expect(await takeDrainLease(store.db, lease('b', at(40), 'EN3S diffusions'))).toBe(true);
    expect(await takeDrainLease(store.db, lease('b', at(99)))).toBe(false);
    // Instance a died: its lease expires, b takes it, and a can neither renew nor release it.
    expect(await takeDrainLease(store.db, lease('b', at(100)))).toBe(true);
    expect(await renewDrainLease(store.db, lease('a', at(101)))).toBe(false);
    expect(await releaseDrainLease(store.db, { queueName: 'EN3S offres', owner: 'a' })).toBe(false);
    expect(await releaseDrainLease(store.db, { queueName: 'EN3S offres', owner: 'b' })).toBe(true);
    expect(await drainLeaseOf(store.db, 'EN3S offres')).toBeNull();
    expect(await takeDrainLease(store.db, lease('a', at(102)))).toBe(true);
  });

  it('among owners racing for a free lease on separate connections, exactly one gets it', async () => {
    const others: Store[] = await Promise.all([1, 2, 3].map(() => openDatabase(store.url)));
    try {
      const handles = [store, ...others];
      const taken = await Promise.all(
        handles.flatMap((h, i) => [0, 1].map((j) => takeDrainLease(h.db, lease(`owner-${i}-${j}`)))),
      );
      expect(taken.filter(Boolean)).toHaveLength(1);
    } finally {
      await Promise.all(others.map((o) => o.close()));
    }
  });

  it('an id-less poison element recorded twice before clearing: one row seen twice; later, a new row', async () => {
    const first = await recordPoisonElement(store.db, gone(), at(1));
    const again = await recordPoisonElement(store.db, gone(), at(2));
    expect(again).toEqual({ id: first.id, occurrences: 2 });
    // Another answer for the oldest element is another row.
    const forbidden = await recordPoisonElement(
      store.db,
      gone({ code: 'ELEMENT_FORBIDDEN', message: 'peekQueue: 403' }),
      at(3),
    );
    expect(forbidden.id).not.toBe(first.id);
    expect(await markPoisonCleared(store.db, first.id, at(4))).toBe(true);
    expect(await markPoisonCleared(store.db, first.id, at(5))).toBe(false);
    const later = await recordPoisonElement(store.db, gone(), at(6));
    expect(later).toEqual({ id: expect.any(Number), occurrences: 1 });
    expect(later.id).not.toBe(first.id);
  });

  it('a poison element with an id is one row however often it is recorded', async () => {
    const element = gone({ elementId: '1042', jobId: '31', code: 'NOT_FOUND', message: 'fetchJob: no job 31' });
    const first = await recordPoisonElement(store.db, element, at(1));
    await markPoisonCleared(store.db, first.id, at(2));
    expect(await recordPoisonElement(store.db, element, at(3))).toEqual({ id: first.id, occurrences: 2 });
    const page = await listPoisonElements(store.db, { limit: 10 });
    expect(page.total).toBe(1);
    expect(page.rows[0]).toMatchObject({
      element_id: '1042',
      job_id: '31',
      posting_id: null,
      code: 'NOT_FOUND',
      recorded_at: at(1),
      last_seen_at: at(3),
      occurrences: 2,
    });
  });

  it('a read of the oldest element confirms every other unconfirmed poison element of the queue is gone', async () => {
    const blind = await recordPoisonElement(store.db, gone(), at(1));
    const byId = await recordPoisonElement(
      store.db,
      gone({ elementId: '1043', code: 'INVALID_RESPONSE', message: 'fetchJob: invalid answer' }),
      at(2),
    );
    const elsewhere = await recordPoisonElement(
      store.db,
      gone({ queueName: 'EN3S diffusions', queueKind: 'posting' }),
      at(3),
    );
    // The oldest element is still 1043: only the blind one is confirmed gone.
    expect(await confirmPoisonCleared(store.db, 'EN3S offres', '1043', at(4))).toBe(1);
    // The queue is empty: 1043 is gone too. The other queue is not touched.
    expect(await confirmPoisonCleared(store.db, 'EN3S offres', null, at(5))).toBe(1);
    const rows = (await listPoisonElements(store.db, { limit: 10 })).rows;
    const cleared = Object.fromEntries(rows.map((r) => [r.id, r.cleared_at]));
    expect(cleared).toEqual({ [blind.id]: at(4), [byId.id]: at(5), [elsewhere.id]: null });
  });

  it('lists poison elements newest first, with the count, by queue when asked', async () => {
    for (let i = 0; i < 5; i++) {
      await recordPoisonElement(
        store.db,
        gone({
          elementId: String(2000 + i),
          queueName: i % 2 ? 'EN3S diffusions' : 'EN3S offres',
          queueKind: i % 2 ? 'posting' : 'job',
        }),
        at(i),
      );
    }
    const page = await listPoisonElements(store.db, { limit: 2 });
    expect(page.total).toBe(5);
    expect(page.rows.map((r) => r.element_id)).toEqual(['2004', '2003']);
    const next = await listPoisonElements(store.db, { limit: 2, offset: 2 });
    expect(next.rows.map((r) => r.element_id)).toEqual(['2002', '2001']);
    const jobs = await listPoisonElements(store.db, { limit: 10, queueName: 'EN3S offres' });
    expect(jobs.total).toBe(3);
    expect(jobs.rows.map((r) => r.element_id)).toEqual(['2004', '2002', '2000']);
  });
});

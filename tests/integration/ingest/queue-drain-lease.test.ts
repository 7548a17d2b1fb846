import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQueueDrain } from '../../../src/ingest/queue-drain.js';
import { systemClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { openDatabase, type Store } from '../../../src/store/database.js';
import { openTestStore, type TestStore } from '../../support/databases.js';
import { MemoryQueueAts } from '../../support/memory-queue-ats.js';
import { observations } from './drain-support.js';

/**
 * One drain per queue across instances: two instances, each with its own database handle (its
 * own pool of connections) on one PostgreSQL database, drain the same queue at the same moment.
 * Only one of them reads it; the other finds the lease taken and leaves the queue alone.
 */

describe('the drain lease on postgres', () => {
  let store: TestStore;
  let other: Store;
  beforeAll(async () => {
    store = await openTestStore('postgres', 'queue-drain-lease');
    other = await openDatabase(store.url);
  });
  afterAll(async () => {
    await other?.close();
    await store?.cleanup();
  });

  it('keeps two drains of one queue from running at once', async () => {
    const ats = new MemoryQueueAts({ latencyMs: 10 });
    const queue = ats.addQueue('EN3S offres', 'job');
    for (let id = 200; id < 208; id++) ats.putJob(String(id));
    const instances = [
      createQueueDrain({ store, ats: ats.client('a'), clock: systemClock, log: silentLogger, owner: 'instance-a' }),
      createQueueDrain({
        store: other,
        ats: ats.client('b'),
        clock: systemClock,
        log: silentLogger,
        owner: 'instance-b',
      }),
    ];
    for (let round = 0; round < 3; round++) {
      const reports = await Promise.all(instances.map((drain) => drain(queue)));
      const ends = reports.map((r) => r.end).sort();
      expect(ends).toEqual(round === 0 ? ['busy', 'empty'] : expect.arrayContaining(['empty']));
      // However the race went, the queue's calls never overlapped.
      expect(ats.maxConcurrentCalls).toBe(1);
      if (round === 0) {
        // The loser made no call at all.
        const winner = reports[0]!.end === 'empty' ? 'a' : 'b';
        expect(new Set(ats.calls.map((c) => c.client))).toEqual(new Set([winner]));
      }
      ats.putJob(String(300 + round));
    }
    const seen = await observations(store.db);
    expect(seen.map((o) => o.jobId).sort()).toEqual([
      '200',
      '201',
      '202',
      '203',
      '204',
      '205',
      '206',
      '207',
      '300',
      '301',
    ]);
    expect(ats.waiting('EN3S offres')).toEqual(['302']);
  });
});

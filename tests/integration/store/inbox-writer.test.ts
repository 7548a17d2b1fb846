import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NewInboxEvent } from '../../../src/store/inbox.js';
import { groupingInboxWriter } from '../../../src/store/inbox-writer.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

/**
 * The webhook route stores the notifications that arrive together in one transaction: grouping
 * must not change what each caller is told nor what is stored, and one bad event must not fail
 * the others of its group.
 */

const T0 = '2027-01-18T09:00:00.000Z';

function event(n: number, overrides: Partial<NewInboxEvent> = {}): NewInboxEvent {
  return {
    source: 'talentlink',
    event_id: `evt-${n}`,
    event_type: 'job.updated',
    occurred_at: T0,
    received_at: T0,
    content_type: 'application/xml',
    body: `<notification id="evt-${n}"/>`,
    job_id: `J${n}`,
    job_version: 1,
    ...overrides,
  };
}

describe.each(testDatabases())('grouping inbox writer on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'inbox-writer');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    await store.db.deleteFrom('inbox').execute();
  });

  const stored = async () =>
    (await store.db.selectFrom('inbox').select(['event_id', 'body']).orderBy('event_id').execute()).map(
      (r) => r.event_id,
    );

  it('tells each caller of a burst whether its event was new or a duplicate, and stores each once', async () => {
    const writer = groupingInboxWriter(store, { maxGroup: 4 });
    await writer.insert(event(1));
    // Ten events in one turn (three groups of at most four), two of them already seen.
    const outcomes = await Promise.all([2, 3, 1, 4, 5, 3, 6, 7, 8, 9].map((n) => writer.insert(event(n))));
    expect(outcomes).toEqual([
      'inserted',
      'inserted',
      'duplicate',
      'inserted',
      'inserted',
      'duplicate',
      'inserted',
      'inserted',
      'inserted',
      'inserted',
    ]);
    expect(await stored()).toEqual(['evt-1', 'evt-2', 'evt-3', 'evt-4', 'evt-5', 'evt-6', 'evt-7', 'evt-8', 'evt-9']);
  });

  it('settles a caller only once its event is committed', async () => {
    const writer = groupingInboxWriter(store);
    const answers = await Promise.all(
      [11, 12, 13].map(async (n) => {
        await writer.insert(event(n));
        // Another connection sees it as soon as the caller is told.
        return (await store.db.selectFrom('inbox').select('event_id').where('event_id', '=', `evt-${n}`).execute())
          .length;
      }),
    );
    expect(answers).toEqual([1, 1, 1]);
  });

  it('does not let one bad event of a group fail the others', async () => {
    const writer = groupingInboxWriter(store);
    const results = await Promise.allSettled([
      writer.insert(event(21)),
      writer.insert(event(22, { received_at: 'not an instant' })),
      writer.insert(event(23)),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((results[1] as PromiseRejectedResult).reason)).toMatch(/received_at/);
    expect(await stored()).toEqual(['evt-21', 'evt-23']);
  });
});

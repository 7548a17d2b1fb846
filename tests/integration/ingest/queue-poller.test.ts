import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTalentLinkClient } from '../../../connectors/talentlink/client.js';
import { loadTalentLinkMapping } from '../../../connectors/talentlink/mapping.js';
import { loadConfig } from '../../../src/config.js';
import { QueuePoller, type QueueOutcome } from '../../../src/ingest/queue-poller.js';
import { loadDomainData } from '../../../src/mappings/load.js';
import { policyFromConfig, type PipelineContext } from '../../../src/pipeline/context.js';
import { InboxWorker } from '../../../src/pipeline/inbox-worker.js';
import { openDatabase, type Store } from '../../../src/store/database.js';
import { readLedger } from '../../../src/store/ledger.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { CREATED_ID, createdJson, createdXml, eventually, fixedClock, fixture, inboxRows, NOW, recordingLogger } from './helpers.js';
import { QUEUE_CREDENTIALS, startQueueServer, type QueueServer } from './queue-server.js';

/**
 * Pull mode over real HTTP: a queue server, the real TalentLink client, a real inbox on both
 * databases, and the inbox worker downstream of it.
 */

const QUEUE = 'en3s-job-events';
const OTHER = 'en3s-postings';
const decidedXml = fixture('talentlink/job.approval.decided--carsat-alsace-moselle.xml');
const decidedId = /<notification[^>]*\sid="([^"]+)"/.exec(decidedXml)![1]!;
const closedJson = fixture('talentlink/job.closed--caf-gironde.json');
const closedId = (JSON.parse(closedJson) as { id: string }).id;

describe.each(testDatabases())('queue poller on %s', (dialect) => {
  let store: TestStore;
  let ats: QueueServer;
  let log: ReturnType<typeof recordingLogger>;
  let outcomes: string[];
  let woken: string[];

  const poller = (options: { store?: Store; intervalMs?: number } = {}) =>
    new QueuePoller(
      {
        store: options.store ?? store,
        ats: createTalentLinkClient({ baseUrl: ats.url, ...QUEUE_CREDENTIALS, requestsPerSecond: 1000 }),
        clock: fixedClock(),
        log,
        queueNames: [QUEUE, OTHER],
        onAccepted: (event) => woken.push(event.id),
        onOutcome: (outcome: QueueOutcome, queue) => outcomes.push(`${queue}:${outcome}`),
      },
      { intervalMs: options.intervalMs ?? 60_000, errorMs: 50 },
    );

  beforeAll(async () => {
    store = await openTestStore(dialect, 'ingest-queue');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    ats = await startQueueServer();
    log = recordingLogger();
    outcomes = [];
    woken = [];
    await store.db.deleteFrom('inbox').execute();
  });
  afterEach(() => ats.close());

  it('drains every queue, XML and JSON, acknowledging each element only once its row is committed', async () => {
    ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/xml; charset=utf-8', body: createdXml });
    ats.enqueue(QUEUE, { id: decidedId, contentType: 'application/xml', body: decidedXml });
    ats.enqueue(OTHER, { id: closedId, contentType: 'application/json', body: closedJson });
    const committedAtAck: Record<string, number> = {};
    const other = await openDatabase(store.url, { create: false });
    ats.onAck = async (_queue, id) => {
      committedAtAck[id] = (await inboxRows(other.db, id)).length;
    };
    try {
      expect(await poller().runOnce()).toBe(3);
    } finally {
      await other.close();
    }
    expect(committedAtAck).toEqual({ [CREATED_ID]: 1, [decidedId]: 1, [closedId]: 1 });
    expect(ats.held(QUEUE)).toEqual([]);
    expect(ats.held(OTHER)).toEqual([]);
    expect(ats.requests).toEqual([`GET ${QUEUE}`, `DELETE ${QUEUE} ${CREATED_ID}`, `GET ${QUEUE}`, `DELETE ${QUEUE} ${decidedId}`, `GET ${QUEUE}`, `GET ${OTHER}`, `DELETE ${OTHER} ${closedId}`, `GET ${OTHER}`]);
    const rows = await inboxRows(store.db);
    expect(rows.map((r) => [r.event_id, r.event_type, r.job_id])).toEqual([
      [CREATED_ID, 'job.created', '51877'],
      [decidedId, 'job.approval.decided', expect.any(String)],
      [closedId, 'job.closed', expect.any(String)],
    ]);
    expect(rows[0]).toMatchObject({
      source: 'talentlink',
      occurred_at: '2027-01-18T09:02:41.000Z',
      received_at: NOW.toISOString(),
      content_type: 'application/xml; charset=utf-8; origin=queue',
      body: createdXml,
      job_version: 1,
      status: 'pending',
    });
    expect(rows[2]).toMatchObject({ content_type: 'application/json; origin=queue', body: closedJson });
    expect(woken).toEqual([CREATED_ID, decidedId, closedId]);
    expect(outcomes).toEqual([`${QUEUE}:accepted`, `${QUEUE}:accepted`, `${OTHER}:accepted`]);
  });

  it('an element already pushed on the webhook is a duplicate: acknowledged, not stored twice', async () => {
    ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/xml', body: createdXml });
    const p = poller();
    expect(await p.drainQueue(QUEUE)).toMatchObject({ inserted: 1, acknowledged: 1, empty: true });
    ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/json', body: createdJson });
    expect(await p.drainQueue(QUEUE)).toMatchObject({ inserted: 0, duplicates: 1, acknowledged: 1, empty: true });
    expect(await inboxRows(store.db, CREATED_ID)).toHaveLength(1);
    expect(ats.held(QUEUE)).toEqual([]);
  });

  it('a failed acknowledgement: the element comes back, is not stored twice, and is acknowledged then', async () => {
    ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/xml', body: createdXml });
    ats.failAcks(1);
    const p = poller();
    const first = await p.drainQueue(QUEUE);
    expect(first).toMatchObject({ inserted: 1, acknowledged: 0, stoppedBy: { outcome: 'ack-failed', code: 'UNAVAILABLE' } });
    expect(ats.held(QUEUE)).toEqual([CREATED_ID]);
    ats.redeliver();
    const second = await p.drainQueue(QUEUE);
    expect(second).toMatchObject({ inserted: 0, duplicates: 1, acknowledged: 1, empty: true });
    expect(await inboxRows(store.db, CREATED_ID)).toHaveLength(1);
    expect(ats.held(QUEUE)).toEqual([]);
    expect(outcomes).toEqual([`${QUEUE}:accepted`, `${QUEUE}:ack-failed`, `${QUEUE}:duplicate`]);
  });

  it('a store that fails: nothing acknowledged, the element stays in the queue', async () => {
    ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/xml', body: createdXml });
    const down = await openDatabase(store.url, { create: false });
    await inboxRows(down.db);
    await down.close();
    const report = await poller({ store: down }).drainQueue(QUEUE);
    expect(report).toMatchObject({ acknowledged: 0, stoppedBy: { outcome: 'store-failed', code: 'STORE_UNAVAILABLE' } });
    expect(ats.requests).toEqual([`GET ${QUEUE}`]);
    expect(ats.held(QUEUE)).toEqual([CREATED_ID]);
    expect(log.entries.some((e) => e.message === 'queue reading stopped' && e.meta?.outcome === 'store-failed')).toBe(true);
  });

  it('a failed read stops that queue only; the next run reads it', async () => {
    ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/xml', body: createdXml });
    ats.enqueue(OTHER, { id: closedId, contentType: 'application/json', body: closedJson });
    ats.failReads(1);
    const p = poller();
    expect(await p.runOnce()).toBe(1);
    expect(ats.held(QUEUE)).toEqual([CREATED_ID]);
    expect(ats.held(OTHER)).toEqual([]);
    expect(await p.runOnce()).toBe(1);
    expect(ats.held(QUEUE)).toEqual([]);
    expect(outcomes[0]).toBe(`${QUEUE}:read-failed`);
  });

  it('unreadable elements are stored byte for byte and acknowledged; the worker fails them with the reason', async () => {
    const invalid = '{"id":"evt-invalid-1","type":"job.created","occurredAt":"hier","job":{}}';
    const nul = createdXml.replace(CREATED_ID, 'evt-nul-1').replace('Responsable du', 'Responsable\u0000du');
    ats.enqueue(QUEUE, { id: 'evt-invalid-1', contentType: 'application/json', body: invalid });
    ats.enqueue(QUEUE, { id: 'evt-nul-1', contentType: 'application/xml', body: nul });
    ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/xml', body: createdXml });
    const report = await poller().drainQueue(QUEUE);
    expect(report).toMatchObject({ acknowledged: 3, inserted: 1, unreadable: 2, empty: true });
    expect(ats.held(QUEUE)).toEqual([]);
    const [bad, nulRow] = [(await inboxRows(store.db, 'evt-invalid-1'))[0], (await inboxRows(store.db, 'evt-nul-1'))[0]];
    expect(bad).toMatchObject({ event_type: 'unreadable', body: invalid, content_type: 'application/json; origin=queue', job_id: null, status: 'pending' });
    expect(nulRow).toMatchObject({ event_type: 'unreadable', content_type: 'application/octet-stream; origin=queue; transfer-encoding=base64' });
    expect(Buffer.from(nulRow!.body, 'base64').toString('utf8')).toBe(nul);
    expect(log.entries.filter((e) => e.message === 'queue element unreadable, stored for the record').map((e) => e.meta?.eventId)).toEqual(['evt-invalid-1', 'evt-nul-1']);

    // Downstream: the inbox worker rejects the unreadable rows with their reason and applies the good one.
    const config = loadConfig({});
    const ctx: PipelineContext = { store, domain: loadDomainData(), mapping: loadTalentLinkMapping(), policy: policyFromConfig(config), clock: fixedClock(), log };
    await new InboxWorker(ctx, { owner: 'test-worker' }).drain();
    const after = await inboxRows(store.db);
    expect(after.map((r) => [r.event_id, r.status])).toEqual([
      ['evt-invalid-1', 'failed'],
      ['evt-nul-1', 'failed'],
      [CREATED_ID, 'done'],
    ]);
    expect(after[0]?.last_error).toContain('INVALID_NOTIFICATION');
    const ledger = await readLedger(store.db, { limit: 100 });
    const kinds = ledger.map((e) => [e.kind, (e.data as { eventId?: string }).eventId, (e.data as { origin?: string }).origin]);
    expect(kinds).toContainEqual(['event.rejected', 'evt-invalid-1', undefined]);
    expect(kinds).toContainEqual(['event.received', CREATED_ID, 'queue']);
  });

  it('poke: only configured queues, read at once by a running loop; the interval reads them all', async () => {
    const p = poller({ intervalMs: 300 });
    expect(p.poke('not-configured')).toBe(false);
    p.start();
    try {
      await eventually(async () => ats.requests.filter((r) => r === `GET ${OTHER}`).length >= 1, 'the first periodic read');
      const before = ats.requests.length;
      ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/xml', body: createdXml });
      expect(p.poke(QUEUE)).toBe(true);
      await eventually(async () => (await inboxRows(store.db, CREATED_ID)).length === 1 && ats.held(QUEUE).length === 0, 'the poked queue drained');
      expect(ats.requests.slice(before, before + 2)).toEqual([`GET ${QUEUE}`, `DELETE ${QUEUE} ${CREATED_ID}`]);
      // No poke: the next periodic run finds an element added meanwhile.
      ats.enqueue(OTHER, { id: closedId, contentType: 'application/json', body: closedJson });
      await eventually(async () => ats.held(OTHER).length === 0, 'the periodic read of the other queue', 3000);
    } finally {
      await p.stop();
    }
    expect(ats.requests.some((r) => r.includes('not-configured'))).toBe(false);
    expect(await inboxRows(store.db)).toHaveLength(2);
  });
});

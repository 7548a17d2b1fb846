import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTalentLinkClient } from '../../../connectors/talentlink/client.js';
import { loadConfig } from '../../../src/config.js';
import { createIngestApp, webhookOptionsFromConfig } from '../../../src/ingest/app.js';
import { QueuePoller } from '../../../src/ingest/queue-poller.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import {
  CREATED_ID,
  createdXml,
  eventually,
  expectNoStackTraces,
  fixedClock,
  fixture,
  inboxRows,
  listen,
  post,
  recordingLogger,
  SECRET,
  signedHeaders,
  type Listening,
} from './helpers.js';
import { QUEUE_CREDENTIALS, startQueueServer, type QueueServer } from './queue-server.js';

/**
 * Queue alert mode end to end: a signed `{"queueName"}` alert on the webhook wakes the poller,
 * which drains that queue through the real client into the inbox. The settings come from the
 * configuration as the service reads them.
 */

const QUEUE = 'en3s-job-events';
const alertJson = fixture('talentlink/queue-alert.json');
const bareAlert = fixture('talentlink/queue-alert-bare.json');
const json = { contentType: 'application/json' };
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

afterAll(() => {
  expectNoStackTraces();
});

describe.each(testDatabases())('queue alerts on %s', (dialect) => {
  let store: TestStore;
  let ats: QueueServer;
  let poller: QueuePoller;
  let server: Listening;
  let url: string;
  const log = recordingLogger();

  beforeAll(async () => {
    store = await openTestStore(dialect, 'ingest-alert');
    ats = await startQueueServer();
    const config = loadConfig({
      EN3S_WEBHOOK_SECRETS: SECRET,
      EN3S_INGEST_MODES: 'alert',
      EN3S_QUEUE_NAMES: QUEUE,
      EN3S_QUEUE_POLL_MS: '3600000',
    });
    poller = new QueuePoller(
      {
        store,
        ats: createTalentLinkClient({ baseUrl: ats.url, ...QUEUE_CREDENTIALS, requestsPerSecond: 1000 }),
        clock: fixedClock(),
        log,
        queueNames: config.queueNames,
      },
      { intervalMs: config.queuePollMs },
    );
    const app = createIngestApp({ store, clock: fixedClock(), log, ...webhookOptionsFromConfig(config, (name) => poller.poke(name)) });
    server = await listen(app);
    url = `${server.url}/webhooks/talentlink`;
    poller.start();
    // The start-up read finds the queue empty; from now on only an alert makes the poller read within the hour.
    await eventually(async () => ats.requests.length === 1, 'the start-up read');
  });
  afterAll(async () => {
    await poller?.stop();
    await server?.close();
    await ats?.close();
    await store?.cleanup();
  });

  it('a signed alert answers 202 and makes the poller drain the named queue into the inbox', async () => {
    ats.enqueue(QUEUE, { id: CREATED_ID, contentType: 'application/xml', body: createdXml });
    const second = createdXml.replace(CREATED_ID, 'evt-2027-000108');
    ats.enqueue(QUEUE, { id: 'evt-2027-000108', contentType: 'application/xml', body: second });
    const answer = await post(url, alertJson, signedHeaders('alert-2027-003118', alertJson, json));
    expect(answer.status).toBe(202);
    expect(answer.json).toEqual({ status: 'accepted', id: 'alert-2027-003118', queueName: QUEUE });
    await eventually(async () => ats.held(QUEUE).length === 0, 'the queue drained');
    expect((await inboxRows(store.db)).map((r) => r.event_id)).toEqual([CREATED_ID, 'evt-2027-000108']);
  });

  it('a bare alert (no id, no type) works the same', async () => {
    ats.enqueue(QUEUE, { id: 'evt-2027-000109', contentType: 'application/xml', body: createdXml.replace(CREATED_ID, 'evt-2027-000109') });
    const answer = await post(url, bareAlert, signedHeaders('alr-bare-1', bareAlert, json));
    expect(answer.status).toBe(202);
    await eventually(async () => (await inboxRows(store.db, 'evt-2027-000109')).length === 1, 'the element stored');
  });

  /** Until the poller has finished what earlier alerts started (no request for 150 ms). */
  async function settled(): Promise<void> {
    let seen = -1;
    while (seen !== ats.requests.length) {
      seen = ats.requests.length;
      await pause(150);
    }
  }

  it('an alert for a queue not configured: 400 UNKNOWN_QUEUE, and that queue is never read', async () => {
    await settled();
    const before = ats.requests.length;
    const body = JSON.stringify({ id: 'alr-x', type: 'queue.element.added', queueName: '../../jobs/48213' });
    const answer = await post(url, body, signedHeaders('alr-x', body, json));
    expect({ status: answer.status, code: answer.json.code }).toEqual({ status: 400, code: 'UNKNOWN_QUEUE' });
    expect(answer.json.message).toContain('n’est pas configurée');
    await pause(150);
    expect(ats.requests.slice(before)).toEqual([]);
  });

  it('alerts are signed like notifications: unsigned or mismatched ids are refused and trigger nothing', async () => {
    await settled();
    const before = ats.requests.length;
    const unsigned = await post(url, alertJson, { 'content-type': 'application/json' });
    expect({ status: unsigned.status, code: unsigned.json.code }).toEqual({ status: 401, code: 'SIGNATURE_MISSING' });
    const mismatch = await post(url, alertJson, signedHeaders('alert-other', alertJson, json));
    expect({ status: mismatch.status, code: mismatch.json.code }).toEqual({ status: 400, code: 'ID_MISMATCH' });
    await pause(150);
    expect(ats.requests.slice(before)).toEqual([]);
  });

  it('in alert-only mode a full notification on the webhook is refused (PUSH_DISABLED)', async () => {
    const answer = await post(url, createdXml, signedHeaders(CREATED_ID, createdXml));
    expect({ status: answer.status, code: answer.json.code }).toEqual({ status: 400, code: 'PUSH_DISABLED' });
  });
});

import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createIngestApp } from '../../../src/ingest/app.js';
import type { AcceptedEvent, IngestOutcome } from '../../../src/ingest/webhook-route.js';
import { openDatabase, type Store } from '../../../src/store/database.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import {
  answersSeen,
  CREATED_ID,
  createdJson,
  createdXml,
  expectNoStackTraces,
  fixedClock,
  fixture,
  FOREIGN_SECRET,
  inboxRows,
  listen,
  NEXT_SECRET,
  NOW,
  post,
  read,
  recordingLogger,
  SECRET,
  signedHeaders,
  type Listening,
} from './helpers.js';

/**
 * The webhook over real HTTP (127.0.0.1, Node's fetch) into a real inbox, on both databases.
 * Every notification is signed by the `standardwebhooks` package.
 */

const MIB = 1024 * 1024;
const decidedXml = fixture('spec-notification-approval-decided.xml');
const decidedId = /<notification[^>]*\sid="([^"]+)"/.exec(decidedXml)![1]!;

/** Another event of the same fixture: a new id, in the body and the header alike. */
const renamed = (text: string, id: string) => text.replace(CREATED_ID, id);

afterAll(() => {
  expectNoStackTraces();
});

describe.each(testDatabases())('POST /webhooks/talentlink on %s', (dialect) => {
  let store: TestStore;
  let server: Listening;
  let url: string;
  const log = recordingLogger();
  const accepted: AcceptedEvent[] = [];
  const outcomes: IngestOutcome[] = [];

  beforeAll(async () => {
    store = await openTestStore(dialect, 'ingest-webhook');
    const app = createIngestApp({
      store,
      clock: fixedClock(),
      log,
      secrets: [SECRET, NEXT_SECRET],
      onAccepted: (event) => accepted.push(event),
      onOutcome: (outcome) => outcomes.push(outcome),
    });
    server = await listen(app);
    url = `${server.url}/webhooks/talentlink`;
  });
  afterAll(async () => {
    await server?.close();
    await store?.cleanup();
  });
  beforeEach(() => {
    accepted.length = 0;
    outcomes.length = 0;
  });

  it('an XML notification signed by the package: 202 once the row is committed, with every field', async () => {
    const answer = await post(url, createdXml, signedHeaders(CREATED_ID, createdXml));
    // Read through a second connection: the row must be committed, not only written.
    const other = await openDatabase(store.url, { create: false });
    try {
      const rows = await inboxRows(other.db, CREATED_ID);
      expect(answer.status).toBe(202);
      expect(answer.json).toEqual({ status: 'accepted', id: CREATED_ID });
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({
        source: 'talentlink',
        event_id: CREATED_ID,
        event_type: 'job.created',
        occurred_at: '2027-01-18T09:02:41.000Z',
        received_at: NOW.toISOString(),
        content_type: 'application/xml; charset=utf-8',
        body: createdXml,
        job_id: '51877',
        job_version: 1,
        status: 'pending',
      });
    } finally {
      await other.close();
    }
    // The parsed job goes with it, so that the inbox worker of this process need not parse the body again.
    expect(accepted).toMatchObject([{ id: CREATED_ID, type: 'job.created', jobId: '51877', job: { id: '51877', version: 1 } }]);
    expect(outcomes).toEqual(['accepted']);
  });

  it('the same event again (an ATS retry): 200 duplicate, still one row, no second wake-up', async () => {
    const answer = await post(url, createdXml, signedHeaders(CREATED_ID, createdXml));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ status: 'duplicate', id: CREATED_ID });
    expect(await inboxRows(store.db, CREATED_ID)).toHaveLength(1);
    expect(accepted).toEqual([]);
    expect(outcomes).toEqual(['duplicate']);
  });

  it('a JSON notification, and the spec sample as text/xml', async () => {
    const json = renamed(createdJson, 'evt-json-1');
    const first = await post(url, json, signedHeaders('evt-json-1', json, { contentType: 'application/json' }));
    expect(first.status).toBe(202);
    const [row] = await inboxRows(store.db, 'evt-json-1');
    expect(row).toMatchObject({ content_type: 'application/json', body: json, event_type: 'job.created', job_id: '51877' });

    const second = await post(url, decidedXml, signedHeaders(decidedId, decidedXml, { contentType: 'text/xml' }));
    expect(second.status).toBe(202);
    expect(await inboxRows(store.db, decidedId)).toMatchObject([{ event_type: 'job.approval.decided', job_id: '48213' }]);
  });

  it('a notification exactly 1 MiB long is accepted', async () => {
    const base = renamed(createdXml, 'evt-one-mib');
    const body = base + ' '.repeat(MIB - Buffer.byteLength(base));
    expect(Buffer.byteLength(body)).toBe(MIB);
    const answer = await post(url, body, signedHeaders('evt-one-mib', body));
    expect(answer.status).toBe(202);
  });

  it('signed with the second secret of a rotation, or carrying several signatures: accepted', async () => {
    const body = renamed(createdXml, 'evt-rot-1');
    expect((await post(url, body, signedHeaders('evt-rot-1', body, { secret: NEXT_SECRET }))).status).toBe(202);
    const body2 = renamed(createdXml, 'evt-rot-2');
    const headers = signedHeaders('evt-rot-2', body2);
    const foreign = signedHeaders('evt-rot-2', body2, { secret: FOREIGN_SECRET })['webhook-signature'];
    headers['webhook-signature'] = `${foreign} v1,AAAA ${headers['webhook-signature']}`;
    expect((await post(url, body2, headers)).status).toBe(202);
  });

  it('header names in other cases on the wire', async () => {
    const body = renamed(createdXml, 'evt-case-1');
    const h = signedHeaders('evt-case-1', body);
    const status = await new Promise<number>((resolve, reject) => {
      const req = httpRequest(
        url,
        {
          method: 'POST',
          headers: { 'Content-Type': h['content-type']!, 'WEBHOOK-ID': h['webhook-id']!, 'Webhook-Timestamp': h['webhook-timestamp']!, 'Webhook-SIGNATURE': h['webhook-signature']! },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
    expect(status).toBe(202);
  });

  describe('refusals', () => {
    const refused = async (answer: Promise<Awaited<ReturnType<typeof post>>>, status: number, code: string) => {
      const a = await answer;
      expect({ status: a.status, code: a.json?.code }).toEqual({ status, code });
      expect(a.headers.get('content-type')).toMatch(/^application\/json/);
      expect(typeof a.json.message).toBe('string');
      return a;
    };

    it('415 for a content type other than XML or JSON, or another charset, before anything else', async () => {
      await refused(post(url, createdXml, { ...signedHeaders(CREATED_ID, createdXml), 'content-type': 'text/plain' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const a = await refused(post(url, createdXml, { 'content-type': 'application/xml; charset=iso-8859-1' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(a.json.message).toContain('utf-8 attendu');
      await refused(post(url, 'x'.repeat(MIB + 1), { 'content-type': 'application/octet-stream' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
      const none = await read(await fetch(url, { method: 'POST', body: new Uint8Array([60, 97, 47, 62]) }));
      expect({ status: none.status, code: none.json?.code }).toEqual({ status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
      expect(outcomes.filter((o) => o === 'UNSUPPORTED_MEDIA_TYPE')).toHaveLength(4);
    });

    it('413 in JSON for 1 MiB + 1 byte, with a length or chunked', async () => {
      const body = 'x'.repeat(MIB + 1);
      const a = await refused(post(url, body, signedHeaders('evt-big', body)), 413, 'PAYLOAD_TOO_LARGE');
      expect(a.json.message).toContain('1048577 octets');
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          for (let i = 0; i < 9; i++) controller.enqueue(new Uint8Array(128 * 1024).fill(32));
          controller.close();
        },
      });
      const chunked = await read(await fetch(url, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: stream, duplex: 'half' } as RequestInit));
      expect({ status: chunked.status, code: chunked.json?.code }).toEqual({ status: 413, code: 'PAYLOAD_TOO_LARGE' });
    });

    it('401 with the reason: tampered body, wrong secret, old and future timestamps, missing headers', async () => {
      const headers = signedHeaders(CREATED_ID, createdXml);
      const tampered = Buffer.from(createdXml);
      tampered[300] = tampered[300]! ^ 0x20;
      await refused(post(url, tampered, headers), 401, 'SIGNATURE_INVALID');
      await refused(post(url, createdXml, signedHeaders(CREATED_ID, createdXml, { secret: FOREIGN_SECRET })), 401, 'SIGNATURE_INVALID');
      const old = new Date(NOW.getTime() - 6 * 60_000);
      await refused(post(url, createdXml, signedHeaders(CREATED_ID, createdXml, { at: old })), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
      const future = new Date(NOW.getTime() + 6 * 60_000);
      await refused(post(url, createdXml, signedHeaders(CREATED_ID, createdXml, { at: future })), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
      await refused(post(url, createdXml, { ...headers, 'webhook-timestamp': 'hier' }), 401, 'TIMESTAMP_INVALID');
      for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
        const { [name]: _dropped, ...rest } = headers;
        const a = await refused(post(url, createdXml, rest), 401, 'SIGNATURE_MISSING');
        expect(a.json.message).toContain(name);
      }
    });

    it('400 with the parser code and where: malformed XML and JSON, unknown type, invalid document', async () => {
      const brokenXml = createdXml.replace('</jobNumber>', '</jobNumbr>');
      const a = await refused(post(url, brokenXml, signedHeaders(CREATED_ID, brokenXml)), 400, 'MALFORMED_XML');
      expect(a.json.where.line).toBeGreaterThan(1);
      expect(a.json.message).toMatch(/^notification refusée : XML mal formé/);
      const brokenJson = createdJson.replace('"type": "job.created",', '"type": "job.created"');
      const j = await refused(post(url, brokenJson, signedHeaders(CREATED_ID, brokenJson, { contentType: 'application/json' })), 400, 'MALFORMED_JSON');
      expect(j.json.where).toMatchObject({ line: expect.any(Number), column: expect.any(Number) });
      const unknown = createdJson.replace('"job.created"', '"job.deleted"');
      await refused(post(url, unknown, signedHeaders(CREATED_ID, unknown, { contentType: 'application/json' })), 400, 'UNKNOWN_EVENT_TYPE');
      const invalid = createdJson.replace('"version": 1', '"version": "un"');
      const v = await refused(post(url, invalid, signedHeaders(CREATED_ID, invalid, { contentType: 'application/json' })), 400, 'INVALID_NOTIFICATION');
      expect(v.json.where.path).toBe('job.version');
    });

    it('a correctly signed billion laughs is refused fast with DOCTYPE_FORBIDDEN', async () => {
      const lol = [
        '<?xml version="1.0"?>',
        '<!DOCTYPE notification [',
        '<!ENTITY lol "lol">',
        ...Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">`),
        ']>',
        '<notification xmlns="urn:talentlink-style:notification:1" id="evt-lol" type="job.created" occurredAt="2027-01-18T09:00:00Z">&lol9;</notification>',
      ].join('\n');
      const started = performance.now();
      const a = await refused(post(url, lol, signedHeaders('evt-lol', lol)), 400, 'DOCTYPE_FORBIDDEN');
      expect(performance.now() - started).toBeLessThan(1000);
      expect(a.json.where).toMatchObject({ line: 2 });
      expect(await inboxRows(store.db, 'evt-lol')).toHaveLength(0);
    });

    it('webhook-id differing from the notification id: 400 ID_MISMATCH, nothing stored', async () => {
      const body = renamed(createdXml, 'evt-body-id');
      const a = await refused(post(url, body, signedHeaders('evt-header-id', body)), 400, 'ID_MISMATCH');
      expect(a.json.message).toContain('evt-header-id');
      expect(await inboxRows(store.db, 'evt-body-id')).toHaveLength(0);
    });

    it('a raw NUL character (valid XML to the parser, refused by PostgreSQL) is a 400, not a 503 retried forever', async () => {
      const body = renamed(createdXml, 'evt-nul').replace('Responsable du', 'Responsable\u0000du');
      await refused(post(url, body, signedHeaders('evt-nul', body)), 400, 'INVALID_ENCODING');
    });

    it('queue alerts are refused when the alert mode is off', async () => {
      const alert = fixture('talentlink/queue-alert.json');
      await refused(post(url, alert, signedHeaders('alert-2027-003118', alert, { contentType: 'application/json' })), 400, 'QUEUE_ALERTS_DISABLED');
    });

    it('other methods and paths answer JSON too', async () => {
      const get = await read(await fetch(url));
      expect({ status: get.status, code: get.json.code, allow: get.headers.get('allow') }).toEqual({ status: 405, code: 'METHOD_NOT_ALLOWED', allow: 'POST' });
      const other = await read(await fetch(`${server.url}/webhooks/autre`, { method: 'POST' }));
      expect({ status: other.status, code: other.json.code }).toEqual({ status: 404, code: 'NOT_FOUND' });
      const health = await read(await fetch(`${server.url}/healthz`));
      expect({ status: health.status, body: health.json }).toEqual({ status: 200, body: { status: 'ok' } });
    });
  });

  it('503 STORE_UNAVAILABLE with Retry-After when the database is closed, and 202 once it is back', async () => {
    const down: Store = await openDatabase(store.url, { create: false });
    // Used once before closing: Kysely only releases a connection it has opened.
    await inboxRows(down.db);
    await down.close();
    const app = createIngestApp({ store: down, clock: fixedClock(), log, secrets: [SECRET], retryAfterSeconds: 17 });
    const broken = await listen(app);
    try {
      const body = renamed(createdXml, 'evt-db-down');
      const answer = await post(`${broken.url}/webhooks/talentlink`, body, signedHeaders('evt-db-down', body));
      expect({ status: answer.status, code: answer.json.code, retryAfter: answer.headers.get('retry-after') }).toEqual({
        status: 503,
        code: 'STORE_UNAVAILABLE',
        retryAfter: '17',
      });
      expect(answer.json.message).toContain('evt-db-down');
      const health = await read(await fetch(`${broken.url}/healthz`));
      expect(health.status).toBe(503);
      // The ATS retries the same event later, to a service whose database answers.
      const retried = await post(url, body, signedHeaders('evt-db-down', body));
      expect(retried.status).toBe(202);
    } finally {
      await broken.close();
    }
  });

  it('logs name the event, its type, its job and the outcome, never the people in the job', () => {
    const received = log.entries.find((e) => e.message === 'webhook received' && e.meta?.eventId === CREATED_ID);
    expect(received?.meta).toMatchObject({ eventId: CREATED_ID, type: 'job.created', jobId: '51877', outcome: 'accepted' });
    expect(log.entries.some((e) => e.message === 'webhook refused' && e.meta?.outcome === 'SIGNATURE_INVALID')).toBe(true);
    const text = log.text();
    for (const personal of ['Claire', 'Vasseur', '@', 'Responsable du service']) expect(text).not.toContain(personal);
    expect(answersSeen.length).toBeGreaterThan(10);
  });
});

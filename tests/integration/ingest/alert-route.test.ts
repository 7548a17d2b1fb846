import express, { type RequestHandler } from 'express';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  createAlertRouter,
  MAX_ALERT_BODY_BYTES,
  parseAlertTokens,
  tokenMatcher,
} from '../../../src/ingest/alert-route.js';
import { createQueueDrain, type DrainReport } from '../../../src/ingest/queue-drain.js';
import { QueueScheduler } from '../../../src/ingest/queue-scheduler.js';
import { systemClock } from '../../../src/clock.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { MemoryQueueAts } from '../../support/memory-queue-ats.js';
import { observations } from './drain-support.js';
import { listen, read, recordingLogger, type Listening } from './helpers.js';

/**
 * The alert route, started on a free port and called with `fetch`: the token is checked before
 * the body is read, several tokens work during a rotation, a large body is refused, and a poke
 * asks for a drain of the named queue (else of all), coalesced by the scheduler.
 */

const TOKEN = 'alrt-2027-Qm9uam91ciBFTjNTIGFsZXJ0ZQ';
const NEXT_TOKEN = 'alrt-2027-bmV4dCB0b2tlbiBvZiB0aGUgcm90YXRpb24';
const RETIRED_TOKEN = 'alrt-2026-cmV0aXJlZCB0b2tlbiBub3QgYWNjZXB0ZWQ';
const JOBS = 'EN3S offres';
const POSTINGS = 'EN3S diffusions';
const json = { 'content-type': 'application/json' };

function alertApp(router: express.Router) {
  const app = express();
  app.use(router);
  // As the service's own fallback: any other address is 404.
  app.use(
    ((_req, res) =>
      void res.status(404).json({ code: 'NOT_FOUND', message: 'aucune ressource à cette adresse' })) as RequestHandler,
  );
  return app;
}

/** A request body that sends `first` and then never ends (until `end()`). */
function endlessBody(first: Uint8Array) {
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  const stream = new ReadableStream<Uint8Array>({
    start(c) {
      controller = c;
      c.enqueue(first);
    },
  });
  return { stream, end: () => controller.close() };
}

describe('the alert route', () => {
  let server: Listening;
  const requested: string[][] = [];
  const log = recordingLogger();
  const url = (token: string) => `${server.url}/webhooks/talentlink/${encodeURIComponent(token)}`;

  beforeAll(async () => {
    const router = createAlertRouter({
      tokens: [TOKEN, NEXT_TOKEN],
      queueNames: [JOBS, POSTINGS],
      requestDrain: (q) => void requested.push([...q]),
      log,
    });
    server = await listen(alertApp(router));
  });
  afterAll(async () => {
    await server?.close();
    // The token is in the URL of every call: it never reaches a log.
    expect(log.text()).not.toContain(TOKEN);
    expect(log.text()).not.toContain(NEXT_TOKEN);
  });
  beforeEach(() => {
    requested.length = 0;
  });

  it('answers a wrong token 404 without waiting for the body, and asks for nothing', async () => {
    const body = endlessBody(new TextEncoder().encode('{"queueName": "EN3S offres"'));
    const answer = await read(
      await fetch(url(RETIRED_TOKEN), {
        method: 'POST',
        headers: json,
        body: body.stream,
        duplex: 'half',
      } as RequestInit),
    );
    body.end();
    expect(answer.status).toBe(404);
    expect(answer.json).toEqual({ code: 'NOT_FOUND', message: 'aucune ressource à cette adresse' });
    expect(requested).toEqual([]);
  });

  it('answers 404 to a missing token, a token off by one character or by its length, and another method', async () => {
    for (const token of ['', `${TOKEN.slice(0, -1)}X`, `${TOKEN}X`, TOKEN.slice(0, 10)]) {
      const answer = await read(
        await fetch(`${server.url}/webhooks/talentlink/${token}`, { method: 'POST', headers: json, body: '{}' }),
      );
      expect(answer.status).toBe(404);
    }
    expect((await read(await fetch(url(RETIRED_TOKEN), { method: 'GET' }))).status).toBe(404);
    const withToken = await read(await fetch(url(TOKEN), { method: 'GET' }));
    expect([withToken.status, withToken.headers.get('allow')]).toEqual([405, 'POST']);
    expect(requested).toEqual([]);
  });

  it('accepts every token of a rotation, and drains the queue the body names', async () => {
    for (const token of [TOKEN, NEXT_TOKEN]) {
      const answer = await read(
        await fetch(url(token), { method: 'POST', headers: json, body: JSON.stringify({ queueName: POSTINGS }) }),
      );
      expect([answer.status, answer.json]).toEqual([202, { status: 'accepted' }]);
    }
    expect(requested).toEqual([[POSTINGS], [POSTINGS]]);
  });

  it('drains every configured queue when the body names another queue, or nothing readable', async () => {
    const bodies = [JSON.stringify({ queueName: 'autre file' }), '{"queueName": 12}', 'pas du JSON', '', '[]'];
    for (const body of bodies) {
      const answer = await read(
        await fetch(url(TOKEN), { method: 'POST', headers: { 'content-type': 'text/plain' }, body }),
      );
      expect(answer.status).toBe(202);
    }
    expect(requested).toEqual(bodies.map(() => [JOBS, POSTINGS]));
  });

  it('refuses a body declared over 64 KB before reading it, and one that turns out larger', async () => {
    const declared = await read(
      await fetch(url(TOKEN), { method: 'POST', headers: json, body: Buffer.alloc(MAX_ALERT_BODY_BYTES + 1, 0x20) }),
    );
    expect(declared.status).toBe(413);
    expect(declared.json.code).toBe('PAYLOAD_TOO_LARGE');
    expect(declared.json.message).toContain('65537 octets annoncés');

    // Chunked: no length declared, the size shows only while reading.
    const body = endlessBody(new Uint8Array(MAX_ALERT_BODY_BYTES + 1024).fill(0x20));
    const found = await read(
      await fetch(url(TOKEN), { method: 'POST', headers: json, body: body.stream, duplex: 'half' } as RequestInit),
    );
    body.end();
    expect(found.status).toBe(413);
    expect(found.json.message).toMatch(/^corps de l’alerte trop volumineux/);
    expect(requested).toEqual([]);

    const atLimit = await read(
      await fetch(url(TOKEN), { method: 'POST', headers: json, body: Buffer.alloc(MAX_ALERT_BODY_BYTES, 0x20) }),
    );
    expect(atLimit.status).toBe(202);
  });

  it('compares tokens whole, and a setting of tokens is checked', () => {
    const matches = tokenMatcher([TOKEN, NEXT_TOKEN]);
    expect([TOKEN, NEXT_TOKEN, RETIRED_TOKEN, '', undefined].map(matches)).toEqual([true, true, false, false, false]);
    expect(tokenMatcher([])(TOKEN)).toBe(false);
    expect(parseAlertTokens(` ${TOKEN}  ${NEXT_TOKEN} `)).toEqual({ ok: true, tokens: [TOKEN, NEXT_TOKEN] });
    const short = parseAlertTokens(`${TOKEN} court`);
    expect(short).toEqual({ ok: false, message: expect.stringContaining('token 2: expected at least 24 characters') });
    expect(JSON.stringify(short)).not.toContain('court');
    expect(parseAlertTokens('  ')).toMatchObject({ ok: false });
  });
});

describe.each(testDatabases())('alerts drive the drains on %s', (dialect) => {
  let store: TestStore;
  let server: Listening;
  let scheduler: QueueScheduler;
  let ats: MemoryQueueAts;
  const runs: DrainReport[] = [];
  const log = recordingLogger();

  beforeAll(async () => {
    store = await openTestStore(dialect, 'alert-drains');
    ats = new MemoryQueueAts({ latencyMs: 15 });
    const queues = [ats.addQueue(JOBS, 'job'), ats.addQueue(POSTINGS, 'posting')];
    const drain = createQueueDrain({ store, ats: ats.client('service'), clock: systemClock, log, owner: 'instance-a' });
    // The timer is far away: only pokes drive the runs here.
    scheduler = new QueueScheduler({
      queues,
      drain,
      clock: systemClock,
      log,
      intervalMs: 3_600_000,
      minGapMs: 50,
      onRun: (r) => runs.push(r),
    });
    const router = createAlertRouter({
      tokens: [TOKEN],
      queueNames: scheduler.queueNames,
      requestDrain: (names) => {
        for (const n of names) scheduler.request(n);
      },
      log,
    });
    server = await listen(alertApp(router));
  });
  afterAll(async () => {
    await scheduler?.stop();
    await server?.close();
    await store?.cleanup();
  });

  it('coalesces 100 pokes into at most two runs of the queue, which drain it', async () => {
    for (let id = 400; id < 405; id++) ats.putJob(String(id));
    const answers = await Promise.all(
      Array.from({ length: 100 }, () =>
        fetch(`${server.url}/webhooks/talentlink/${TOKEN}`, {
          method: 'POST',
          headers: json,
          body: JSON.stringify({ queueName: JOBS }),
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(Array.from({ length: 100 }, () => 202));
    await scheduler.idle();
    const jobRuns = runs.filter((r) => r.queueName === JOBS);
    expect(jobRuns.length).toBeGreaterThanOrEqual(1);
    expect(jobRuns.length).toBeLessThanOrEqual(2);
    expect(runs.filter((r) => r.queueName === POSTINGS)).toEqual([]);
    expect((await observations(store.db)).map((o) => o.jobId)).toEqual(['400', '401', '402', '403', '404']);
    // Each run reads the queue once per element plus once to find it empty: no poke cost a call of its own.
    expect(ats.calls.filter((c) => c.op === 'peekQueue').length).toBeLessThanOrEqual(5 + jobRuns.length);
  });

  it('a poke naming an unknown queue drains them all', async () => {
    runs.length = 0;
    ats.putJob('410');
    ats.publish('410');
    await new Promise((resolve) => setTimeout(resolve, 60)); // past the gap after the previous test's runs
    const answer = await fetch(`${server.url}/webhooks/talentlink/${TOKEN}`, {
      method: 'POST',
      headers: json,
      body: '{"queueName":"inconnue"}',
    });
    expect(answer.status).toBe(202);
    await scheduler.idle();
    expect(runs.map((r) => [r.queueName, r.end, r.committed]).sort()).toEqual(
      [
        [POSTINGS, 'empty', 1],
        [JOBS, 'empty', 1],
      ].sort(),
    );
  });
});

import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadTalentLinkMapping } from '../../../connectors/talentlink/mapping.js';
import { createIngestApp } from '../../../src/ingest/app.js';
import { loadDomainData } from '../../../src/mappings/load.js';
import { InboxWorker } from '../../../src/pipeline/inbox-worker.js';
import { verifyLedger } from '../../../src/store/ledger.js';
import { openTestStore, type TestStore } from '../../support/databases.js';
import { policy } from '../../support/workflow.js';
import { CREATED_ID, createdXml, FOREIGN_SECRET, inboxRows, listen, NEXT_SECRET, NOW, SECRET, type Listening } from '../ingest/helpers.js';
import { countingLogger, LEAK, rawPost, type RawAnswer } from './support.js';

/**
 * Forged and replayed notifications against the webhook route over a real SQLite inbox, with
 * the service's clock in the test's hands (the tolerance is 300 s). Nothing forged may reach
 * the inbox; a genuine notification delivered many times is stored, and processed, once.
 */

const TOLERANCE_S = 300;
let clockNow = NOW;
const clock = { now: () => new Date(clockNow) };
let store: TestStore;
let server: Listening;
let url: string;
const log = countingLogger();
const accepted: string[] = [];
let sequence = 0;

const nextId = () => `evt-forgery-${String(++sequence).padStart(5, '0')}`;
const bodyFor = (id: string) => Buffer.from(createdXml.replace(CREATED_ID, id), 'utf8');

function headersFor(id: string, body: Buffer, options: { secret?: string; at?: Date; signedId?: string } = {}): Record<string, string> {
  const at = options.at ?? clock.now();
  return {
    'content-type': 'application/xml; charset=utf-8',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(options.secret ?? SECRET).sign(options.signedId ?? id, at, body),
  };
}

async function expectRefused(answer: RawAnswer, status: number, code: string): Promise<void> {
  expect({ status: answer.status, code: answer.json?.code }, answer.text).toEqual({ status, code });
  expect(answer.json?.message).toBeTypeOf('string');
  expect(String(answer.json?.message).length).toBeGreaterThan(10);
  expect(answer.text).not.toMatch(LEAK);
}

/** Which of these event ids are in the inbox. */
async function stored(...ids: string[]): Promise<string[]> {
  const rows = await store.db.selectFrom('inbox').select('event_id').where('event_id', 'in', ids).orderBy('id').execute();
  return rows.map((row) => row.event_id);
}

beforeAll(async () => {
  store = await openTestStore('sqlite', 'forgery');
  const app = createIngestApp({ store, clock, log, secrets: [SECRET, NEXT_SECRET], toleranceSeconds: TOLERANCE_S, onAccepted: (event) => accepted.push(event.id) });
  server = await listen(app);
  url = `${server.url}/webhooks/talentlink`;
});
afterAll(async () => {
  await server?.close();
  await store?.cleanup();
});
beforeEach(() => {
  clockNow = NOW;
  accepted.length = 0;
});

describe('forged notifications are refused and never stored', () => {
  it('unsigned: no signature headers at all, or any one of the three missing', async () => {
    const id = nextId();
    const body = bodyFor(id);
    await expectRefused(await rawPost(url, body, { 'content-type': 'application/xml' }), 401, 'SIGNATURE_MISSING');
    const full = headersFor(id, body);
    for (const missing of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const headers = Object.fromEntries(Object.entries(full).filter(([name]) => name !== missing));
      const answer = await rawPost(url, body, headers);
      await expectRefused(answer, 401, 'SIGNATURE_MISSING');
      expect(answer.json?.message).toContain(missing);
    }
    expect(await stored(id)).toEqual([]);
  });

  it('signed with a secret the service does not hold', async () => {
    const id = nextId();
    const body = bodyFor(id);
    await expectRefused(await rawPost(url, body, headersFor(id, body, { secret: FOREIGN_SECRET })), 401, 'SIGNATURE_INVALID');
    expect(await stored(id)).toEqual([]);
  });

  it('the body changed by one byte (one bit flipped at hundreds of positions), or one byte longer or shorter', async () => {
    const id = nextId();
    const body = bodyFor(id);
    const headers = headersFor(id, body);
    const codes = new Map<string, number>();
    const flipAt = async (i: number) => {
      const forged = Buffer.from(body);
      forged[i] = forged[i]! ^ 0x01;
      const answer = await rawPost(url, forged, headers);
      const key = `${answer.status} ${String(answer.json?.code)}`;
      codes.set(key, (codes.get(key) ?? 0) + 1);
    };
    // Every third byte, and every one of the first and last 32 (the XML declaration, the root's id, the end).
    const positions = Array.from({ length: body.byteLength }, (_, i) => i).filter((i) => i % 3 === 0 || i < 32 || i >= body.byteLength - 32);
    for (let from = 0; from < positions.length; from += 8) await Promise.all(positions.slice(from, from + 8).map(flipAt));
    codes.set('longer', (await rawPost(url, Buffer.concat([body, Buffer.from(' ')]), headers)).status);
    codes.set('shorter', (await rawPost(url, body.subarray(0, body.byteLength - 1), headers)).status);
    expect(Object.fromEntries(codes)).toEqual({ [`401 SIGNATURE_INVALID`]: positions.length, longer: 401, shorter: 401 });
    expect(await stored(id)).toEqual([]);
    // The untouched request is accepted: the refusals were about the byte, not the request.
    expect((await rawPost(url, body, headers)).status).toBe(202);
  });

  it('a genuine signature moved to another id or another timestamp', async () => {
    const id = nextId();
    const body = bodyFor(id);
    const signedFor = headersFor(id, body);
    const otherId = nextId();
    await expectRefused(await rawPost(url, bodyFor(otherId), { ...signedFor, 'webhook-id': otherId }), 401, 'SIGNATURE_INVALID');
    const otherSecond = String(Number(signedFor['webhook-timestamp']) - 1);
    await expectRefused(await rawPost(url, body, { ...signedFor, 'webhook-timestamp': otherSecond }), 401, 'SIGNATURE_INVALID');
    // Signed correctly, but the header id is not the body's id.
    await expectRefused(await rawPost(url, body, headersFor(otherId, body)), 400, 'ID_MISMATCH');
    expect(await stored(id, otherId)).toEqual([]);
  });

  it('timestamps that are not plain Unix seconds', async () => {
    const id = nextId();
    const body = bodyFor(id);
    const headers = headersFor(id, body);
    const ts = headers['webhook-timestamp']!;
    for (const bad of [`+${ts}`, `${ts}.0`, `${ts}e0`, `0x${Number(ts).toString(16)}`, `${ts}, ${ts}`, '-1', '99999999999999999999']) {
      await expectRefused(await rawPost(url, body, { ...headers, 'webhook-timestamp': bad }), 401, 'TIMESTAMP_INVALID');
    }
    expect(await stored(id)).toEqual([]);
  });
});

describe('replays', () => {
  it('a valid notification replayed after the tolerance is refused; at the limit it is a duplicate', async () => {
    const id = nextId();
    const body = bodyFor(id);
    const headers = headersFor(id, body);
    expect((await rawPost(url, body, headers)).status).toBe(202);
    clockNow = new Date(NOW.getTime() + (TOLERANCE_S + 1) * 1000);
    await expectRefused(await rawPost(url, body, headers), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    clockNow = new Date(NOW.getTime() + 24 * 3600 * 1000);
    await expectRefused(await rawPost(url, body, headers), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    clockNow = new Date(NOW.getTime() + TOLERANCE_S * 1000);
    expect((await rawPost(url, body, headers)).status).toBe(200);
    // Signed too far in the future, as a replay prepared in advance would be.
    const early = nextId();
    clockNow = NOW;
    const earlyBody = bodyFor(early);
    await expectRefused(await rawPost(url, earlyBody, headersFor(early, earlyBody, { at: new Date(NOW.getTime() + (TOLERANCE_S + 1) * 1000) })), 401, 'TIMESTAMP_OUT_OF_TOLERANCE');
    expect(await stored(id, early)).toEqual([id]);
    expect((await inboxRows(store.db, id)).length).toBe(1);
  });

  it('a valid notification replayed within the tolerance is stored once and processed once', async () => {
    const id = nextId();
    const body = bodyFor(id);
    const headers = headersFor(id, body);
    const statuses: number[] = [];
    for (const seconds of [0, 1, 30, 120, 299]) {
      clockNow = new Date(NOW.getTime() + seconds * 1000);
      statuses.push((await rawPost(url, body, headers)).status);
    }
    // The same id with a different body, genuinely signed (an ATS retry that changed its mind): still the first copy.
    const changed = Buffer.from(body.toString('utf8').replace('KCPVDM00412', 'KCPVDM99999'), 'utf8');
    statuses.push((await rawPost(url, changed, headersFor(id, changed))).status);
    expect(statuses).toEqual([202, 200, 200, 200, 200, 200]);
    expect(accepted.filter((a) => a === id)).toEqual([id]);
    const rows = await inboxRows(store.db, id);
    expect(rows.map((row) => row.body)).toEqual([body.toString('utf8')]);

    // Processing: the worker applies the event once, and the ledger says so once.
    const worker = new InboxWorker(
      {
        store,
        domain: loadDomainData(),
        mapping: loadTalentLinkMapping(),
        clock,
        log,
        policy,
      },
      { owner: 'forgery-test' },
    );
    await worker.drain();
    expect((await inboxRows(store.db, id)).map((row) => row.status)).toEqual(['done']);
    const received = await store.db.selectFrom('ledger').select('data').where('kind', '=', 'event.received').where('data', 'like', `%"eventId":"${id}"%`).execute();
    expect(received.length).toBe(1);
    expect((await verifyLedger(store.db)).ok).toBe(true);
    // A replay after processing is still a duplicate, and nothing more is applied.
    clockNow = new Date(NOW.getTime() + 200 * 1000);
    expect((await rawPost(url, body, headers)).status).toBe(200);
    expect(await worker.drain()).toBe(0);
  });
});

describe('header spelling and several signatures', () => {
  it('header names in any case are the same headers', async () => {
    for (const spell of [(n: string) => n.toUpperCase(), (n: string) => n.replace(/(^|-)(\w)/g, (_, dash: string, c: string) => dash + c.toUpperCase()), (n: string) => [...n].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('')]) {
      const id = nextId();
      const body = bodyFor(id);
      const headers = Object.fromEntries(Object.entries(headersFor(id, body)).map(([name, value]) => [spell(name), value]));
      const answer = await rawPost(url, body, headers);
      expect(answer.status, `${Object.keys(headers).join(', ')}: ${answer.text}`).toBe(202);
    }
  });

  it('several signatures: one that matches is enough, none that matches is refused', async () => {
    const id = nextId();
    const body = bodyFor(id);
    const genuine = headersFor(id, body)['webhook-signature']!;
    const rotated = headersFor(id, body, { secret: NEXT_SECRET })['webhook-signature']!;
    const foreign = headersFor(id, body, { secret: FOREIGN_SECRET })['webhook-signature']!;
    const base = headersFor(id, body);
    const garbage = Array.from({ length: 200 }, (_, i) => `v1,${Buffer.alloc(32, i).toString('base64')}`).join(' ');
    const cases: [string, string, number][] = [
      ['foreign then ours', `${foreign} ${genuine}`, 202],
      ['ours then foreign', `${genuine} ${foreign}`, 200],
      ['the rotated secret only', rotated, 200],
      ['200 wrong ones then ours', `${garbage} ${genuine}`, 200],
    ];
    const refused: [string, string][] = [
      ['foreign only', foreign],
      ['200 wrong ones', garbage],
      ['ours under another version tag', genuine.replace('v1,', 'v1a,')],
      ['ours without version tag', genuine.replace('v1,', '')],
      ['ours cut short', genuine.slice(0, -4)],
      ['ours in lower case', genuine.toLowerCase()],
    ];
    for (const [name, signature, status] of cases) {
      const answer = await rawPost(url, body, { ...base, 'webhook-signature': signature });
      expect(answer.status, `${name}: ${answer.text}`).toBe(status);
    }
    for (const [name, signature] of refused) {
      const answer = await rawPost(url, body, { ...base, 'webhook-signature': signature });
      expect({ name, status: answer.status, code: answer.json?.code }).toEqual({ name, status: 401, code: 'SIGNATURE_INVALID' });
    }
    expect((await inboxRows(store.db, id)).length).toBe(1);
  });

  it('a signature header sent twice counts both lines, and two different ids are no id', async () => {
    const id = nextId();
    const body = bodyFor(id);
    const headers = headersFor(id, body);
    const foreign = headersFor(id, body, { secret: FOREIGN_SECRET })['webhook-signature']!;
    // node:http sends an array as repeated header lines; the server joins them with ", ".
    const twice = (first: string, second: string) => [first, second] as unknown as string;
    let answer = await rawPost(url, body, { ...headers, 'webhook-signature': twice(headers['webhook-signature']!, foreign) });
    expect(answer.status, answer.text).toBe(202);
    answer = await rawPost(url, body, { ...headers, 'webhook-signature': twice(foreign, headers['webhook-signature']!) });
    expect(answer.status, answer.text).toBe(200);
    const other = nextId();
    const otherBody = bodyFor(other);
    answer = await rawPost(url, otherBody, { ...headersFor(other, otherBody), 'webhook-id': twice(other, other) });
    await expectRefused(answer, 401, 'SIGNATURE_INVALID');
    expect(await stored(other)).toEqual([]);
    expect(log.counts.error).toBe(0);
  });
});

import { createHash, randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, parseNotification } from '../../../connectors/talentlink/payload.js';
import { FOREIGN_SECRET } from '../ingest/helpers.js';
import { fuzzRequest, type FuzzRequest } from './fuzz-inputs.js';
import { exposeGc, LEAK, mb, memorySample, NEXT_SECRET, printTable, rawPost, SECRET, signBytes, startHostileService, type HostileService, type MemorySample, type RawAnswer } from './support.js';

/**
 * Fuzzing the running service's webhook with fast-check: generated bodies and header sets
 * (random bytes, truncated, wrongly encoded, huge, deeply nested, mutated real notifications
 * with absurd values, unknown event types, forged or missing signatures). Every answer must be
 * a 2xx only for a genuinely valid, correctly signed notification, and otherwise a 4xx with a
 * JSON `{code, message}` whose code is the one the checks in their order call for and whose
 * message carries the parser's diagnosis; never a 5xx, never a crash, and the heap must not
 * grow with the number of requests.
 *
 * `npm test` runs 3,000 inputs; `EN3S_FUZZ_RUNS=100000 npm run test:fuzz` runs the full
 * campaign, and `EN3S_FUZZ_SEED` replays one.
 */

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const RUNS = positiveInt('EN3S_FUZZ_RUNS', 3_000);
const SEED = process.env.EN3S_FUZZ_SEED ? positiveInt('EN3S_FUZZ_SEED', 1) : undefined;
/** Heap growth allowed between the end of the warm-up (a tenth of the runs) and the end, after GC. */
const HEAP_GROWTH_BOUND = 48 * 1024 * 1024;
const TOLERANCE_S = 300;

let hostile: HostileService;
const gc = exposeGc();
const idPrefix = `evt-fuzz-${randomBytes(4).toString('hex')}`;
const stats = new Map<string, Map<string, number>>();
let sent = 0;
let warm: MemorySample | undefined;
let end: MemorySample | undefined;
let startRss = 0;
let peakRss = 0;

beforeAll(async () => {
  hostile = await startHostileService('fuzz');
});
afterAll(async () => {
  await hostile?.stop();
  const kinds = [...stats.keys()].sort();
  const answers = [...new Set(kinds.flatMap((kind) => [...stats.get(kind)!.keys()]))].sort();
  if (sent > 0) {
    printTable(`Fuzzing: ${sent.toLocaleString('en-US')} generated requests (answers by kind of body)`, [
      ['body', ...answers, 'total'],
      ...kinds.map((kind) => {
        const row = stats.get(kind)!;
        return [kind, ...answers.map((a) => String(row.get(a) ?? '')), String([...row.values()].reduce((x, y) => x + y, 0))];
      }),
    ]);
    if (warm && end) {
      console.log(
        `memory: heap after warm-up ${mb(warm.heapUsed)} MB, at the end ${mb(end.heapUsed)} MB (growth ${mb(end.heapUsed - warm.heapUsed)} MB); ` +
          `RSS at start ${mb(startRss)} MB, after warm-up ${mb(warm.rss)} MB, at the end ${mb(end.rss)} MB, highest seen ${mb(peakRss)} MB`,
      );
    }
  }
});

function headersOf(req: FuzzRequest): Record<string, string> {
  const now = new Date();
  const at = req.signing === 'stale' || req.signing === 'future' ? new Date(now.getTime() + req.skewSeconds * 1000) : now;
  const seconds = Math.floor(at.getTime() / 1000);
  const sign = (secret: string) => signBytes(secret, req.id, seconds, req.body);
  const signature =
    req.signing === 'rotated'
      ? sign(NEXT_SECRET)
      : req.signing === 'several'
        ? `${sign(FOREIGN_SECRET)} ${sign(SECRET)}`
        : req.signing === 'foreign'
          ? sign(FOREIGN_SECRET)
          : req.signing === 'garbage'
            ? `v1,${createHash('sha256').update(req.id).digest('base64')}`
            : sign(SECRET);
  const headers: Record<string, string> = {};
  if (req.media.value !== null) headers['content-type'] = req.media.value;
  if (req.contentEncoding) headers['content-encoding'] = req.contentEncoding;
  if (req.signing !== 'none') {
    headers['webhook-id'] = req.id;
    headers['webhook-timestamp'] = req.signing === 'bad-timestamp' ? `${seconds}.5` : String(seconds);
    headers['webhook-signature'] = signature;
    if (req.signing === 'partial') delete headers[req.dropHeader];
  }
  const spell = (name: string) =>
    req.headerCase === 'upper' ? name.toUpperCase() : req.headerCase === 'mixed' ? [...name].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('') : name;
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [spell(name), value]));
}

interface Expected {
  status: number | 'accepted';
  code?: string;
  /** Text the message must contain: the parser's own diagnosis. */
  detail?: string;
}

const signatureCodes: Partial<Record<FuzzRequest['signing'], string>> = {
  none: 'SIGNATURE_MISSING',
  partial: 'SIGNATURE_MISSING',
  foreign: 'SIGNATURE_INVALID',
  garbage: 'SIGNATURE_INVALID',
  stale: 'TIMESTAMP_OUT_OF_TOLERANCE',
  future: 'TIMESTAMP_OUT_OF_TOLERANCE',
  'bad-timestamp': 'TIMESTAMP_INVALID',
};

/** The answer the webhook's checks call for, in their order: media type, encoding, size, signature, body, id, storage. */
function expected(req: FuzzRequest): Expected {
  if (!req.media.accepted) return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
  if (req.contentEncoding) return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' };
  if (req.body.byteLength > MAX_BODY_BYTES) return { status: 413, code: 'PAYLOAD_TOO_LARGE' };
  const signatureCode = signatureCodes[req.signing];
  if (signatureCode) return { status: 401, code: signatureCode };
  const parsed = parseNotification(req.body, req.media.value ?? '');
  if (!parsed.ok) return { status: 400, code: parsed.error.code, detail: parsed.error.message };
  if (parsed.kind === 'queue-alert') return { status: 400, code: 'QUEUE_ALERTS_DISABLED' };
  if (parsed.notification.id !== req.id) return { status: 400, code: 'ID_MISMATCH' };
  if (req.body.includes(0)) return { status: 400, code: 'INVALID_ENCODING' };
  return { status: 'accepted' };
}

function count(kind: string, answer: string): void {
  const row = stats.get(kind) ?? new Map<string, number>();
  row.set(answer, (row.get(answer) ?? 0) + 1);
  stats.set(kind, row);
}

async function check(req: FuzzRequest): Promise<void> {
  const answer: RawAnswer = await rawPost(hostile.webhookUrl, req.body, headersOf(req));
  sent++;
  const rss = process.memoryUsage.rss();
  if (rss > peakRss) peakRss = rss;
  if (sent === Math.max(1, Math.floor(RUNS / 10))) {
    gc();
    warm = memorySample();
  }
  const want = expected(req);
  count(req.kind, answer.status >= 400 ? `${answer.status} ${String(answer.json?.code)}` : String(answer.status));
  const seen = { status: answer.status, code: answer.json?.code };
  expect(answer.status, `a 5xx is never an answer to bad input: ${answer.text}`).toBeLessThan(500);
  if (want.status === 'accepted') {
    expect([200, 202], answer.text).toContain(answer.status);
    const rows = await hostile.service.ctx.store.db.selectFrom('inbox').select('body').where('event_id', '=', req.id).execute();
    expect(rows.length).toBe(1);
    if (answer.status === 202) expect(rows[0]!.body).toBe(req.body.toString('utf8'));
    return;
  }
  expect(seen, `${req.kind}, signing ${req.signing}: ${answer.text}`).toEqual({ status: want.status, code: want.code });
  expect(String(answer.headers['content-type'])).toMatch(/^application\/json/);
  expect(typeof answer.json?.message === 'string' && answer.json.message.length > 10).toBe(true);
  if (want.detail) expect(answer.json?.message).toContain(want.detail);
  expect(answer.text).not.toMatch(LEAK);
}

describe('fuzzing the webhook of the running service', () => {
  it(
    `${RUNS.toLocaleString('en-US')} generated requests: 2xx only when valid, otherwise 4xx naming the problem, never 5xx, memory stable`,
    async () => {
      gc();
      startRss = process.memoryUsage.rss();
      const requests = fuzzRequest(idPrefix);
      // The control group: real notifications, untouched and correctly signed, are accepted.
      const control = fc.sample(requests.filter((r) => r.pristine && r.media.accepted && !r.contentEncoding && r.signing === 'valid'), { numRuns: 20, seed: 42 });
      for (const req of control) {
        const answer = await rawPost(hostile.webhookUrl, req.body, headersOf(req));
        expect(answer.status, `${req.kind}: ${answer.text}`).toBe(202);
      }
      await fc.assert(
        fc.asyncProperty(requests, async (req) => check(req)),
        { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}), endOnFailure: true },
      );
      gc();
      gc();
      end = memorySample();
      expect(warm).toBeDefined();
      expect(end.heapUsed - warm!.heapUsed, 'heap growth after the warm-up').toBeLessThan(HEAP_GROWTH_BOUND);
      // The service is still up and answering, and nothing in it logged an unexpected error.
      const health = await fetch(`${hostile.service.url}/healthz`);
      expect(health.status).toBe(200);
      expect(hostile.log.errors.filter((e) => e.message.startsWith('ingest'))).toEqual([]);
      const accepted = [...stats.values()].reduce((n, row) => n + (row.get('202') ?? 0) + (row.get('200') ?? 0), 0);
      expect(accepted, 'some generated requests were valid and accepted').toBeGreaterThan(RUNS / 50);
    },
    RUNS * 40 + 120_000,
  );
});

import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ALERT_TOKEN,
  exposeGc,
  LEAK,
  mb,
  memorySample,
  NEXT_ALERT_TOKEN,
  printTable,
  rawPost,
  startHostileService,
  type HostileService,
  type MemorySample,
} from './support.js';

/**
 * Fuzzing the running service's alert route (`POST /webhooks/talentlink/<token>`) with
 * fast-check: generated paths (extra segments, encoded slashes and dots, huge or empty tokens,
 * near-misses of the real token), methods, content types and bodies (random bytes, JSON naming
 * real and unknown queues, truncated, deeply nested, over the 64 KB limit). The route checks the
 * token before it reads a byte of the body: the answer is always 404 (no such alert URL), 413 (a
 * body over 64 KB with a right token) or 202 (a right token: a poke, whatever the body says),
 * never a 5xx, never a crash nor a stack in the answer, and the heap does not grow with the
 * number of requests.
 *
 * `npm test` runs 2,000 inputs; `EN3S_FUZZ_RUNS=100000 npm run test:fuzz` runs the full
 * campaign, and `EN3S_FUZZ_SEED` replays one.
 */

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
}

const RUNS = positiveInt('EN3S_FUZZ_RUNS', 2_000);
const SEED = process.env.EN3S_FUZZ_SEED ? positiveInt('EN3S_FUZZ_SEED', 1) : undefined;
const HEAP_GROWTH_BOUND = 48 * 1024 * 1024;
const LIMIT = 64 * 1024;

type TokenKind =
  | 'right'
  | 'next'
  | 'wrong'
  | 'near-miss'
  | 'empty'
  | 'huge'
  | 'encoded'
  | 'extra-segment'
  | 'dot-segment';

interface AlertRequest {
  tokenKind: TokenKind;
  path: string;
  contentType: string | null;
  body: Buffer;
  bodyKind: string;
}

const nearMiss = (token: string, at: number, char: string) =>
  token.slice(0, at % token.length) + char + token.slice((at % token.length) + 1);

const tokenArb: fc.Arbitrary<{ kind: TokenKind; path: string }> = fc.oneof(
  fc.constant({ kind: 'right' as const, path: ALERT_TOKEN }),
  fc.constant({ kind: 'next' as const, path: NEXT_ALERT_TOKEN }),
  fc.string({ minLength: 1, maxLength: 80 }).map((t) => ({ kind: 'wrong' as const, path: encodeURIComponent(t) })),
  fc
    .tuple(fc.nat(), fc.constantFrom('x', 'Z', '0', '-', '%41'))
    .map(([at, c]) => ({ kind: 'near-miss' as const, path: nearMiss(ALERT_TOKEN, at, c) })),
  fc.constant({ kind: 'empty' as const, path: '' }),
  fc.nat({ max: 20_000 }).map((n) => ({ kind: 'huge' as const, path: 'a'.repeat(200 + n) })),
  fc.constant({ kind: 'encoded' as const, path: encodeURIComponent(`${ALERT_TOKEN}/`) }),
  fc
    .string({ minLength: 1, maxLength: 20 })
    .filter((e) => e !== '.' && e !== '..')
    .map((extra) => ({ kind: 'extra-segment' as const, path: `${ALERT_TOKEN}/${encodeURIComponent(extra)}` })),
  fc.constantFrom('..', '.', '%2e%2e', `..%2f${ALERT_TOKEN}`).map((p) => ({ kind: 'dot-segment' as const, path: p })),
);

const bodyArb: fc.Arbitrary<{ kind: string; body: Buffer }> = fc.oneof(
  fc
    .constantFrom('en3s-positions', 'en3s-postings', 'inconnue', '', 'en3s positions')
    .map((q) => ({ kind: 'queue-name', body: Buffer.from(JSON.stringify({ queueName: q })) })),
  fc.uint8Array({ maxLength: 4096 }).map((b) => ({ kind: 'random-bytes', body: Buffer.from(b) })),
  fc.json({ maxDepth: 4 }).map((j) => ({ kind: 'json', body: Buffer.from(j) })),
  fc.nat({ max: 5_000 }).map((n) => ({ kind: 'deep', body: Buffer.from(`${'['.repeat(n)}${']'.repeat(n)}`) })),
  fc
    .integer({ min: LIMIT - 16, max: LIMIT * 3 })
    .map((n) => ({ kind: 'size-around-limit', body: Buffer.alloc(n, 0x7b) })),
  fc.constant({ kind: 'empty', body: Buffer.alloc(0) }),
);

const requestArb: fc.Arbitrary<AlertRequest> = fc
  .record({
    token: tokenArb,
    body: bodyArb,
    contentType: fc.constantFrom(
      'application/json',
      'text/plain',
      'application/xml; charset=latin1',
      'multipart/form-data; boundary=x',
      null,
    ),
  })
  .map(({ token, body, contentType }) => ({
    tokenKind: token.kind,
    path: token.path,
    contentType,
    body: body.body,
    bodyKind: body.kind,
  }));

/** What the route owes the request: the token first, then the size. */
function expected(req: AlertRequest): number {
  const rightToken = req.tokenKind === 'right' || req.tokenKind === 'next' || req.path === ALERT_TOKEN;
  if (!rightToken) return 404;
  return req.body.byteLength > LIMIT ? 413 : 202;
}

let hostile: HostileService;
const gc = exposeGc();
const stats = new Map<string, Map<number, number>>();
let sent = 0;
let warm: MemorySample | undefined;
let end: MemorySample | undefined;

beforeAll(async () => {
  hostile = await startHostileService('fuzz');
});
afterAll(async () => {
  await hostile?.stop();
  if (sent === 0) return;
  const kinds = [...stats.keys()].sort();
  const answers = [...new Set(kinds.flatMap((k) => [...stats.get(k)!.keys()]))].sort();
  printTable(`Fuzzing the alert route: ${sent.toLocaleString('en-US')} generated requests (answers by token kind)`, [
    ['token', ...answers.map(String)],
    ...kinds.map((k) => [k, ...answers.map((a) => String(stats.get(k)!.get(a) ?? ''))]),
  ]);
  if (warm && end) console.info(`heap after warm-up ${mb(warm.heapUsed)} MB, at the end ${mb(end.heapUsed)} MB`);
});

describe('fuzzing the alert route of the running service', () => {
  it('answers 404, 413 or 202 as the token and the size call for, never a 5xx nor a stack', async () => {
    let count = 0;
    await fc.assert(
      fc.asyncProperty(requestArb, async (req) => {
        const headers: Record<string, string> = req.contentType ? { 'content-type': req.contentType } : {};
        const answer = await rawPost(`${hostile.alertBase}/${req.path}`, req.body, headers);
        sent += 1;
        count += 1;
        const byKind = stats.get(req.tokenKind) ?? new Map<number, number>();
        byKind.set(answer.status, (byKind.get(answer.status) ?? 0) + 1);
        stats.set(req.tokenKind, byKind);
        if (count === Math.ceil(RUNS / 10)) {
          gc();
          warm = memorySample();
        }
        expect(answer.text).not.toMatch(LEAK);
        // The route's own answers never repeat the token (express's default 404 for other paths echoes the path asked).
        if (answer.status === 202 || answer.status === 413) expect(answer.text).not.toContain(ALERT_TOKEN);
        // An encoded or dotted path may be refused by the router before the route: 404 or 400, never more.
        if (req.tokenKind === 'encoded' || req.tokenKind === 'dot-segment' || req.tokenKind === 'huge')
          expect([400, 404, 414, 431]).toContain(answer.status);
        else
          expect({ kind: req.tokenKind, body: req.bodyKind, size: req.body.byteLength, status: answer.status }).toEqual(
            { kind: req.tokenKind, body: req.bodyKind, size: req.body.byteLength, status: expected(req) },
          );
      }),
      { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
    );
    gc();
    end = memorySample();
    if (warm) expect(end.heapUsed - warm.heapUsed).toBeLessThan(HEAP_GROWTH_BOUND);
    // The service is still up and well, and logged no error for any of it.
    expect((await hostile.service.readiness()).ready).toBe(true);
    expect(hostile.log.errors).toEqual([]);
  }, 600_000);
});

import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually } from '../ingest/helpers.js';
import { exposeGc, LEAK, memorySample, printTable, rawPost, signHeaders, size, startHostileService, type HostileService } from './support.js';
import { outboundBaits, xmlAttacks } from './xml-attacks.js';

/**
 * XML attacks, correctly signed so that they reach the parser, against the running service:
 * each is refused with the expected status and code, quickly and without much memory, and no
 * request ever leaves for the addresses they name (a local listener counts every connection).
 *
 * The bounds are 100 ms and 20 MB per attack; the assertions allow ten times that, so a
 * loaded machine cannot make them flake, and the measured figures are printed (and written to
 * the JSON file named by EN3S_HOSTILE_REPORT, which `npm run bench` puts in BENCHMARKS.md).
 */

const TIME_BOUND_MS = 1000;
const MEMORY_BOUND_BYTES = 200 * 1024 * 1024;

let hostile: HostileService;
let listener: Server;
let listenerUrl: string;
let dir: string;
let secretFile: string;
const marker = `EN3S-XXE-MARKER-${randomBytes(8).toString('hex')}`;
const connections: string[] = [];
const gc = exposeGc();
const gcStarts: number[] = [];
const observer = new PerformanceObserver((list) => list.getEntries().forEach((entry) => gcStarts.push(entry.startTime)));
const runId = randomBytes(4).toString('hex');
const idOf = (name: string) => `evt-attack-${runId}-${name}`;

interface Measured {
  name: string;
  status: number;
  code: string;
  bodyBytes: number;
  ms: number;
  extraBytes: number;
  gcDuring: boolean;
}
const measured: Measured[] = [];
const baitAnswers: string[][] = [];

beforeAll(async () => {
  observer.observe({ entryTypes: ['gc'] });
  dir = mkdtempSync(join(tmpdir(), 'en3s-xxe-'));
  secretFile = join(dir, 'secret.txt');
  writeFileSync(secretFile, `${marker}\n`);
  listener = createServer((req, res) => {
    connections.push(`${req.method} ${req.url}`);
    res.end('<!ENTITY % send "">');
  });
  listener.on('connection', () => connections.push('tcp connection'));
  await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', () => resolve()));
  listenerUrl = `http://127.0.0.1:${(listener.address() as AddressInfo).port}`;
  hostile = await startHostileService('xml-attacks');
});

afterAll(async () => {
  observer.disconnect();
  await hostile?.stop();
  await new Promise<void>((resolve) => listener?.close(() => resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (measured.length > 0) {
    printTable('XML attacks (correctly signed), refused by the running service', [
      ['attack', 'body', 'answer', 'round trip', 'extra memory'],
      ...measured.map((m) => [m.name, size(m.bodyBytes), `${m.status} ${m.code}`, `${m.ms.toFixed(1)} ms`, `${size(m.extraBytes)}${m.gcDuring ? ' (gc ran)' : ''}`]),
    ]);
    if (baitAnswers.length > 0) printTable('Valid notifications naming outside addresses (none was contacted)', [['bait', 'answer'], ...baitAnswers]);
    const file = process.env.EN3S_HOSTILE_REPORT;
    if (file) writeFileSync(file, JSON.stringify({ xmlAttacks: measured }, null, 2));
  }
});

describe('XML attacks against the running service', () => {
  it('each attack is refused with its code, within the time and memory bounds, and no outbound request is made', async () => {
    const attacks = xmlAttacks(listenerUrl, secretFile, idOf);
    // Warm the route once so the first attack does not pay for compiling the parser's code paths.
    const warm = attacks[0]!;
    await rawPost(hostile.webhookUrl, warm.body, signHeaders(idOf('warm-up'), warm.body, { contentType: warm.contentType }));
    for (const attack of attacks) {
      const id = /\bid="(evt-attack-[^"]+)"|"id":\s*"(evt-attack-[^"]+)"/.exec(attack.body.toString('latin1', 0, 4096));
      const headers = signHeaders(id?.[1] ?? id?.[2] ?? idOf('unknown'), attack.body, { contentType: attack.contentType });
      gc();
      gc();
      const before = memorySample();
      const from = performance.now();
      const answer = await rawPost(hostile.webhookUrl, attack.body, headers);
      const after = memorySample();
      const to = performance.now();
      await new Promise((resolve) => setTimeout(resolve, 0));
      const extraBytes = after.heapUsed + after.external - (before.heapUsed + before.external);
      measured.push({
        name: attack.name,
        status: answer.status,
        code: String(answer.json?.code),
        bodyBytes: attack.body.byteLength,
        ms: answer.ms,
        extraBytes,
        gcDuring: gcStarts.some((start) => start >= from && start <= to),
      });
      expect({ attack: attack.name, status: answer.status, code: answer.json?.code }).toEqual({ attack: attack.name, status: attack.status, code: attack.code });
      expect(typeof answer.json?.message === 'string' && answer.json.message.length > 0, `${attack.name}: a message`).toBe(true);
      expect(answer.text).not.toMatch(LEAK);
      expect(answer.text).not.toContain(marker);
      expect(answer.ms, `${attack.name}: round trip`).toBeLessThan(TIME_BOUND_MS);
      expect(extraBytes, `${attack.name}: extra memory`).toBeLessThan(MEMORY_BOUND_BYTES);
    }
    // Nothing refused reached the inbox, and no outside address was contacted.
    const stored = await hostile.service.ctx.store.db.selectFrom('inbox').select(['event_id', 'body']).where('event_id', 'like', `evt-attack-${runId}-%`).execute();
    expect(stored.map((row) => row.event_id)).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections).toEqual([]);
    expect(hostile.log.errors.filter((e) => /^(ingest|webhook)/.test(e.message))).toEqual([]);
  });

  it('valid notifications naming outside addresses (XInclude, schema location, URLs) never make the service call them', async () => {
    const baits = outboundBaits(listenerUrl, idOf);
    for (const bait of baits) {
      const answer = await rawPost(hostile.webhookUrl, bait.body, signHeaders(bait.id, bait.body));
      expect([202, 400], `${bait.name}: ${answer.text}`).toContain(answer.status);
      baitAnswers.push([bait.name, `${answer.status} ${String(answer.json?.code ?? answer.json?.status)}`]);
      expect(answer.json?.code ?? answer.json?.status).toBeTypeOf('string');
    }
    // Let the pipeline process what was accepted (it parses the stored body again) before concluding.
    const db = hostile.service.ctx.store.db;
    await eventually(async () => {
      const rows = await db.selectFrom('inbox').select('status').where('event_id', 'in', baits.map((b) => b.id)).execute();
      return rows.every((row) => row.status === 'done' || row.status === 'failed');
    }, 'the pipeline to process the accepted baits', 10_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections).toEqual([]);
    const offers = await db.selectFrom('offers').select('offer').execute();
    expect(offers.map((o) => o.offer).join('\n')).not.toContain(marker);
  });
});

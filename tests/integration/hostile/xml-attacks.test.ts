import { randomBytes } from 'node:crypto';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobFactsReader } from '../../../connectors/registry.js';
import { loadDomainData } from '../../../src/mappings/load.js';
import { en3s } from '../../support/cli.js';
import { exposeGc, LEAK, memorySample, printTable, size } from './support.js';
import { outboundBaits, xmlAttacks } from './xml-attacks.js';

/**
 * XML (and JSON) attacks against `en3s evaluate`, which still reads documents of the earlier
 * format (XML `<job>` and whole notifications) beside the TalentLink API's jobs: each is refused
 * with the expected code, quickly and without much memory, by the reader the command runs
 * (measured in process), and the command itself exits 2 naming the problem, without a stack and
 * without the content of the local file an entity names; no request ever leaves for the
 * addresses they name (a local listener counts every connection). The alert route reads no
 * document at all (its body is not even parsed): `fuzz.test.ts` covers it.
 *
 * The bounds are 100 ms and 20 MB per attack; the assertions allow ten times that, so a
 * loaded machine cannot make them flake, and the measured figures are printed (and written to
 * the JSON file named by EN3S_HOSTILE_REPORT, which `npm run bench` puts in BENCHMARKS.md).
 */

const TIME_BOUND_MS = 1000;
const MEMORY_BOUND_BYTES = 200 * 1024 * 1024;

let read: ReturnType<typeof createJobFactsReader>;
let listener: Server;
let listenerUrl: string;
let dir: string;
let secretFile: string;
const marker = `EN3S-XXE-MARKER-${randomBytes(8).toString('hex')}`;
const connections: string[] = [];
const gc = exposeGc();
const gcStarts: number[] = [];
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcStarts.push(entry.startTime);
});
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
  read = createJobFactsReader(loadDomainData().organisms);
});

afterAll(async () => {
  observer.disconnect();
  await new Promise<void>((resolve) => listener?.close(() => resolve()));
  if (dir) rmSync(dir, { recursive: true, force: true });
  if (measured.length > 0) {
    printTable('XML attacks, refused by the reader of en3s evaluate', [
      ['attack', 'body', 'refusal', 'time', 'extra memory'],
      ...measured.map((m) => [
        m.name,
        size(m.bodyBytes),
        m.code,
        `${m.ms.toFixed(1)} ms`,
        `${size(m.extraBytes)}${m.gcDuring ? ' (gc ran)' : ''}`,
      ]),
    ]);
    if (baitAnswers.length > 0)
      printTable('Valid notifications naming outside addresses (none was contacted)', [
        ['bait', 'answer'],
        ...baitAnswers,
      ]);
    const file = process.env.EN3S_HOSTILE_REPORT;
    if (file) writeFileSync(file, JSON.stringify({ xmlAttacks: measured }, null, 2));
  }
});

const AT = new Date('2027-02-01T09:00:00Z');

describe('XML attacks against en3s evaluate', () => {
  it('each attack is refused by the reader with its code, within the time and memory bounds', async () => {
    const attacks = xmlAttacks(listenerUrl, secretFile, idOf);
    // Warm the reader once so the first attack does not pay for compiling the parser's code paths.
    read(attacks[0]!.body.toString('utf8'), 'auto', AT);
    for (const attack of attacks) {
      const text = attack.body.toString('utf8');
      gc();
      gc();
      const before = memorySample();
      const from = performance.now();
      const result = read(text, 'auto', AT);
      const to = performance.now();
      const after = memorySample();
      const extraBytes = after.heapUsed + after.external - (before.heapUsed + before.external);
      const code = result.ok ? 'ACCEPTED' : result.error.code;
      measured.push({
        name: attack.name,
        status: attack.status,
        code,
        bodyBytes: attack.body.byteLength,
        ms: to - from,
        extraBytes,
        gcDuring: gcStarts.some((start) => start >= from && start <= to),
      });
      expect({ attack: attack.name, code }).toEqual({ attack: attack.name, code: attack.code });
      if (!result.ok) {
        expect(result.error.message.length, `${attack.name}: a message`).toBeGreaterThan(0);
        expect(result.error.message).not.toContain(marker);
      }
      expect(to - from, `${attack.name}: time`).toBeLessThan(TIME_BOUND_MS);
      expect(extraBytes, `${attack.name}: extra memory`).toBeLessThan(MEMORY_BOUND_BYTES);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(connections).toEqual([]);
  });

  it('the command exits 2 on each attack, naming the problem, without a stack nor the secret file', () => {
    for (const attack of xmlAttacks(listenerUrl, secretFile, idOf)) {
      const run = en3s(['evaluate', '--at', AT.toISOString(), '-'], { input: attack.body.toString('utf8') });
      expect({ attack: attack.name, code: run.code }).toEqual({ attack: attack.name, code: 2 });
      expect(run.stderr).toMatch(/^en3s : /);
      expect(run.stderr).not.toMatch(LEAK);
      expect(run.stderr + run.stdout).not.toContain(marker);
    }
    expect(connections).toEqual([]);
  }, 120_000);

  it('documents naming outside addresses (XInclude, schema location, URLs) never make it call them', () => {
    for (const bait of outboundBaits(listenerUrl, idOf)) {
      const run = en3s(['evaluate', '--at', AT.toISOString(), '-'], { input: bait.body.toString('utf8') });
      expect([0, 2], `${bait.name}: ${run.stderr}`).toContain(run.code);
      baitAnswers.push([bait.name, run.code === 0 ? 'decision' : run.stderr.trim().slice(0, 60)]);
      expect(run.stdout).not.toContain(marker);
    }
    expect(connections).toEqual([]);
  }, 60_000);
});

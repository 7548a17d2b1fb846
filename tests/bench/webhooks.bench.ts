import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createSandbox } from '../../connectors/talentlink/sandbox/index.js';
import { openDatabase } from '../../src/store/database.js';
import { decodeSecret } from '../../src/ingest/signature.js';
import { describeMachine, fmt, loadAverage, median, table } from './bench-machine.js';
import { measureEndToEnd, type EndToEndResult, type Target } from './webhook-e2e.js';
import { notificationFactory, signedWebhookHeaders } from './webhook-notification.js';
import type { ServiceTargetOptions, TargetMessage } from './webhook-target.js';

/**
 * Webhook bench (`npm run build && npm run bench:webhooks`):
 * 1. throughput and latency under autocannon (50 connections, each request a fresh signed
 *    ~4 KB XML notification) of three targets, each its own process, alternating for several
 *    rounds: a bare express 5 route reading the same bodies and answering 202 (the baseline),
 *    the webhook route alone over its SQLite store (signature check, parsing, durable inbox
 *    commit), and the whole service with the pipeline processing what comes in. Every request
 *    answered 2xx is checked to be in the inbox afterwards; the CPU time each target spent per
 *    request is measured too, as req/s depend on what else the machine is doing.
 * 2. end to end: new senior offers in the sandbox ATS (this process) so that 200 notifications
 *    per second are offered to the service (each offer causes four: created, locked, team,
 *    approval started); from each `job.created` to the first ATS call the service makes for
 *    that job. Then again at 40 per second, to show the latency of a service not saturated.
 * The last line is one JSON object for tooling; `reqPerSec` and `p99Ms` are the whole service's.
 * Env: EN3S_BENCH_SECONDS (10), EN3S_BENCH_ROUNDS (3), EN3S_BENCH_E2E_RATE (200 notifications/s),
 * EN3S_BENCH_E2E_SECONDS (10).
 */

const envInt = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1) throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
};

const CONNECTIONS = 50;
const SECONDS = envInt('EN3S_BENCH_SECONDS', 10);
const ROUNDS = envInt('EN3S_BENCH_ROUNDS', 3);
const WARMUP_SECONDS = 2;
/** Notifications per second pushed to the service end to end; each new senior offer causes four. */
const E2E_RATE = envInt('EN3S_BENCH_E2E_RATE', 200);
const E2E_LIGHT_RATE = 40;
const NOTIFICATIONS_PER_OFFER = 4;
const E2E_SECONDS = envInt('EN3S_BENCH_E2E_SECONDS', 10);
/** Inside the 2027 window: concerned offers call for commands, as in January. */
const CLOCK_AT = '2027-01-18T09:00:00.000Z';
const TARGET_RATIO = 0.7;
const TARGET_P99_MS = 25;
const TARGET_E2E_P99_MS = 250;

const targetScript = fileURLToPath(new URL('./webhook-target.js', import.meta.url));
const secret = `whsec_${randomBytes(24).toString('base64')}`;
const key = decodeSecret(secret);
const factory = notificationFactory();
const runId = randomBytes(3).toString('hex');
const dir = mkdtempSync(join(tmpdir(), 'en3s-bench-webhooks-'));

interface RunningTarget extends Target {
  child: ChildProcess;
  /** CPU time (user + system, µs) the process used so far. */
  cpu(): Promise<number>;
}

/** Starts a target process and resolves once it listens. */
function startTarget(args: string[]): Promise<RunningTarget> {
  const child = fork(targetScript, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`webhook target ${args[0]} exited with code ${code} before it was ready`));
    child.once('exit', onExit);
    child.on('message', (message: TargetMessage) => {
      if (message.type === 'failed') reject(new Error(`webhook target ${args[0]} failed: ${message.error}`));
      if (message.type !== 'ready') return;
      child.off('exit', onExit);
      resolve({
        url: message.url,
        child,
        cpu: () =>
          new Promise<number>((done) => {
            const onCpu = (reply: TargetMessage) => {
              if (reply.type !== 'cpu') return;
              child.off('message', onCpu);
              done(reply.micros);
            };
            child.on('message', onCpu);
            child.send({ type: 'cpu' });
          }),
        stop: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.send({ type: 'stop' });
          }),
      });
    });
  });
}

function serviceArgs(mode: 'service' | 'ingest', databaseUrl: string, atsBaseUrl: string): string[] {
  const options: ServiceTargetOptions = { databaseUrl, secret, atsBaseUrl, clockAt: CLOCK_AT, logLevel: 'info' };
  return [mode, JSON.stringify(options)];
}

/** autocannon against `url` with fresh signed notifications; ids start with `prefix`. */
function load(url: string, prefix: string, seconds: number): Promise<autocannon.Result> {
  let seq = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: '/webhooks/talentlink',
            setupRequest: (request) => {
              seq += 1;
              const eventId = `${prefix}-${String(seq).padStart(7, '0')}`;
              const body = factory.body(eventId, String(1_000_000 + seq));
              return { ...request, body, headers: signedWebhookHeaders(key, eventId, Math.floor(Date.now() / 1000), body) };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

type TargetName = 'bare' | 'ingest' | 'service';

interface Round {
  target: TargetName;
  reqPerSec: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  ok: number;
  other: number;
  errors: number;
  /** CPU time of the target process per answered request, µs (load-independent, unlike req/s). */
  cpuPerRequestUs: number;
  /** Inbox rows of the run, and how many the pipeline had processed when it stopped. */
  stored?: number;
  processed?: number;
}

async function measure(target: TargetName, args: string[], prefix: string, databaseUrl?: string): Promise<Round> {
  const running = await startTarget(args);
  let round: Round;
  try {
    await load(running.url, `evt-warm-${prefix}`, WARMUP_SECONDS);
    const cpuBefore = await running.cpu();
    const r = await load(running.url, prefix, SECONDS);
    const cpu = (await running.cpu()) - cpuBefore;
    round = {
      target,
      reqPerSec: r.requests.average,
      p50: r.latency.p50,
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      max: r.latency.max,
      ok: r['2xx'],
      other: r.non2xx,
      errors: r.errors,
      cpuPerRequestUs: cpu / Math.max(1, r['2xx'] + r.non2xx),
    };
  } finally {
    await running.stop();
  }
  if (databaseUrl) {
    // Durability: every request answered 2xx is in the inbox, read back from the file after the process exited.
    const store = await openDatabase(databaseUrl, { create: false });
    try {
      const rows = await store.db.selectFrom('inbox').select(['status']).where('event_id', 'like', `${prefix}-%`).execute();
      round.stored = rows.length;
      round.processed = rows.filter((row) => row.status === 'done').length;
    } finally {
      await store.close();
    }
    if (round.stored < round.ok) throw new Error(`durability: ${round.ok} notifications acknowledged but only ${round.stored} in the inbox`);
  }
  return round;
}

console.log(`machine: ${describeMachine()}`);
console.log(`load average at start: ${loadAverage()}`);
console.log(`body: signed XML job.approval.started, ${fmt(factory.bytes)} bytes, a fresh event id and job id per request; ${CONNECTIONS} connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s of warm-up, ${ROUNDS} rounds`);

// The service's ATS during the throughput runs: an idle sandbox (reconciliation at start-up, and
// any command the pipeline would send).
const idleAts = createSandbox({ rateLimitPerSecond: 0, clockStart: CLOCK_AT, driverApi: false });
const { url: idleAtsUrl } = await idleAts.start(0, '127.0.0.1');
const rounds: Round[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const db = (name: string) => `sqlite:${join(dir, `${name}-${round}.sqlite`)}`;
    const done = [
      await measure('bare', ['bare'], `evt-bare-${runId}-${round}`),
      await measure('ingest', serviceArgs('ingest', db('ingest'), idleAtsUrl), `evt-ingest-${runId}-${round}`, db('ingest')),
      await measure('service', serviceArgs('service', db('service'), idleAtsUrl), `evt-bench-${runId}-${round}`, db('service')),
    ];
    rounds.push(...done);
    console.log(`round ${round}: ${done.map((r) => `${r.target} ${fmt(r.reqPerSec)} req/s (p99 ${r.p99} ms, ${fmt(r.cpuPerRequestUs)} µs CPU/request)`).join(', ')}; load average ${loadAverage()}`);
  }
} finally {
  await idleAts.stop();
}
const idleAtsRequests = idleAts.counters().http.requests;

// The target rate, then a light one: what the latency is when the service is not saturated.
const e2eRuns: { rate: number; result: EndToEndResult }[] = [];
for (const rate of [E2E_RATE, E2E_LIGHT_RATE]) {
  const result = await measureEndToEnd({
    rate: rate / NOTIFICATIONS_PER_OFFER,
    seconds: E2E_SECONDS,
    warmupSeconds: 2,
    secret,
    clockAt: CLOCK_AT,
    startService: (atsUrl) => startTarget(serviceArgs('service', `sqlite:${join(dir, `e2e-${rate}.sqlite`)}`, atsUrl)),
  });
  e2eRuns.push({ rate, result });
}
const e2e = e2eRuns[0]!.result;
rmSync(dir, { recursive: true, force: true });

const of = (target: TargetName) => rounds.filter((r) => r.target === target);
const summary = (rs: Round[]) => ({
  reqPerSec: median(rs.map((r) => r.reqPerSec)),
  p50: median(rs.map((r) => r.p50)),
  p97_5: median(rs.map((r) => r.p97_5)),
  p99: median(rs.map((r) => r.p99)),
  max: Math.max(...rs.map((r) => r.max)),
  cpu: median(rs.map((r) => r.cpuPerRequestUs)),
  ok: rs.reduce((n, r) => n + r.ok, 0),
  other: rs.reduce((n, r) => n + r.other + r.errors, 0),
});
const b = summary(of('bare'));
const i = summary(of('ingest'));
const s = summary(of('service'));
const ratio = s.reqPerSec / b.reqPerSec;
const row = (name: string, x: ReturnType<typeof summary>) => [name, fmt(x.reqPerSec), `${fmt((x.reqPerSec / b.reqPerSec) * 100, 1)}%`, fmt(x.p50), fmt(x.p97_5), fmt(x.p99), fmt(x.max), fmt(x.cpu), fmt(x.ok), fmt(x.other)];

console.log('');
console.log(
  table([
    ['target (median of rounds)', 'req/s', 'of bare', 'p50 ms', 'p97.5 ms', 'p99 ms', 'max ms', 'CPU µs/req', '2xx', 'other/errors'],
    row('bare express 5 route (202)', b),
    row('webhook route alone (no pipeline)', i),
    row('EN3S service (pipeline running)', s),
  ]),
);
console.log('');
console.log(`rounds (req/s): ${(['bare', 'ingest', 'service'] as const).map((t) => `${t} ${of(t).map((r) => fmt(r.reqPerSec)).join(' / ')}`).join('; ')}`);
console.log(
  `durability: ${[...of('ingest'), ...of('service')].map((r) => `${r.target} ${fmt(r.stored ?? 0)} rows for ${fmt(r.ok)} acknowledged`).join('; ')}; ` +
    `processed by the pipeline before the service stopped: ${of('service').map((r) => fmt(r.processed ?? 0)).join(' / ')}; calls to the idle ATS: ${fmt(idleAtsRequests)}`,
);
console.log('');
console.log(
  table([
    ['end to end: job.created → first ATS call', 'offers', 'offers/s', 'notifications pushed/s', 'answered', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
    ...e2eRuns.map(({ rate, result: e }) => [
      `${rate} notifications/s offered`,
      fmt(e.jobs),
      fmt(e.achievedRate, 1),
      fmt(e.pushedPerSecond),
      fmt(e.answered),
      fmt(e.p50, 1),
      fmt(e.p90, 1),
      fmt(e.p99, 1),
      fmt(e.max, 1),
    ]),
  ]),
);
console.log(`first calls: ${Object.entries(e2e.firstCalls).map(([call, n]) => `${call} × ${fmt(n)}`).join(', ')}`);
console.log(`load average at the end: ${loadAverage()}`);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
console.log(
  `targets: throughput ≥ ${TARGET_RATIO * 100}% of the bare route ${verdict(ratio >= TARGET_RATIO)} (${fmt(ratio * 100, 1)}%); p99 ≤ ${TARGET_P99_MS} ms ${verdict(s.p99 <= TARGET_P99_MS)} (${s.p99} ms); ` +
    `end-to-end p99 ≤ ${TARGET_E2E_P99_MS} ms at ${E2E_RATE}/s ${verdict(e2e.p99 <= TARGET_E2E_P99_MS && e2e.answered === e2e.jobs)} (${fmt(e2e.p99, 1)} ms, ${fmt(e2e.answered)}/${fmt(e2e.jobs)} answered)`,
);
const round1 = (n: number) => Math.round(n * 10) / 10;
console.log(
  JSON.stringify({ bench: 'webhooks', reqPerSec: Math.round(s.reqPerSec), baselineReqPerSec: Math.round(b.reqPerSec), ratio: Math.round(ratio * 1000) / 1000, p99Ms: s.p99, e2eP99Ms: round1(e2e.p99) }),
);

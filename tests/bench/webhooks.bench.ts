import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { createTenant } from '../../connectors/talentlink/tenant/index.js';
import { describeMachine, fmt, loadAverage, median, table } from './bench-machine.js';
import type { ServiceTargetOptions, TargetMessage } from './webhook-target.js';

/**
 * Alert-route bench (`npm run build && npm run bench:webhooks`): throughput and latency under
 * autocannon (50 connections) of the queue alert as the tenant sends it (`POST
 * /webhooks/talentlink/<token>`, body `{"queueName": "en3s-positions"}`, unsigned), against two
 * targets, each its own process, alternating for several rounds in the same run: a bare express 5
 * route reading the same bodies and answering 202 (the baseline), and the whole service (`en3s
 * serve`'s `startService`), whose alert route checks the token in constant time, caps and reads
 * the body, answers 202 and asks for a drain (coalesced by the queue scheduler) of a tenant held
 * to the real 8 calls per second. The CPU time each target spent per request is measured too, as
 * req/s depend on what else the machine is doing; the calls the alerts caused are counted by the
 * tenant. The last line is one JSON object for tooling.
 * Env: EN3S_BENCH_SECONDS (10), EN3S_BENCH_ROUNDS (3).
 */

const envInt = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
};

const CONNECTIONS = 50;
const SECONDS = envInt('EN3S_BENCH_SECONDS', 10);
const ROUNDS = envInt('EN3S_BENCH_ROUNDS', 3);
const WARMUP_SECONDS = 2;
/** Inside the 2027 window. */
const CLOCK_AT = '2027-01-18T09:00:00.000Z';
const TARGET_RATIO = 0.7;
/** The alert route's p99 may exceed the bare route's by this much (issue: bare p99 + 10 ms). */
const TARGET_P99_OVER_BARE_MS = 10;

const targetScript = fileURLToPath(new URL('./webhook-target.js', import.meta.url));
const token = randomBytes(24).toString('base64url');
const body = JSON.stringify({ queueName: 'en3s-positions' });
const dir = mkdtempSync(join(tmpdir(), 'en3s-bench-webhooks-'));

interface RunningTarget {
  url: string;
  child: ChildProcess;
  cpu(): Promise<number>;
  stop(): Promise<void>;
}

/** Starts a target process and resolves once it listens. */
function startTarget(args: string[]): Promise<RunningTarget> {
  const child = fork(targetScript, args, { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) =>
      reject(new Error(`webhook target ${args[0]} exited with code ${code} before it was ready`));
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

function load(url: string, seconds: number): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: CONNECTIONS,
        duration: seconds,
        requests: [
          {
            method: 'POST',
            path: `/webhooks/talentlink/${token}`,
            headers: { 'content-type': 'application/json' },
            body,
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

type TargetName = 'bare' | 'service';

interface Round {
  target: TargetName;
  reqPerSec: number;
  p50: number;
  p97_5: number;
  p99: number;
  max: number;
  ok: number;
  other: number;
  cpuPerRequestUs: number;
}

async function measure(target: TargetName, args: string[]): Promise<Round> {
  const running = await startTarget(args);
  try {
    await load(running.url, WARMUP_SECONDS);
    const cpuBefore = await running.cpu();
    const r = await load(running.url, SECONDS);
    const cpu = (await running.cpu()) - cpuBefore;
    // Anything but 202 is a failure of the route, not a figure: a refused token would measure the 404 path.
    if (r.non2xx > 0 || r.errors > 0)
      throw new Error(
        `${target}: ${r.non2xx} answers other than 2xx and ${r.errors} errors out of ${r.requests.total}`,
      );
    return {
      target,
      reqPerSec: r.requests.average,
      p50: r.latency.p50,
      p97_5: r.latency.p97_5,
      p99: r.latency.p99,
      max: r.latency.max,
      ok: r['2xx'],
      other: r.non2xx + r.errors,
      cpuPerRequestUs: cpu / Math.max(1, r['2xx'] + r.non2xx),
    };
  } finally {
    await running.stop();
  }
}

console.log(`machine: ${describeMachine()}`);
console.log(`load average at start: ${loadAverage()}`);
console.log(
  `body: ${body} (${Buffer.byteLength(body)} bytes), unsigned as the tenant sends it; ${CONNECTIONS} ` +
    `connections, ${SECONDS} s per run after ${WARMUP_SECONDS} s of warm-up, ${ROUNDS} rounds`,
);

// The service's ATS: a tenant at the real 8 calls per second, empty queues (each drain the alerts cause reads them).
const tenant = createTenant({ clock: { start: CLOCK_AT }, driverApi: false });
const { url: tenantUrl } = await tenant.start(0, '127.0.0.1');
const rounds: Round[] = [];
try {
  for (let round = 1; round <= ROUNDS; round++) {
    const options: ServiceTargetOptions = {
      databaseUrl: `sqlite:${join(dir, `service-${round}.sqlite`)}`,
      token,
      atsBaseUrl: tenantUrl,
      clockAt: CLOCK_AT,
      logLevel: 'warn',
    };
    const done = [await measure('bare', ['bare']), await measure('service', ['service', JSON.stringify(options)])];
    rounds.push(...done);
    const figures = done
      .map((r) => `${r.target} ${fmt(r.reqPerSec)} req/s (p99 ${r.p99} ms, ${fmt(r.cpuPerRequestUs)} µs CPU/request)`)
      .join(', ');
    console.log(`round ${round}: ${figures}; load average ${loadAverage()}`);
  }
} finally {
  await tenant.stop();
  rmSync(dir, { recursive: true, force: true });
}
const counters = tenant.counters();

const of = (target: TargetName) => rounds.filter((r) => r.target === target);
const summary = (rs: Round[]) => ({
  reqPerSec: median(rs.map((r) => r.reqPerSec)),
  p50: median(rs.map((r) => r.p50)),
  p97_5: median(rs.map((r) => r.p97_5)),
  p99: median(rs.map((r) => r.p99)),
  max: Math.max(...rs.map((r) => r.max)),
  cpu: median(rs.map((r) => r.cpuPerRequestUs)),
  ok: rs.reduce((n, r) => n + r.ok, 0),
});
const b = summary(of('bare'));
const s = summary(of('service'));
const ratio = s.reqPerSec / b.reqPerSec;
const row = (name: string, x: ReturnType<typeof summary>) => [
  name,
  fmt(x.reqPerSec),
  `${fmt((x.reqPerSec / b.reqPerSec) * 100, 1)}%`,
  fmt(x.p50),
  fmt(x.p97_5),
  fmt(x.p99),
  fmt(x.max),
  fmt(x.cpu),
  fmt(x.ok),
];

console.log('');
console.log(
  table([
    ['target (median of rounds)', 'req/s', 'of bare', 'p50 ms', 'p97.5 ms', 'p99 ms', 'max ms', 'CPU µs/req', '202'],
    row('bare express 5 route (202)', b),
    row('EN3S alert route (service running)', s),
  ]),
);
console.log('');
console.log(
  `rounds (req/s): ${(['bare', 'service'] as const)
    .map(
      (t) =>
        `${t} ${of(t)
          .map((r) => fmt(r.reqPerSec))
          .join(' / ')}`,
    )
    .join('; ')}`,
);
console.log(
  `calls the ${fmt(s.ok)} alerts caused, counted by the tenant: ${fmt(counters.totalCalls)} (${Object.entries(
    counters.calls,
  )
    .map(
      ([op, byStatus]) =>
        `${op} ${Object.entries(byStatus)
          .map(([status, n]) => `${status}×${n}`)
          .join(' ')}`,
    )
    .join(
      ', ',
    )}); refused over QPS ${fmt(counters.refused.overQps)}; busiest 1,000 ms ${counters.maxCallsInWindow} calls`,
);
console.log(`load average at the end: ${loadAverage()}`);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
console.log(
  `targets: throughput ≥ ${TARGET_RATIO * 100}% of the bare route ${verdict(ratio >= TARGET_RATIO)} ` +
    `(${fmt(ratio * 100, 1)}%); p99 ≤ the bare route's + ${TARGET_P99_OVER_BARE_MS} ms ` +
    `${verdict(s.p99 <= b.p99 + TARGET_P99_OVER_BARE_MS)} ` +
    `(${s.p99} ms against ${b.p99} ms)`,
);
console.log(
  JSON.stringify({
    bench: 'webhooks',
    reqPerSec: Math.round(s.reqPerSec),
    baselineReqPerSec: Math.round(b.reqPerSec),
    ratio: Math.round(ratio * 1000) / 1000,
    p99Ms: s.p99,
    baselineP99Ms: b.p99,
  }),
);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTenant, type Tenant } from '../../connectors/talentlink/tenant/index.js';
import { loadConfig } from '../../src/config.js';
import { offsetClock } from '../../src/clock.js';
import { startService, type RunningService } from '../../src/service/service.js';
import { freePort } from '../support/e2e-processes.js';
import { describeMachine, fmt, loadAverage, quantile } from './bench-machine.js';

/**
 * ATS bench (`npm run build && npm run bench:ats`, `-- --quick` for a short form): the service
 * against the tenant simulator held to the real gateway, 8 calls per second, all figures from
 * the tenant's own state and counters.
 * 1. Window opening: N open concerned jobs (mainland bodies, level 7–9) already known to the
 *    service when the window opens (it listed them outside the window); the time from the
 *    opening until every one has the EN3S approver, against the floor of (N PATCH + N/100
 *    read-backs + N/100 listing pages) ÷ 8 calls per second (255 s for 2,000).
 * 2. Steady state: one new concerned job per second: p99 from its creation in the tenant to its
 *    approver set (first seen on its team, polled every 20 ms), and all the calls the tenant
 *    counted over the phase per new job, against the minimum of 5 (peek, fetch, delete, PATCH,
 *    read-back).
 * Full: 2,000 jobs, then 300 s. `--quick`: 200 jobs, then 30 s.
 */

const quick = process.argv.includes('--quick');
const SURGE_JOBS = quick ? 200 : 2_000;
const STEADY_SECONDS = quick ? 30 : 300;
const CALLS_PER_SECOND = 8;
const MIN_CALLS_PER_JOB = 5;
/** The window of 2027 opens at 1 January 00:00 in Paris: 2026-12-31T23:00Z. */
const WINDOW_OPENS_MS = Date.parse('2026-12-31T23:00:00.000Z');
/** The service starts this long before the opening: time to list the jobs (N/100 pages) at 8 calls per second. */
const LEAD_MS = Math.max(20_000, Math.ceil(SURGE_JOBS / 100) * 1_000 + 15_000);
const TOKEN = 'bench-ats-alert-token-0123456789';
const BODIES = [101, 102, 103, 104];
const LEVELS = ['7', '8', '9'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function createConcernedJob(tenant: Tenant, i: number): number {
  const created = tenant.driver.createJob({
    title: `Responsable de service ${i}`,
    organizationId: BODIES[i % BODIES.length]!,
    recruiterIds: [111 + (i % 4)],
    classification: { grid: 'Régime général', level: LEVELS[i % LEVELS.length]!, category: 'Cadre' },
  });
  if (!created.ok) throw new Error(`bench: job ${i}: ${created.error.message}`);
  return Number(created.value.id);
}

const EN3S = 101;
const hasApprover = (tenant: Tenant, jobId: number) =>
  tenant.state.jobs.get(jobId)?.team.approvers.some((a) => a.userId === EN3S) ?? false;

console.log(`machine: ${describeMachine()}`);
console.log(`load average at start: ${loadAverage()}`);
console.log(
  `mode: ${quick ? 'quick' : 'full'} (${SURGE_JOBS} jobs at the opening, then ${STEADY_SECONDS} ` +
    `s of one new job per second); tenant and service at ${CALLS_PER_SECOND} calls per second`,
);

const dir = mkdtempSync(join(tmpdir(), 'en3s-bench-ats-'));
const port = await freePort();
const startAt = new Date(WINDOW_OPENS_MS - LEAD_MS);
const tenant = createTenant({
  callsPerSecond: CALLS_PER_SECOND,
  clock: { start: startAt.toISOString() },
  alertUrls: [`http://127.0.0.1:${port}/webhooks/talentlink/${TOKEN}`],
  driverApi: false,
});
const { url } = await tenant.start(0, '127.0.0.1');
let service: RunningService | null = null;
try {
  // The jobs exist before the service first looks: it learns them from the change listing, not the queues.
  // Created over time as recruiters do (each at its own millisecond: the tenant's clock moves 1 ms
  // after each), not thousands within one millisecond, which the change listing can only page
  // through by offsets at that instant (a call per page already seen: see the README).
  const surgeJobs = Array.from({ length: SURGE_JOBS }, (_, i) => {
    const id = createConcernedJob(tenant, i);
    tenant.clock.advance(1);
    return id;
  });
  tenant.queues.clear();
  const config = loadConfig(
    {},
    {
      databaseUrl: `sqlite:${join(dir, 'bench.sqlite')}`,
      httpHost: '127.0.0.1',
      httpPort: port,
      alertTokens: [TOKEN],
      atsBaseUrl: url,
      atsUser: 'demo:demo:BO',
      atsPassword: 'demo',
      atsApiKey: 'demo',
      atsCallsPerSecond: CALLS_PER_SECOND,
      reportsSchedule: false,
      logLevel: 'warn',
    },
  );
  service = await startService({ config, clock: offsetClock(new Date(tenant.clock.nowMs())) });
  const db = service.ctx.store.db;
  for (;;) {
    const known = Number(
      (await db.selectFrom('offers').select(db.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    );
    if (known >= SURGE_JOBS) break;
    if (tenant.clock.nowMs() >= WINDOW_OPENS_MS)
      throw new Error(
        `bench: only ${known} of ${SURGE_JOBS} jobs known to the service when the window opened: raise LEAD_MS`,
      );
    await sleep(200);
  }
  const knownAt = tenant.clock.nowMs();
  console.log(
    `surge: ${SURGE_JOBS} jobs known ${fmt((WINDOW_OPENS_MS - knownAt) / 1000, 1)} s before ` +
      `the opening; calls so far ${tenant.counters().totalCalls}`,
  );
  while (tenant.clock.nowMs() < WINDOW_OPENS_MS) await sleep(10);
  const openedReal = performance.now();
  const callsAtOpening = tenant.counters().totalCalls;
  let pending = new Set(surgeJobs);
  while (pending.size > 0) {
    await sleep(100);
    pending = new Set([...pending].filter((id) => !hasApprover(tenant, id)));
  }
  const surgeSeconds = (performance.now() - openedReal) / 1000;
  const surgeCalls = tenant.counters().totalCalls - callsAtOpening;
  const surgeFloorSeconds = (SURGE_JOBS + 2 * Math.ceil(SURGE_JOBS / 100)) / CALLS_PER_SECOND;
  console.log(
    `surge: every approver set ${fmt(surgeSeconds, 1)} s after the opening (floor ${fmt(surgeFloorSeconds, 1)} ` +
      `s), ${fmt(surgeCalls)} calls meanwhile`,
  );

  // Steady state: let the surge's tail (read-backs) pass, then one new job per second.
  await sleep(3_000);
  const before = structuredClone(tenant.counters());
  const created = new Map<number, number>();
  const setAt = new Map<number, number>();
  const watcher = setInterval(() => {
    const now = performance.now();
    for (const id of created.keys()) if (!setAt.has(id) && hasApprover(tenant, id)) setAt.set(id, now);
  }, 20);
  for (let i = 0; i < STEADY_SECONDS; i++) {
    const due = i * 1000;
    const started = created.size === 0 ? performance.now() : [...created.values()][0]!;
    const wait = started + due - performance.now();
    if (wait > 0) await sleep(wait);
    const id = createConcernedJob(tenant, SURGE_JOBS + i);
    created.set(id, performance.now());
  }
  const deadline = performance.now() + 120_000;
  while (setAt.size < created.size && performance.now() < deadline) await sleep(50);
  // Whatever the last jobs still cause (read-backs) belongs to them: wait for the tenant to go quiet.
  let last = tenant.counters().totalCalls;
  for (;;) {
    await sleep(2_000);
    const now = tenant.counters().totalCalls;
    if (now - last <= 1) break;
    last = now;
  }
  clearInterval(watcher);
  if (setAt.size < created.size)
    throw new Error(`bench: ${created.size - setAt.size} of ${created.size} new jobs never got the approver`);
  const after = structuredClone(tenant.counters());
  const latencies = [...created].map(([id, at]) => setAt.get(id)! - at).sort((a, b) => a - b);
  const p99ToApproverMs = Math.round(quantile(latencies, 0.99));
  const steadyCalls = after.totalCalls - before.totalCalls;
  const callsPerJob = steadyCalls / created.size;
  const byOperation = Object.keys(after.calls).map((op) => {
    const total = (counters: typeof before) => Object.values(counters.calls[op] ?? {}).reduce((a, b) => a + b, 0);
    return `${op} ${total(after) - total(before)}`;
  });
  console.log(
    `steady: ${created.size} new jobs, approver set p50 ${fmt(quantile(latencies, 0.5))} ms, ` +
      `p90 ${fmt(quantile(latencies, 0.9))} ms, p99 ${fmt(p99ToApproverMs)} ms, max ${fmt(latencies.at(-1)!)} ms`,
  );
  console.log(
    `steady: ${fmt(steadyCalls)} calls (${byOperation.join(', ')}), ${fmt(callsPerJob, 2)} per ` +
      `job (minimum ${MIN_CALLS_PER_JOB}); refused over QPS in the whole run ${after.refused.overQps}; ` +
      `busiest 1,000 ms ${after.maxCallsInWindow} calls`,
  );
  console.log(`load average at the end: ${loadAverage()}`);
  const r = (n: number, d = 3) => Math.round(n * 10 ** d) / 10 ** d;
  console.log(
    JSON.stringify({
      bench: 'ats',
      surgeSeconds: r(surgeSeconds, 1),
      surgeFloorSeconds: r(surgeFloorSeconds, 1),
      surgeRatio: r(surgeSeconds / surgeFloorSeconds),
      p99ToApproverMs,
      callsPerJob: r(callsPerJob, 2),
      minCallsPerJob: MIN_CALLS_PER_JOB,
      callsRatio: r(callsPerJob / MIN_CALLS_PER_JOB),
    }),
  );
} finally {
  await service?.stop();
  await tenant.stop();
  rmSync(dir, { recursive: true, force: true });
}

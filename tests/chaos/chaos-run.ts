import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FaultPlanInput } from '../../connectors/talentlink/tenant/index.js';
import type { Dialect } from '../../src/store/database.js';
import { openTestStore, type TestStore } from '../support/databases.js';
import { en3sBin, freePort, startProcess } from '../support/e2e-processes.js';
import { driveScenario, type DriveResult } from './actors.js';
import { checkEffects, checkLedger, checkOffers, checkQueues, checkReport } from './checks.js';
import { CHAOS_ALERT_TOKEN, serviceInstance, startKiller, type ServiceInstance } from './fleet.js';
import { describeScenario, generateScenario } from './scenario.js';
import {
  POSITION_QUEUE,
  POSTING_QUEUE,
  startTenantProcess,
  type TenantProcess,
} from '../support/tenant-process-client.js';

/**
 * One chaos run: the tenant simulator as a process and one or more `en3s serve` processes on
 * one database, the tenant failing a fifth of the API calls, answering storms of the gateway's
 * 403 "Account Over Queries Per Second Limit", losing and repeating alerts, repeating queue
 * elements, with poison elements (a job gone, a job hidden) put in its queues; a killer
 * SIGKILLing every instance every few seconds; the scenario played by recruiters and EN3S
 * meanwhile. Then faults off, killing stopped, wait for everything to settle, and compare with
 * the oracle. Returns the problems found (empty: all is well) and a summary line.
 */

export interface ChaosOptions {
  dialect: Dialect;
  instances: number;
  offers: number;
  seed: number;
  ratePerSecond: number;
  /** The connector's budget of calls per second (EN3S_ATS_CALLS_PER_SECOND), for all instances. */
  callsPerSecond: number;
  driveTimeoutMs: number;
  settleTimeoutMs: number;
}

export interface ChaosOutcome {
  problems: string[];
  summary: string;
  kills: number;
}

/** Inside the EN3S window of 2027 (1 January – 30 April), whatever the real date. */
export const CAMPAIGN_INSTANT = '2027-02-03T09:00:00.000Z';

/** What the tenant does wrong during the run (its README, "Faults"); a storm of 403s every few seconds on top. */
export const chaosFaults = (tick: number, storm: boolean): FaultPlanInput => ({
  errors: { rate: 0.2, status: ([500, 503, 504] as const)[tick % 3] },
  latency: { ms: 30, rate: 0.2 },
  gatewayStorm: { next: storm ? 25 : 0 },
  alerts: { dropRate: 0.1, repeatRate: 0.1 },
  queueRepeat: { rate: 0.05 },
});

/** The service's settings for the run: short reconciliation period, queue poll and leases. */
export const chaosServiceEnv = (callsPerSecond: number): Record<string, string> => ({
  EN3S_RECONCILE_CRON: '*/3 * * * * *',
  EN3S_QUEUE_POLL_MS: '2000',
  EN3S_ATS_CALLS_PER_SECOND: String(callsPerSecond),
  EN3S_ATS_TAKEDOWN_RESERVE: String(Math.max(2, Math.floor(callsPerSecond / 8))),
  EN3S_ATS_TIMEOUT_MS: '5000',
  EN3S_ATS_CIRCUIT_COOLDOWN_MS: '1000',
  // Work a killed instance had claimed is taken over after 5 s (commands: 12 s, above the 5 s ATS time-out).
  EN3S_INBOX_LEASE_MS: '5000',
  EN3S_OUTBOX_LEASE_MS: '12000',
  EN3S_REPORTS_SCHEDULE: 'false',
  EN3S_LOG_LEVEL: process.env.EN3S_CHAOS_LOG_LEVEL ?? 'warn',
});

/**
 * Nothing left to do on either side: no inbox row or command waiting, the tenant's queues
 * empty, every job's latest change seen by the service. On time-out, says what was still open.
 */
async function settled(db: TestStore, tenant: TenantProcess, jobIds: number[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let open = '';
  while (Date.now() < deadline) {
    const inbox = await db.db
      .selectFrom('inbox')
      .select('id')
      .where('status', 'in', ['pending', 'processing'])
      .execute();
    const outbox = await db.db
      .selectFrom('outbox')
      .select('id')
      .where('status', 'in', ['pending', 'in_flight'])
      .execute();
    const queued = (await tenant.queueLength(POSITION_QUEUE)) + (await tenant.queueLength(POSTING_QUEUE));
    open = `${inbox.length} inbox events, ${outbox.length} commands, ${queued} queue elements open`;
    if (inbox.length + outbox.length + queued === 0) {
      const seen = new Map(
        (await db.db.selectFrom('offers').select(['ats_id', 'last_updated_at']).execute()).map((r) => [
          r.ats_id,
          r.last_updated_at ? Date.parse(r.last_updated_at) : null,
        ]),
      );
      const wanted = new Set(jobIds);
      const behind = (await tenant.effects()).jobs.filter(
        (j) => wanted.has(j.id) && seen.get(String(j.id)) !== j.updateDate,
      );
      if (behind.length === 0) return;
      open = `${behind.length} jobs whose latest change the service has not seen, e.g. ${behind
        .slice(0, 10)
        .map((j) => {
          const service = seen.get(String(j.id));
          const known = service ? new Date(service).toISOString() : 'none';
          return `${j.id} at ${new Date(j.updateDate).toISOString()} (service: ${known})`;
        })
        .join(', ')}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the service and the tenant did not settle in ${timeoutMs} ms: ${open}`);
}

/**
 * An administrator's round: dead-lettered commands are sent again (`en3s outbox retry --all`),
 * after checking that each died only once its retries were spent on transient failures.
 */
async function requeueDead(db: TestStore, problems: string[]): Promise<number> {
  const dead = await db.db
    .selectFrom('outbox')
    .select(['id', 'kind', 'ats_id', 'attempts', 'last_error'])
    .where('status', '=', 'dead')
    .execute();
  if (dead.length === 0) return 0;
  for (const c of dead) {
    if (Number(c.attempts) < 8 || !/HTTP 50\d/.test(c.last_error ?? ''))
      problems.push(
        `command ${c.id} (${c.kind}, job ${c.ats_id}) dead-lettered after ${c.attempts} attempts: ${c.last_error}`,
      );
  }
  const run = startProcess(en3sBin(), ['outbox', 'retry', '--all', '--db', db.url]);
  if ((await run.exited) !== 0) problems.push(`en3s outbox retry --all failed: ${run.stderr()}`);
  return dead.length;
}

/** What the service holds of the jobs a failed drive names: state and unhandled work. */
async function describeStuck(db: TestStore, error: unknown): Promise<string> {
  const ids = [
    ...new Set(
      [...String(error instanceof Error ? error.message : error).matchAll(/\(job (\d+)\)/g)].map((m) => m[1]!),
    ),
  ].slice(0, 8);
  const lines: string[] = [];
  for (const id of ids) {
    const offer = await db.db
      .selectFrom('offers')
      .select(['state', 'last_updated_at'])
      .where('ats_id', '=', id)
      .executeTakeFirst();
    const commands = await db.db
      .selectFrom('outbox')
      .select(['id', 'kind', 'status', 'attempts', 'next_attempt_at', 'lease_owner', 'last_error'])
      .where('ats_id', '=', id)
      .orderBy('id')
      .execute();
    const events = await db.db
      .selectFrom('inbox')
      .select(['event_id', 'status', 'attempts', 'lease_until'])
      .where('job_id', '=', id)
      .where('status', '!=', 'done')
      .execute();
    lines.push(
      `job ${id}: offer ${JSON.stringify(offer ?? null)}`,
      `  commands ${JSON.stringify(commands)}`,
      `  unhandled events ${JSON.stringify(events)}`,
    );
  }
  return lines.join('\n');
}

export async function runChaos(options: ChaosOptions): Promise<ChaosOutcome> {
  const started = Date.now();
  const scenario = generateScenario({
    seed: options.seed,
    offers: options.offers,
    ratePerSecond: options.ratePerSecond,
  });
  const logDir = mkdtempSync(join(tmpdir(), `en3s-chaos-${options.dialect}-`));
  const db = await openTestStore(options.dialect, `chaos-${options.dialect}`, { migrate: false });
  const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
  // No gateway limit in the tenant (0): it measures the busiest 1,000 ms, which the service's own budget must keep
  // under its setting.
  const tenant = await startTenantProcess({
    callsPerSecond: 0,
    clock: { start: CAMPAIGN_INSTANT },
    seed: options.seed,
    alertUrls: ports.map((p) => `http://127.0.0.1:${p}/webhooks/talentlink/${CHAOS_ALERT_TOKEN}`),
    alertTimeoutMs: 1_000,
  });
  const instances: ServiceInstance[] = [];
  const problems: string[] = [];
  let passed = false;
  try {
    for (const [i, port] of ports.entries()) {
      const instance = serviceInstance({
        name: `en3s-${i + 1}`,
        port,
        databaseUrl: db.url,
        atsBaseUrl: tenant.url,
        logFile: join(logDir, `en3s-${i + 1}.log`),
        clockOffsetMs: () => tenant.clockOffsetMs(),
        env: chaosServiceEnv(options.callsPerSecond),
      });
      // One after the other: the first start migrates the database.
      await instance.start();
      instances.push(instance);
    }
    let tick = 0;
    await tenant.setFaults(chaosFaults(tick, false));
    const killer = startKiller(instances, options.seed);
    let requeued = 0;
    const poison = { injected: 0 };
    let drive: DriveResult;
    try {
      drive = await driveScenario(tenant, db, scenario, {
        timeoutMs: options.driveTimeoutMs,
        onTick: async () => {
          if (killer.dead) throw killer.dead;
          tick += 1;
          // Every other round a storm of the gateway's 403s; every third a poison element in a queue.
          await tenant.setFaults(chaosFaults(tick, tick % 2 === 0));
          if (tick % 3 === 0) {
            const queue = tick % 2 === 0 ? POSTING_QUEUE : POSITION_QUEUE;
            const answer = await tenant.driver('POST', `/queues/${queue}/poison`, {
              kind: tick % 4 < 2 ? 'gone' : 'forbidden',
            });
            if (answer.status !== 201)
              problems.push(`poison into ${queue}: ${answer.status} ${JSON.stringify(answer.body)}`);
            else poison.injected += 1;
          }
          requeued += await requeueDead(db, problems);
        },
      });
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${await describeStuck(db, error)}`, {
        cause: error,
      });
    } finally {
      await killer.stop();
    }
    await tenant.setFaults({});
    const jobIds = drive.played.map((o) => o.jobId);
    const settleStart = Date.now();
    // Settled, then the administrator's round once more: a command that died while the run
    // settled is sent again (after the same checks), and the run settles again.
    for (let round = 0; ; round++) {
      try {
        await settled(db, tenant, jobIds, options.settleTimeoutMs);
      } catch (error) {
        const again = await requeueDead(db, problems);
        requeued += again;
        if (again === 0) throw error;
        await settled(db, tenant, jobIds, options.settleTimeoutMs);
      }
      const again = await requeueDead(db, problems);
      requeued += again;
      if (again === 0 || round >= 2) break;
    }
    const settleMs = Date.now() - settleStart;

    const effects = await tenant.effects();
    const counters = await tenant.counters();
    problems.push(...drive.anomalies.map((a) => `${a.tag}: ${a.act} answered ${a.status} ${JSON.stringify(a.body)}`));
    problems.push(...(await checkQueues(db)));
    problems.push(...(await checkOffers(drive.played, db, effects)));
    problems.push(...checkEffects(drive.played, effects, killer.killTimes));
    problems.push(...(await checkLedger(db.url)));
    problems.push(...(await checkReport(drive.played, db.url, join(logDir, 'report.json'), await tenant.now())));
    if (counters.maxCallsInWindow > options.callsPerSecond) {
      problems.push(
        `the tenant counted ${counters.maxCallsInWindow} calls in one 1,000 ms window, over the ` +
          `configured ${options.callsPerSecond} per second`,
      );
    }
    const poisonRecorded = (await db.db.selectFrom('queue_poison_elements').select('id').execute()).length;
    if (poisonRecorded < poison.injected)
      problems.push(`${poison.injected} poison elements put in the queues, ${poisonRecorded} recorded by the service`);
    for (const instance of instances) problems.push(...instance.unexpectedExits);
    problems.push(...killer.failures);

    const patches = Object.values(effects.perJob).flatMap((e) => e.patches);
    const stats = {
      offers: scenario.offers.length,
      instances: instances.length,
      kills: killer.kills,
      startMsMax: Math.max(...instances.flatMap((i) => i.startMs)),
      apiCalls: counters.totalCalls,
      maxCallsInWindow: counters.maxCallsInWindow,
      injectedErrors: counters.faults.errors,
      overQpsAnswered: counters.refused.overQps,
      alertsDropped: counters.alerts.dropped,
      alertsRepeated: counters.alerts.repeated,
      elementsRepeated: counters.queues.repeated,
      poisonInjected: poison.injected,
      poisonRecorded,
      approverCalls: patches.length,
      approverCallsRepeatedAfterKill: patches.filter((p) => p.redundant).length,
      postingsTakenDown: Object.values(effects.perJob).reduce((n, e) => n + e.unposted.length, 0),
      deadRequeued: requeued,
      driveMs: drive.durationMs,
      settleMs,
      durationMs: Date.now() - started,
    };
    const summary = `chaos on ${options.dialect} (${Object.entries(stats)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}); scenario ${JSON.stringify(describeScenario(scenario))}; acts ${JSON.stringify(drive.acts)}`;
    for (const instance of instances) {
      const code = await instance.stop();
      if (code !== 0) problems.push(`${instance.name} stopped with exit code ${code}`);
    }
    passed = problems.length === 0;
    return { problems, summary, kills: killer.kills };
  } finally {
    for (const instance of instances) await instance.stop();
    await tenant.stop();
    // A failed SQLite run keeps its database next to the logs, for the ledger of the jobs it names.
    if (!passed && db.url.startsWith('sqlite:'))
      copyFileSync(db.url.slice('sqlite:'.length), join(logDir, 'store.sqlite'));
    await db.cleanup();
    if (passed && !process.env.EN3S_CHAOS_KEEP_LOGS) rmSync(logDir, { recursive: true, force: true });
    else
      console.error(
        `chaos run on ${options.dialect}: service logs${options.dialect === 'sqlite' ? ' and database' : ''} ` +
          `kept in ${logDir}`,
      );
  }
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Dialect } from '../../src/store/database.js';
import { openTestStore, type TestStore } from '../support/databases.js';
import { en3sBin, freePort, startProcess } from '../support/e2e-processes.js';
import { startSandboxProcess, type SandboxProcess } from '../support/e2e-sandbox.js';
import { campaignInstant } from '../support/e2e-world.js';
import { driveScenario } from './actors.js';
import { checkLedger, checkOffers, checkQueues, checkReport } from './checks.js';
import { serviceInstance, startKiller, type ServiceInstance } from './fleet.js';
import { describeScenario, generateScenario } from './scenario.js';

/**
 * One chaos run: the sandbox ATS and one or more `en3s serve` processes on one database, the
 * sandbox failing a fifth of the API calls, slowing the others, dropping, duplicating and
 * holding back notifications, a killer SIGKILLing every instance every few seconds, and the
 * scenario played by recruiters and EN3S meanwhile. Then faults off, killing stopped, wait for
 * everything to settle, and compare with the oracle. Returns the problems found (empty: all is
 * well) and a summary line.
 */

export interface ChaosOptions {
  dialect: Dialect;
  instances: number;
  offers: number;
  seed: number;
  ratePerSecond: number;
  driveTimeoutMs: number;
  settleTimeoutMs: number;
}

export interface ChaosOutcome {
  problems: string[];
  summary: string;
  kills: number;
}

/** What the sandbox does wrong during the run (README of the sandbox, "Faults"). */
export const chaosFaults = (seed: number) => ({
  seed,
  apiErrorRatio: 0.2,
  apiErrorStatuses: [500, 503],
  latencyMinMs: 0,
  latencyMaxMs: 40,
  notificationDropRatio: 0.05,
  notificationDuplicateRatio: 0.05,
  reorderRatio: 0.1,
  reorderWindowMs: 2_000,
});

/** The service's settings for the run: short reconciliation period and leases, no rate limit worth the name. */
export const chaosServiceEnv: Record<string, string> = {
  EN3S_RECONCILE_CRON: '*/3 * * * * *',
  EN3S_ATS_REQUESTS_PER_SECOND: '500',
  EN3S_ATS_CIRCUIT_COOLDOWN_MS: '1000',
  // Work a killed instance had claimed is taken over after 5 s (commands: 12 s, above the 10 s ATS time-out).
  EN3S_INBOX_LEASE_MS: '5000',
  EN3S_OUTBOX_LEASE_MS: '12000',
  EN3S_REPORTS_SCHEDULE: 'false',
  EN3S_LOG_LEVEL: process.env.EN3S_CHAOS_LOG_LEVEL ?? 'warn',
};

/**
 * Nothing left to do on either side: no inbox row or command waiting, no delivery pending, every
 * ATS version seen by the service. On time-out, says what was still open.
 */
async function settled(db: TestStore, sandbox: SandboxProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let open = '';
  while (Date.now() < deadline) {
    const inbox = await db.db.selectFrom('inbox').select('id').where('status', 'in', ['pending', 'processing']).execute();
    const outbox = await db.db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'in_flight']).execute();
    const scheduled = (await sandbox.driver('GET', '/deliveries?state=scheduled')).body.items.length as number;
    const inFlight = (await sandbox.driver('GET', '/deliveries?state=in-flight')).body.items.length as number;
    open = `${inbox.length} inbox events, ${outbox.length} commands, ${scheduled + inFlight} deliveries open`;
    if (inbox.length + outbox.length + scheduled + inFlight === 0) {
      const seen = new Map((await db.db.selectFrom('offers').select(['ats_id', 'last_version']).execute()).map((r) => [r.ats_id, Number(r.last_version)]));
      const jobs = (await sandbox.driver('GET', '/jobs')).body.items as { id: string; version: number }[];
      const behind = jobs.filter((j) => seen.get(j.id) !== j.version);
      if (behind.length === 0) return;
      open = `${behind.length} jobs whose latest version the service has not seen, e.g. ${behind
        .slice(0, 10)
        .map((j) => `${j.id} v${j.version} (service: ${seen.get(j.id) ?? 'none'})`)
        .join(', ')}`;
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`the service and the sandbox did not settle in ${timeoutMs} ms: ${open}`);
}

/**
 * An administrator's round: dead-lettered commands are sent again (`en3s outbox retry --all`),
 * after checking that each died only once its retries were spent on transient failures.
 */
async function requeueDead(db: TestStore, problems: string[]): Promise<number> {
  const dead = await db.db.selectFrom('outbox').select(['id', 'kind', 'ats_id', 'attempts', 'last_error']).where('status', '=', 'dead').execute();
  if (dead.length === 0) return 0;
  for (const c of dead) {
    if (Number(c.attempts) < 8 || !/HTTP 50\d/.test(c.last_error ?? '')) problems.push(`command ${c.id} (${c.kind}, job ${c.ats_id}) dead-lettered after ${c.attempts} attempts: ${c.last_error}`);
  }
  const run = startProcess(en3sBin(), ['outbox', 'retry', '--all', '--db', db.url]);
  if ((await run.exited) !== 0) problems.push(`en3s outbox retry --all failed: ${run.stderr()}`);
  return dead.length;
}

/** What the service holds of the jobs a failed drive names: state, commands and unhandled events. */
async function describeStuck(db: TestStore, error: unknown): Promise<string> {
  const ids = [...new Set([...String(error instanceof Error ? error.message : error).matchAll(/\(job (\d+)\)/g)].map((m) => m[1]!))].slice(0, 8);
  const lines: string[] = [];
  for (const id of ids) {
    const offer = await db.db.selectFrom('offers').select(['state', 'last_version', 'timeline_data']).where('ats_id', '=', id).executeTakeFirst();
    const commands = await db.db.selectFrom('outbox').select(['id', 'kind', 'status', 'attempts', 'next_attempt_at', 'lease_owner', 'lease_until', 'last_error']).where('ats_id', '=', id).orderBy('id').execute();
    const events = await db.db.selectFrom('inbox').select(['event_id', 'status', 'job_version', 'attempts', 'lease_until']).where('job_id', '=', id).where('status', '!=', 'done').execute();
    lines.push(`job ${id}: offer ${JSON.stringify(offer ? { state: offer.state, lastVersion: offer.last_version, wanted: (offer.timeline_data as { wanted?: unknown } | null)?.wanted } : null)}`);
    lines.push(`  commands ${JSON.stringify(commands)}`);
    lines.push(`  unhandled events ${JSON.stringify(events)}`);
  }
  return lines.join('\n');
}

export async function runChaos(options: ChaosOptions): Promise<ChaosOutcome> {
  const started = Date.now();
  const scenario = generateScenario({ seed: options.seed, offers: options.offers, ratePerSecond: options.ratePerSecond });
  const logDir = mkdtempSync(join(tmpdir(), `en3s-chaos-${options.dialect}-`));
  const db = await openTestStore(options.dialect, `chaos-${options.dialect}`, { migrate: false });
  const ports = await Promise.all(Array.from({ length: options.instances }, () => freePort()));
  const sandbox = await startSandboxProcess({
    webhookUrl: ports.map((p) => `http://127.0.0.1:${p}/webhooks/talentlink`).join(','),
    clock: campaignInstant,
    seed: options.seed,
    // No rate limit to speak of; a failed push is tried again after 50 ms, 3 s, 18 s…
    extraArgs: ['--rate-limit', '0', '--retry-factor', '0.01'],
  });
  const instances: ServiceInstance[] = [];
  const problems: string[] = [];
  let passed = false;
  try {
    const clockOffsetMs = async () => ((await sandbox.driver('GET', '/clock')).body as { offsetMs: number }).offsetMs;
    for (const [i, port] of ports.entries()) {
      const instance = serviceInstance({ name: `en3s-${i + 1}`, port, databaseUrl: db.url, atsBaseUrl: sandbox.url, logFile: join(logDir, `en3s-${i + 1}.log`), clockOffsetMs, env: chaosServiceEnv });
      // One after the other: the first start migrates the database.
      await instance.start();
      instances.push(instance);
    }
    const faults = await sandbox.driver('PUT', '/faults', chaosFaults(options.seed));
    if (faults.status !== 200) throw new Error(`PUT /sandbox/faults: ${faults.status} ${JSON.stringify(faults.body)}`);
    const killer = startKiller(instances, options.seed);
    let requeued = 0;
    let drive;
    try {
      drive = await driveScenario(sandbox, scenario, {
        timeoutMs: options.driveTimeoutMs,
        onTick: async () => {
          if (killer.dead) throw killer.dead;
          requeued += await requeueDead(db, problems);
        },
      });
    } catch (error) {
      throw new Error(`${error instanceof Error ? error.message : String(error)}\n${await describeStuck(db, error)}`, { cause: error });
    } finally {
      await killer.stop();
    }
    await sandbox.driver('PUT', '/faults', {});
    // The ATS's own later retries of failed pushes, brought forward now that every instance is up for good.
    await sandbox.driver('POST', '/deliveries/flush');
    const settleStart = Date.now();
    try {
      await settled(db, sandbox, options.settleTimeoutMs);
    } catch (error) {
      if ((requeued += await requeueDead(db, problems)) === 0) throw error;
      await settled(db, sandbox, options.settleTimeoutMs);
    }
    const settleMs = Date.now() - settleStart;

    problems.push(...drive.anomalies.map((a) => `${a.jobNumber}: ${a.act} answered ${a.status} ${JSON.stringify(a.body)}`));
    problems.push(...(await checkQueues(db)));
    problems.push(...(await checkOffers(scenario, drive.jobIds, db, sandbox)));
    problems.push(...(await checkLedger(db.url)));
    const now = ((await sandbox.driver('GET', '/clock')).body as { now: string }).now;
    problems.push(...(await checkReport(scenario, db.url, join(logDir, 'report.json'), now)));
    for (const instance of instances) problems.push(...instance.unexpectedExits);
    problems.push(...killer.failures);

    const counters = await sandbox.counters();
    const stats = {
      offers: scenario.offers.length,
      instances: instances.length,
      kills: killer.kills,
      startMsMax: Math.max(...instances.flatMap((i) => i.startMs)),
      startMsAvg: Math.round(instances.flatMap((i) => i.startMs).reduce((a, b) => a + b, 0) / instances.flatMap((i) => i.startMs).length),
      apiCalls: counters.http.requests,
      injectedFailures: counters.http.faultsInjected,
      dropped: counters.notifications.dropped,
      duplicated: counters.notifications.duplicated,
      delayed: counters.notifications.delayed,
      keysRepeated: counters.http.idempotencyKeysRepeated,
      teamNoops: counters.overall.teamAssignmentsNoop,
      approvalConflicts: counters.overall.approvalConflicts,
      deadRequeued: requeued,
      driveMs: drive.durationMs,
      settleMs,
      durationMs: Date.now() - started,
    };
    const summary = `chaos on ${options.dialect} (${Object.entries(stats).map(([k, v]) => `${k} ${v}`).join(', ')}); scenario ${JSON.stringify(describeScenario(scenario))}`;
    for (const instance of instances) {
      const code = await instance.stop();
      if (code !== 0) problems.push(`${instance.name} stopped with exit code ${code}`);
    }
    passed = problems.length === 0;
    return { problems, summary, kills: killer.kills };
  } finally {
    for (const instance of instances) await instance.stop();
    await sandbox.stop();
    await db.cleanup();
    if (passed && !process.env.EN3S_CHAOS_KEEP_LOGS) rmSync(logDir, { recursive: true, force: true });
    else console.error(`chaos run on ${options.dialect}: service logs kept in ${logDir}`);
  }
}

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import express, { type Express } from 'express';
import cron from 'node-cron';
import type { AtsPort, QueueRef } from '../../connectors/ats-port.js';
import type { TeamMember } from '../domain/job-snapshot.js';
import { createConnector } from '../../connectors/registry.js';
import { createAdminRouter, metricsExposureProblem, metricsGuard } from '../admin/index.js';
import { createReportMailer } from '../reports/mail.js';
import { createMailboxMailer } from '../mail/mailbox-mailer.js';
import type { Mailer } from '../mail/mailer.js';
import { createRecruiterFollowUp } from '../mail/recruiter-follow-up.js';
import { createSmtpMailer } from '../mail/smtp-mailer.js';
import { ReportScheduler } from '../reports/schedule.js';
import { ConfigError, type Config } from '../config.js';
import { loadDomainData } from '../mappings/load.js';
import { createCallBudget } from '../pipeline/call-budget.js';
import { systemClock, type Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { policyFromConfig, type PipelineContext } from '../pipeline/context.js';
import { Dispatcher, type RecruiterMail } from '../pipeline/dispatcher.js';
import { HandedSnapshots } from '../pipeline/handed-snapshots.js';
import { HoldRegister } from '../pipeline/holds.js';
import { InboxWorker } from '../pipeline/inbox-worker.js';
import { Projector } from '../pipeline/projector.js';
import { reconcile } from '../pipeline/reconciler.js';
import { currentRequestId } from '../pipeline/request-context.js';
import { Timekeeper } from '../pipeline/timekeeper.js';
import { RetentionSchedule } from '../pipeline/retention.js';
import { openDatabase, type Store } from '../store/database.js';
import { migrateToLatest, migrationStatus } from '../store/migrate.js';
import { capConnections, httpLimitsProblems, refuseLargeBodies, serverOptions } from './http-limits.js';
import { createLogger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { mountIngest } from './mount-ingest.js';
import { disagreements, REPORTS_MARK_KEY, reportsMarkFile, sharedSettingsOf } from './instance-agreement.js';
import { instanceSeen, joinInstances, leaveInstances } from '../store/service-instances.js';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * The service: database, pipeline loops, webhook route, health, metrics, and their orderly
 * start and stop. `en3s serve` runs it with the configuration; `npm start` runs it beside the
 * sandbox ATS.
 */

export interface ServiceOptions {
  config: Config;
  clock?: Clock;
  logger?: Logger;
  /** Another ATS behind the port than the TalentLink client (tests), with its queues. */
  ats?: { port: AtsPort; queues: readonly QueueRef[]; en3s?: TeamMember };
  /** The mailer of the e-mails to recruiters and administrators (tests); built from the settings otherwise. */
  mailer?: Mailer;
  /** Name of this instance in leases; several instances share one PostgreSQL database. */
  instanceId?: string;
  /**
   * Called once an instance that joined late (its database was migrated after it started, with
   * `EN3S_MIGRATE_ON_START=false`) found that its settings differ from the other instances' and
   * has stopped: the refusal it would have had at start-up (`en3s serve` then exits 2).
   */
  onRefused?: (error: ConfigError) => void;
}

export interface RunningService {
  url: string;
  /** Drains every queue now and waits for the drains to end (tests, the demo). */
  drainNow(): Promise<void>;
  app: Express;
  ctx: PipelineContext;
  metrics: Metrics;
  worker: InboxWorker;
  /** Writes the report's projection of the changed offers (`projector.catchUp()` in tests). */
  projector: Projector;
  dispatcher: Dispatcher;
  timekeeper: Timekeeper;
  reconcileNow(): Promise<unknown>;
  readiness(): Promise<{ ready: boolean; checks: Record<string, boolean | string> }>;
  /**
   * Stops the service. With `delayMs`, `/readyz` answers 503 at once and the service goes on
   * serving for that long before it stops taking requests, so that a load balancer has seen it
   * leave before its connections close (`en3s serve` on SIGTERM, `EN3S_SHUTDOWN_DELAY_MS`).
   */
  stop(options?: { delayMs?: number }): Promise<void>;
}

export async function startService(options: ServiceOptions): Promise<RunningService> {
  const { config } = options;
  // Before anything is opened: /metrics must not be open to a network.
  const exposed = metricsExposureProblem(config);
  const contradictions = [...(exposed ? [exposed] : []), ...httpLimitsProblems(config)];
  if (contradictions.length > 0) throw new ConfigError(contradictions);
  const log = options.logger ?? createLogger(config.logLevel);
  const clock = options.clock ?? systemClock;
  const instanceId = options.instanceId ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const store: Store = await openDatabase(config.databaseUrl);
  let stopped = false;
  // Set when a stop begins, before `stopped`: /readyz answers 503 while the service still serves.
  let leaving = false;
  try {
    if (config.migrateOnStart) {
      const applied = await migrateToLatest(store);
      if (applied.length > 0) log.info('database migrated', { applied });
    }
    // Refused here, before anything runs, when other instances on this database disagree.
    // A late join (migrations applied after the start) that disagrees stops the instance: see `stop`.
    let refuseLate = (_problems: string[]) => {};
    const membership = await joinOtherInstances(store, config, instanceId, (problems) => refuseLate(problems));
    if (membership.problems.length > 0) throw new ConfigError(membership.problems);
    const domain = loadDomainData();
    const metrics = createMetrics(store, {
      campaign: () => campaignOfInstant(clock.now()),
      now: () => clock.now().getTime(),
    });
    // The budget counts calls as the vendor's gateway does, on real time, whatever the business clock.
    const budget = createCallBudget({
      db: store.db,
      callsPerSecond: config.atsCallsPerSecond,
      monthlyQuota: config.atsMonthlyQuota > 0 ? config.atsMonthlyQuota : null,
      reservedForTakedowns: Math.min(config.atsTakedownReserve, config.atsCallsPerSecond - 1),
      clock: systemClock,
      onGrant: (lane) => metrics.budgetGrants.inc({ lane }),
    });
    metrics.watchBudget(() => budget.snapshot());
    // What holds commands back, logged once per episode and shown on the dashboard.
    const holds = new HoldRegister(log, () => clock.now());
    const holdsTimer = setInterval(() => holds.expire(), 1_000);
    holdsTimer.unref();
    const connector = options.ats
      ? { ...options.ats, circuit: () => undefined }
      : createConnector({
          baseUrl: config.atsBaseUrl,
          user: config.atsUser,
          password: config.atsPassword,
          apiKey: config.atsApiKey,
          timeoutMs: config.atsTimeoutMs,
          circuitCoolDownMs: config.atsCircuitCoolDownMs,
          budget,
          positionQueue: config.positionQueue,
          postingQueue: config.postingQueue,
          organisms: domain.organisms,
          requestId: currentRequestId,
          // Reads are dated on the service's clock, the one the process compares them with.
          clock,
          onCall: (info) => {
            metrics.atsCalls.inc({ op: info.op, outcome: info.outcome });
            metrics.atsLatency.observe({ op: info.op }, info.ms / 1000);
            if (info.outcome === 'throttled' && info.code) {
              holds.fromFailure({
                kind: 'throttled',
                code: info.code,
                message: info.op,
                ...(info.status !== undefined ? { status: info.status } : {}),
                ...(info.retryAfterMs !== undefined ? { retryAfterMs: info.retryAfterMs } : {}),
              });
            }
          },
          onCircuit: (change) => {
            if (change.state === 'open')
              holds.hold('circuit-open', {
                forMs: change.retryInMs,
                cause: 'repeated transient failures of the ATS',
                endsByItself: false,
              });
            else holds.release('circuit-open');
          },
        });
    const ats = connector.port;
    metrics.watchCircuit(() => connector.circuit());
    const snapshots = new HandedSnapshots();
    const mailer = options.mailer ?? recruiterMailer(config, store, clock);
    const followUp = mailer
      ? createRecruiterFollowUp({
          db: store.db,
          ats,
          mailer,
          settings: {
            reminderAfterHours: config.mailReminderAfterHours,
            maxReminders: config.mailMaxReminders,
            alertAdminsAfterHours: config.mailAlertAdminsAfterHours > 0 ? config.mailAlertAdminsAfterHours : null,
          },
          adminAddresses: config.mailAdmins,
          approverLabel: 'EN3S dérogation',
          owner: `${instanceId}:mail`,
          leaseMs: 120_000,
          clock,
        })
      : null;
    // The EN3S approver is found in the tenant once the loops can reach it (see `findApprover`).
    const policy = policyFromConfig(config, options.ats?.en3s ?? null);
    let approverState: 'en attente de l’ATS' | 'trouvé' | 'introuvable' = 'en attente de l’ATS';
    // Without a mailer nobody can be asked: the dashboard lists the jobs awaiting their submission.
    if (!followUp) policy.askRecruiters = false;
    const ctx: PipelineContext & { recruiterMail?: RecruiterMail } = {
      store,
      domain,
      policy,
      clock,
      log,
      ats,
      snapshots,
      ...(followUp ? { recruiterMail: followUp } : {}),
    };
    const dispatcher = new Dispatcher(ctx, {
      owner: `${instanceId}:dispatcher`,
      leaseMs: config.outboxLeaseMs,
      onNotSent: (error) => holds.fromFailure(error),
    });
    // The report's projection of the offers a batch changed is written by the projector, woken with it.
    const projector = new Projector(ctx);
    // The commands a batch queued are sent at once rather than at the dispatcher's next poll.
    const worker = new InboxWorker(ctx, {
      owner: `${instanceId}:inbox`,
      leaseMs: config.inboxLeaseMs,
      onBatch: () => {
        dispatcher.poke();
        projector.poke();
      },
    });
    const timekeeper = new Timekeeper(ctx);

    const app = express();
    app.disable('x-powered-by');
    app.use(refuseLargeBodies(config));
    app.get('/healthz', (_req, res) => {
      res.json({ status: 'ok' });
    });
    const readiness = async () => {
      const checks: Record<string, boolean | string> = {};
      try {
        // A database host that drops packets would hold the probe forever: answer 503 instead.
        const status = await withTimeout(
          migrationStatus(store),
          READINESS_TIMEOUT_MS,
          'la base de données ne répond pas',
        );
        checks.database = true;
        checks.migrations = status.every((m) => m.appliedAt !== null);
      } catch (error) {
        checks.database = false;
        checks.migrations = false;
        checks.error = error instanceof Error ? error.message : String(error);
      }
      checks.worker = worker.isRunning;
      checks.dispatcher = dispatcher.isRunning;
      // Until the EN3S approver is found in the ATS the loops wait (see `findApprover`); the
      // instance still takes alerts and serves the dashboard, so it is ready for traffic.
      checks.approver = approverState;
      const loops = (checks.worker === true && checks.dispatcher === true) || approverState === 'en attente de l’ATS';
      if (refusal) checks.instances = refusal.join(' ; ');
      if (leaving) checks.stopping = true;
      return { ready: !leaving && checks.database === true && checks.migrations === true && loops, checks };
    };
    app.get('/readyz', async (_req, res) => {
      const r = await readiness();
      res.status(r.ready ? 200 : 503).json(r);
    });
    app.get('/metrics', metricsGuard(config), async (_req, res) => {
      res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
    });
    const ingest = mountIngest(app, {
      config,
      ctx,
      queues: connector.queues,
      owner: `${instanceId}:drain`,
      metrics,
      onCommitted: () => worker.poke(),
    });

    let reconciling: Promise<unknown> | null = null;
    const reconcileNow = () => {
      reconciling ??= reconcile(ctx, { pageAttempts: RECONCILE_PAGE_ATTEMPTS })
        .then((r) => {
          // Expected (a page the ATS would not give): the next run goes on from the cursor. Said,
          // so that a listing failing run after run shows in the logs.
          if (!r.ok) log.warn('reconciliation run stopped, the next one goes on from the cursor', { error: r.error });
          if (r.ok && r.inserted > 0) worker.poke();
          // A run that stopped at its bound goes on a moment later rather than at the next cron.
          if (r.ok && r.more && !stopped) setTimeout(() => void (stopped ? undefined : reconcileNow()), 1_000).unref();
          return r;
        })
        .catch((error: unknown) =>
          log.error('reconciliation failed', { error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => {
          reconciling = null;
        });
      return reconciling;
    };
    // The dashboard and the admin API (they answer only under /, /login, /logout, /admin and /api).
    app.use(
      createAdminRouter({
        ctx,
        config,
        reconcileNow,
        circuit: () => connector.circuit(),
        holds: () => holds.view(),
        reports: { onRun: (run) => metrics.reportRuns.inc({ format: run.format, trigger: run.trigger }) },
        onPasswordCheck: () => metrics.passwordChecks.inc(),
      }),
    );
    const reconcileTask = cron.schedule(config.reconcileCron, () => void reconcileNow(), { timezone: 'Europe/Paris' });
    // Reminders and the administrators' alert for jobs still awaiting their submission.
    const followUpTask = followUp
      ? cron.schedule(
          config.mailFollowUpCron,
          () =>
            void followUp.sweep(campaignOfInstant(clock.now())).catch((error: unknown) =>
              log.error('recruiter follow-up failed', {
                error: error instanceof Error ? error.message : String(error),
              }),
            ),
          { timezone: 'Europe/Paris' },
        )
      : null;

    // Personal data past its retention: purged once a day across every instance (docs/personal-data.md).
    const retention = new RetentionSchedule({ store, clock, log, months: config.retentionMonths });
    let purging: Promise<unknown> | null = null;
    const purgeIfDue = () => {
      purging ??= retention
        .runIfDue()
        .catch((error: unknown) =>
          log.error('retention purge failed', { error: error instanceof Error ? error.message : String(error) }),
        )
        .finally(() => {
          purging = null;
        });
      return purging;
    };
    const retentionTask = cron.schedule('17 * * * *', () => void purgeIfDue(), { timezone: 'Europe/Paris' });

    // Scheduled reports: weekly during the window, final report and recap at `reportsFinalAt` (2 May by default),
    // missed runs caught up.
    const reports = config.reportsSchedule
      ? new ReportScheduler({
          store,
          organisms: domain.organismsFile,
          clock,
          log,
          dir: config.reportsDir,
          formats: config.reportsFormats,
          primaryNetworks: config.primaryNetworks,
          finalAt: config.reportsFinalAt,
          onRun: (run) => metrics.reportRuns.inc({ format: run.format, trigger: 'schedule' }),
          onFailure: (stage) => metrics.reportFailures.inc({ stage }),
          mailer: createReportMailer({
            url: config.reportsSmtpUrl,
            from: config.reportsMailFrom,
            to: config.reportsMailTo,
          }),
        })
      : null;

    // Nothing is decided before the EN3S approver is known: a job evaluated meanwhile would be
    // flagged "approver unknown" for nothing. The drains fill the inbox in the meantime.
    let approverTimer: NodeJS.Timeout | null = null;
    const startLoops = () => {
      worker.start();
      dispatcher.start();
      timekeeper.start();
      projector.start();
    };
    const findApprover = async (attempt: number): Promise<void> => {
      if (stopped) return;
      const found = await ('en3sApprover' in connector ? connector.en3sApprover() : Promise.resolve(null)).catch(
        (error: unknown) => ({
          ok: false as const,
          error: {
            kind: 'transient' as const,
            code: 'UNEXPECTED',
            message: error instanceof Error ? error.message : String(error),
          },
        }),
      );
      if (found === null || found.ok || found.error.code === 'NOT_FOUND') {
        approverState = found === null || found.ok ? 'trouvé' : 'introuvable';
        if (found?.ok)
          policy.en3s = {
            userId: found.value.userId,
            order: found.value.order,
            stepOrder: found.value.stepOrder ?? 1,
            role: found.value.role,
          };
        else if (found)
          log.error('EN3S approver not found in the ATS: concerned jobs are flagged to the administrators instead', {
            code: found.error.code,
          });
        startLoops();
        return;
      }
      // A passing failure (the ATS down, the gateway's limit, the database not migrated yet): again later.
      const waitMs = Math.min(60_000, 1_000 * 2 ** Math.min(attempt, 6));
      log.warn('EN3S approver not looked up yet, trying again', { code: found.error.code, inMs: waitMs });
      approverTimer = setTimeout(() => void findApprover(attempt + 1), waitMs);
    };
    ingest.start();
    void findApprover(0);
    void reconcileNow();
    // start() never throws: a failing report is logged and does not keep the service from running.
    void reports?.start();
    void purgeIfDue();

    const server: Server = createServer(serverOptions(config), app);
    capConnections(server, config);
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.httpPort, config.httpHost, () => resolve());
    });
    const address = server.address() as AddressInfo;
    const url = `http://${config.httpHost}:${address.port}`;
    // A business clock placed elsewhere (demo, tests) is said at once, so nobody mistakes it for production.
    log.info('service started', {
      url,
      instance: instanceId,
      mode: config.policyMode,
      ...(options.clock ? { businessTime: clock.now().toISOString() } : {}),
    });

    let refusal: string[] | null = null;
    refuseLate = (problems) => {
      if (refusal || leaving) return;
      refusal = problems;
      log.error('settings differ from the other instances on this database: the instance stops', { problems });
      stop().then(
        () => options.onRefused?.(new ConfigError(problems)),
        (error: unknown) => log.error('stop after a refused late join failed', { error: String(error) }),
      );
    };
    const stop = async (stopOptions: { delayMs?: number } = {}) => {
      if (leaving) return;
      leaving = true;
      const delayMs = stopOptions.delayMs ?? 0;
      if (delayMs > 0) {
        log.info('service leaving: /readyz answers 503, requests are still served', { delayMs });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
      stopped = true;
      log.info('service stopping');
      // Stop taking webhooks first, then let the loops finish their batch, then close the database.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      if (approverTimer) clearTimeout(approverTimer);
      clearInterval(holdsTimer);
      clearInterval(membership.timer);
      await reconcileTask.stop();
      await followUpTask?.stop();
      await retentionTask.stop();
      await reports?.stop();
      await ingest.stop();
      await Promise.all([worker.stop(), dispatcher.stop(), timekeeper.stop(), projector.stop()]);
      await reconciling;
      await purging;
      server.closeAllConnections();
      await closed;
      await membership.leave();
      await store.close();
      log.info('service stopped');
    };
    return {
      url,
      app,
      ctx,
      metrics,
      worker,
      projector,
      dispatcher,
      timekeeper,
      reconcileNow,
      drainNow: ingest.drainNow,
      readiness,
      stop,
    };
  } catch (error) {
    if (!stopped) await store.close().catch(() => undefined);
    throw error;
  }
}

const READINESS_TIMEOUT_MS = 3000;
/** A page of the reconciliation's listing is tried up to this many times before the run gives up. */
const RECONCILE_PAGE_ATTEMPTS = 4;

function withTimeout<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${message} (${ms} ms)`)), ms);
  });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

/** The campaign shown by default: the year of the instant in Paris (January–December). */
export function campaignOfInstant(now: Date): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: 'Europe/Paris', year: 'numeric' }).format(now));
}

/**
 * The mailer the settings ask for, or null when e-mails are off. A broken SMTP setting is refused by `en3s serve`
 * first.
 */
function recruiterMailer(config: Config, store: Store, clock: Clock): Mailer | null {
  if (config.mailMode === 'mailbox')
    return createMailboxMailer({
      db: store.db,
      clock: () => clock.now(),
      domain: config.mailFrom.split('@')[1] || 'en3s.local',
    });
  if (config.mailMode !== 'smtp') return null;
  const smtp = createSmtpMailer({ url: config.mailSmtpUrl, from: config.mailFrom, timeoutMs: 15_000 });
  if (!smtp.ok) throw new Error(`EN3S_MAIL_SMTP_URL / EN3S_MAIL_FROM: ${smtp.error.message}`);
  return smtp.value;
}

/** An instance is counted as running while it said so within this time (it says so every 15 s). */
const INSTANCE_LIVE_MS = 60_000;
const INSTANCE_BEAT_MS = 15_000;

/**
 * Joins the instances running on this database (`service_instances`), unless they disagree on
 * the settings they must share (`instance-agreement.ts`): then the problems, and this instance is
 * not recorded. With the migrations not applied yet (`EN3S_MIGRATE_ON_START=false`), the check
 * waits for them (the instance is not ready until then anyway) and a disagreement found then is
 * handed to `refuse`. Real time, whatever the business clock: liveness is a matter of the hosts.
 */
async function joinOtherInstances(
  store: Store,
  config: Config,
  instanceId: string,
  refuse: (problems: string[]) => void,
): Promise<{ problems: string[]; timer: NodeJS.Timeout; leave: () => Promise<void> }> {
  const migrated = async () =>
    (await migrationStatus(store)).some((m) => m.name === '0016_service_instances' && m.appliedAt !== null);
  // A mark in the reports folder: the others check that they see it in theirs.
  const mark = randomUUID();
  const markPath = join(config.reportsDir, reportsMarkFile(mark));
  await mkdir(config.reportsDir, { recursive: true });
  await writeFile(markPath, `${instanceId}\n`);
  const join_ = async () => {
    const now = Date.now();
    let problems: string[] = [];
    await joinInstances(
      store.db,
      {
        instanceId,
        settings: { ...sharedSettingsOf(config), [REPORTS_MARK_KEY]: mark },
        now: new Date(now).toISOString(),
        liveSince: new Date(now - INSTANCE_LIVE_MS).toISOString(),
      },
      (others) => {
        problems = disagreements(config, others, (theirs) =>
          existsSync(join(config.reportsDir, reportsMarkFile(theirs))),
        );
        return problems.length === 0;
      },
    );
    return problems;
  };
  const leave = async () => {
    await leaveInstances(store.db, instanceId).catch(() => undefined);
    await rm(markPath, { force: true });
  };
  const ready = await migrated();
  const problems = ready ? await join_() : [];
  if (problems.length > 0) await rm(markPath, { force: true });
  let joined = ready && problems.length === 0;
  const timer = setInterval(() => {
    const now = Date.now();
    const beat = joined
      ? instanceSeen(
          store.db,
          instanceId,
          new Date(now).toISOString(),
          new Date(now - 10 * INSTANCE_LIVE_MS).toISOString(),
        )
      : migrated().then(async (yes) => {
          if (!yes) return;
          const late = await join_();
          joined = late.length === 0;
          if (!joined) {
            await rm(markPath, { force: true });
            refuse(late);
          }
        });
    beat.catch(() => undefined);
  }, INSTANCE_BEAT_MS);
  timer.unref();
  return { problems, timer, leave };
}

import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type RequestHandler } from 'express';
import type { Notification } from '../job-document.js';
import { SandboxClock } from './clock.js';
import type { SandboxCounters } from './counters.js';
import { seedDemoCampaign, type DemoCampaign, type DemoCampaignOptions } from './demo-campaign.js';
import { startDemoLife, type DemoLife, type DemoLifeOptions } from './demo-life.js';
import { driverAdminRoutes } from './driver-admin-routes.js';
import { driverJobRoutes } from './driver-job-routes.js';
import { FaultInjector } from './faults.js';
import { injectFaults, jsonErrors, loopbackOnly, notFoundRoute, rateLimit, RateLimiter, requireAtsCredentials } from './http-guards.js';
import { Notifier, type NotificationListener } from './notifier.js';
import type { OperationContext } from './operation-context.js';
import { resolveOptions, type SandboxOptions, type SandboxOptionsInput } from './options.js';
import { hashString } from './prng.js';
import { queueRoutes } from './queue-routes.js';
import { EventQueues } from './queues.js';
import { restRoutes } from './rest-routes.js';
import { bindOperations, type SandboxOps } from './sandbox-ops.js';
import { applySnapshot, readSnapshot, SnapshotWriter, takeSnapshot } from './snapshot.js';
import { SandboxState } from './state.js';
import { WebhookDeliveries } from './webhook-delivery.js';

/**
 * The sandbox ATS: a standalone server implementing the server side of the TalentLink-style
 * contract (REST under `/tlk/rest`, pull queues under `/tlk/rest/queues` — also `/queues` —,
 * signed webhooks) plus a driver API under `/sandbox` to act as recruiters and EN3S.
 * See README.md beside this file for the driver API.
 */

export interface Sandbox {
  /** The express app (ATS API + driver API), to mount or to test without listening. */
  readonly app: Express;
  readonly options: SandboxOptions;
  readonly state: SandboxState;
  readonly clock: SandboxClock;
  readonly ops: SandboxOps;
  readonly queues: EventQueues;
  readonly deliveries: WebhookDeliveries;
  readonly faults: FaultInjector;
  readonly notifier: Notifier;
  /** Base URL once started (`http://127.0.0.1:3100`), else null. */
  readonly url: string | null;
  counters(): SandboxCounters;
  onNotification(listener: NotificationListener): () => void;
  seedDemoCampaign(options?: DemoCampaignOptions): DemoCampaign;
  startDemoLife(campaign: DemoCampaign, options?: DemoLifeOptions): DemoLife;
  /** Forgets jobs, queues, deliveries, counters and faults; keeps the clock and id sequences. */
  reset(): void;
  start(port?: number, host?: string): Promise<{ url: string; port: number; host: string }>;
  stop(): Promise<void>;
}

export function createSandbox(input: SandboxOptionsInput = {}): Sandbox {
  const options = resolveOptions(input);
  const snapshot = options.snapshotFile ? readSnapshot(options.snapshotFile) : null;
  const seed = options.seed ?? 1;
  const runId = options.runId ?? snapshot?.runId ?? (options.seed !== undefined ? hashString(`run:${options.seed}`).toString(16).padStart(8, '0').slice(0, 6) : randomBytes(3).toString('hex'));

  const clock = new SandboxClock();
  if (options.clockStart) clock.set(new Date(options.clockStart), options.freezeClock);
  else if (options.freezeClock) clock.freeze();

  const state = new SandboxState(options.approvalTeams, runId, Math.max(options.historyLimit, 10_000));
  const queues = new EventQueues(options.queueNames, clock, options.visibilityTimeoutMs, () => state.counters.queues);
  if (snapshot) applySnapshot(snapshot, state, queues);
  const faults = new FaultInjector(options.faults, seed);
  const deliveries = new WebhookDeliveries({
    urls: options.webhookUrls,
    secrets: options.webhookSecrets,
    timeoutMs: options.webhookTimeoutMs,
    scheduleMs: options.retryScheduleMs,
    factor: options.retryFactor,
    historyLimit: options.historyLimit,
    counters: () => state.counters.notifications,
  });
  const notifier = new Notifier(state, queues, deliveries, faults, options);
  const ctx: OperationContext = { state, clock, options, emit: (n: Notification) => notifier.handle(n) };
  const ops = bindOperations(ctx);
  const limiter = new RateLimiter(options.rateLimitPerSecond);
  const writer = options.snapshotFile ? new SnapshotWriter(options.snapshotFile, () => takeSnapshot(state, queues, new Date().toISOString())) : null;
  const lives = new Set<DemoLife>();
  let server: Server | null = null;
  let url: string | null = null;

  const sandbox: Sandbox = {
    app: express(),
    options,
    state,
    clock,
    ops,
    queues,
    deliveries,
    faults,
    notifier,
    get url() {
      return url;
    },
    counters: () => state.counters,
    onNotification: (listener) => notifier.onNotification(listener),
    seedDemoCampaign: (campaignOptions = {}) => seedDemoCampaign(sandbox, { ...(options.seed !== undefined ? { seed: options.seed } : {}), ...campaignOptions }),
    startDemoLife(campaign, lifeOptions = {}) {
      const life = startDemoLife(sandbox, campaign, { ...(options.seed !== undefined ? { seed: options.seed } : {}), ...lifeOptions });
      lives.add(life);
      return life;
    },
    reset() {
      for (const life of lives) life.stop();
      lives.clear();
      state.clear();
      queues.clear();
      deliveries.clear();
      notifier.clear();
      faults.reset();
      limiter.reset();
      writer?.schedule();
    },
    async start(port = 0, host = '127.0.0.1') {
      if (server) throw new Error('sandbox already started');
      const listening = createServer(sandbox.app);
      await new Promise<void>((resolve, reject) => {
        listening.once('error', reject);
        listening.listen(port, host, () => resolve());
      });
      server = listening;
      const address = listening.address() as AddressInfo;
      url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
      return { url, port: address.port, host };
    },
    async stop() {
      for (const life of lives) life.stop();
      lives.clear();
      await deliveries.stop();
      writer?.flush();
      const closing = server;
      server = null;
      url = null;
      if (!closing) return;
      await new Promise<void>((resolve) => {
        closing.close(() => resolve());
        closing.closeAllConnections();
      });
    },
  };

  if (writer) notifier.onNotification(() => writer.schedule());
  buildApp(sandbox, ctx, limiter, writer);
  return sandbox;
}

function buildApp(sandbox: Sandbox, ctx: OperationContext, limiter: RateLimiter, writer: SnapshotWriter | null): void {
  const { app, options, state, queues, deliveries, notifier, faults } = sandbox;
  const http = () => state.counters.http;
  app.disable('x-powered-by');
  app.set('etag', false);
  if (writer) {
    // Queue deletions and reads change state without a notification.
    app.use((_req, res, next) => {
      res.on('finish', () => writer.schedule());
      next();
    });
  }
  const guards: RequestHandler[] = [requireAtsCredentials(options, http), rateLimit(limiter, http), injectFaults(faults, http), express.json({ limit: '1mb' })];

  const ats = express.Router();
  ats.use(...guards);
  ats.use('/queues', queueRoutes(ctx, queues));
  ats.use(restRoutes(ctx));
  ats.use(notFoundRoute(http));
  app.use('/tlk/rest', ats);

  // The spec writes the queue paths without the `/tlk/rest` prefix; both are served.
  const queueAlias = express.Router();
  queueAlias.use(...guards, queueRoutes(ctx, queues), notFoundRoute(http));
  app.use('/queues', queueAlias);

  if (options.driverApi) {
    const driver = express.Router();
    driver.use(loopbackOnly(), express.json({ limit: '1mb' }));
    driver.use(driverJobRoutes(ctx, notifier));
    driver.use(
      driverAdminRoutes({
        ctx,
        queues,
        deliveries,
        notifier,
        faults,
        reset: () => sandbox.reset(),
        seedDemo: (body) => sandbox.seedDemoCampaign(body),
        info: () => ({
          runId: state.runId,
          url: sandbox.url,
          user: options.user,
          jobs: state.jobs.size,
          queues: queues.names(),
          webhooks: options.webhookUrls.length,
          webhookMode: options.webhookMode,
          webhookFormat: options.webhookFormat,
          clock: ctx.clock.describe(),
        }),
      }),
    );
    driver.use(notFoundRoute());
    app.use('/sandbox', driver);
  }
  app.use(notFoundRoute());
  app.use(jsonErrors());
}

export { defaultDemoInstant, type DemoCampaign, type DemoCampaignJob, type DemoCampaignOptions } from './demo-campaign.js';
export { demoOffers, type DemoOffer, type DemoExpectation, type DemoRegime } from './demo-offers.js';
export type { DemoLife, DemoLifeOptions } from './demo-life.js';
export type { JobCounters, NotificationCounters, HttpCounters, QueueCounters, SandboxCounters } from './counters.js';
export type { SandboxOptions, SandboxOptionsInput, FaultOptions, FaultOptionsInput, ApprovalTeamDefinition } from './options.js';
export { specRetryScheduleMs } from './options.js';
export { notificationToXml, notificationToJson, jobToXml } from './notification-xml.js';
export type { DeliveryRecord, DeliveryState } from './webhook-delivery.js';
export type { NotificationRecord } from './notifier.js';
export type { OpResult } from './operation-context.js';
export type { SandboxOps } from './sandbox-ops.js';
export { SandboxClock } from './clock.js';
export { seedDemoCampaign };

import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { SandboxClock } from './clock.js';
import { AlertSender, type AlertRecord } from './alerts.js';
import { emptyTenantCounters, type TenantCounters } from './counters.js';
import { seedDemoCampaign, type DemoCampaign } from './demo-campaign.js';
import { Directory } from './directory.js';
import { driverRoutes } from './driver-routes.js';
import { createDriver, type TenantDriver } from './driver.js';
import { TenantFaults } from './faults.js';
import {
  backOfficeUser,
  countCalls,
  gateway,
  injectedFaults,
  RollingQuota,
  sendRequestError,
  SlidingWindow,
} from './gateway.js';
import { LovCatalogue } from './lov-catalogue.js';
import { resolveTenantOptions, type TenantOptions, type TenantOptionsInput } from './options.js';
import { queueRoutes } from './queue-routes.js';
import { TenantQueues } from './queues.js';
import { restRoutes } from './rest-routes.js';
import { TenantState } from './state.js';
import type { TenantContext } from './tenant-context.js';

/**
 * A simulated TalentLink tenant that answers exactly the contract of docs/talentlink.md §1–§6 under
 * `/tlk/rest`, and nothing the real ATS would not; the driver (in process, and over HTTP under
 * `/sandbox`) acts as the tenant's people and injects faults (§7). See README.md beside this file.
 */

export interface Tenant {
  /** The express app (API + driver), to mount or to start. */
  readonly app: Express;
  readonly options: TenantOptions;
  readonly state: TenantState;
  readonly clock: SandboxClock;
  readonly driver: TenantDriver;
  readonly faults: TenantFaults;
  readonly queues: TenantQueues;
  /** Base URL once started (`http://127.0.0.1:3100`), else null; the API is under `{url}/tlk/rest`. */
  readonly url: string | null;
  counters(): TenantCounters;
  /** The last alerts sent, with the receiver's status. */
  recentAlerts(): AlertRecord[];
  /** Resolves once every alert sent so far is answered or failed. */
  alertsSettled(): Promise<void>;
  /** Creates the demo campaign's offers; the clock is left at `now` (default: the clock's instant). */
  seedDemoCampaign(options?: { now?: Date }): DemoCampaign;
  /** Forgets jobs, postings, queue elements, counters, gateway windows and faults; keeps the clock. */
  reset(): void;
  start(port?: number, host?: string): Promise<{ url: string; port: number; host: string }>;
  stop(): Promise<void>;
}

export function createTenant(
  input: TenantOptionsInput = {},
  monotonicNow: () => number = () => performance.now(),
): Tenant {
  const options = resolveTenantOptions(input);
  const clock = new SandboxClock();
  if (options.clock.start) clock.set(new Date(options.clock.start), options.clock.frozen);
  else if (options.clock.frozen) clock.freeze();
  const createdAt = clock.nowMs();

  let counters = emptyTenantCounters();
  const faults = new TenantFaults(options.seed);
  const alerts = new AlertSender(options.alertUrls, options.alertTimeoutMs, faults, () => counters.alerts);
  const queues = new TenantQueues(options.queues, {
    now: () => clock.nowMs(),
    onAdded: (name) => alerts.alert(name),
    repeatElement: () => faults.repeatQueueElement(),
    counters: () => counters.queues,
  });
  const state = new TenantState();
  const ctx: TenantContext = {
    state,
    directory: new Directory(options.users, options.departments),
    catalogue: new LovCatalogue(),
    rules: options.rules,
    clock,
    queues,
  };
  const driver = createDriver(ctx);
  const seedDemo = (demo: { now?: Date } = {}) => seedDemoCampaign({ driver, directory: ctx.directory, clock }, demo);
  // The gateway counts on arrival time (a monotonic clock), the quota on the tenant's clock.
  const window = new SlidingWindow(options.callsPerSecond, monotonicNow);
  const quota = new RollingQuota(options.monthlyQuota, () => clock.nowMs());
  let server: Server | null = null;
  let url: string | null = null;

  const reset = () => {
    state.clear();
    queues.clear();
    alerts.clear();
    faults.reset();
    window.reset();
    quota.reset();
    counters = emptyTenantCounters();
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  const api = express.Router();
  const countersOf = () => counters;
  api.use(countCalls(countersOf));
  api.use(
    gateway({
      apiKey: options.apiKey,
      user: options.user,
      password: options.password,
      window,
      quota,
      faults,
      counters: countersOf,
    }),
  );
  api.use(backOfficeUser({ user: options.user, password: options.password, counters: countersOf }));
  api.use(injectedFaults(faults, countersOf));
  api.use(express.json({ limit: '1mb' }));
  api.use(queueRoutes(ctx));
  api.use(restRoutes(ctx, createdAt));
  api.use((req, res) => sendRequestError(res, 404, `No resource ${req.method} ${req.path}`));
  api.use(((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed') return sendRequestError(res, 400, 'The request body is not valid JSON');
    if (type === 'entity.too.large') return sendRequestError(res, 413, 'The request body is too large');
    res.status(500).type('text/plain').send('Internal Server Error');
  }) as express.ErrorRequestHandler);
  app.use('/tlk/rest', api);

  if (options.driverApi) {
    app.use(
      '/sandbox',
      driverRoutes({
        driver,
        clock,
        counters: countersOf,
        configureFaults: (plan) => faults.configure(plan),
        faults: () => faults.describe(),
        queueElements: (name) => (queues.definition(name) ? queues.elements(name) : null),
        recentAlerts: () => alerts.recent(),
        seedDemo: (now) => seedDemo(now ? { now } : {}),
        reset,
      }),
    );
  }
  app.use((req, res) => sendRequestError(res, 404, `No resource ${req.method} ${req.path}`));

  return {
    app,
    options,
    state,
    clock,
    driver,
    faults,
    queues,
    get url() {
      return url;
    },
    counters: countersOf,
    recentAlerts: () => alerts.recent(),
    alertsSettled: () => alerts.settled(),
    seedDemoCampaign: seedDemo,
    reset,
    async start(port = 0, host = '127.0.0.1') {
      if (server) throw new Error('tenant already started');
      const listening = createServer(app);
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
      await alerts.settled();
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
}

export type { TenantOptions, TenantOptionsInput } from './options.js';
export type { DemoCampaign, DemoCampaignJob } from './demo-campaign.js';
export type { TenantCounters } from './counters.js';
export type { FaultPlan, FaultPlanInput } from './faults.js';
export type { TenantDriver, PoisonKind } from './driver.js';
export type { TenantRules } from './rules.js';
export { EN3S_APPROVER_LOGIN } from './directory.js';

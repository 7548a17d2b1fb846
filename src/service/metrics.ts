import client from 'prom-client';
import { jobProcessStates } from '../domain/job-process-states.js';
import type { Store } from '../store/database.js';
import { readGauges } from '../store/gauge-readings.js';
import { type AtsGauges, registerAtsGauges } from './metrics-ats.js';

/**
 * Prometheus metrics on `/metrics`. Counters are bumped where things happen; the gauges of
 * queue depth and offers by state are read from the database when scraped, so they are true
 * across several instances.
 */

export interface Metrics extends AtsGauges {
  registry: client.Registry;
  notifications: client.Counter<'outcome'>;
  atsCalls: client.Counter<'op' | 'outcome'>;
  atsLatency: client.Histogram<'op'>;
  reportRuns: client.Counter<'format' | 'trigger'>;
  /** Scheduled reports that failed, by stage (look, run, mail). */
  reportFailures: client.Counter<'stage'>;
  /** Passwords checked by the login form (bcrypt), whatever the outcome. */
  passwordChecks: client.Counter;
  /** Calls granted by the shared budget to this instance, by lane. */
  budgetGrants: client.Counter<'lane'>;
}

export function createMetrics(store: Store, options: { campaign: () => number; now: () => number }): Metrics {
  const registry = new client.Registry();
  // Node's own metrics keep their standard names (process_*, nodejs_*), the ones stock dashboards
  // and alerts query; only the service's own start with en3s_.
  client.collectDefaultMetrics({ register: registry });
  const notifications = new client.Counter({
    name: 'en3s_notifications_total',
    help: 'Notifications received on the webhook, by outcome (accepted, duplicate, or the refusal code).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const atsCalls = new client.Counter({
    name: 'en3s_ats_calls_total',
    help: 'Calls to the ATS API by operation and outcome.',
    labelNames: ['op', 'outcome'] as const,
    registers: [registry],
  });
  const atsLatency = new client.Histogram({
    name: 'en3s_ats_call_seconds',
    help: 'Latency of ATS API calls.',
    labelNames: ['op'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const reportRuns = new client.Counter({
    name: 'en3s_report_runs_total',
    help: 'Reports generated, by format and trigger.',
    labelNames: ['format', 'trigger'] as const,
    registers: [registry],
  });
  const reportFailures = new client.Counter({
    name: 'en3s_report_failures_total',
    help: 'Scheduled report failures, by stage: look (runs due, folder), run (one file), mail (sending the files).',
    labelNames: ['stage'] as const,
    registers: [registry],
  });
  const passwordChecks = new client.Counter({
    name: 'en3s_admin_password_checks_total',
    help: 'Passwords checked by the login form (bcrypt), whatever the outcome.',
    registers: [registry],
  });
  const budgetGrants = new client.Counter({
    name: 'en3s_ats_budget_grants_total',
    help: 'ATS calls granted by the shared call budget to this instance, by lane (takedown, approver, routine).',
    labelNames: ['lane'] as const,
    registers: [registry],
  });
  const ats = registerAtsGauges(registry);

  // Read from the database at scrape time. prom-client reads every metric of a scrape at once,
  // so each gauge below waits in its own `collect` for one shared reading of the database:
  // set from another gauge's `collect`, they would show the previous scrape's figures.
  let reading: Promise<boolean> | null = null;
  const readDatabase = (): Promise<boolean> =>
    (reading ??= refresh().finally(() => {
      reading = null;
    }));
  const collect = async (): Promise<void> => {
    await readDatabase();
  };
  const queueDepth = new client.Gauge({
    name: 'en3s_queue_depth',
    help: 'Rows of the inbox and outbox by queue and status (every status, 0 when none).',
    labelNames: ['queue', 'status'] as const,
    registers: [registry],
    collect,
  });
  const queueAge = new client.Gauge({
    name: 'en3s_queue_oldest_pending_seconds',
    help: 'Age of the oldest row not yet handled, by queue (inbox pending or processing, outbox pending or in flight).',
    labelNames: ['queue'] as const,
    registers: [registry],
    collect,
  });
  const offersByState = new client.Gauge({
    name: 'en3s_offers',
    help: 'Offers of the current campaign by state.',
    labelNames: ['state'] as const,
    registers: [registry],
    collect,
  });
  const violations = new client.Gauge({
    name: 'en3s_violations',
    help: 'Offers of the current campaign published without EN3S approval.',
    registers: [registry],
    collect,
  });
  new client.Gauge({
    name: 'en3s_scrape_ok',
    help: '1 when the database answered the last scrape.',
    registers: [registry],
    async collect() {
      this.set((await readDatabase()) ? 1 : 0);
    },
  });

  async function refresh(): Promise<boolean> {
    try {
      // Rows are stamped with the business clock: ages are measured on it too.
      const now = options.now();
      const {
        depth,
        oldestInbox,
        oldestOutbox,
        states,
        violations: v,
      } = await readGauges(store.db, options.campaign());
      // Set everything only once every query answered, so a scrape never mixes two readings.
      queueDepth.reset();
      for (const { queue, rows } of depth) for (const row of rows) queueDepth.set({ queue, status: row.status }, row.n);
      queueAge.set({ queue: 'inbox' }, oldestInbox ? Math.max(0, now - Date.parse(oldestInbox)) / 1000 : 0);
      queueAge.set({ queue: 'outbox' }, oldestOutbox ? Math.max(0, now - Date.parse(oldestOutbox)) / 1000 : 0);
      for (const state of jobProcessStates) offersByState.set({ state }, states.find((s) => s.state === state)?.n ?? 0);
      violations.set(v);
      return true;
    } catch {
      return false;
    }
  }
  return {
    registry,
    notifications,
    atsCalls,
    atsLatency,
    reportRuns,
    reportFailures,
    passwordChecks,
    budgetGrants,
    watchBudget: ats.watchBudget,
    watchCircuit: ats.watchCircuit,
  };
}

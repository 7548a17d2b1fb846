import client from 'prom-client';
import { offerStates } from '../domain/workflow-states.js';
import type { Store } from '../store/database.js';

/**
 * Prometheus metrics on `/metrics`. Counters are bumped where things happen; the gauges of
 * queue depth and offers by state are read from the database when scraped, so they are true
 * across several instances.
 */

export interface Metrics {
  registry: client.Registry;
  notifications: client.Counter<'outcome'>;
  atsCalls: client.Counter<'op' | 'outcome'>;
  atsLatency: client.Histogram<'op'>;
  reportRuns: client.Counter<'format' | 'trigger'>;
}

export function createMetrics(store: Store, options: { campaign: () => number }): Metrics {
  const registry = new client.Registry();
  client.collectDefaultMetrics({ register: registry, prefix: 'en3s_process_' });
  const notifications = new client.Counter({
    name: 'en3s_notifications_total',
    help: 'Notifications received on the webhook, by outcome (accepted, duplicate, or the refusal code).',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  const atsCalls = new client.Counter({ name: 'en3s_ats_calls_total', help: 'Calls to the ATS API by operation and outcome.', labelNames: ['op', 'outcome'] as const, registers: [registry] });
  const atsLatency = new client.Histogram({
    name: 'en3s_ats_call_seconds',
    help: 'Latency of ATS API calls.',
    labelNames: ['op'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const reportRuns = new client.Counter({ name: 'en3s_report_runs_total', help: 'Reports generated, by format and trigger.', labelNames: ['format', 'trigger'] as const, registers: [registry] });

  const queueDepth = new client.Gauge({ name: 'en3s_queue_depth', help: 'Rows waiting in the inbox and outbox, by queue and status.', labelNames: ['queue', 'status'] as const, registers: [registry] });
  const queueAge = new client.Gauge({ name: 'en3s_queue_oldest_pending_seconds', help: 'Age of the oldest pending row, by queue.', labelNames: ['queue'] as const, registers: [registry] });
  const offersByState = new client.Gauge({ name: 'en3s_offers', help: 'Offers of the current campaign by state.', labelNames: ['state'] as const, registers: [registry] });
  const violations = new client.Gauge({ name: 'en3s_violations', help: 'Offers of the current campaign published without EN3S approval.', registers: [registry] });

  // Read from the database at scrape time (one small query each).
  new client.Gauge({
    name: 'en3s_scrape_ok',
    help: '1 when the database answered the last scrape.',
    registers: [registry],
    async collect() {
      try {
        const now = Date.now();
        for (const queue of ['inbox', 'outbox'] as const) {
          const rows = await store.db.selectFrom(queue).select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
          queueDepth.reset();
          for (const row of rows) queueDepth.set({ queue, status: row.status }, Number(row.n));
        }
        const oldestInbox = await store.db.selectFrom('inbox').select((eb) => eb.fn.min('received_at').as('t')).where('status', 'in', ['pending', 'processing']).executeTakeFirst();
        queueAge.set({ queue: 'inbox' }, oldestInbox?.t ? (now - Date.parse(String(oldestInbox.t))) / 1000 : 0);
        const oldestOutbox = await store.db.selectFrom('outbox').select((eb) => eb.fn.min('created_at').as('t')).where('status', 'in', ['pending', 'in_flight']).executeTakeFirst();
        queueAge.set({ queue: 'outbox' }, oldestOutbox?.t ? (now - Date.parse(String(oldestOutbox.t))) / 1000 : 0);
        const campaign = options.campaign();
        const states = await store.db.selectFrom('offers').select(['state', (eb) => eb.fn.countAll<number>().as('n')]).where('campaign', '=', campaign).groupBy('state').execute();
        for (const state of offerStates) offersByState.set({ state }, Number(states.find((s) => s.state === state)?.n ?? 0));
        const v = await store.db.selectFrom('offers').select((eb) => eb.fn.countAll<number>().as('n')).where('campaign', '=', campaign).where('violation', '=', 1).executeTakeFirst();
        violations.set(Number(v?.n ?? 0));
        this.set(1);
      } catch {
        this.set(0);
      }
    },
  });
  return { registry, notifications, atsCalls, atsLatency, reportRuns };
}

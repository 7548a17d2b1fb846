import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../connectors/talentlink/circuit-breaker.js';
import { createCallBudget } from '../../../src/pipeline/call-budget.js';
import { createMetrics, type Metrics } from '../../../src/service/metrics.js';
import { claimCommands, deadLetterCommand, enqueueCommand, type NewCommand } from '../../../src/store/outbox.js';
import { claimEvents, completeEvent, insertEvent } from '../../../src/store/inbox.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

/**
 * The gauges an operator alerts on, read through the real registry as `/metrics` serves it:
 * the circuit breaker towards the ATS, the shared call budget and its monthly quota, and the
 * queues' backlog with the age of their oldest row not yet handled.
 */

const T0 = Date.parse('2026-01-05T08:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

/** The value of one series in the text `/metrics` serves, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  const wanted = Object.entries(labels)
    .map(([key, value]) => `${key}="${value}"`)
    .join(',');
  const head = wanted ? `${name}{${wanted}} ` : `${name} `;
  const line = text.split('\n').find((l) => l.startsWith(head));
  return line === undefined ? undefined : Number(line.slice(head.length));
}

class ManualClock {
  constructor(public ms = T0) {}
  now = () => new Date(this.ms);
}

function command(key: string, createdAt: number): NewCommand {
  return {
    idempotency_key: key,
    source: 'talentlink',
    ats_id: key,
    campaign: 2026,
    kind: 'take_down',
    payload: { postingIds: ['7001'] },
    now: iso(createdAt),
  };
}

describe.each(testDatabases())('gauges of /metrics on %s', (dialect) => {
  let store: TestStore;
  let metrics: Metrics;
  const clock = new ManualClock();
  const scrape = () => metrics.registry.metrics();
  beforeAll(async () => {
    store = await openTestStore(dialect, 'metrics-gauges');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    await store.db.deleteFrom('inbox').execute();
    await store.db.deleteFrom('outbox').execute();
    clock.ms = T0;
    metrics = createMetrics(store, { campaign: () => 2026, now: () => clock.ms });
  });

  it('shows the circuit state of this instance: 0 closed, 2 open, 1 half-open, and the failures in a row', async () => {
    const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 30_000, clock });
    metrics.watchCircuit(() => breaker.snapshot());
    expect(sample(await scrape(), 'en3s_ats_circuit_state')).toBe(0);
    breaker.recordFailure();
    breaker.recordFailure();
    let text = await scrape();
    expect(sample(text, 'en3s_ats_circuit_state')).toBe(0);
    expect(sample(text, 'en3s_ats_consecutive_failures')).toBe(2);
    breaker.recordFailure();
    expect(sample(await scrape(), 'en3s_ats_circuit_state')).toBe(2);
    clock.ms += 30_000;
    expect(sample(await scrape(), 'en3s_ats_circuit_state')).toBe(1);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordSuccess();
    text = await scrape();
    expect(sample(text, 'en3s_ats_circuit_state')).toBe(0);
    expect(sample(text, 'en3s_ats_consecutive_failures')).toBe(0);
  });

  it('leaves the circuit gauges out when the port has no circuit breaker', async () => {
    metrics.watchCircuit(() => undefined);
    const text = await scrape();
    expect(text).toMatch(/^# TYPE en3s_ats_circuit_state gauge$/m);
    expect(sample(text, 'en3s_ats_circuit_state')).toBeUndefined();
    expect(sample(text, 'en3s_ats_consecutive_failures')).toBeUndefined();
  });

  it('shows the call budget and the monthly quota shared by every instance', async () => {
    const budget = createCallBudget({
      db: store.db,
      name: `metrics-${dialect}`,
      callsPerSecond: 5,
      monthlyQuota: 10,
      reservedForTakedowns: 0,
      clock,
    });
    metrics.watchBudget(() => budget.snapshot());
    for (let i = 0; i < 3; i++) await budget.take('routine');
    const text = await scrape();
    expect(sample(text, 'en3s_ats_budget_calls_per_second')).toBe(5);
    expect(sample(text, 'en3s_ats_budget_calls_in_window')).toBe(3);
    expect(sample(text, 'en3s_ats_quota_limit')).toBe(10);
    expect(sample(text, 'en3s_ats_quota_used')).toBe(3);
    expect(sample(text, 'en3s_ats_quota_left')).toBe(7);
    expect(sample(text, 'en3s_ats_calls_stopped')).toBe(0);
  });

  it('leaves the quota limit out when the key has no monthly quota, and still counts what was used', async () => {
    const budget = createCallBudget({ db: store.db, name: `no-quota-${dialect}`, callsPerSecond: 5, clock });
    metrics.watchBudget(() => budget.snapshot());
    await budget.take('routine');
    const text = await scrape();
    expect(sample(text, 'en3s_ats_quota_limit')).toBeUndefined();
    expect(sample(text, 'en3s_ats_quota_left')).toBeUndefined();
    expect(sample(text, 'en3s_ats_quota_used')).toBe(1);
  });

  it('counts every status of both queues, 0 included, and ages their oldest row not yet handled', async () => {
    const event = (id: string, receivedAt: number) =>
      insertEvent(store.db, {
        source: 'talentlink',
        event_id: id,
        event_type: 'position',
        occurred_at: null,
        received_at: iso(receivedAt),
        content_type: 'application/json',
        body: '{}',
      });
    await event('e1', T0 - 90_000);
    await event('e2', T0 - 30_000);
    await event('e3', T0 - 10_000);
    // The oldest is handled: the age is the next one's.
    const [first] = await claimEvents(store.db, { owner: 'w', leaseMs: 60_000, limit: 1, now: iso(T0) });
    expect(await completeEvent(store.db, first!.id, 'w', iso(T0))).toBe(true);
    await enqueueCommand(store.db, command('gone', T0 - 600_000));
    const [dead] = await claimCommands(store.db, { owner: 'd', leaseMs: 60_000, limit: 1, now: iso(T0) });
    expect(await deadLetterCommand(store.db, dead!.id, 'd', 'HTTP_500')).toBe(true);
    await enqueueCommand(store.db, command('waiting', T0 - 120_000));

    let text = await scrape();
    const depth = (queue: string, status: string) => sample(text, 'en3s_queue_depth', { queue, status });
    expect(depth('inbox', 'pending')).toBe(2);
    expect(depth('inbox', 'done')).toBe(1);
    expect(depth('inbox', 'processing')).toBe(0);
    expect(depth('inbox', 'failed')).toBe(0);
    expect(depth('outbox', 'pending')).toBe(1);
    expect(depth('outbox', 'dead')).toBe(1);
    expect(depth('outbox', 'in_flight')).toBe(0);
    expect(depth('outbox', 'skipped')).toBe(0);
    expect(depth('outbox', 'done')).toBe(0);
    expect(sample(text, 'en3s_queue_oldest_pending_seconds', { queue: 'inbox' })).toBe(30);
    // A dead command waits for an administrator, not for the dispatcher: it is not the backlog's age.
    expect(sample(text, 'en3s_queue_oldest_pending_seconds', { queue: 'outbox' })).toBe(120);
    expect(sample(text, 'en3s_scrape_ok')).toBe(1);

    clock.ms += 60_000;
    text = await scrape();
    expect(sample(text, 'en3s_queue_oldest_pending_seconds', { queue: 'inbox' })).toBe(90);
    expect(sample(text, 'en3s_queue_oldest_pending_seconds', { queue: 'outbox' })).toBe(180);
  });

  it('reads 0 for empty queues', async () => {
    const text = await scrape();
    expect(sample(text, 'en3s_queue_depth', { queue: 'outbox', status: 'dead' })).toBe(0);
    expect(sample(text, 'en3s_queue_depth', { queue: 'inbox', status: 'failed' })).toBe(0);
    expect(sample(text, 'en3s_queue_oldest_pending_seconds', { queue: 'inbox' })).toBe(0);
    expect(sample(text, 'en3s_queue_oldest_pending_seconds', { queue: 'outbox' })).toBe(0);
  });
});

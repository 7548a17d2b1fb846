import { describe, expect, it } from 'vitest';
import { runChaos } from './chaos-run.js';

/**
 * The service under faults and SIGKILL, against the tenant simulator, as separate processes: a
 * campaign of EN3S_CHAOS_OFFERS offers (200 on SQLite and 80 on PostgreSQL by default;
 * `npm run test:chaos` plays 10,000) played by recruiters and EN3S while the tenant fails a fifth
 * of its calls, answers storms of 403 "Account Over Queries Per Second Limit", loses and repeats
 * alerts, repeats queue elements and holds poison elements, and every service instance is killed
 * every 2–6 s. At the end every job is where the oracle says, in the service and in the tenant;
 * the tenant applied each side effect as often as the rules call for (the EN3S approver set once,
 * every premature posting taken down once, none left up); the ledger's chain holds; the control
 * report lists exactly the breaches the scenario made; and the tenant never counted more calls in
 * 1,000 ms than the connector's configured budget. SQLite with one instance; PostgreSQL with two
 * at once on one schema, sharing the budget.
 */

// Offers are created at a steady pace that each setup keeps up with while it is killed again and
// again (EN3S_CHAOS_RATE, per second). The tenant's limit is raised (the budget below) to run fast.
const fromEnv = (name: string, fallback: number): number => Number(process.env[name] ?? fallback);
const seed = fromEnv('EN3S_CHAOS_SEED', 20270203);
const settleTimeoutMs = 150_000;

describe.each([
  {
    dialect: 'sqlite' as const,
    instances: 1,
    offers: fromEnv('EN3S_CHAOS_OFFERS', 200),
    ratePerSecond: fromEnv('EN3S_CHAOS_RATE', 10),
    callsPerSecond: 100,
  },
  {
    dialect: 'postgres' as const,
    instances: 2,
    offers: fromEnv('EN3S_CHAOS_OFFERS', 80),
    ratePerSecond: fromEnv('EN3S_CHAOS_RATE', 4),
    callsPerSecond: 60,
  },
])('chaos on $dialect with $instances instance(s)', ({ dialect, instances, offers, ratePerSecond, callsPerSecond }) => {
  const driveTimeoutMs = Math.round((offers / ratePerSecond) * 1000 * 4 + 120_000);
  it(`plays ${offers} offers through faults and kills and ends where the oracle says`, {
    timeout: driveTimeoutMs + settleTimeoutMs * 2 + 120_000,
  }, async () => {
    const outcome = await runChaos({
      dialect,
      instances,
      offers,
      seed: dialect === 'sqlite' ? seed : seed + 1,
      ratePerSecond,
      callsPerSecond,
      driveTimeoutMs,
      settleTimeoutMs,
    });
    console.info(outcome.summary);
    expect(outcome.kills).toBeGreaterThan(0);
    expect(outcome.problems).toEqual([]);
  });
});

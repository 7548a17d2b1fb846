import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/store/ledger.js';
import { compileProject, type CompiledProject } from '../../support/compile-project.js';
import { appliedByBoth, checkAgainstOracle, concurrentSends, doubleEffects, staleEffects } from '../../support/crash-oracle.js';
import { runCrash } from '../../support/crash-runner.js';
import { openTestStore, type TestStore } from '../../support/databases.js';
import { data, talentlink } from '../../support/domain.js';
import { policy } from '../../support/workflow.js';

/**
 * Two instances of the pipeline at once on one PostgreSQL schema (what several service instances
 * do), each killed a few times: same guarantees as the crash test, and no command carried out by
 * both — a command changes hands only when its holder failed or died.
 */

describe('two pipeline instances on one PostgreSQL schema', () => {
  let compiled: CompiledProject;
  let store: TestStore;
  beforeAll(async () => {
    compiled = compileProject();
    store = await openTestStore('postgres', 'multi');
  });
  afterAll(async () => {
    await store?.cleanup();
    compiled?.cleanup();
  });

  it('share the work without doing anything twice', { timeout: 120_000 }, async () => {
    const { ats, world, stats } = await runCrash(store, {
      dbUrl: store.url,
      compiled,
      policy,
      seed: 20270301,
      offers: 200,
      instances: 2,
      kills: 4,
      lifeMs: [1_000, 4_000],
      leaseMs: 3_000,
      failBefore: 0.1,
      failAfter: 0.1,
      clockStart: '2027-03-01T10:00:00.000Z',
      timeoutMs: 100_000,
      ...(process.env.EN3S_CRASH_TRACE ? { trace: (line: string) => console.info(line) } : {}),
    });
    console.info(`multi-instance test: ${JSON.stringify(stats)}`);
    const callers = new Set(ats.calls.map((c) => c.caller));
    expect(callers.size).toBeGreaterThanOrEqual(3);

    expect((await store.db.selectFrom('inbox').select('status').where('status', '!=', 'done').execute())).toEqual([]);
    expect((await store.db.selectFrom('outbox').select(['status', 'idempotency_key']).where('status', '!=', 'done').execute())).toEqual([]);
    const problems = await checkAgainstOracle({ store, ats, world, domain: data, mapping: talentlink, policy, at: '2027-03-01T10:00:30.000Z' });
    expect(problems).toEqual([]);
    expect(doubleEffects(ats, world.jobs.map((j) => j.id))).toEqual([]);
    expect(await staleEffects(store, ats, world.jobs.map((j) => j.id))).toEqual([]);
    expect(appliedByBoth(ats)).toEqual([]);
    expect(concurrentSends(ats, stats.killed)).toEqual([]);
    expect(await verifyLedger(store.db)).toMatchObject({ ok: true });
  });
});

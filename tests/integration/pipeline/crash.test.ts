import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/store/ledger.js';
import { compileProject, type CompiledProject } from '../../support/compile-project.js';
import { checkAgainstOracle, concurrentSends, doubleEffects, staleEffects } from '../../support/crash-oracle.js';
import { runCrash } from '../../support/crash-runner.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data, talentlink } from '../../support/domain.js';
import { policy } from '../../support/workflow.js';

/**
 * The pipeline killed with SIGKILL at random moments, many times, while it works through a
 * campaign: 300 jobs and their notifications (late, shuffled, some twice), an ATS failing a fifth
 * of its calls (half of them after applying the call: the answer is lost), and a process killed
 * while its call is on the wire. The ATS lives in this process and survives the kills. Once all is
 * done: every event processed, every offer where the pure workflow says it must be, no effect
 * applied twice in the ATS, and the ledger's chain intact.
 */

let compiled: CompiledProject;
beforeAll(() => {
  compiled = compileProject();
});
afterAll(() => compiled?.cleanup());

describe.each(testDatabases())('the pipeline killed again and again on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'crash');
  });
  afterAll(() => store?.cleanup());

  it('loses nothing, does nothing twice, and ends where the workflow says', { timeout: 120_000 }, async () => {
    const { ats, world, stats } = await runCrash(store, {
      dbUrl: store.url,
      compiled,
      policy,
      seed: dialect === 'sqlite' ? 20270215 : 20270216,
      offers: 240,
      instances: 1,
      kills: 12,
      lifeMs: [150, 1000],
      leaseMs: 1_500,
      failBefore: 0.1,
      failAfter: 0.1,
      clockStart: '2027-02-15T10:00:00.000Z',
      timeoutMs: 100_000,
      ...(process.env.EN3S_CRASH_TRACE ? { trace: (line: string) => console.info(line) } : {}),
    });
    console.info(`crash test on ${dialect}: ${JSON.stringify(stats)}`);
    expect(stats.kills).toBeGreaterThanOrEqual(12);

    const inbox = await store.db.selectFrom('inbox').select('status').execute();
    expect(inbox.filter((r) => r.status !== 'done')).toEqual([]);
    const outbox = await store.db.selectFrom('outbox').select(['status', 'idempotency_key', 'last_error']).execute();
    expect(outbox.filter((r) => r.status !== 'done')).toEqual([]);

    const problems = await checkAgainstOracle({ store, ats, world, domain: data, mapping: talentlink, policy, at: '2027-02-15T10:00:30.000Z' });
    expect(problems).toEqual([]);
    expect(doubleEffects(ats, world.jobs.map((j) => j.id))).toEqual([]);
    expect(await staleEffects(store, ats, world.jobs.map((j) => j.id))).toEqual([]);
    expect(concurrentSends(ats, stats.killed)).toEqual([]);
    expect(await verifyLedger(store.db)).toMatchObject({ ok: true });
  });
});

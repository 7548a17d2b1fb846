import { afterEach, describe, expect, it } from 'vitest';
import type { Notification } from '../../../connectors/talentlink/job-document.js';
import { createTalentLinkClient, type TalentLinkClient } from '../../../connectors/talentlink/client.js';
import { createSandbox, type Sandbox } from '../../../connectors/talentlink/sandbox/index.js';
import { notificationEvent } from '../../../src/ingest/inbox-event.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import { Dispatcher } from '../../../src/pipeline/dispatcher.js';
import { InboxWorker } from '../../../src/pipeline/inbox-worker.js';
import { reconcile } from '../../../src/pipeline/reconciler.js';
import { insertEvent } from '../../../src/store/inbox.js';
import { readLedger, verifyLedger } from '../../../src/store/ledger.js';
import { timelineLine } from '../../../src/admin/timeline.js';
import { getOffer } from '../../../src/store/offers.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data, talentlink } from '../../support/domain.js';
import { concernedOffer, teamNames, ucanssPosting } from '../../support/e2e-sandbox.js';
import { ManualClock, recordingLogger, type LogLine } from '../../support/pipeline-harness.js';
import { policy } from '../../support/workflow.js';

/**
 * TalentLink unreachable for ten minutes, on a simulated clock shared by the service's pieces and
 * the sandbox ATS (in this process, behind real HTTP and the real client with its circuit
 * breaker). While it is down, every API call fails with 503 and the notifications of what people
 * do in the ATS never arrive: offers are created, EN3S validates one, a recruiter publishes
 * another behind the lock's back. Commands queued before the outage fail and wait.
 *
 * Expected: nothing lost, no command dead-lettered (no retry budget is really exhausted: while
 * the breaker is open the commands are not even sent), and within one reconciliation period
 * (5 minutes by default) after the ATS comes back, every offer is where it must be, in the
 * service and in the ATS, each side effect applied once.
 */

const START = '2027-02-01T09:00:00.000Z';
const STEP_MS = 5_000;
const OUTAGE_MS = 10 * 60_000;
const RECONCILE_PERIOD_MS = 5 * 60_000;
const CAMPAIGN = 2027;

describe.each(testDatabases())('the ATS down for ten minutes, on %s', (dialect) => {
  let store: TestStore;
  let sandbox: Sandbox;
  afterEach(async () => {
    await sandbox?.stop();
    await store?.cleanup();
  });

  it('loses nothing, dead-letters nothing, and catches up within one reconciliation period', async () => {
    store = await openTestStore(dialect, 'ats-down');
    const clock = new ManualClock(START);
    sandbox = createSandbox({ rateLimitPerSecond: 0, clockStart: START, freezeClock: true, driverApi: false, seed: 11 });
    const { url } = await sandbox.start(0, '127.0.0.1');
    const ats: TalentLinkClient = createTalentLinkClient({
      baseUrl: url,
      user: sandbox.options.user,
      password: sandbox.options.password,
      apiKey: sandbox.options.apiKey,
      requestsPerSecond: 100_000,
      circuitBreaker: { coolDownMs: 30_000 },
      clock: { now: () => clock.now().getTime(), sleep: async () => undefined },
    });
    const logs: LogLine[] = [];
    const ctx: PipelineContext & { ats: TalentLinkClient } = { store, domain: data, mapping: talentlink, policy, clock, log: recordingLogger(logs), ats };
    const worker = new InboxWorker(ctx, { owner: 'outage:inbox' });
    const dispatcher = new Dispatcher(ctx, { owner: 'outage:dispatcher', random: () => 0.5 });

    // What the ATS pushes reaches the inbox while it is reachable, and is lost while it is not.
    let down = false;
    const received: Notification[] = [];
    let lost = 0;
    sandbox.onNotification((n) => {
      if (down) lost += 1;
      else received.push(n);
    });
    const deliver = async () => {
      for (const n of received.splice(0)) {
        await insertEvent(store.db, notificationEvent(n, { text: JSON.stringify(n), contentType: 'application/json' }, clock.now()));
      }
    };
    const step = async () => {
      await deliver();
      // Until both loops are idle at this instant (a command's answer feeds the inbox, which may queue the next command).
      for (let round = 0; round < 20; round++) {
        if ((await worker.drain()) + (await dispatcher.drain()) === 0) break;
      }
    };
    const advance = async (ms: number) => {
      for (let done = 0; done < ms; done += STEP_MS) {
        clock.advance(STEP_MS);
        sandbox.clock.advance(STEP_MS);
        await step();
      }
    };
    const create = (title: string) => {
      const result = sandbox.ops.createJob(concernedOffer(title) as never);
      if (!result.ok) throw new Error(`${title}: ${result.message}`);
      return result.job.id;
    };

    // Before: three offers submitted to EN3S by the connector; the first initial reconciliation
    // sets its cursor.
    expect(await reconcile(ctx)).toMatchObject({ ok: true });
    const before = [create('Responsable A1'), create('Responsable A2'), create('Responsable A3')];
    await advance(STEP_MS * 2);
    for (const id of before) expect((await getOffer(store.db, { source: 'talentlink', ats_id: id, campaign: CAMPAIGN }))?.state).toBe('approval_started');

    // An offer whose creation arrived just before the outage: its commands are queued, not yet sent.
    const queuedBefore = create('Responsable C1');
    await deliver();
    await worker.drain();
    expect((await store.db.selectFrom('outbox').select('id').where('ats_id', '=', queuedBefore).where('status', '=', 'pending').execute()).length).toBeGreaterThan(0);

    // The outage: every API call fails, no notification arrives; people go on working in the ATS.
    down = true;
    sandbox.faults.configure({ apiErrorRatio: 1, apiErrorStatuses: [503] });
    const during = [create('Responsable B1'), create('Responsable B2')];
    expect(sandbox.ops.validate(before[0]!).ok).toBe(true);
    expect(sandbox.ops.forcePublish(before[1]!).ok).toBe(true);
    await advance(RECONCILE_PERIOD_MS);
    // The scheduled reconciliation runs in the middle of the outage, and fails without harm.
    expect(await reconcile(ctx)).toMatchObject({ ok: false });
    await advance(OUTAGE_MS - RECONCILE_PERIOD_MS);
    expect(ats.circuitBreaker.state()).not.toBe('closed');
    expect(await store.db.selectFrom('outbox').select(['id', 'kind', 'attempts', 'last_error']).where('status', '=', 'dead').execute()).toEqual([]);
    expect(lost).toBeGreaterThan(0);

    // Back. Within one reconciliation period, the scheduled run at its end included.
    down = false;
    sandbox.faults.configure({ apiErrorRatio: 0 });
    await advance(RECONCILE_PERIOD_MS - STEP_MS);
    expect(await reconcile(ctx)).toMatchObject({ ok: true });
    await advance(STEP_MS);

    const offer = async (id: string) => (await getOffer(store.db, { source: 'talentlink', ats_id: id, campaign: CAMPAIGN }))!;
    expect((await offer(before[0]!)).state).toBe('approved');
    expect(sandbox.state.job(before[0]!)!.publicationLock?.locked).toBe(false);
    // Published behind the lock while nobody could see it: caught, withdrawn, locked again.
    expect((await offer(before[1]!)).violation).toBe(true);
    expect(ucanssPosting(sandbox.state.job(before[1]!)!)?.status).not.toBe('PUBLISHED');
    expect((await offer(before[2]!)).state).toBe('approval_started');
    for (const id of [queuedBefore, ...during]) {
      expect((await offer(id)).state).toBe('approval_started');
      const job = sandbox.state.job(id)!;
      expect(teamNames(job)).toContain('EN3S dérogation');
      expect(job.approvalProcess?.status).toBe('IN_PROGRESS');
      expect(job.publicationLock?.locked).toBe(true);
    }

    // Nothing waiting, nothing dead, each effect applied once, the ledger intact.
    const outbox = await store.db.selectFrom('outbox').select(['kind', 'ats_id', 'status', 'attempts']).execute();
    expect(outbox.filter((c) => c.status !== 'done')).toEqual([]);
    const inbox = await store.db.selectFrom('inbox').select(['event_id', 'status']).where('status', '!=', 'done').execute();
    expect(inbox).toEqual([]);
    const counters = sandbox.counters();
    for (const id of [...before, queuedBefore, ...during]) {
      const job = counters.perJob[id]!;
      expect(job.teamAssignmentsApplied, `team of ${id}`).toBeLessThanOrEqual(1);
      expect(job.approvalsStarted, `approval of ${id}`).toBe(1);
      expect(job.locksApplied, `locks of ${id}`).toBeLessThanOrEqual(2);
    }
    expect(counters.perJob[before[1]!]!.withdrawalsApplied).toBe(1);
    expect(await verifyLedger(store.db)).toMatchObject({ ok: true });
    // The failures during the outage are in the ledger, marked as such, and read so on the dashboard.
    const outageAnswers = (await readLedger(store.db, { limit: 10_000 })).filter((e) => e.kind === 'ats.answer' && (e.data as { outage?: boolean }).outage === true);
    expect(outageAnswers.length).toBeGreaterThan(0);
    expect(timelineLine(outageAnswers[0]!).what).toContain('essai non décompté');
    expect(logs.filter((l) => l.message === 'command dead-lettered')).toEqual([]);
  }, 120_000);
});

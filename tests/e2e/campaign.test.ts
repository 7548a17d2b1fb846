import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import { en3sBin, startProcess, waitFor } from '../support/e2e-processes.js';
import { concernedOffer, teamNames, ucanssPosting, type JobCounters } from '../support/e2e-sandbox.js';
import { startWorld, type World } from '../support/e2e-world.js';

/**
 * A campaign end to end: `en3s serve` and the sandbox ATS as separate processes, signed
 * webhooks one way and the REST API the other, both clocks inside the 2027 window. What a
 * recruiter and EN3S do goes through the sandbox's driver API; what the connector did is read
 * back from the ATS (documents and counters of applied side effects) and from the service's own
 * database (offer rows, ledger).
 */

const APPROVAL_TEAM = 'EN3S dérogation';
const PROCESS_NAME = 'Validation en période EN3S';

/** The ATS side once the connector did its part: team, approval in progress, publication locked. */
async function submittedByConnector(world: World, id: string, timeoutMs = 15_000): Promise<JobDocument> {
  return waitFor(
    async () => {
      const job = await world.sandbox.job(id);
      return job.approvalProcess?.status === 'IN_PROGRESS' && job.publicationLock?.locked === true ? job : null;
    },
    timeoutMs,
    `job ${id}: approval started and publication locked by the connector`,
  );
}

async function offerInState(world: World, id: string, state: string, timeoutMs = 15_000) {
  return waitFor(
    async () => {
      const offer = await world.offer(id);
      return offer?.state === state ? offer : null;
    },
    timeoutMs,
    `offer ${id} in state ${state}`,
  );
}

/** Nothing left to do on either side: no inbox row or command waiting, no delivery pending. */
async function settled(world: World): Promise<void> {
  await waitFor(
    async () => {
      const inbox = await world.db.db.selectFrom('inbox').select('id').where('status', 'in', ['pending', 'processing']).execute();
      const outbox = await world.db.db.selectFrom('outbox').select('id').where('status', 'in', ['pending', 'in_flight']).execute();
      const scheduled = (await world.sandbox.driver('GET', '/deliveries?state=scheduled')).body as { items: unknown[] };
      const inFlight = (await world.sandbox.driver('GET', '/deliveries?state=in-flight')).body as { items: unknown[] };
      return inbox.length === 0 && outbox.length === 0 && scheduled.items.length === 0 && inFlight.items.length === 0;
    },
    20_000,
    'the service and the sandbox to settle',
  );
}

function auditVerify(url: string) {
  return startProcess(en3sBin(), ['audit', 'verify', '--db', url]);
}

/** The side effects one job received, as the sandbox counted them. */
function effects(c: JobCounters): Partial<JobCounters> {
  return {
    teamAssignmentsApplied: c.teamAssignmentsApplied,
    approvalsStarted: c.approvalsStarted,
    approvalConflicts: c.approvalConflicts,
    locksApplied: c.locksApplied,
    unlocksApplied: c.unlocksApplied,
    withdrawalsApplied: c.withdrawalsApplied,
  };
}

describe('a campaign between en3s serve and the sandbox ATS, two processes (SQLite)', () => {
  let world: World;
  const created: string[] = [];
  const create = async (input: Record<string, unknown>): Promise<JobDocument> => {
    const job = await world.sandbox.createJob(input);
    created.push(job.id);
    return job;
  };

  beforeAll(async () => {
    // The circuit to the ATS stays open 5 s after repeated failures (30 s by default).
    world = await startWorld('sqlite', 'campaign', { serviceEnv: { EN3S_ATS_CIRCUIT_COOLDOWN_MS: '5000' } });
  });
  afterAll(async () => {
    if (!world) return;
    const codes = await world.stop();
    expect(codes).toEqual({ service: 0, sandbox: 0 });
  });

  it('takes an offer from creation to EN3S validation and publication; the lock refuses the recruiter before the answer', async () => {
    const job = await create(concernedOffer("Responsable du service gestion des prestations", 'CPAM', '7'));
    const submitted = await submittedByConnector(world, job.id);
    expect(teamNames(submitted)).toEqual([APPROVAL_TEAM]);
    expect(submitted.approvalProcess).toMatchObject({ name: PROCESS_NAME, status: 'IN_PROGRESS', steps: [{ team: APPROVAL_TEAM, status: 'PENDING' }] });
    await offerInState(world, job.id, 'approval_started');

    const early = await world.sandbox.driver('POST', `/jobs/${job.id}/publish`, {});
    expect(early.status).toBe(423);
    expect(early.body.code).toBe('PUBLICATION_LOCKED');

    expect((await world.sandbox.driver('POST', `/jobs/${job.id}/validate`, { comment: 'Dérogation accordée' })).status).toBe(200);
    await waitFor(async () => (await world.sandbox.job(job.id)).publicationLock?.locked === false, 15_000, 'the connector to unlock publication');
    const approved = await offerInState(world, job.id, 'approved');
    expect(approved.violation).toBe(false);

    const published = await world.sandbox.driver('POST', `/jobs/${job.id}/publish`, {});
    expect(published.status).toBe(200);
    expect(ucanssPosting(published.body)?.status).toBe('PUBLISHED');
    // The publication after EN3S's answer is read by the service and changes nothing.
    await waitFor(async () => ((await world.offer(job.id))?.last_version ?? 0) >= published.body.version, 10_000, 'the publication to reach the service');
    expect(await world.offer(job.id)).toMatchObject({ state: 'approved', violation: false, concerned: 'yes' });
    expect(world.service.transitions(job.id)).toEqual(['null→awaiting_team', 'awaiting_team→team_assigned', 'team_assigned→approval_started', 'approval_started→approved']);

    const counters = await world.sandbox.jobCounters(job.id);
    expect(counters).toMatchObject({
      teamAssignmentsApplied: 1,
      approvalsStarted: 1,
      approvalsApproved: 1,
      locksApplied: 1,
      unlocksApplied: 1,
      publicationsRefusedByLock: 1,
      postingsPublished: 1,
      withdrawalsApplied: 0,
      approvalConflicts: 0,
    });
    const kinds = (await world.ledger(job.id)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'state.changed')).toHaveLength(4);
    expect(kinds).toContain('ats.answer');
  });

  it('keeps an offer EN3S refused locked: the recruiter still cannot publish', async () => {
    const job = await create(concernedOffer('Manager stratégique du recouvrement', 'URSSAF', '9'));
    await submittedByConnector(world, job.id);
    await offerInState(world, job.id, 'approval_started');
    expect((await world.sandbox.driver('POST', `/jobs/${job.id}/refuse`, { comment: 'Poste réservé aux élèves' })).status).toBe(200);
    await offerInState(world, job.id, 'refused');
    const attempt = await world.sandbox.driver('POST', `/jobs/${job.id}/publish`, {});
    expect(attempt.status).toBe(423);
    expect(await world.sandbox.jobCounters(job.id)).toMatchObject({ approvalsRejected: 1, locksApplied: 1, unlocksApplied: 0, postingsPublished: 0, publicationsRefusedByLock: 1 });
  });

  it('withdraws a posting published behind the lock’s back and records the violation', async () => {
    const job = await create(concernedOffer('Ingénieur-conseil en prévention des risques professionnels', 'CARSAT', '8'));
    await submittedByConnector(world, job.id);
    await offerInState(world, job.id, 'approval_started');

    const forced = await world.sandbox.driver('POST', `/jobs/${job.id}/force-publish`, {});
    expect(forced.status).toBe(200);
    expect(ucanssPosting(forced.body)?.status).toBe('PUBLISHED');

    const withdrawn = await waitFor(
      async () => {
        const current = await world.sandbox.job(job.id);
        return ucanssPosting(current)?.status === 'WITHDRAWN' ? current : null;
      },
      15_000,
      'the connector to withdraw the posting',
    );
    expect(withdrawn.publicationLock?.locked).toBe(true);
    // Back in the process, flagged: the violation stays on the offer for the reports.
    const offer = await offerInState(world, job.id, 'approval_started');
    expect(offer.violation).toBe(true);
    await waitFor(() => world.service.transitions(job.id).includes('published_without_approval→approval_started'), 5000, 'the state change back in the log');
    expect(world.service.transitions(job.id)).toContain('approval_started→published_without_approval');
    expect(await world.sandbox.jobCounters(job.id)).toMatchObject({ publicationsForcedThroughLock: 1, withdrawalsApplied: 1, withdrawalsNoop: 0, locksApplied: 1, approvalsStarted: 1 });
    const ledger = await world.ledger(job.id);
    expect(ledger.filter((e) => e.kind === 'state.changed').map((e) => (e.data as { to: string }).to)).toContain('published_without_approval');
    expect(ledger.some((e) => e.kind === 'command.requested' && (e.data as { kind: string }).kind === 'withdraw_posting')).toBe(true);
  });

  it('catches a dropped notification by reconciliation', async () => {
    await settled(world);
    expect((await world.sandbox.driver('POST', '/notifications/drop-next', { count: 1 })).status).toBe(200);
    const job = await create(concernedOffer("Chargé d'études statistiques", 'CARSAT', '7'));
    const [first] = await world.sandbox.notifications(job.id);
    expect(first).toMatchObject({ type: 'job.created', push: 'dropped' });

    // Reconciliation runs every 3 s here (EN3S_RECONCILE_CRON with seconds).
    await submittedByConnector(world, job.id, 15_000);
    const received = (await world.ledger(job.id)).filter((e) => e.kind === 'event.received').map((e) => e.data as { origin: string; version: number });
    expect(received[0]).toMatchObject({ origin: 'reconciliation', version: 1 });
    expect(await world.sandbox.jobCounters(job.id)).toMatchObject({ teamAssignmentsApplied: 1, approvalsStarted: 1, locksApplied: 1 });
  });

  it('catches up with everything once the ATS is back after an outage', async () => {
    await settled(world);
    const before = (await world.sandbox.counters()).http;
    expect((await world.sandbox.driver('PATCH', '/faults', { apiErrorRatio: 1 })).status).toBe(200);
    const outageStart = Date.now();
    const a = await create(concernedOffer('Responsable de département prestations', 'CPAM', '8'));
    const b = await create(concernedOffer('Auditeur interne', 'URSSAF', '7'));
    // Nothing reaches the ATS: the recruiter of A is not stopped and publishes.
    await waitFor(async () => ((await world.commands(a.id)).find((c) => c.kind === 'set_lock')?.attempts ?? 0) >= 1, 10_000, 'a failed attempt to lock A');
    const published = await world.sandbox.driver('POST', `/jobs/${a.id}/publish`, {});
    expect(published.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await world.sandbox.counters()).http.faultsInjected).toBeGreaterThan(before.faultsInjected ?? 0);
    for (const id of [a.id, b.id]) expect(teamNames(await world.sandbox.job(id))).toEqual([]);

    expect((await world.sandbox.driver('PATCH', '/faults', { apiErrorRatio: 0 })).status).toBe(200);
    const outageMs = Date.now() - outageStart;
    const back = Date.now();
    // The circuit breaker lets a trial through at most 5 s after it opened; the commands waiting
    // for it go through then, with their attempts untouched.
    for (const id of [a.id, b.id]) await submittedByConnector(world, id, 20_000);
    const withdrawn = await waitFor(async () => ucanssPosting(await world.sandbox.job(a.id))?.status === 'WITHDRAWN', 20_000, 'the posting published during the outage to be withdrawn');
    expect(withdrawn).toBe(true);
    const offerA = await offerInState(world, a.id, 'approval_started');
    expect(offerA.violation).toBe(true);
    console.info(`ATS outage of ${outageMs} ms, caught up ${Date.now() - back} ms after it ended`);
    // The circuit did open during the outage (the reconciliation met it too).
    expect(world.service.process.logs().some((l) => l.message === 'reconciliation interrupted' && l.code === 'CIRCUIT_OPEN')).toBe(true);
    for (const id of [a.id, b.id]) {
      const commands = await world.commands(id);
      expect(commands.filter((c) => c.status === 'dead')).toEqual([]);
      expect(effects(await world.sandbox.jobCounters(id))).toMatchObject({ teamAssignmentsApplied: 1, approvalsStarted: 1, approvalConflicts: 0, locksApplied: 1, unlocksApplied: 0 });
    }
    expect((await world.sandbox.jobCounters(a.id)).withdrawalsApplied).toBe(1);
  }, 60_000);

  it('applied no side effect twice, and the ledger it kept is intact', async () => {
    await settled(world);
    const counters = await world.sandbox.counters();
    for (const id of created) {
      const c = counters.perJob[id]!;
      expect(c.teamAssignmentsApplied, `team of ${id}`).toBe(1);
      expect(c.approvalsStarted, `approval of ${id}`).toBe(1);
      expect(c.approvalConflicts, `approval started twice on ${id}`).toBe(0);
      expect(c.locksApplied, `lock of ${id}`).toBe(1);
      expect(c.unlocksApplied, `unlock of ${id}`).toBeLessThanOrEqual(1);
      expect(c.withdrawalsApplied, `withdrawal of ${id}`).toBeLessThanOrEqual(1);
      expect(c.withdrawalsNoop, `withdrawal repeated on ${id}`).toBe(0);
    }
    expect(counters.overall.teamAssignmentsNoop).toBe(0);
    const audit = auditVerify(world.db.url);
    expect(await audit.exited, audit.stderr()).toBe(0);
    expect(audit.stdout()).toContain('Registre intact');
  });
});

describe('the same campaign on PostgreSQL', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld('postgres', 'campaign-pg');
  });
  afterAll(async () => {
    if (world) expect(await world.stop()).toEqual({ service: 0, sandbox: 0 });
  });

  it('runs an offer to validation and publication and withdraws another published behind the lock', async () => {
    const [ok, broken] = await Promise.all([
      world.sandbox.createJob(concernedOffer('Expert en actuariat', 'CARSAT', '8')),
      world.sandbox.createJob(concernedOffer('Responsable du contrôle interne', 'URSSAF', '7')),
    ]);
    await Promise.all([submittedByConnector(world, ok!.id), submittedByConnector(world, broken!.id)]);
    await offerInState(world, ok!.id, 'approval_started');
    expect((await world.sandbox.driver('POST', `/jobs/${ok!.id}/publish`, {})).status).toBe(423);
    expect((await world.sandbox.driver('POST', `/jobs/${ok!.id}/validate`, {})).status).toBe(200);
    await offerInState(world, ok!.id, 'approved');
    await waitFor(async () => (await world.sandbox.job(ok!.id)).publicationLock?.locked === false, 15_000, 'the unlock');
    expect((await world.sandbox.driver('POST', `/jobs/${ok!.id}/publish`, {})).status).toBe(200);

    await offerInState(world, broken!.id, 'approval_started');
    expect((await world.sandbox.driver('POST', `/jobs/${broken!.id}/force-publish`, {})).status).toBe(200);
    await waitFor(async () => ucanssPosting(await world.sandbox.job(broken!.id))?.status === 'WITHDRAWN', 15_000, 'the withdrawal');
    await waitFor(async () => (await world.offer(broken!.id))?.violation === true, 10_000, 'the violation on the offer');

    const counters = await world.sandbox.counters();
    expect(effects(counters.perJob[ok!.id]!)).toEqual({ teamAssignmentsApplied: 1, approvalsStarted: 1, approvalConflicts: 0, locksApplied: 1, unlocksApplied: 1, withdrawalsApplied: 0 });
    expect(effects(counters.perJob[broken!.id]!)).toEqual({ teamAssignmentsApplied: 1, approvalsStarted: 1, approvalConflicts: 0, locksApplied: 1, unlocksApplied: 0, withdrawalsApplied: 1 });
    const audit = auditVerify(world.db.url);
    expect(await audit.exited, audit.stderr()).toBe(0);
    expect(audit.stdout()).toContain('Registre intact');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { verifyLedger } from '../../../src/store/ledger.js';
import { testDatabases } from '../../support/databases.js';
import { jobDocument } from '../../support/job-documents.js';
import { PipelineHarness } from '../../support/pipeline-harness.js';

/**
 * The life of offers through the whole pipeline (inbox → workflow → outbox → ATS → inbox) on a
 * real database, with the memory ATS as the other side: what the ATS ends up holding, what the
 * store says, and what the ledger recorded.
 */

const cpam7 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };
const start = '2027-02-01T09:00:00.000Z';

describe.each(testDatabases())('an offer through the pipeline on %s', (dialect) => {
  let h: PipelineHarness;
  afterEach(async () => {
    expect(await verifyLedger(h.store.db)).toMatchObject({ ok: true });
    await h.close();
  });

  it('goes awaiting_team → team_assigned → approval_started → approved, with one ATS effect each', async () => {
    h = await PipelineHarness.open(dialect, 'life-approved', { start });
    const job = h.actors.createJob(jobDocument(cpam7));

    await h.deliver();
    await h.worker.drain();
    expect((await h.offer(job.id)).state).toBe('awaiting_team');
    expect((await h.commands(job.id)).map((c) => c.kind)).toEqual(['set_lock', 'assign_team']);

    // The lock and the team: the returned documents come back through the inbox.
    await h.dispatcher.drain();
    await h.worker.drain();
    expect((await h.offer(job.id)).state).toBe('team_assigned');
    expect(h.ats.job(job.id)).toMatchObject({ publicationLock: { locked: true }, teams: expect.arrayContaining([expect.objectContaining({ role: 'approval', name: 'EN3S dérogation' })]) });

    await h.dispatcher.drain();
    await h.worker.drain();
    const started = await h.offer(job.id);
    expect(started.state).toBe('approval_started');
    expect(h.ats.job(job.id)!.approvalProcess).toMatchObject({ status: 'IN_PROGRESS', name: 'Validation en période EN3S', dueDate: '2027-02-11' });
    expect(started.timeline_data).toMatchObject({ team: { by: 'connector' }, approval: { by: 'connector' } });

    await h.settle();
    h.clock.advance(2 * 24 * 3600_000);
    h.actors.validate(job.id);
    await h.settle();
    const approved = await h.offer(job.id);
    expect(approved.state).toBe('approved');
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(false);

    expect(h.ats.effects('set_lock', job.id)).toEqual({ applied: 2, repeats: 0 });
    expect(h.ats.effects('assign_team', job.id)).toEqual({ applied: 1, repeats: 0 });
    expect(h.ats.effects('start_approval', job.id)).toEqual({ applied: 1, repeats: 0 });
    expect((await h.commands(job.id)).map((c) => `${c.kind}:${c.status}`)).toEqual([
      'set_lock:done',
      'assign_team:done',
      'start_approval:done',
      'set_lock:done',
    ]);
    const kinds = (await h.ledger(job.id)).map((e) => e.kind);
    expect(kinds.filter((k) => k === 'state.changed')).toHaveLength(4);
    expect(kinds).toContain('en3s.decision');
    expect(kinds.filter((k) => k === 'ats.answer')).toHaveLength(4);
  });

  it('"refusé" keeps the offer locked; the ATS refuses a publication, and one that slips through is withdrawn', async () => {
    h = await PipelineHarness.open(dialect, 'life-refused', { start });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    expect((await h.offer(job.id)).state).toBe('approval_started');
    h.clock.advance(3600_000);
    h.actors.refuse(job.id);
    await h.settle();
    expect((await h.offer(job.id)).state).toBe('refused');
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(true);
    expect(h.actors.publish(job.id)).toMatchObject({ ok: false, error: { code: 'PUBLICATION_LOCKED' } });

    h.clock.advance(3600_000);
    const slipped = h.actors.publish(job.id, { force: true });
    expect(slipped.ok).toBe(true);
    await h.settle();
    const offer = await h.offer(job.id);
    expect(offer.state).toBe('refused');
    expect(offer.violation).toBe(true);
    expect(h.ats.job(job.id)!.postings).toMatchObject([{ id: 'p-1', status: 'WITHDRAWN' }]);
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(true);
    expect(h.ats.effects('withdraw_posting', job.id)).toEqual({ applied: 1, repeats: 0 });
    expect(h.ats.effects('set_lock', job.id).applied).toBe(1);
    const violations = (await h.ledger(job.id)).filter((e) => e.kind === 'violation.detected');
    expect(violations).toMatchObject([{ actor: 'recruiter', data: { postingId: 'p-1', action: 'withdraw', why: 'dérogation refusée' } }]);
  });

  it('a publication before EN3S answered is withdrawn and recorded as a violation, and stays recorded after "validé"', async () => {
    h = await PipelineHarness.open(dialect, 'life-violation', { start });
    const job = h.actors.createJob(jobDocument(cpam7));
    // The recruiter publishes at once, before the connector has seen the job.
    h.clock.advance(60_000);
    h.actors.publish(job.id);
    await h.deliver();
    await h.worker.drain();
    const caught = await h.offer(job.id);
    expect(caught.state).toBe('published_without_approval');
    expect(caught.violation).toBe(true);
    expect((await h.commands(job.id)).map((c) => c.kind).sort()).toEqual(['assign_team', 'notify', 'set_lock', 'withdraw_posting']);

    await h.settle();
    expect(h.ats.job(job.id)).toMatchObject({ publicationLock: { locked: true }, postings: [{ status: 'WITHDRAWN' }], approvalProcess: { status: 'IN_PROGRESS' } });
    expect((await h.offer(job.id)).state).toBe('approval_started');
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'warn', message: 'alert', meta: expect.objectContaining({ topic: 'violation', offer: job.id }) }));

    h.actors.validate(job.id);
    await h.settle();
    const approved = await h.offer(job.id);
    expect(approved.state).toBe('approved');
    expect(approved.violation).toBe(true);
    expect(approved.timeline_data).toMatchObject({ violations: [{ postingId: 'p-1', action: 'withdraw' }] });
    expect(h.ats.effects('withdraw_posting', job.id)).toEqual({ applied: 1, repeats: 0 });
  });

  it('an offer out of scope is recorded and left alone in the ATS', async () => {
    h = await PipelineHarness.open(dialect, 'life-not-concerned', { start });
    const job = h.actors.createJob(jobDocument({ orgName: 'CAF du Nord', grid: 'RG', level: '5A' }));
    h.actors.publish(job.id);
    await h.settle();
    const offer = await h.offer(job.id);
    expect(offer).toMatchObject({ state: 'not_concerned', concerned: 'no', violation: false });
    expect(await h.commands(job.id)).toEqual([]);
    expect(h.ats.calls).toEqual([]);
  });
});

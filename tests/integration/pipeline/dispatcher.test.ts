import { afterEach, describe, expect, it } from 'vitest';
import { requeueDeadLetter } from '../../../src/store/outbox.js';
import { verifyLedger } from '../../../src/store/ledger.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { applyToKnownOffer } from '../../../src/pipeline/apply.js';
import { testDatabases } from '../../support/databases.js';
import { jobDocument } from '../../support/job-documents.js';
import { transient } from '../../support/memory-ats.js';
import { PipelineHarness } from '../../support/pipeline-harness.js';

/**
 * The outbox dispatcher against an ATS that fails: retries with backoff, Retry-After, dead-letter
 * and requeue, answers lost after the ATS applied the call, and commands that became moot while
 * they waited. The dispatcher's jitter is fixed (random 0.5), so delays are exact.
 */

const cpam7 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };
const start = '2027-02-01T09:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(start) + ms).toISOString();

describe.each(testDatabases())('the dispatcher on %s', (dialect) => {
  let h: PipelineHarness;
  afterEach(async () => {
    expect(await verifyLedger(h.store.db)).toMatchObject({ ok: true });
    await h.close();
  });

  it('retries a transient failure with exponential backoff, then succeeds', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-retry', { start });
    h.ats.faults.push({ method: 'assignApprovalTeam', times: 2, error: transient('assignApprovalTeam', 'HTTP_503', 503) });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    let team = (await h.commands(job.id)).find((c) => c.kind === 'assign_team')!;
    // Attempt 1 failed: back to pending after 750 ms (half the 1 s ceiling plus half of it at random 0.5).
    expect(team).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: at(750), last_error: 'HTTP_503 (HTTP 503): assignApprovalTeam: HTTP 503' });

    h.clock.advance(749);
    expect(await h.dispatcher.drain()).toBe(0);
    h.clock.advance(1);
    await h.settle();
    team = (await h.commands(job.id)).find((c) => c.kind === 'assign_team')!;
    expect(team).toMatchObject({ status: 'pending', attempts: 2, next_attempt_at: at(750 + 1500) });

    h.clock.advance(1500);
    await h.settle();
    expect((await h.commands(job.id)).every((c) => c.status === 'done')).toBe(true);
    expect((await h.offer(job.id)).state).toBe('approval_started');
    expect(h.ats.effects('assign_team', job.id)).toEqual({ applied: 1, repeats: 2 });
    const answers = (await h.ledger(job.id)).filter((e) => e.kind === 'ats.answer' && (e.data as { command: string }).command === 'assign_team');
    expect(answers.map((e) => (e.data as { outcome: string }).outcome)).toEqual(['retry', 'retry', 'done']);
  });

  it('honours Retry-After: the next attempt is not before the delay the ATS asked for', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-retry-after', { start });
    h.ats.faults.push({ method: 'setPublicationLock', times: 1, error: transient('setPublicationLock', 'HTTP_429', 429, 120_000) });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    const lock = (await h.commands(job.id)).find((c) => c.kind === 'set_lock')!;
    expect(lock).toMatchObject({ status: 'pending', attempts: 1, next_attempt_at: at(120_000) });
    h.clock.advance(119_999);
    await h.settle();
    expect((await h.commands(job.id)).find((c) => c.kind === 'set_lock')!.status).toBe('pending');
    h.clock.advance(1);
    await h.settle();
    expect((await h.commands(job.id)).find((c) => c.kind === 'set_lock')!.status).toBe('done');
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(true);
  });

  it('puts a permanent failure in dead-letter with its error, and a requeued command then succeeds', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-dead', { start, ats: { teams: { 'Validation DRH': [{ userId: 'u-drh' }] } } });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    const dead = (await h.commands(job.id)).find((c) => c.kind === 'assign_team')!;
    expect(dead).toMatchObject({ status: 'dead', attempts: 1, last_error: 'UNKNOWN_TEAM (HTTP 422): approval team "EN3S dérogation" is not known to the tenant' });
    expect((await h.offer(job.id)).state).toBe('awaiting_team');
    expect((await h.ledger(job.id)).filter((e) => e.kind === 'command.dead')).toMatchObject([{ data: { command: 'assign_team', attempts: 1 } }]);
    expect(h.logs).toContainEqual(expect.objectContaining({ level: 'error', message: 'command dead-lettered' }));

    // The tenant's administrator creates the team; the UCANSS administrator requeues the command.
    h.ats.teams['EN3S dérogation'] = [{ userId: 'u-en3s' }];
    expect(await requeueDeadLetter(h.store.db, dead.id, h.clock.now().toISOString())).toBe(true);
    await h.settle();
    expect((await h.offer(job.id)).state).toBe('approval_started');
    expect((await h.commands(job.id)).every((c) => c.status === 'done')).toBe(true);
  });

  it('gives up after the last attempt of a failure that stays transient', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-exhausted', { start, dispatcher: { maxAttempts: 3, baseDelayMs: 100 } });
    h.ats.faults.push({ method: 'setPublicationLock', times: 10, error: transient('setPublicationLock', 'TIMEOUT') });
    const job = h.actors.createJob(jobDocument(cpam7));
    for (let i = 0; i < 3; i++) {
      await h.settle();
      h.clock.advance(10_000);
    }
    expect((await h.commands(job.id)).find((c) => c.kind === 'set_lock')).toMatchObject({ status: 'dead', attempts: 3, last_error: 'TIMEOUT: setPublicationLock: no answer (time-out)' });
    expect(h.ats.effects('set_lock', job.id)).toEqual({ applied: 0, repeats: 3 });
  });

  it('an approval started whose answer was lost is not sent again once the notification shows it started', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-lost-answer', { start });
    h.ats.faults.push({ method: 'startApproval', times: 1, applyFirst: true, error: transient('startApproval', 'TIMEOUT') });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    h.clock.advance(5_000);
    await h.settle();
    expect((await h.commands(job.id)).find((c) => c.kind === 'start_approval')).toMatchObject({ status: 'done', attempts: 1, result: { skipped: true } });
    expect(h.ats.effects('start_approval', job.id)).toEqual({ applied: 1, repeats: 0 });
    expect((await h.offer(job.id)).state).toBe('approval_started');
  });

  it('an approval started whose answer and notification were both lost is not started twice: the retry meets 409', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-lost-both', { start });
    h.ats.faults.push({ method: 'startApproval', times: 1, applyFirst: true, error: transient('startApproval', 'TIMEOUT') });
    h.lose = (n) => n.type === 'job.approval.started';
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    expect(h.ats.job(job.id)!.approvalProcess?.status).toBe('IN_PROGRESS');
    expect((await h.offer(job.id)).state).toBe('team_assigned');
    h.clock.advance(5_000);
    await h.settle();
    const startCmd = (await h.commands(job.id)).find((c) => c.kind === 'start_approval')!;
    expect(startCmd).toMatchObject({ status: 'done', attempts: 1, result: { note: 'already applied (ALREADY_STARTED)' } });
    expect(h.ats.effects('start_approval', job.id)).toEqual({ applied: 1, repeats: 1 });
    expect(h.ats.calls.filter((c) => c.method === 'startApproval').map((c) => c.answer)).toEqual(['TIMEOUT', 'ALREADY_STARTED']);
    // The job read back after the 409 brings the approval into the store.
    expect((await h.offer(job.id)).state).toBe('approval_started');
  });

  it('a lock still retrying when EN3S answers "validé" does not lock the approved offer', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-stale-lock', { start });
    h.ats.faults.push({ method: 'setPublicationLock', times: 1, error: transient('setPublicationLock', 'HTTP_503', 503) });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    expect((await h.offer(job.id)).state).toBe('approval_started');
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(false);
    h.actors.validate(job.id);
    await h.settle();
    expect((await h.offer(job.id)).state).toBe('approved');
    h.clock.advance(60_000);
    await h.settle();
    expect((await h.offer(job.id)).state).toBe('approved');
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(false);
    expect(h.ats.effects('set_lock', job.id)).toEqual({ applied: 0, repeats: 1 });
    expect((await h.commands(job.id)).find((c) => c.kind === 'set_lock')).toMatchObject({ status: 'done', result: { note: expect.stringContaining('no longer wanted') } });
  });

  it('commands that wait while an administrator takes the offer out of scope are not carried out', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-moot', { start });
    h.ats.faults.push({ method: 'assignApprovalTeam', times: 1, error: transient('assignApprovalTeam', 'HTTP_503', 503) });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(true);
    const key = { source: 'talentlink', ats_id: job.id, campaign: 2027 };
    await inTransaction(h.store, (trx) =>
      applyToKnownOffer(h.ctx, trx, key, { kind: 'override', at: h.clock.now().toISOString(), concerned: false, by: 'admin.ucanss', reason: 'Poste de direction mal classé' }, h.clock.now()),
    );
    h.clock.advance(60_000);
    await h.settle();
    const offer = await h.offer(job.id);
    expect(offer.state).toBe('not_concerned');
    const current = h.ats.job(job.id)!;
    expect(current.teams.some((t) => t.role === 'approval')).toBe(false);
    expect(current.approvalProcess).toBeUndefined();
    expect(current.publicationLock?.locked).toBe(false);
    expect(h.ats.effects('assign_team', job.id)).toEqual({ applied: 0, repeats: 1 });
    expect((await h.commands(job.id)).map((c) => `${c.kind}:${c.status}`)).toEqual(['set_lock:done', 'assign_team:done', 'set_lock:done']);
  });

  it('an offer taken out of scope and back again is unlocked, then locked again (a new lock command, not a duplicate)', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-relock', { start });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    const key = { source: 'talentlink', ats_id: job.id, campaign: 2027 };
    const override = async (concerned: boolean | null) => {
      h.clock.advance(60_000);
      await inTransaction(h.store, (trx) =>
        applyToKnownOffer(h.ctx, trx, key, { kind: 'override', at: h.clock.now().toISOString(), concerned, by: 'admin.ucanss', reason: 'vérification' }, h.clock.now()),
      );
      await h.settle();
    };
    await override(false);
    expect((await h.offer(job.id)).state).toBe('not_concerned');
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(false);
    await override(null);
    expect((await h.offer(job.id)).state).toBe('approval_started');
    expect(h.ats.job(job.id)!.publicationLock?.locked).toBe(true);
    const locks = (await h.commands(job.id)).filter((c) => c.kind === 'set_lock').map((c) => `${c.idempotency_key.split(':').slice(-2).join(':')}:${c.status}`);
    expect(locks).toEqual(['on:1:done', 'off:2:done', 'on:3:done']);
    expect(h.ats.effects('set_lock', job.id)).toEqual({ applied: 3, repeats: 0 });
  });

  it('a command whose lease expired before its turn in the batch is left to the dispatcher that took it over', async () => {
    h = await PipelineHarness.open(dialect, 'dispatch-lease', { start, dispatcher: { leaseMs: 1_000 } });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.deliver();
    await h.worker.drain();
    // The ATS is slow: the lock call takes 1.2 s, so the next command of the batch is reached after its 1 s lease.
    const slow = h.ctx.ats.setPublicationLock;
    h.ctx.ats.setPublicationLock = async (...args) => {
      h.clock.advance(1_200);
      return slow(...args);
    };
    expect(await h.dispatcher.runOnce()).toBe(2);
    const team = (await h.commands(job.id)).find((c) => c.kind === 'assign_team')!;
    expect(team.status).toBe('in_flight');
    expect(h.ats.effects('assign_team', job.id)).toEqual({ applied: 0, repeats: 0 });
    h.ctx.ats.setPublicationLock = slow;
    await h.settle();
    expect((await h.offer(job.id)).state).toBe('approval_started');
  });
});

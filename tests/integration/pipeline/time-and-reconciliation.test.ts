import { afterEach, describe, expect, it } from 'vitest';
import type { AtsConnector } from '../../../connectors/ats-connector.js';
import { reconcile } from '../../../src/pipeline/reconciler.js';
import { Timekeeper } from '../../../src/pipeline/timekeeper.js';
import { getCursor } from '../../../src/store/cursors.js';
import { verifyLedger } from '../../../src/store/ledger.js';
import { testDatabases } from '../../support/databases.js';
import { jobDocument } from '../../support/job-documents.js';
import { PipelineHarness } from '../../support/pipeline-harness.js';

/**
 * Time and lost notifications: the timekeeper evaluates open offers again when a window closes
 * (in each body's own legal time) or a new text comes into force, and the reconciliation finds
 * what a lost notification did not say.
 */

const cpam7 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };

describe.each(testDatabases())('time and reconciliation on %s', (dialect) => {
  let h: PipelineHarness;
  afterEach(async () => {
    expect(await verifyLedger(h.store.db)).toMatchObject({ ok: true });
    await h.close();
  });

  it('releases offers still waiting when the window closes in their own time zone, and leaves refused ones locked', async () => {
    h = await PipelineHarness.open(dialect, 'time-release', { start: '2027-04-30T08:00:00.000Z' });
    const paris = h.actors.createJob(jobDocument(cpam7));
    const reunion = h.actors.createJob(jobDocument({ orgName: 'CGSS de La Réunion', grid: 'RG', level: '9' }));
    const refused = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    h.actors.refuse(refused.id);
    await h.settle();
    expect((await h.offer(reunion.id)).state).toBe('approval_started');
    const timekeeper = new Timekeeper(h.ctx);
    await timekeeper.runOnce();

    // 30 April 23:59 in Saint-Denis is 19:59 UTC: La Réunion's window is closed at 20:30 UTC, Paris's is not.
    h.clock.set('2027-04-30T20:30:00.000Z');
    await timekeeper.runOnce();
    await h.settle();
    expect((await h.offer(reunion.id)).state).toBe('released');
    expect((await h.offer(paris.id)).state).toBe('approval_started');
    expect(h.ats.job(reunion.id)!.publicationLock?.locked).toBe(false);
    expect(h.ats.job(paris.id)!.publicationLock?.locked).toBe(true);

    h.clock.set('2027-04-30T22:00:00.000Z');
    expect(await timekeeper.runOnce()).toBeGreaterThan(0);
    await h.settle();
    expect((await h.offer(paris.id)).state).toBe('released');
    expect(h.ats.job(paris.id)!.publicationLock?.locked).toBe(false);
    expect((await h.offer(refused.id)).state).toBe('refused');
    expect(h.ats.job(refused.id)!.publicationLock?.locked).toBe(true);
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'alert', meta: expect.objectContaining({ topic: 'released', offer: paris.id }) }));
    const closed = (await h.ledger()).filter((e) => e.kind === 'window.closed').map((e) => (e.data as { timeZone: string }).timeZone);
    expect(closed).toEqual(expect.arrayContaining(['Indian/Reunion', 'Europe/Paris']));
    expect(await getCursor(h.store.db, 'timekeeper')).toBe('2027-04-30T22:00:00.000Z');

    // A quiet hour later: no boundary, nothing evaluated again.
    h.clock.advance(3600_000);
    expect(await timekeeper.runOnce()).toBe(0);
  });

  it('evaluates an undecided offer again when the 2026 instruction comes into force, and not one EN3S already refused', async () => {
    const flagOnly = { undetermined: 'flag-only' as const };
    h = await PipelineHarness.open(dialect, 'time-ruleset', { start: '2026-03-11T09:00:00.000Z', policy: flagOnly });
    const msa = h.actors.createJob(jobDocument({ orgName: 'MSA Midi-Pyrénées Nord', grid: 'MSA', level: 'L' }));
    const rsi = h.actors.createJob(jobDocument({ orgName: 'RSI Bretagne', grid: 'RSI', level: 'VIII' }));
    await h.settle();
    h.actors.refuse(rsi.id);
    await h.settle();
    expect((await h.offer(msa.id, 2026)).state).toBe('undetermined');
    expect((await h.offer(rsi.id, 2026)).state).toBe('refused');
    expect(await h.commands(msa.id, 2026)).toEqual([]);
    const timekeeper = new Timekeeper(h.ctx);
    await timekeeper.runOnce();

    h.clock.set('2026-03-11T23:00:00.000Z'); // 12 March 00:00 in Paris
    await timekeeper.runOnce();
    await h.settle();
    const msaNow = await h.offer(msa.id, 2026);
    expect(msaNow.state).toBe('approval_started');
    expect(msaNow.decision?.ruleSet).toBe('DSS/4B/2026/34');
    const rsiNow = await h.offer(rsi.id, 2026);
    // EN3S's answer is final for the campaign: the timekeeper does not even evaluate it again.
    expect(rsiNow.state).toBe('refused');
    expect(rsiNow.decision?.ruleSet).toBe('DSS/4B/2014/350');
    expect(h.ats.job(rsi.id)!.publicationLock?.locked).toBe(true);
    expect((await h.ledger()).filter((e) => e.kind === 'ruleset.in_force')).toMatchObject([{ data: { ruleSet: 'DSS/4B/2026/34' } }]);
  });

  it('the reconciliation finds a job whose notifications were all lost, and an answer of EN3S that was lost', async () => {
    h = await PipelineHarness.open(dialect, 'time-reconcile', { start: '2027-02-01T09:00:00.000Z' });
    const seen = h.actors.createJob(jobDocument(cpam7));
    await h.settle();
    const missed = h.actors.createJob(jobDocument(cpam7));
    h.lose = (n) => n.job.id === missed.id;
    await h.settle();
    await expect(h.offer(missed.id)).rejects.toThrow(/no offer/);
    h.lose = () => false;

    h.clock.advance(3600_000);
    const first = await reconcile(h.ctx, { pageSize: 1, initialSince: '2027-01-01T00:00:00.000Z' });
    expect(first).toMatchObject({ ok: true, listed: 2, inserted: 2 });
    await h.settle();
    expect((await h.offer(missed.id)).state).toBe('approval_started');

    // EN3S answers; the notification is lost for good.
    h.clock.advance(3600_000);
    h.actors.validate(seen.id);
    h.ats.takeNotifications();
    await h.settle();
    expect((await h.offer(seen.id)).state).toBe('approval_started');
    h.clock.advance(10 * 60_000);
    const second = await reconcile(h.ctx, { pageSize: 50 });
    expect(second).toMatchObject({ ok: true, since: '2027-02-01T09:58:00.000Z' });
    await h.settle();
    expect((await h.offer(seen.id)).state).toBe('approved');
    expect(h.ats.job(seen.id)!.publicationLock?.locked).toBe(false);
    const received = (await h.ledger(seen.id)).filter((e) => e.kind === 'event.received').map((e) => (e.data as { origin: string }).origin);
    expect(received).toContain('reconciliation');
  });

  it('a job that changes while the reconciliation lists does not make it miss the job that moved up onto a page already read', async () => {
    h = await PipelineHarness.open(dialect, 'time-reconcile-moving', { start: '2027-02-01T09:00:00.000Z' });
    const jobs: { id: string }[] = [];
    for (let i = 0; i < 4; i++) {
      jobs.push(h.actors.createJob(jobDocument(cpam7)));
      h.clock.advance(1000);
    }
    h.ats.takeNotifications();
    // Right after the first page (the two oldest changes) is read, the oldest job changes: it goes
    // to the end of the listing, and the third job moves up onto the first page.
    let changed = false;
    const ats: AtsConnector = Object.create(h.ctx.ats) as AtsConnector;
    ats.listChanged = async (since, page, pageSize) => {
      const result = await h.ctx.ats.listChanged(since, page, pageSize);
      if (page === 1 && !changed) {
        changed = true;
        h.clock.advance(1000);
        h.actors.edit(jobs[0]!.id, (job) => {
          job.openingName = `${job.openingName} (modifié)`;
        });
        h.ats.takeNotifications();
      }
      return result;
    };
    const result = await reconcile({ ...h.ctx, ats }, { pageSize: 2, initialSince: '2027-01-01T00:00:00.000Z' });
    expect(result).toMatchObject({ ok: true, inserted: 5 });
    await h.settle();
    for (const job of jobs) expect((await h.offer(job.id)).state).toBe('approval_started');
    expect(h.logs).toContainEqual(expect.objectContaining({ message: 'reconciliation: a job changed during the listing, listing again' }));
    expect(await getCursor(h.store.db, 'reconcile:talentlink')).not.toBeNull();
  });

  it('a reconciliation interrupted by the ATS keeps its cursor, and the next one reads the same changes again', async () => {
    h = await PipelineHarness.open(dialect, 'time-reconcile-fail', { start: '2027-02-01T09:00:00.000Z' });
    h.actors.createJob(jobDocument(cpam7));
    h.actors.createJob(jobDocument(cpam7));
    h.ats.takeNotifications();
    h.ats.faults.push({ method: 'listChanged', times: 1, error: { kind: 'transient', code: 'HTTP_503', message: 'listChanged: HTTP 503', status: 503 } });
    h.clock.advance(60_000);
    expect(await reconcile(h.ctx, { pageSize: 1, initialSince: '2027-01-01T00:00:00.000Z' })).toMatchObject({ ok: false, listed: 0 });
    expect(await getCursor(h.store.db, 'reconcile:talentlink')).toBeNull();
    expect(await reconcile(h.ctx, { pageSize: 1, initialSince: '2027-01-01T00:00:00.000Z' })).toMatchObject({ ok: true, listed: 2, inserted: 2 });
    await h.settle();
    expect((await h.store.db.selectFrom('offers').select('state').execute()).map((r) => r.state)).toEqual(['approval_started', 'approval_started']);
  });

  it('a page the ATS fails is tried again, so that a flaky ATS does not keep a long listing from ever finishing; an open circuit is not', async () => {
    h = await PipelineHarness.open(dialect, 'time-reconcile-retry', { start: '2027-02-01T09:00:00.000Z' });
    for (let i = 0; i < 3; i++) h.actors.createJob(jobDocument(cpam7));
    h.ats.takeNotifications();
    const unavailable = { kind: 'transient', code: 'HTTP_503', message: 'listChanged: HTTP 503', status: 503 } as const;
    // The first page fails twice: with three tries per page the run still lists all three jobs.
    h.ats.faults.push({ method: 'listChanged', times: 2, error: unavailable });
    h.clock.advance(60_000);
    const since = '2027-01-01T00:00:00.000Z';
    expect(await reconcile(h.ctx, { pageSize: 1, initialSince: since, pageAttempts: 3, retryPauseMs: 1 })).toMatchObject({ ok: true, listed: 3, inserted: 3 });
    expect(await getCursor(h.store.db, 'reconcile:talentlink')).not.toBeNull();

    h.ats.faults.push({ method: 'listChanged', times: 1, error: { kind: 'transient', code: 'CIRCUIT_OPEN', message: 'listChanged: not sent, the circuit is open' } });
    h.ats.faults.push({ method: 'listChanged', times: 3, error: unavailable });
    expect(await reconcile(h.ctx, { pageSize: 1, pageAttempts: 3, retryPauseMs: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/^CIRCUIT_OPEN/) });
    expect(await reconcile(h.ctx, { pageSize: 1, pageAttempts: 3, retryPauseMs: 1 })).toMatchObject({ ok: false, error: expect.stringMatching(/^HTTP_503/) });
    await h.settle();
  });
});

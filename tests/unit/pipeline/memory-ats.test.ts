import { describe, expect, it } from 'vitest';
import { jobDocumentSchema, notificationSchema } from '../../../connectors/talentlink/job-document.js';
import { jobDocument } from '../../support/job-documents.js';
import { AtsActors } from '../../support/memory-ats-actors.js';
import { MemoryAts } from '../../support/memory-ats.js';

/**
 * The memory ATS the pipeline tests run against must keep the REST contract of the TalentLink
 * specification (§3, §4): otherwise the crash test would prove the pipeline against a fiction.
 */

const request = { processName: 'Validation en période EN3S', message: 'm', dueDate: '2027-02-11', alertOnAction: true };
const cpam7 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };

function setUp(options: ConstructorParameters<typeof MemoryAts>[0] = {}) {
  let ms = Date.parse('2027-02-01T09:00:00.000Z');
  const ats = new MemoryAts({ now: () => new Date(ms), queueName: 'en3s', ...options });
  return { ats, actors: new AtsActors(ats), advance: (by: number) => void (ms += by) };
}

describe('memory ATS', () => {
  it('bumps the version on every real change only, and says each change in a valid notification', async () => {
    const { ats, actors } = setUp();
    const job = actors.createJob(jobDocument(cpam7));
    expect(job.version).toBe(1);
    expect((await ats.setPublicationLock(job.id, true, 'EN3S', 'k1')).ok).toBe(true);
    expect((await ats.setPublicationLock(job.id, true, 'EN3S', 'k1')).ok).toBe(true);
    expect((await ats.assignApprovalTeam(job.id, 'EN3S dérogation', 'k2')).ok).toBe(true);
    expect((await ats.assignApprovalTeam(job.id, 'EN3S dérogation', 'k2')).ok).toBe(true);
    expect(ats.job(job.id)!.version).toBe(3);
    const notifications = ats.takeNotifications();
    expect(notifications.map((n) => [n.type, n.job.version])).toEqual([
      ['job.created', 1],
      ['job.updated', 2],
      ['job.updated', 3],
    ]);
    for (const n of notifications) expect(notificationSchema.safeParse(JSON.parse(JSON.stringify(n))).success).toBe(true);
    expect(ats.effects('set_lock', job.id)).toEqual({ applied: 1, repeats: 1 });
    expect(ats.effectsPerKey()).toEqual(new Map([['k1', 1], ['k2', 1]]));
  });

  it('refuses an unknown team (422), an approval without a team (422), and a second start (409, already applied)', async () => {
    const { ats, actors } = setUp();
    const job = actors.createJob(jobDocument(cpam7));
    expect(await ats.assignApprovalTeam(job.id, 'Équipe fantôme', 'k')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'UNKNOWN_TEAM', status: 422 } });
    expect(await ats.startApproval(job.id, request, 'k')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'NO_APPROVAL_TEAM', status: 422 } });
    await ats.assignApprovalTeam(job.id, 'EN3S dérogation', 'k');
    const started = await ats.startApproval(job.id, request, 'k');
    expect(started.ok && jobDocumentSchema.safeParse(started.value).success).toBe(true);
    expect(await ats.startApproval(job.id, request, 'k')).toMatchObject({ ok: false, error: { kind: 'already-applied', code: 'ALREADY_STARTED', status: 409 } });
    expect(await ats.getJob('nope')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'NOT_FOUND', status: 404 } });
  });

  it('withdraws a live posting once, refuses a publication while locked unless forced, and lets EN3S answer only an approval in progress', async () => {
    const { ats, actors } = setUp();
    const job = actors.createJob(jobDocument(cpam7));
    expect(actors.validate(job.id)).toMatchObject({ ok: false, error: { code: 'NO_PENDING_APPROVAL' } });
    actors.publish(job.id);
    expect((await ats.withdrawPosting(job.id, 'p-1', 'r', 'w')).ok).toBe(true);
    expect((await ats.withdrawPosting(job.id, 'p-1', 'r', 'w')).ok).toBe(true);
    expect(ats.effects('withdraw_posting', job.id)).toEqual({ applied: 1, repeats: 1 });
    await ats.setPublicationLock(job.id, true, 'EN3S', 'l');
    expect(actors.publish(job.id, { postingId: 'p-2' })).toMatchObject({ ok: false, error: { code: 'PUBLICATION_LOCKED' } });
    expect(actors.publish(job.id, { postingId: 'p-2', force: true }).ok).toBe(true);
  });

  it('lists changed jobs oldest change first, in pages, and hands a queue element out again after 60 s', async () => {
    const { ats, actors, advance } = setUp();
    const ids = [1, 2, 3].map(() => {
      advance(1000);
      return actors.createJob(jobDocument(cpam7)).id;
    });
    advance(1000);
    actors.edit(ids[0]!, (d) => void (d.openingName = 'Autre intitulé'));
    const page1 = await ats.listChanged('2027-02-01T09:00:01.500Z', 1, 2);
    const page2 = await ats.listChanged('2027-02-01T09:00:01.500Z', 2, 2);
    expect(page1.ok && page1.value.items.map((j) => j.id)).toEqual([ids[1], ids[2]]);
    expect(page2.ok && { ids: page2.value.items.map((j) => j.id), total: page2.value.total }).toEqual({ ids: [ids[0]], total: 3 });
    expect(await ats.listChanged('2027-02-01T09:00:00.000Z', 1, 201)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });

    const first = await ats.readQueue('en3s');
    const next = await ats.readQueue('en3s');
    expect(first.ok && next.ok && first.value!.notificationId !== next.value!.notificationId).toBe(true);
    advance(60_000);
    const again = await ats.readQueue('en3s');
    expect(again.ok && first.ok && again.value!.notificationId).toBe(first.ok && first.value!.notificationId);
    await ats.ackQueue('en3s', first.ok ? first.value!.notificationId : '');
    expect((await ats.ackQueue('en3s', first.ok ? first.value!.notificationId : '')).ok).toBe(true);
  });

  it('fails a seeded share of calls before or after applying them, the same way for the same seed', async () => {
    const run = async () => {
      const { ats, actors } = setUp({ seed: 7, failBefore: 0.2, failAfter: 0.2 });
      const jobs = Array.from({ length: 50 }, () => actors.createJob(jobDocument(cpam7)).id);
      for (const id of jobs) await ats.setPublicationLock(id, true, 'EN3S', `lock:${id}`);
      return ats.calls.map((c) => `${c.answer}:${c.effect}`);
    };
    const outcomes = await run();
    expect(await run()).toEqual(outcomes);
    const count = (s: string) => outcomes.filter((o) => o === s).length;
    // Failed before: nothing applied. Failed after (time-out): applied, the answer lost.
    expect(count('HTTP_503:false')).toBeGreaterThan(3);
    expect(count('TIMEOUT:true')).toBeGreaterThan(3);
    expect(count('ok:true')).toBe(50 - count('HTTP_503:false') - count('TIMEOUT:true'));
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackOnly } from '../../../connectors/talentlink/sandbox/http-guards.js';
import { carsatOffer, credentials, startSandbox, type StartedSandbox } from './helpers.js';

let s: StartedSandbox;

beforeAll(async () => {
  s = await startSandbox({ clockStart: '2027-01-15T09:00:00Z', freezeClock: true });
});
afterAll(() => s.stop());

async function newJob(extra: Record<string, unknown> = {}): Promise<any> {
  return (await s.driver('POST', '/jobs', { ...carsatOffer, ...extra })).json;
}

describe('driver: recruiters', () => {
  it('creates an offer with custom fields given as an object or as LOVs, and answers 400 naming bad fields', async () => {
    const asList = await s.driver('POST', '/jobs', { ...carsatOffer, customFields: [{ key: 'CLASSIFICATION_LEVEL', value: '5A' }], requisitionNumber: 'REQ-2027-0012' });
    expect(asList.status).toBe(201);
    expect(asList.json).toMatchObject({ version: 1, requisitionNumber: 'REQ-2027-0012', customFields: [{ key: 'CLASSIFICATION_LEVEL', value: '5A' }] });
    expect(asList.json.jobNumber).toMatch(/^NVHADD\d{5}$/);
    const add = await s.driver('POST', '/jobs', { ...carsatOffer, customFields: { JOB_CATEGORY: 'AGENT_DE_DIRECTION' } });
    expect(add.json.jobNumber).toMatch(/^NVADD\d{5}$/);
    const bad = await s.driver('POST', '/jobs', { organization: { code: 'CAF-NORD' } });
    expect(bad.status).toBe(400);
    expect(bad.json.code).toBe('BAD_REQUEST');
    expect(bad.json.message).toMatch(/title/);
    expect(bad.json.message).toMatch(/organization\.name/);
  });

  it('keeps one organisation id per body code', async () => {
    const a = await newJob();
    const b = await newJob({ title: 'Autre offre' });
    expect(a.organization.id).toBe(b.organization.id);
  });

  it('updates an offer (new version, job.updated) and ignores an update that changes nothing', async () => {
    const job = await newJob();
    const updated = await s.driver('PATCH', `/jobs/${job.id}`, { customFields: { CLASSIFICATION_GRID: 'RG', CLASSIFICATION_LEVEL: '8' } });
    expect(updated.status).toBe(200);
    expect(updated.json.version).toBe(2);
    const same = await s.driver('PATCH', `/jobs/${job.id}`, { customFields: { CLASSIFICATION_GRID: 'RG', CLASSIFICATION_LEVEL: '8' } });
    expect(same.json.version).toBe(2);
    const unknownField = await s.driver('PATCH', `/jobs/${job.id}`, { salary: 1 });
    expect(unknownField.status).toBe(400);
    const types = (await s.driver('GET', `/notifications?jobId=${job.id}`)).json.items.map((n: any) => n.type);
    expect(types).toEqual(['job.created', 'job.updated']);
  });

  it('lets a recruiter add the team and submit: the process is started by the recruiter', async () => {
    const job = await newJob();
    const noTeam = await s.driver('POST', `/jobs/${job.id}/submit`, {});
    expect(noTeam.status).toBe(422);
    expect((await s.driver('POST', `/jobs/${job.id}/approval-team`, {})).json.teams.at(-1).name).toBe('EN3S dérogation');
    const submitted = await s.driver('POST', `/jobs/${job.id}/submit`, { dueDate: '2027-01-25' });
    expect(submitted.status).toBe(201);
    expect(submitted.json.approvalProcess).toMatchObject({ status: 'IN_PROGRESS', startedBy: 'u-778', dueDate: '2027-01-25' });
    const detail = await s.driver('GET', `/jobs/${job.id}`);
    expect(detail.json.approvalRequests[0].message).toContain(`Référence du poste : ${job.jobNumber} `);
    expect(detail.json.approvalRequests[0].message).toContain('Créé par : Dujardin');
    expect(detail.json.approvalRequests[0].message).toContain('Date de création : 15/01/2027');
  });

  it('refuses "Publier" while the publication is locked, then publishes once unlocked', async () => {
    const job = await newJob();
    await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: true, reason: 'Période EN3S' } });
    const refused = await s.driver('POST', `/jobs/${job.id}/publish`, { channel: 'UCANSS' });
    expect(refused.status).toBe(423);
    expect(refused.json.code).toBe('PUBLICATION_LOCKED');
    expect((await s.api('GET', `/jobs/${job.id}`)).json.postings[0].status).toBe('DRAFT');
    await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: false } });
    const published = await s.driver('POST', `/jobs/${job.id}/publish`, {});
    expect(published.status).toBe(200);
    expect(published.json.postings[0]).toMatchObject({ channel: 'UCANSS', status: 'PUBLISHED', publishedAt: '2027-01-15T09:00:00Z' });
    const twice = await s.driver('POST', `/jobs/${job.id}/publish`, {});
    expect(twice.status).toBe(409);
    expect(twice.json.code).toBe('ALREADY_PUBLISHED');
    expect(s.sandbox.counters().perJob[job.id]).toMatchObject({ publicationsRefusedByLock: 1, postingsPublished: 1, publicationsForcedThroughLock: 0 });
  });

  it('publishes behind the lock’s back when forced, and counts the violation', async () => {
    const job = await newJob();
    await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: true } });
    const forced = await s.driver('POST', `/jobs/${job.id}/force-publish`, {});
    expect(forced.status).toBe(200);
    expect(forced.json.postings[0].status).toBe('PUBLISHED');
    expect(forced.json.publicationLock.locked).toBe(true);
    expect(s.sandbox.counters().perJob[job.id]).toMatchObject({ postingsPublished: 1, publicationsForcedThroughLock: 1 });
    const types = (await s.driver('GET', `/notifications?jobId=${job.id}`)).json.items.map((n: any) => n.type);
    expect(types.at(-1)).toBe('job.posting.published');
  });

  it('publishes on another channel as a new posting, and closes the job (postings expire)', async () => {
    const job = await newJob();
    const other = await s.driver('POST', `/jobs/${job.id}/publish`, { channel: 'APEC' });
    expect(other.json.postings.map((p: any) => `${p.channel}:${p.status}`)).toEqual(['UCANSS:DRAFT', 'APEC:PUBLISHED']);
    const closed = await s.driver('POST', `/jobs/${job.id}/close`);
    expect(closed.json.status).toBe('CLOSED');
    expect(closed.json.postings[1].status).toBe('EXPIRED');
    const publishClosed = await s.driver('POST', `/jobs/${job.id}/publish`, {});
    expect(publishClosed.status).toBe(409);
    expect(publishClosed.json.code).toBe('JOB_CLOSED');
    expect((await s.driver('POST', `/jobs/${job.id}/close`)).json.version).toBe(closed.json.version);
  });
});

describe('driver: EN3S', () => {
  it('validates the pending step ("validé")', async () => {
    const job = await newJob({ approvalTeam: 'EN3S dérogation' });
    await s.api('POST', `/jobs/${job.id}/approval-process`, { body: {} });
    s.sandbox.clock.advance(2 * 86_400_000);
    const r = await s.driver('POST', `/jobs/${job.id}/validate`, { comment: 'Profil non élève' });
    expect(r.status).toBe(200);
    expect(r.json.approvalProcess.status).toBe('APPROVED');
    expect(r.json.approvalProcess.steps[0]).toEqual({ order: 1, team: 'EN3S dérogation', status: 'APPROVED', decidedAt: '2027-01-17T09:00:00Z', decidedBy: 'u-en3s', comment: 'Profil non élève' });
    const twice = await s.driver('POST', `/jobs/${job.id}/refuse`, {});
    expect(twice.status).toBe(409);
    expect(twice.json.code).toBe('NO_PENDING_APPROVAL');
  });

  it('refuses the pending step ("refusé")', async () => {
    const job = await newJob({ approvalTeam: 'EN3S dérogation' });
    await s.api('POST', `/jobs/${job.id}/approval-process`, { body: {} });
    const r = await s.driver('POST', `/jobs/${job.id}/refuse`, { decidedBy: 'u-en3s-2' });
    expect(r.json.approvalProcess).toMatchObject({ status: 'REJECTED', steps: [{ status: 'REJECTED', decidedBy: 'u-en3s-2' }] });
    expect(s.sandbox.counters().perJob[job.id]?.approvalsRejected).toBe(1);
  });

  it('answers 409 when nothing waits for a decision', async () => {
    const job = await newJob();
    const r = await s.driver('POST', `/jobs/${job.id}/validate`, {});
    expect(r.status).toBe(409);
  });
});

describe('driver: sandbox control', () => {
  it('reads, sets, advances and resumes the clock', async () => {
    const set = await s.driver('POST', '/clock', { set: '2027-04-30T21:59:00Z', freeze: true });
    expect(set.json).toMatchObject({ mode: 'frozen', now: '2027-04-30T21:59:00Z' });
    const advanced = await s.driver('POST', '/clock', { advanceMs: 120_000 });
    expect(advanced.json.now).toBe('2027-04-30T22:01:00Z');
    const running = await s.driver('POST', '/clock', { resume: true });
    expect(running.json.mode).toBe('running');
    expect(Date.parse(running.json.now)).toBeGreaterThanOrEqual(Date.parse('2027-04-30T22:01:00Z'));
    const bad = await s.driver('POST', '/clock', { set: 'demain' });
    expect(bad.status).toBe(400);
    await s.driver('POST', '/clock', { set: '2027-01-15T09:00:00Z', freeze: true });
  });

  it('exposes the counters overall and per job', async () => {
    const all = await s.driver('GET', '/counters');
    expect(all.json).toHaveProperty('overall.teamAssignmentsApplied');
    expect(all.json).toHaveProperty('notifications.built');
    expect(all.json).toHaveProperty('http.requests');
    expect(all.json).toHaveProperty('queues.handedOut');
    expect(all.json.notifications.built).toBe(s.sandbox.state.changes.length);
    const one = await s.driver('GET', `/counters?jobId=${[...s.sandbox.state.jobs.keys()][0]}`);
    expect(one.status).toBe(200);
    expect((await s.driver('GET', '/counters?jobId=nope')).status).toBe(404);
  });

  it('answers driver routes to loopback clients only', () => {
    const guard = loopbackOnly();
    const outcomes: string[] = [];
    for (const address of ['127.0.0.1', '::1', '::ffff:127.0.0.1', '10.0.0.8', '192.168.1.2']) {
      let status = 0;
      const res = { status: (code: number) => ((status = code), res), json: () => res } as any;
      guard({ socket: { remoteAddress: address } } as any, res, () => outcomes.push(`${address}:next`));
      if (status) outcomes.push(`${address}:${status}`);
    }
    expect(outcomes).toEqual(['127.0.0.1:next', '::1:next', '::ffff:127.0.0.1:next', '10.0.0.8:403', '192.168.1.2:403']);
  });

  it('resets jobs, queues and counters without reusing ids', async () => {
    const before = await newJob();
    const reset = await s.driver('POST', '/reset', {});
    expect(reset.json).toMatchObject({ reset: true, jobs: 0 });
    expect((await s.api('GET', '/jobs')).json.total).toBe(0);
    expect(s.sandbox.counters().overall.postingsPublished).toBe(0);
    const after = await newJob();
    expect(Number(after.id)).toBeGreaterThan(Number(before.id));
    const health = await s.driver('GET', '/health');
    expect(health.json).toMatchObject({ status: 'ok', user: credentials.user, queues: ['en3s-job-events'] });
    expect(health.json).not.toHaveProperty('password');
    expect(health.json).not.toHaveProperty('apiKey');
  });

  it('answers unknown driver routes with a JSON 404', async () => {
    const r = await s.driver('POST', '/jobs/1/teleport', {});
    expect(r.status).toBe(404);
    expect(r.json.code).toBe('NOT_FOUND');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jobDocumentSchema } from '../../../connectors/talentlink/job-document.js';
import { basicAuth, carsatOffer, credentials, startSandbox, type StartedSandbox } from './helpers.js';

let s: StartedSandbox;

beforeAll(async () => {
  s = await startSandbox({ clockStart: '2027-01-10T08:12:00Z', freezeClock: true, seed: 7 });
});
afterAll(() => s.stop());

async function newJob(overrides: Record<string, unknown> = {}): Promise<any> {
  const created = await s.driver('POST', '/jobs', { ...carsatOffer, ...overrides });
  expect(created.status).toBe(201);
  return created.json;
}

describe('authentication', () => {
  it('refuses a call without credentials, with a JSON error', async () => {
    const r = await s.api('GET', '/jobs', { auth: false });
    expect(r.status).toBe(401);
    expect(r.json).toMatchObject({ code: 'UNAUTHORIZED' });
    expect(r.json.message).toMatch(/Authorization/);
  });

  it('refuses a wrong password, a missing api_key and a wrong api_key', async () => {
    const wrongPassword = await s.api('GET', '/jobs', { auth: false, headers: { authorization: basicAuth(credentials.user, 'nope'), api_key: 'demo' } });
    const noKey = await s.api('GET', '/jobs', { auth: false, headers: { authorization: basicAuth(credentials.user, credentials.password) } });
    const wrongKey = await s.api('GET', '/jobs', { auth: false, headers: { authorization: basicAuth(credentials.user, credentials.password), api_key: 'other' } });
    const wrongUser = await s.api('GET', '/jobs', { auth: false, headers: { authorization: basicAuth('demo:other:BO', credentials.password), api_key: 'demo' } });
    expect([wrongPassword.status, noKey.status, wrongKey.status, wrongUser.status]).toEqual([401, 401, 401, 401]);
    expect(noKey.json.message).toMatch(/api_key/);
    expect(s.sandbox.counters().http.unauthorized).toBeGreaterThanOrEqual(5);
  });

  it('accepts the Company:user:BO user with its password and api key', async () => {
    const r = await s.api('GET', '/jobs');
    expect(r.status).toBe(200);
  });
});

describe('GET /jobs/{id}', () => {
  it('answers the job document as the contract describes it', async () => {
    const job = await newJob();
    const r = await s.api('GET', `/jobs/${job.id}`);
    expect(r.status).toBe(200);
    const parsed = jobDocumentSchema.parse(r.json);
    expect(parsed).toMatchObject({ version: 1, openingName: carsatOffer.title, organization: { code: 'CARSAT-ALSACE-MOSELLE' }, status: 'OPEN' });
    expect(parsed.postings).toEqual([{ id: expect.stringMatching(/^p-\d+$/), channel: 'UCANSS', status: 'DRAFT' }]);
    expect(parsed.teams).toEqual([{ role: 'operational', members: [{ userId: 'u-778', name: 'AA REC CARSAT ALSACE-MOSELLE Jean Dujardin' }] }]);
    expect(parsed.creationDate).toBe('2027-01-10T08:12:00Z');
  });

  it('answers 404 with a JSON error for an unknown job', async () => {
    const r = await s.api('GET', '/jobs/999999');
    expect(r.status).toBe(404);
    expect(r.json).toEqual({ code: 'NOT_FOUND', message: 'job 999999 not found' });
  });
});

describe('PUT /jobs/{id}/teams/approval', () => {
  it('assigns the approval team once; a repeat changes nothing and does not bump the version', async () => {
    const job = await newJob();
    const first = await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { name: 'EN3S dérogation' } });
    expect(first.status).toBe(200);
    expect(first.json.version).toBe(2);
    expect(first.json.teams).toContainEqual({ role: 'approval', name: 'EN3S dérogation', members: [{ userId: 'u-en3s', name: 'EN3S dérogation EN3S', email: 'valideur@en3s.example' }] });
    const again = await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { name: 'EN3S dérogation' } });
    expect(again.status).toBe(200);
    expect(again.json.version).toBe(2);
    expect(s.sandbox.counters().perJob[job.id]).toMatchObject({ teamAssignmentsApplied: 1, teamAssignmentsNoop: 1 });
  });

  it('replaces another approval team (one approval team per job)', async () => {
    const job = await newJob({ approvalTeam: 'Validation DRH' });
    const r = await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { name: 'EN3S dérogation' } });
    expect(r.json.teams.filter((t: any) => t.role === 'approval').map((t: any) => t.name)).toEqual(['EN3S dérogation']);
  });

  it('answers 422 for a team the tenant does not know, 404 for an unknown job, 400 for a bad body', async () => {
    const job = await newJob();
    const unknown = await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { name: 'Inconnue' } });
    expect(unknown.status).toBe(422);
    expect(unknown.json.code).toBe('UNKNOWN_TEAM');
    const missing = await s.api('PUT', '/jobs/424242/teams/approval', { body: { name: 'EN3S dérogation' } });
    expect(missing.status).toBe(404);
    const bad = await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { nom: 'EN3S dérogation' } });
    expect(bad.status).toBe(400);
    expect(bad.json).toMatchObject({ code: 'BAD_REQUEST' });
    expect(bad.json.message).toContain('body.name');
    const notJson = await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: '{"name": ' });
    expect(notJson.status).toBe(400);
    expect(notJson.json.code).toBe('BAD_JSON');
    expect((await s.api('GET', `/jobs/${job.id}`)).json.version).toBe(1);
  });
});

describe('POST /jobs/{id}/approval-process', () => {
  it('answers 422 when the job has no approval team', async () => {
    const job = await newJob();
    const r = await s.api('POST', `/jobs/${job.id}/approval-process`, { body: { processName: 'Validation en période EN3S' } });
    expect(r.status).toBe(422);
    expect(r.json.code).toBe('NO_APPROVAL_TEAM');
  });

  it('starts the approval: IN_PROGRESS, started by the API user, due date, one pending step for the team', async () => {
    const job = await newJob({ approvalTeam: 'EN3S dérogation' });
    const r = await s.api('POST', `/jobs/${job.id}/approval-process`, {
      body: { processName: 'Validation en période EN3S', message: 'Référence du poste : [%job_number%]\nCréé par : [%sender_user_lastname%]', dueDate: '2027-01-20', alertOnAction: true },
    });
    expect(r.status).toBe(201);
    expect(r.json.version).toBe(2);
    expect(r.json.approvalProcess).toEqual({
      name: 'Validation en période EN3S',
      version: 2,
      status: 'IN_PROGRESS',
      startedAt: '2027-01-10T08:12:00Z',
      startedBy: credentials.user,
      dueDate: '2027-01-20',
      steps: [{ order: 1, team: 'EN3S dérogation', status: 'PENDING' }],
    });
    const detail = await s.driver('GET', `/jobs/${job.id}`);
    expect(detail.json.approvalRequests[0].message).toBe(`Référence du poste : ${job.jobNumber}\nCréé par : demo`);
  });

  it('gives a default due date when none is sent', async () => {
    const job = await newJob({ approvalTeam: 'EN3S dérogation' });
    const r = await s.api('POST', `/jobs/${job.id}/approval-process`, { body: {} });
    expect(r.status).toBe(201);
    expect(r.json.approvalProcess.dueDate).toBe('2027-01-20');
  });

  it('answers 409 ALREADY_STARTED while in progress and once decided, without changing the job', async () => {
    const job = await newJob({ approvalTeam: 'EN3S dérogation' });
    expect((await s.api('POST', `/jobs/${job.id}/approval-process`, { body: {} })).status).toBe(201);
    const again = await s.api('POST', `/jobs/${job.id}/approval-process`, { body: {} });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('ALREADY_STARTED');
    expect((await s.driver('POST', `/jobs/${job.id}/validate`, {})).status).toBe(200);
    const afterDecision = await s.api('POST', `/jobs/${job.id}/approval-process`, { body: {} });
    expect(afterDecision.status).toBe(409);
    expect(afterDecision.json.code).toBe('ALREADY_STARTED');
    expect((await s.api('GET', `/jobs/${job.id}`)).json.version).toBe(3);
    expect(s.sandbox.counters().perJob[job.id]).toMatchObject({ approvalsStarted: 1, approvalConflicts: 2, approvalsApproved: 1 });
  });

  it('rejects a due date that is not a calendar date', async () => {
    const job = await newJob({ approvalTeam: 'EN3S dérogation' });
    const r = await s.api('POST', `/jobs/${job.id}/approval-process`, { body: { dueDate: '20/01/2027' } });
    expect(r.status).toBe(400);
    expect(r.json.message).toContain('body.dueDate');
  });
});

describe('PUT /jobs/{id}/publication-lock', () => {
  it('locks and unlocks; repeating a state is a no-op without a new version', async () => {
    const job = await newJob();
    const lock = await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: true, reason: 'Période EN3S : en attente de la réponse' } });
    expect(lock.status).toBe(200);
    expect(lock.json.publicationLock).toEqual({ locked: true, reason: 'Période EN3S : en attente de la réponse', since: '2027-01-10T08:12:00Z' });
    expect(lock.json.version).toBe(2);
    const again = await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: true, reason: 'autre' } });
    expect(again.json.version).toBe(2);
    const unlock = await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: false, reason: 'validé' } });
    expect(unlock.json.publicationLock).toEqual({ locked: false });
    expect(unlock.json.version).toBe(3);
    expect(s.sandbox.counters().perJob[job.id]).toMatchObject({ locksApplied: 1, unlocksApplied: 1, lockNoops: 1 });
    const bad = await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: 'yes' } });
    expect(bad.status).toBe(400);
  });
});

describe('POST /jobs/{id}/postings/{postingId}/withdraw', () => {
  it('withdraws a published posting once; the repeat is a no-op', async () => {
    const job = await newJob();
    const published = await s.driver('POST', `/jobs/${job.id}/publish`, { channel: 'UCANSS' });
    const postingId = published.json.postings[0].id;
    const first = await s.api('POST', `/jobs/${job.id}/postings/${postingId}/withdraw`, { body: { reason: 'Publiée avant la réponse EN3S' } });
    expect(first.status).toBe(200);
    expect(first.json.postings[0]).toEqual({ id: postingId, channel: 'UCANSS', status: 'WITHDRAWN', publishedAt: '2027-01-10T08:12:00Z', withdrawnAt: '2027-01-10T08:12:00Z' });
    const again = await s.api('POST', `/jobs/${job.id}/postings/${postingId}/withdraw`, { body: { reason: 'encore' } });
    expect(again.status).toBe(200);
    expect(again.json.version).toBe(first.json.version);
    expect(s.sandbox.counters().perJob[job.id]).toMatchObject({ withdrawalsApplied: 1, withdrawalsNoop: 1, postingsPublished: 1 });
    const unknown = await s.api('POST', `/jobs/${job.id}/postings/p-nope/withdraw`, { body: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('POSTING_NOT_FOUND');
  });
});

describe('GET /jobs listing', () => {
  it('lists jobs changed since an instant, oldest change first, with paging', async () => {
    const fresh = await startSandbox({ clockStart: '2027-02-01T10:00:00Z', freezeClock: true });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i += 1) {
        fresh.sandbox.clock.advance(60_000);
        ids.push((await fresh.driver('POST', '/jobs', { ...carsatOffer, title: `Offre ${i}` })).json.id);
      }
      fresh.sandbox.clock.advance(60_000);
      await fresh.api('PUT', `/jobs/${ids[0]}/publication-lock`, { body: { locked: true } });
      const all = await fresh.api('GET', '/jobs?modifiedSince=2027-02-01T00:00:00Z&page=1&pageSize=2');
      expect(all.status).toBe(200);
      expect(all.json).toMatchObject({ page: 1, pageSize: 2, total: 5 });
      expect(all.json.items.map((j: any) => j.id)).toEqual([ids[1], ids[2]]);
      const page3 = await fresh.api('GET', '/jobs?modifiedSince=2027-02-01T00:00:00Z&page=3&pageSize=2');
      expect(page3.json.items.map((j: any) => j.id)).toEqual([ids[0]]);
      const since = await fresh.api('GET', `/jobs?modifiedSince=${encodeURIComponent('2027-02-01T11:04:00+01:00')}`);
      expect(since.json.items.map((j: any) => j.id)).toEqual([ids[3], ids[4], ids[0]]);
      const unencodedOffset = await fresh.api('GET', '/jobs?modifiedSince=2027-02-01T11:04:00+01:00');
      expect(unencodedOffset.json.total).toBe(3);
      const beyond = await fresh.api('GET', '/jobs?modifiedSince=2027-03-01T00:00:00Z');
      expect(beyond.json).toEqual({ items: [], page: 1, pageSize: 50, total: 0 });
    } finally {
      await fresh.stop();
    }
  });

  it('answers 400 for a bad instant, a page below 1 and a page size above 200', async () => {
    for (const query of ['modifiedSince=hier', 'modifiedSince=2027-01-01', 'page=0', 'pageSize=201', 'pageSize=abc']) {
      const r = await s.api('GET', `/jobs?${query}`);
      expect(r.status, query).toBe(400);
      expect(r.json.code).toBe('BAD_REQUEST');
      expect(r.json.message).toMatch(/^query\./);
    }
    expect((await s.api('GET', '/jobs?pageSize=200')).status).toBe(200);
  });
});

describe('Idempotency-Key and unknown routes', () => {
  it('records Idempotency-Key headers as information and notices repeats', async () => {
    const job = await newJob();
    const headers = { 'Idempotency-Key': `lock-${job.id}` };
    await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: true }, headers });
    await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: true }, headers });
    const detail = await s.driver('GET', `/jobs/${job.id}`);
    expect(detail.json.idempotencyKeys).toEqual({ [`lock-${job.id}`]: 2 });
    expect(detail.json.counters.idempotencyKeysRepeated).toBe(1);
    expect(detail.json.counters.locksApplied).toBe(1);
  });

  it('answers unknown ATS routes with a JSON 404', async () => {
    const r = await s.api('GET', '/candidates');
    expect(r.status).toBe(404);
    expect(r.json.code).toBe('NOT_FOUND');
  });
});

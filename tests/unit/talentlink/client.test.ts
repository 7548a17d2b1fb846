import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { delay, http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTalentLinkClient, type TalentLinkCallInfo, type TalentLinkClientOptions } from '../../../connectors/talentlink/client.js';
import type { JobDocument } from '../../../connectors/talentlink/job-document.js';
import { createFakeAts, type FakeAts } from './fake-ats.js';

const BASE = 'https://bourse.talentlink.test';
const USER = 'UCANSS:en3s-api:BO';
const PASSWORD = 'Tr0ub4dor&3-pw';
const API_KEY = 'ak_live_5f2c9e1b7d';
/** base64("UCANSS:en3s-api:BO:Tr0ub4dor&3-pw"), written out so the test does not mirror the code. */
const BASIC = 'Basic VUNBTlNTOmVuM3MtYXBpOkJPOlRyMHViNGRvciYzLXB3';

const fixtures = fileURLToPath(new URL('../../fixtures/talentlink/', import.meta.url));
const sampleJob = JSON.parse(readFileSync(fixtures + 'spec-sample-job-48213.json', 'utf8')) as JobDocument;
const queuedXml = readFileSync(fixtures + 'job.created--cpam-val-de-marne.xml', 'utf8');

const server = setupServer();
let ats: FakeAts;
let calls: TalentLinkCallInfo[];

const client = (extra: Partial<TalentLinkClientOptions> = {}) =>
  createTalentLinkClient({
    baseUrl: `${BASE}/`,
    user: USER,
    password: PASSWORD,
    apiKey: API_KEY,
    requestsPerSecond: 1000,
    onCall: (info) => calls.push(info),
    ...extra,
  });

/** A job without approval team nor process, created before the EN3S campaign acted on it. */
function freshJob(id: string): JobDocument {
  const job = structuredClone(sampleJob);
  job.id = id;
  job.teams = job.teams.filter((team) => team.role === 'operational');
  delete job.approvalProcess;
  job.publicationLock = { locked: false };
  job.postings = [{ id: 'p-1', channel: 'UCANSS', status: 'PUBLISHED', publishedAt: '2027-01-11T08:00:00Z' }];
  return job;
}

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
beforeEach(() => {
  ats = createFakeAts({ baseUrl: BASE, authorization: BASIC, apiKey: API_KEY });
  server.resetHandlers(...ats.handlers);
  calls = [];
});
afterEach(() => server.resetHandlers());
afterAll(() => server.close());

describe('the calls of the contract', () => {
  it('getJob reads a job with the exact Basic header, the api_key and a request id', async () => {
    ats.put(sampleJob);
    const result = await client({ requestId: () => 'req-7f3a' }).getJob('48213');
    expect(result).toEqual({ ok: true, value: sampleJob });
    const [request] = ats.seen;
    expect(request?.method).toBe('GET');
    expect(request?.path).toBe('/jobs/48213');
    expect(request?.headers.get('authorization')).toBe(BASIC);
    expect(request?.headers.get('api_key')).toBe(API_KEY);
    expect(request?.headers.get('accept')).toBe('application/json');
    expect(request?.headers.get('x-request-id')).toBe('req-7f3a');
    expect(calls).toEqual([{ op: 'getJob', status: 200, outcome: 'ok', ms: expect.any(Number) }]);
  });

  it('getJob of an unknown job is permanent, with the ATS code and message', async () => {
    const result = await client().getJob('99999');
    expect(result).toEqual({
      ok: false,
      error: { kind: 'permanent', code: 'NOT_FOUND', status: 404, message: 'GET /jobs/99999: HTTP 404 NOT_FOUND: job 99999 not found' },
    });
  });

  it('ids are encoded as one path segment, and ids that would change the path are refused', async () => {
    await client().getJob('48 213/x');
    expect(ats.seen[0]?.path).toBe('/jobs/48%20213%2Fx');
    expect(await client().getJob('..')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'INVALID_ARGUMENT' } });
    expect(await client().withdrawPosting('1', '', 'r', 'k')).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(ats.seen).toHaveLength(1);
  });

  it('listChanged sends modifiedSince, page and pageSize and validates the page', async () => {
    ats.put(freshJob('1'));
    ats.put(freshJob('2'));
    ats.put(freshJob('3'));
    const result = await client().listChanged('2027-01-01T00:00:00Z', 1, 2);
    expect(result.ok && result.value.items.map((job) => job.id)).toEqual(['1', '2']);
    expect(result.ok && result.value.total).toBe(3);
    expect(Object.fromEntries(ats.seen[0]?.query ?? [])).toEqual({ modifiedSince: '2027-01-01T00:00:00Z', page: '1', pageSize: '2' });
  });

  it('listChanged refuses a page size over 200 without calling', async () => {
    const result = await client().listChanged('2027-01-01T00:00:00Z', 1, 201);
    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'INVALID_ARGUMENT' } });
    expect(result.ok || result.error.message).toContain('from 1 to 200');
    expect(await client().listChanged('hier', 1, 10)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(ats.seen).toHaveLength(0);
  });

  it('assignApprovalTeam PUTs {name} with the idempotency key; an unknown team is permanent', async () => {
    ats.put(freshJob('7'));
    const result = await client().assignApprovalTeam('7', 'EN3S dérogation', 'cmd-41');
    expect(result.ok && result.value.teams.find((team) => team.role === 'approval')?.name).toBe('EN3S dérogation');
    expect(ats.seen[0]).toMatchObject({ method: 'PUT', path: '/jobs/7/teams/approval', body: '{"name":"EN3S dérogation"}' });
    expect(ats.seen[0]?.headers.get('idempotency-key')).toBe('cmd-41');
    expect(ats.seen[0]?.headers.get('content-type')).toMatch(/^application\/json/);
    const unknown = await client().assignApprovalTeam('7', 'Équipe inconnue', 'cmd-42');
    expect(unknown).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'UNKNOWN_TEAM', status: 422 } });
  });

  it('startApproval: 201 then 409 ALREADY_STARTED is already-applied; no approval team is a 422', async () => {
    ats.put(freshJob('8'));
    const request = { processName: 'Validation en période EN3S', message: 'Offre [%job_number%]', dueDate: '2027-01-25', alertOnAction: true };
    const noTeam = await client().startApproval('8', request, 'cmd-1');
    expect(noTeam).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'NO_APPROVAL_TEAM', status: 422 } });
    await client().assignApprovalTeam('8', 'EN3S dérogation', 'cmd-2');
    const started = await client().startApproval('8', request, 'cmd-3');
    expect(started.ok && started.value.approvalProcess?.status).toBe('IN_PROGRESS');
    expect(JSON.parse(ats.seen[2]?.body ?? '')).toEqual(request);
    expect(ats.seen[2]?.headers.get('idempotency-key')).toBe('cmd-3');
    const again = await client().startApproval('8', request, 'cmd-3');
    expect(again).toMatchObject({ ok: false, error: { kind: 'already-applied', code: 'ALREADY_STARTED', status: 409 } });
    expect(calls.map((c) => c.outcome)).toEqual(['permanent', 'ok', 'ok', 'already-applied']);
  });

  it('setPublicationLock PUTs {locked, reason}', async () => {
    ats.put(freshJob('9'));
    const result = await client().setPublicationLock('9', true, 'Période EN3S : en attente de la réponse', 'cmd-9');
    expect(result.ok && result.value.publicationLock?.locked).toBe(true);
    expect(ats.seen[0]).toMatchObject({ method: 'PUT', path: '/jobs/9/publication-lock' });
    expect(JSON.parse(ats.seen[0]?.body ?? '')).toEqual({ locked: true, reason: 'Période EN3S : en attente de la réponse' });
  });

  it('withdrawPosting POSTs {reason}; withdrawing again is a plain success', async () => {
    ats.put(freshJob('10'));
    const first = await client().withdrawPosting('10', 'p-1', 'Publiée avant la réponse de l’EN3S', 'cmd-10');
    const second = await client().withdrawPosting('10', 'p-1', 'Publiée avant la réponse de l’EN3S', 'cmd-10');
    expect(first.ok && first.value.postings[0]?.status).toBe('WITHDRAWN');
    expect(second).toEqual(first);
    expect(ats.seen[0]).toMatchObject({ method: 'POST', path: '/jobs/10/postings/p-1/withdraw' });
    expect(JSON.parse(ats.seen[0]?.body ?? '')).toEqual({ reason: 'Publiée avant la réponse de l’EN3S' });
  });

  it('readQueue: the raw element and its id, then ackQueue, then 204 → null', async () => {
    ats.enqueue('en3s', { id: 'evt-2027-000107', contentType: 'application/xml; charset=utf-8', body: queuedXml });
    const read = await client().readQueue('en3s');
    if (!read.ok || !read.value) throw new Error('expected an element');
    expect(read.value.notificationId).toBe('evt-2027-000107');
    expect(read.value.contentType).toBe('application/xml; charset=utf-8');
    expect(read.value.body.equals(Buffer.from(queuedXml))).toBe(true);
    expect(ats.seen[0]?.headers.get('accept')).toBe('application/xml, application/json');
    expect(await client().ackQueue('en3s', 'evt-2027-000107')).toEqual({ ok: true, value: undefined });
    expect(ats.seen[1]).toMatchObject({ method: 'DELETE', path: '/queues/job-events/en3s/elements/evt-2027-000107' });
    expect(await client().readQueue('en3s')).toEqual({ ok: true, value: null });
  });

  it('ackQueue of an element already gone (404) is already-applied', async () => {
    server.use(http.delete(`${BASE}/tlk/rest/queues/job-events/:q/elements/:id`, () => HttpResponse.json({ code: 'NOT_FOUND', message: 'no such element' }, { status: 404 })));
    expect(await client().ackQueue('en3s', 'evt-1')).toMatchObject({ ok: false, error: { kind: 'already-applied', code: 'NOT_FOUND' } });
  });

  it('a queue element without an id is an INVALID_RESPONSE', async () => {
    ats.enqueue('en3s', { id: 'x', contentType: 'application/json', body: '{"type":"job.created"}' });
    const read = await client().readQueue('en3s');
    expect(read).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'INVALID_RESPONSE' } });
  });
});

describe('failures as values', () => {
  const override = (status: number, body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    server.use(http.get(`${BASE}/tlk/rest/jobs/:id`, () => HttpResponse.json(body, { status, headers })));

  it('bad credentials: 401 is permanent', async () => {
    ats.put(sampleJob);
    const result = await client({ password: 'wrong' }).getJob('48213');
    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'UNAUTHORIZED', status: 401 } });
  });

  it('403 and 400 are permanent with the ATS code', async () => {
    override(403, { code: 'FORBIDDEN', message: 'no right on this job' });
    expect(await client().getJob('1')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'FORBIDDEN', status: 403 } });
    override(400, { code: 'BAD_REQUEST', message: 'bad id' });
    expect(await client().getJob('1')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'BAD_REQUEST' } });
  });

  it('429 is transient with retryAfterMs from Retry-After in seconds', async () => {
    override(429, { code: 'TOO_MANY_REQUESTS', message: 'slow down' }, { 'Retry-After': '7' });
    expect(await client().getJob('1')).toEqual({
      ok: false,
      error: { kind: 'transient', code: 'TOO_MANY_REQUESTS', status: 429, retryAfterMs: 7000, message: 'GET /jobs/1: HTTP 429 TOO_MANY_REQUESTS: slow down' },
    });
  });

  it('429 with Retry-After as an HTTP date, measured on the injected clock', async () => {
    override(429, {}, { 'Retry-After': 'Mon, 01 Feb 2027 08:00:30 GMT' });
    const now = Date.parse('2027-02-01T08:00:00Z');
    const clock = { now: () => now, sleep: async () => {} };
    expect(await client({ clock }).getJob('1')).toMatchObject({ ok: false, error: { kind: 'transient', code: 'HTTP_429', retryAfterMs: 30_000 } });
  });

  it('5xx is transient, and the client does not retry it', async () => {
    let received = 0;
    const answer = (response: () => Response) => () => {
      received++;
      return response();
    };
    server.use(http.get(`${BASE}/tlk/rest/jobs/1`, answer(() => HttpResponse.json({ code: 'MAINTENANCE', message: 'back soon' }, { status: 503, headers: { 'Retry-After': '120' } }))));
    expect(await client().getJob('1')).toMatchObject({ ok: false, error: { kind: 'transient', code: 'MAINTENANCE', status: 503, retryAfterMs: 120_000 } });
    server.use(http.get(`${BASE}/tlk/rest/jobs/2`, answer(() => new HttpResponse('Bad gateway', { status: 502 }))));
    expect(await client().getJob('2')).toMatchObject({ ok: false, error: { kind: 'transient', code: 'HTTP_502' } });
    expect(received).toBe(2);
  });

  it('a time-out is transient TIMEOUT', async () => {
    server.use(http.get(`${BASE}/tlk/rest/jobs/:id`, async () => {
      await delay(2_000);
      return HttpResponse.json(sampleJob);
    }));
    const started = Date.now();
    const result = await client({ timeoutMs: 100 }).getJob('1');
    expect(result).toEqual({ ok: false, error: { kind: 'transient', code: 'TIMEOUT', message: 'GET /jobs/1: no answer within 100 ms' } });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(calls[0]).toMatchObject({ op: 'getJob', outcome: 'transient', code: 'TIMEOUT' });
    expect(calls[0]?.status).toBeUndefined();
  });

  it('a network error is transient NETWORK', async () => {
    server.use(http.get(`${BASE}/tlk/rest/jobs/:id`, () => HttpResponse.error()));
    expect(await client().getJob('1')).toMatchObject({ ok: false, error: { kind: 'transient', code: 'NETWORK' } });
  });

  it('an invalid job document from the ATS is a permanent INVALID_RESPONSE naming the path', async () => {
    override(200, { ...sampleJob, status: 'ARCHIVED' });
    const result = await client().getJob('48213');
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'permanent',
        code: 'INVALID_RESPONSE',
        message: 'GET /jobs/48213: invalid answer: job.status: expected one of DRAFT|OPEN|CLOSED|CANCELLED, got "ARCHIVED"',
      },
    });
  });

  it('an invalid item of a changes page names its index', async () => {
    const broken = { ...sampleJob, id: '2', postings: [{ id: 'p', channel: 'UCANSS', status: 'ONLINE' }] };
    server.use(http.get(`${BASE}/tlk/rest/jobs`, () => HttpResponse.json({ items: [sampleJob, broken], page: 1, pageSize: 2, total: 2 })));
    const result = await client().listChanged('2027-01-01T00:00:00Z', 1, 2);
    expect(result.ok || result.error.message).toContain('items[1].postings[0].status: expected one of DRAFT|PUBLISHED|WITHDRAWN|EXPIRED, got "ONLINE"');
  });

  it('an answer that is not JSON is a permanent INVALID_RESPONSE', async () => {
    server.use(http.get(`${BASE}/tlk/rest/jobs/:id`, () => new HttpResponse('<html>maintenance</html>', { status: 200 })));
    expect(await client().getJob('1')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'INVALID_RESPONSE' } });
  });

  it('a redirect is not followed', async () => {
    server.use(http.get(`${BASE}/tlk/rest/jobs/:id`, () => new HttpResponse(null, { status: 302, headers: { Location: 'https://elsewhere.test/' } })));
    expect(await client().getJob('1')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'HTTP_302' } });
  });
});

describe('credentials never appear in errors', () => {
  const secrets = [PASSWORD, API_KEY, BASIC.slice('Basic '.length), USER];

  it('even when the ATS echoes the request headers in its error message', async () => {
    server.use(
      http.get(`${BASE}/tlk/rest/jobs/:id`, ({ request }) =>
        HttpResponse.json(
          {
            code: 'UNAUTHORIZED',
            message: `refused ${request.headers.get('authorization')} with key ${request.headers.get('api_key')} for ${USER}:${PASSWORD}`,
          },
          { status: 401 },
        ),
      ),
    );
    const result = await client().getJob('1');
    expect(result.ok).toBe(false);
    const serialised = JSON.stringify(result);
    for (const secret of secrets) expect(serialised).not.toContain(secret);
    expect(serialised).toContain('***');
  });

  it('on time-outs, network errors and invalid answers', async () => {
    const results = [];
    server.use(http.get(`${BASE}/tlk/rest/jobs/1`, () => HttpResponse.error()));
    results.push(await client().getJob('1'));
    server.use(http.get(`${BASE}/tlk/rest/jobs/2`, async () => {
      await delay(1_000);
      return HttpResponse.json({});
    }));
    results.push(await client({ timeoutMs: 50 }).getJob('2'));
    server.use(http.get(`${BASE}/tlk/rest/jobs/3`, () => HttpResponse.json({ id: PASSWORD })));
    results.push(await client().getJob('3'));
    for (const result of results) {
      expect(result.ok).toBe(false);
      const serialised = JSON.stringify(result) + (result.ok ? '' : result.error.message);
      for (const secret of secrets) expect(serialised).not.toContain(secret);
    }
  });
});

import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import {
  API_KEY,
  argumentsOf,
  BASIC,
  makePort,
  positionsAnswer,
  REST,
  sampleOpening,
  SECRETS,
  selectionTree,
  sentQuery,
  interceptedTenant,
} from './support.js';

const { server, seen } = interceptedTenant();

const positions = (list: unknown[]) => HttpResponse.json({ data: { positions: list } });
const adverts = (list: unknown[]) => HttpResponse.json({ data: { publishedAdverts: list } });
const expectNoSecret = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const secret of SECRETS) expect(text).not.toContain(secret);
};

describe('fetchJob', () => {
  it('reads one job: api_key in the query, Basic auth, request id, the full selection, no link followed', async () => {
    server.use(http.get(`${REST}/position`, () => HttpResponse.json(positionsAnswer())));
    const { port, budget, calls } = makePort({ requestId: () => 'req-7f3a' });
    const result = await port.fetchJob('48213');
    if (!result.ok) throw new Error(result.error.message);

    expect(seen).toHaveLength(1);
    const request = seen[0]!;
    const url = new URL(request.url);
    expect(url.origin + url.pathname).toBe(`${REST}/position`);
    expect(url.searchParams.get('api_key')).toBe(API_KEY);
    expect(request.headers.get('authorization')).toBe(BASIC);
    expect(request.headers.get('x-request-id')).toBe('req-7f3a');
    expect(request.headers.get('api_key')).toBeNull();
    const root = sentQuery(request);
    expect(root.name.value).toBe('positions');
    expect(argumentsOf(root)).toEqual({ where: { id_eq: 48213 } });
    expect(selectionTree(root)).toMatchObject({
      id: true,
      updateDate: true,
      team: { approvers: { stepOrder: true, user: { id: true } } },
    });

    expect(result.value.snapshot).toMatchObject({
      atsId: '48213',
      createdAt: '2027-01-12T08:00:00.000Z',
      updatedAt: '2027-01-13T08:00:00.000Z',
      fetchedAt: '2027-01-15T09:30:00.000Z',
      atsStatus: 'Brouillon',
      team: { recruiters: [{ userId: '90211', order: 1, stepOrder: null, role: 'Recruteur principal' }] },
      postings: null,
    });
    const document = JSON.parse(result.value.document) as { opening: Record<string, unknown>; postings: unknown };
    expect(document.postings).toBeNull();
    expect(document.opening.id).toBe(48213);
    expect(document.opening.updateDate).toBe(1799827200000);
    expect(budget.lanes).toEqual(['routine']);
    expect(calls).toEqual([{ op: 'fetchJob', lane: 'routine', status: 200, outcome: 'ok', ms: 0 }]);
  });

  it('dates the read on the business clock it is given, while the call is timed on real time', async () => {
    server.use(http.get(`${REST}/position`, () => HttpResponse.json(positionsAnswer())));
    const business = Date.parse('2027-02-03T09:00:00.000Z');
    const { port, calls } = makePort({ readClock: { now: () => new Date(business) } });
    const result = await port.fetchJob('48213');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.snapshot.fetchedAt).toBe('2027-02-03T09:00:00.000Z');
    expect(calls).toEqual([{ op: 'fetchJob', lane: 'routine', status: 200, outcome: 'ok', ms: 0 }]);
  });

  it('decodeJob reads the kept document back to the same snapshot, without a call', async () => {
    server.use(http.get(`${REST}/position`, () => HttpResponse.json(positionsAnswer())));
    const { port } = makePort();
    const read = await port.fetchJob('48213');
    if (!read.ok) throw new Error(read.error.message);
    seen.length = 0;
    expect(port.decodeJob(read.value.document, read.value.snapshot.fetchedAt)).toEqual({
      ok: true,
      value: read.value.snapshot,
    });
    expect(seen).toEqual([]);
  });

  it('decodeJob names the path of what is wrong in a document', () => {
    const { port } = makePort();
    expect(port.decodeJob('{"opening": {"id": "48213"}, "postings": null}', '2027-01-15T09:30:00Z')).toEqual({
      ok: false,
      error: {
        kind: 'permanent',
        code: 'INVALID_DOCUMENT',
        message: expect.stringContaining('document.opening.id : attendu un nombre, reçu "48213"'),
      },
    });
    expect(port.decodeJob('not json', '2027-01-15T09:30:00Z')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_DOCUMENT' },
    });
  });

  it('an absent job is NOT_FOUND, and the message shows the URL redacted', async () => {
    server.use(http.get(`${REST}/position`, () => positions([])));
    const result = await makePort().port.fetchJob('99999');
    expect(result).toEqual({
      ok: false,
      error: {
        kind: 'permanent',
        code: 'NOT_FOUND',
        message: 'fetchJob: GET /position?query=…&api_key=***: no job 99999',
      },
    });
  });

  it('withPostings reads the postings too, on the lane asked for, with dates as ISO', async () => {
    server.use(
      http.get(`${REST}/position`, () => HttpResponse.json(positionsAnswer())),
      http.get(`${REST}/publishedadvert`, () =>
        adverts([{ id: 5501, status: 'Publiée', creationDate: 1799830000000, postingStartDate: 1799913600000 }]),
      ),
    );
    const { port, budget } = makePort();
    const result = await port.fetchJob('48213', { withPostings: true, lane: 'approver' });
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.snapshot.postings).toEqual([
      { id: '5501', atsStatus: 'Publiée', postedAt: '2027-01-14T08:00:00.000Z' },
    ]);
    expect(JSON.parse(result.value.document).postings).toEqual([
      { id: 5501, status: 'Publiée', creationDate: 1799830000000, postingStartDate: 1799913600000 },
    ]);
    expect(argumentsOf(sentQuery(seen[1]!))).toEqual({ where: { openingId_eq: 48213 }, first: 100, after: 0 });
    expect(budget.lanes).toEqual(['approver', 'approver']);
  });

  it('an id that is not a number is refused before any call', async () => {
    const { port, budget } = makePort();
    expect(await port.fetchJob('48213&api_key=x')).toMatchObject({
      ok: false,
      error: { kind: 'permanent', code: 'INVALID_ARGUMENT' },
    });
    expect(seen).toEqual([]);
    expect(budget.lanes).toEqual([]);
  });

  it('an invalid answer is INVALID_RESPONSE naming the path, and never repeats a secret the ATS echoed', async () => {
    server.use(
      http.get(`${REST}/position`, () => positions([sampleOpening({ updateDate: '2027-01-13', jobTitle: 7 })])),
    );
    const result = await makePort().port.fetchJob('48213');
    expect(result).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'INVALID_RESPONSE' } });
    if (result.ok) return;
    expect(result.error.message).toContain('data.positions[0].');
    expect(result.error.message).toContain('(et 1 autre(s) problème(s))');

    server.use(http.get(`${REST}/position`, () => positions([sampleOpening({ id: API_KEY })])));
    const echoed = await makePort().port.fetchJob('48213');
    expect(echoed).toMatchObject({
      ok: false,
      error: { code: 'INVALID_RESPONSE', message: expect.stringContaining('data.positions[0].id') },
    });
    expectNoSecret(echoed);
  });

  it('a mapping failure comes back as the mapper said, naming the job', async () => {
    server.use(http.get(`${REST}/position`, () => positions([sampleOpening({ jobNumber: null })])));
    expect(await makePort().port.fetchJob('48213')).toEqual({
      ok: false,
      error: {
        kind: 'permanent',
        code: 'MAPPING',
        message: 'job 48213: opening.jobNumber: expected a string, got nothing',
      },
    });
  });
});

describe('fetchJobs', () => {
  it('reads at most 100 ids per call, on the approver lane, leaving absent ids out', async () => {
    server.use(
      http.get(`${REST}/position`, ({ request }) => {
        const ids = (argumentsOf(sentQuery(request)).where as { id_in: number[] }).id_in;
        return positions(ids.filter((id) => id % 2 === 0).map((id) => sampleOpening({ id })));
      }),
    );
    const { port, budget } = makePort();
    const ids = Array.from({ length: 150 }, (_, i) => String(1000 + i));
    const result = await port.fetchJobs([...ids, '1000']);
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.map((job) => job.snapshot.atsId)).toEqual(ids.filter((id) => Number(id) % 2 === 0));
    const sent = seen.map((request) => argumentsOf(sentQuery(request)));
    expect(sent.map((args) => (args.where as { id_in: number[] }).id_in.length)).toEqual([100, 50]);
    expect(sent[0]).toMatchObject({ first: 100 });
    expect(budget.lanes).toEqual(['approver', 'approver']);
  });

  it('a caller may choose the lane; no ids, no call', async () => {
    server.use(http.get(`${REST}/position`, () => positions([])));
    const { port, budget } = makePort();
    expect(await port.fetchJobs(['1'], { lane: 'routine' })).toEqual({ ok: true, value: [] });
    expect(await port.fetchJobs([])).toEqual({ ok: true, value: [] });
    expect(budget.lanes).toEqual(['routine']);
  });
});

describe('postings and users', () => {
  it('listPostings pages past 100 postings', async () => {
    const all = Array.from({ length: 130 }, (_, i) => ({
      id: 6000 + i,
      status: 'Publiée',
      creationDate: 1799830000000,
    }));
    server.use(
      http.get(`${REST}/publishedadvert`, ({ request }) => {
        const args = argumentsOf(sentQuery(request)) as { first: number; after: number };
        return adverts(all.slice(args.after, args.after + args.first));
      }),
    );
    const { port, budget } = makePort();
    const result = await port.listPostings('48213');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toHaveLength(130);
    expect(result.value[0]).toEqual({ id: '6000', atsStatus: 'Publiée', postedAt: '2027-01-13T08:46:40.000Z' });
    expect(budget.lanes).toEqual(['routine', 'routine']);
  });

  it('fetchPosting reads the posting and its job in one call, on the take-down lane', async () => {
    server.use(
      http.get(`${REST}/publishedadvert`, () =>
        adverts([{ id: 5501, status: 'Publiée', postingStartDate: 1799913600000, opening: sampleOpening() }]),
      ),
    );
    const { port, budget } = makePort();
    const result = await port.fetchPosting('5501');
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value.posting).toEqual({ id: '5501', atsStatus: 'Publiée', postedAt: '2027-01-14T08:00:00.000Z' });
    expect(result.value.job.snapshot.atsId).toBe('48213');
    expect(seen).toHaveLength(1);
    const root = sentQuery(seen[0]!);
    expect(argumentsOf(root)).toEqual({ where: { id_eq: 5501 } });
    expect(selectionTree(root)).toMatchObject({
      id: true,
      opening: { id: true, team: { recruiters: { user: { id: true } } } },
    });
    expect(budget.lanes).toEqual(['takedown']);
  });

  it('fetchPosting without its job is an invalid answer naming the path', async () => {
    server.use(http.get(`${REST}/publishedadvert`, () => adverts([{ id: 5501, opening: null }])));
    expect(await makePort().port.fetchPosting('5501')).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_RESPONSE',
        message: expect.stringContaining("data.publishedAdverts[0].opening: expected the posting's job"),
      },
    });
  });

  it('findUserId sends the login as a string literal and keeps the exact login', async () => {
    server.use(
      http.get(`${REST}/user`, () =>
        HttpResponse.json({
          data: {
            users: [
              { id: 77, login: 'en3s-derogation-old' },
              { id: 90555, login: 'EN3S-Derogation' },
            ],
          },
        }),
      ),
    );
    const { port } = makePort();
    expect(await port.findUserId('en3s-derogation')).toEqual({ ok: true, value: '90555' });
    expect(argumentsOf(sentQuery(seen[0]!))).toEqual({ where: { login_eq: 'en3s-derogation' } });
    server.use(http.get(`${REST}/user`, () => HttpResponse.json({ data: { users: [] } })));
    expect(await port.findUserId('personne')).toMatchObject({
      ok: false,
      error: { kind: 'permanent', code: 'NOT_FOUND' },
    });
  });

  it('userEmail reads one user by numeric id', async () => {
    server.use(
      http.get(`${REST}/user`, () =>
        HttpResponse.json({ data: { users: [{ id: 90211, email: 'marie.durand@assurance-maladie.fr' }] } }),
      ),
    );
    const { port } = makePort();
    expect(await port.userEmail('90211')).toEqual({ ok: true, value: 'marie.durand@assurance-maladie.fr' });
    expect(argumentsOf(sentQuery(seen[0]!))).toEqual({ where: { id_eq: 90211 } });
    expect(selectionTree(sentQuery(seen[0]!))).toEqual({ id: true, email: true });
  });
});

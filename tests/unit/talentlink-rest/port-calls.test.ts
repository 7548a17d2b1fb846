import { delay, http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { AtsOutcome, QueueRef } from '../../../connectors/ats-port.js';
import type { JobTeam } from '../../../src/domain/job-snapshot.js';
import { API_KEY, BASIC, makePort, PASSWORD, REST, SECRETS, USER, interceptedTenant } from './support.js';

const { server, seen } = interceptedTenant();

const text = (body: string, status: number, headers: Record<string, string> = {}) =>
  new HttpResponse(body, { status, headers: { 'Content-Type': 'text/plain', ...headers } });
const noContent = () => new HttpResponse(null, { status: 204 });
const expectNoSecret = (value: unknown) => {
  const serialised = JSON.stringify(value);
  for (const secret of SECRETS) expect(serialised).not.toContain(secret);
};

const team: JobTeam = {
  recruiters: [{ userId: '90211', order: 1, stepOrder: null, role: 'Recruteur principal' }],
  operationals: [{ userId: '90388', order: 1, stepOrder: null, role: null }],
  approvers: [
    { userId: '90400', order: 1, stepOrder: 1, role: 'Directeur' },
    { userId: '90555', order: 2, stepOrder: 2, role: 'dérogation EN3S' },
  ],
};

describe('writes (docs/talentlink.md §4)', () => {
  it('setTeam PATCHes the whole team in the write shape, on the approver lane', async () => {
    let body: unknown;
    server.use(
      http.patch(`${REST}/position/:id`, async ({ request }) => {
        body = await request.json();
        return noContent();
      }),
    );
    const { port, budget } = makePort();
    expect(await port.setTeam('48213', team)).toEqual({ ok: true, value: undefined });
    expect(new URL(seen[0]!.url).pathname).toBe('/tlk/rest/position/48213');
    expect(new URL(seen[0]!.url).searchParams.get('api_key')).toBe(API_KEY);
    expect(seen[0]!.headers.get('authorization')).toBe(BASIC);
    expect(body).toEqual({
      team: {
        recruiters: [{ order: 1, user: { id: 90211 }, lovValue: 'Recruteur principal' }],
        operationals: [{ order: 1, user: { id: 90388 } }],
        approvers: [
          { order: 1, user: { id: 90400 }, lovValue: 'Directeur', stepOrder: 1 },
          { order: 2, user: { id: 90555 }, lovValue: 'dérogation EN3S', stepOrder: 2 },
        ],
      },
    });
    expect(budget.lanes).toEqual(['approver']);
  });

  it('setTeam refuses a non-numeric user id before sending, naming the member', async () => {
    const { port, budget } = makePort();
    const bad = { ...team, approvers: [{ userId: 'en3s', order: 1, stepOrder: 1, role: null }] };
    expect(await port.setTeam('48213', bad)).toEqual({
      ok: false,
      error: {
        kind: 'permanent',
        code: 'INVALID_ARGUMENT',
        message: 'setTeam: job 48213: team.approvers[0].userId: expected a decimal integer, got "en3s"',
      },
    });
    expect(seen).toEqual([]);
    expect(budget.lanes).toEqual([]);
  });

  it('a 400 on setTeam is permanent, with the X-Request-Error text', async () => {
    server.use(http.patch(`${REST}/position/:id`, () => text('', 400, { 'X-Request-Error': 'Unknown user id 90555' })));
    expect(await makePort().port.setTeam('48213', team)).toEqual({
      ok: false,
      error: {
        kind: 'permanent',
        code: 'HTTP_400',
        status: 400,
        message: 'setTeam: PATCH /position/48213?api_key=***: HTTP 400 refused: Unknown user id 90555',
      },
    });
  });

  it('takeDownPostings PUTs the ids on the take-down lane; 404 means already down', async () => {
    let body: unknown;
    server.use(
      http.put(`${REST}/publishedadvert/unpost`, async ({ request }) => {
        body = await request.json();
        return noContent();
      }),
    );
    const { port, budget } = makePort();
    expect(await port.takeDownPostings(['5501', '5502', '5501'])).toEqual({ ok: true, value: undefined });
    expect(body).toEqual({ postingTargets: [5501, 5502] });
    server.use(http.put(`${REST}/publishedadvert/unpost`, () => text('', 404)));
    expect(await port.takeDownPostings(['5501'])).toMatchObject({
      ok: false,
      error: { kind: 'already-applied', code: 'NOT_FOUND', status: 404 },
    });
    expect(await port.takeDownPostings([])).toEqual({ ok: true, value: undefined });
    expect(budget.lanes).toEqual(['takedown', 'takedown']);
  });
});

describe('queues (docs/talentlink.md §5)', () => {
  const jobs: QueueRef = { name: 'EN3S postes', kind: 'job' };
  const postings: QueueRef = { name: 'EN3S annonces', kind: 'posting' };

  it('listQueues reads names and counts; 204 is no queue', async () => {
    server.use(
      http.get(`${REST}/queues`, () =>
        HttpResponse.json({ queues: [{ name: 'EN3S postes', elementsCount: 3 }, { name: 'Autre' }] }),
      ),
    );
    const { port } = makePort();
    expect(await port.listQueues()).toEqual({
      ok: true,
      value: [
        { name: 'EN3S postes', elements: 3 },
        { name: 'Autre', elements: null },
      ],
    });
    server.use(http.get(`${REST}/queues`, () => noContent()));
    expect(await port.listQueues()).toEqual({ ok: true, value: [] });
  });

  it('peekQueue reads the oldest element of a position queue, the name URL-encoded', async () => {
    server.use(
      http.get(`${REST}/queues/position/:name/oldest-element`, () =>
        HttpResponse.json({
          idInQueue: 812,
          queueName: 'EN3S postes',
          openingID: 48213,
          departmentID: 3094,
          jobStatus: "En attente d'approbation",
        }),
      ),
    );
    const { port, budget } = makePort();
    expect(await port.peekQueue(jobs)).toEqual({
      ok: true,
      value: {
        kind: 'job',
        queueName: 'EN3S postes',
        elementId: '812',
        jobId: '48213',
        atsStatus: "En attente d'approbation",
      },
    });
    expect(seen[0]!.url).toBe(`${REST}/queues/position/EN3S%20postes/oldest-element?api_key=${API_KEY}`);
    expect(budget.lanes).toEqual(['routine']);
  });

  it('peekQueue of a posting-target queue goes on the take-down lane; 204 is empty', async () => {
    server.use(
      http.get(`${REST}/queues/posting-target/:name/oldest-element`, () =>
        HttpResponse.json({ idInQueue: 9, id: 5501, advertName: 'CPAM 94' }),
      ),
    );
    const { port, budget } = makePort();
    expect(await port.peekQueue(postings)).toEqual({
      ok: true,
      value: { kind: 'posting', queueName: 'EN3S annonces', elementId: '9', postingId: '5501' },
    });
    server.use(http.get(`${REST}/queues/posting-target/:name/oldest-element`, () => noContent()));
    expect(await port.peekQueue(postings)).toEqual({ ok: true, value: null });
    expect(budget.lanes).toEqual(['takedown', 'takedown']);
  });

  it('peekQueue: 400 unknown queue, 403 element forbidden, 404 element gone, gateway 403s apart', async () => {
    const { port } = makePort();
    const answers: Array<[Response, string, string]> = [
      [text('', 400), 'permanent', 'UNKNOWN_QUEUE'],
      [text('', 403), 'permanent', 'ELEMENT_FORBIDDEN'],
      [text('', 404), 'permanent', 'ELEMENT_GONE'],
      [text('Account Over Queries Per Second Limit', 403), 'throttled', 'OVER_QPS'],
      [text('Forbidden', 403), 'permanent', 'FORBIDDEN'],
    ];
    for (const [response, kind, code] of answers) {
      server.use(http.get(`${REST}/queues/position/:name/oldest-element`, () => response.clone()));
      expect(await port.peekQueue(jobs)).toMatchObject({ ok: false, error: { kind, code } });
    }
  });

  it('deleteQueueElement: 204 done, 404 already gone; the queue name as a query parameter', async () => {
    server.use(http.delete(`${REST}/queues/element/:id`, () => noContent()));
    const { port, budget } = makePort();
    expect(await port.deleteQueueElement(jobs, '812')).toEqual({ ok: true, value: undefined });
    expect(seen[0]!.url).toBe(`${REST}/queues/element/812?queueName=EN3S%20postes&api_key=${API_KEY}`);
    server.use(http.delete(`${REST}/queues/element/:id`, () => text('', 404)));
    expect(await port.deleteQueueElement(postings, '9')).toMatchObject({
      ok: false,
      error: { kind: 'already-applied', code: 'NOT_FOUND' },
    });
    expect(await port.deleteQueueElement(jobs, '8/../1')).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(budget.lanes).toEqual(['routine', 'takedown']);
  });

  it('deleteOldestQueueElement: 204 done, 404 the queue is empty', async () => {
    server.use(http.delete(`${REST}/queues/element/oldest-element`, () => noContent()));
    const { port } = makePort();
    expect(await port.deleteOldestQueueElement(postings)).toEqual({ ok: true, value: undefined });
    expect(new URL(seen[0]!.url).searchParams.get('queueName')).toBe('EN3S annonces');
    server.use(http.delete(`${REST}/queues/element/oldest-element`, () => text('', 404)));
    expect(await port.deleteOldestQueueElement(postings)).toMatchObject({
      ok: false,
      error: { kind: 'already-applied' },
    });
  });
});

describe('limits, failures and the circuit breaker (docs/talentlink.md §1)', () => {
  const queue: QueueRef = { name: 'EN3S postes', kind: 'job' };
  const answerWith = (response: () => Response | Promise<Response>) => server.use(http.get(`${REST}/queues`, response));

  it('"over QPS" is throttled with a short wait, and never opens the circuit', async () => {
    answerWith(() => text('Account Over Queries Per Second Limit', 403));
    const { port } = makePort({ circuitBreaker: { failureThreshold: 2 } });
    for (let i = 0; i < 5; i++) {
      expect(await port.listQueues()).toMatchObject({
        ok: false,
        error: { kind: 'throttled', code: 'OVER_QPS', retryAfterMs: 1_000, status: 403 },
      });
    }
    expect(port.circuitBreaker.state()).toBe('closed');
    expect(seen).toHaveLength(5);
  });

  it('an over-limit burst at the default threshold is a wait: the circuit stays closed, next call sent', async () => {
    answerWith(() => text('Account Over Queries Per Second Limit', 403));
    const { port } = makePort();
    const burst = await Promise.all(Array.from({ length: 12 }, () => port.listQueues()));
    for (const outcome of burst)
      expect(outcome).toMatchObject({ ok: false, error: { kind: 'throttled', code: 'OVER_QPS' } });
    expect(port.circuitBreaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0 });
    answerWith(() => HttpResponse.json({ queues: [] }));
    expect(await port.listQueues()).toEqual({ ok: true, value: [] });
    expect(seen).toHaveLength(13);
  });

  it('over-limit answers amid real failures neither hide nor count them: five 503s open the circuit', async () => {
    const { port } = makePort();
    for (let i = 0; i < 5; i++) {
      answerWith(() => text('Account Over Queries Per Second Limit', 403));
      await port.listQueues();
      expect(port.circuitBreaker.state()).toBe('closed');
      answerWith(() => text('Service Unavailable', 503));
      await port.listQueues();
    }
    expect(port.circuitBreaker.state()).toBe('open');
    expect(await port.listQueues()).toMatchObject({ ok: false, error: { code: 'CIRCUIT_OPEN' } });
  });

  it('"over rate limit" stops the budget for the quota stop; the next call is refused without a request', async () => {
    answerWith(() => text('Account Over Rate Limit', 403));
    const { port, budget, clock } = makePort({ quotaStopMs: 2 * 3_600_000 });
    expect(await port.listQueues()).toMatchObject({ ok: false, error: { kind: 'throttled', code: 'OVER_QUOTA' } });
    expect(budget.stoppedUntil).toBe(clock.ms + 2 * 3_600_000);
    clock.ms += 60_000;
    expect(await port.peekQueue(queue)).toEqual({
      ok: false,
      error: {
        kind: 'throttled',
        code: 'OVER_QUOTA',
        retryAfterMs: 2 * 3_600_000 - 60_000,
        message:
          'peekQueue: GET /queues/position/EN3S%20postes/oldest-element?api_key=***: not sent, the ' +
          'monthly quota of the API key is spent (stopped by the call budget)',
      },
    });
    expect(seen).toHaveLength(1);
    expect(port.circuitBreaker.state()).toBe('closed');
  });

  it('"Forbidden" and "Not Authorized" are permanent refusals', async () => {
    const { port } = makePort();
    answerWith(() => text('Forbidden', 403));
    expect(await port.listQueues()).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'FORBIDDEN' } });
    answerWith(() => text('Not Authorized', 403));
    expect(await port.listQueues()).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'NOT_AUTHORIZED' } });
  });

  it('500, 503, 504 are transient and open the circuit; then calls fail at once, with no slot or request', async () => {
    const { port, budget, clock } = makePort({ circuitBreaker: { failureThreshold: 3, coolDownMs: 30_000 } });
    for (const status of [500, 503, 504]) {
      answerWith(() => text('', status));
      expect(await port.listQueues()).toMatchObject({
        ok: false,
        error: { kind: 'transient', code: `HTTP_${status}`, status },
      });
    }
    expect(port.circuitBreaker.state()).toBe('open');
    expect(await port.listQueues()).toMatchObject({
      ok: false,
      error: { kind: 'transient', code: 'CIRCUIT_OPEN', outage: true, retryAfterMs: 30_000 },
    });
    expect(seen).toHaveLength(3);
    expect(budget.lanes).toHaveLength(3);

    // A throttled trial after the cool-down ends the trial (the gateway answered) without counting as a failure.
    clock.ms += 30_000;
    answerWith(() => text('Account Over Queries Per Second Limit', 403));
    expect(await port.listQueues()).toMatchObject({ ok: false, error: { code: 'OVER_QPS' } });
    expect(port.circuitBreaker.state()).toBe('closed');
  });

  it('tells when the circuit opens and closes, and each refused call its wait (logged once per episode)', async () => {
    const changes: string[] = [];
    const { port, calls, clock } = makePort({
      circuitBreaker: { failureThreshold: 2, coolDownMs: 30_000, onChange: (to) => changes.push(to) },
    });
    answerWith(() => text('Account Over Queries Per Second Limit', 403));
    await port.listQueues();
    answerWith(() => text('', 503));
    await port.listQueues();
    await port.listQueues();
    await port.listQueues();
    expect(changes).toEqual(['open']);
    expect(calls.map((c) => [c.code, c.retryAfterMs])).toEqual([
      ['OVER_QPS', 1_000],
      ['HTTP_503', undefined],
      ['HTTP_503', undefined],
      ['CIRCUIT_OPEN', 30_000],
    ]);
    clock.ms += 30_000;
    answerWith(() => HttpResponse.json({ queues: [] }));
    await port.listQueues();
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('a time-out is transient TIMEOUT; a network error transient NETWORK', async () => {
    answerWith(async () => {
      await delay(2_000);
      return HttpResponse.json({ queues: [] });
    });
    const started = Date.now();
    expect(await makePort({ timeoutMs: 100 }).port.listQueues()).toEqual({
      ok: false,
      error: {
        kind: 'transient',
        code: 'TIMEOUT',
        message: 'listQueues: GET /queues?api_key=***: no answer within 100 ms',
      },
    });
    expect(Date.now() - started).toBeLessThan(1_500);
    answerWith(() => HttpResponse.error());
    expect(await makePort().port.listQueues()).toMatchObject({
      ok: false,
      error: { kind: 'transient', code: 'NETWORK' },
    });
  });

  it('a redirect is not followed', async () => {
    let followed = false;
    server.use(
      http.get(
        `${REST}/queues`,
        () => new HttpResponse(null, { status: 302, headers: { Location: `${REST}/elsewhere` } }),
      ),
      http.get(`${REST}/elsewhere`, () => {
        followed = true;
        return HttpResponse.json({ queues: [] });
      }),
    );
    expect(await makePort().port.listQueues()).toMatchObject({
      ok: false,
      error: { kind: 'permanent', code: 'HTTP_302' },
    });
    expect(followed).toBe(false);
  });
});

describe('credentials never leave the client', () => {
  it('no message or call report holds the key, password, user or Basic token, even echoed by the ATS', async () => {
    const echo = `key ${API_KEY} user ${USER} password ${PASSWORD} auth ${BASIC} url ${REST}/queues?api_key=${API_KEY}`;
    const outcomes: AtsOutcome<unknown>[] = [];
    const { port, calls } = makePort({ requestId: 'req-1' });
    server.use(http.patch(`${REST}/position/:id`, () => text(echo, 400, { 'X-Request-Error': echo })));
    outcomes.push(await port.setTeam('48213', { recruiters: [], operationals: [], approvers: [] }));
    server.use(http.get(`${REST}/queues`, () => text(echo, 500, { 'X-Request-Error': echo })));
    outcomes.push(await port.listQueues());
    server.use(
      http.get(`${REST}/queues/position/:name/oldest-element`, () =>
        HttpResponse.json({ idInQueue: API_KEY, openingID: PASSWORD }),
      ),
    );
    outcomes.push(await port.peekQueue({ name: 'q', kind: 'job' }));
    server.use(http.get(`${REST}/user`, () => HttpResponse.json({ data: { users: [{ id: USER }] } })));
    outcomes.push(await port.userEmail('1'));
    for (const outcome of outcomes) {
      expect(outcome.ok).toBe(false);
      expectNoSecret(outcome);
    }
    expect(outcomes[0]).toMatchObject({
      error: { message: expect.stringContaining('key *** user *** password *** auth Basic *** url') },
    });
    expectNoSecret(calls);
    expect(calls.map((c) => c.op)).toEqual(['setTeam', 'listQueues', 'peekQueue', 'userEmail']);
  });
});

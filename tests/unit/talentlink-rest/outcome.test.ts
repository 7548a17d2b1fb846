import { describe, expect, it } from 'vitest';
import {
  classifyAnswer,
  createScrubber,
  redactUrl,
  type StatusRule,
} from '../../../connectors/talentlink/rest/outcome.js';

const options = { qpsRetryMs: 1_000, quotaStopMs: 3_600_000 };
const call = 'fetchJob: GET /position?query=…&api_key=***';
const peekRules: Partial<Record<number, StatusRule>> = {
  403: { kind: 'permanent', code: 'ELEMENT_FORBIDDEN', why: 'object not accessible' },
  404: { kind: 'permanent', code: 'ELEMENT_GONE', why: 'object gone' },
};

describe('the outcome of an answer (docs/talentlink.md §1)', () => {
  // Each row: the case, from the contract's words, and what it must become.
  const table: Array<{
    name: string;
    status: number;
    body?: string;
    rules?: Partial<Record<number, StatusRule>>;
    kind: string;
    code: string;
    retryAfterMs?: number;
  }> = [
    {
      name: '403 "Account Over Queries Per Second Limit": wait a moment',
      status: 403,
      body: 'Account Over Queries Per Second Limit',
      kind: 'throttled',
      code: 'OVER_QPS',
      retryAfterMs: 1_000,
    },
    {
      name: '403 "Account Over Rate Limit": the monthly quota is spent',
      status: 403,
      body: 'Account Over Rate Limit',
      kind: 'throttled',
      code: 'OVER_QUOTA',
      retryAfterMs: 3_600_000,
    },
    {
      name: 'the gateway text inside an HTML page is still recognised',
      status: 403,
      body: '<h1>Account Over Rate Limit</h1>\n',
      kind: 'throttled',
      code: 'OVER_QUOTA',
      retryAfterMs: 3_600_000,
    },
    { name: '403 "Forbidden": a refusal', status: 403, body: 'Forbidden', kind: 'permanent', code: 'FORBIDDEN' },
    {
      name: '403 "Not Authorized": the key is unknown',
      status: 403,
      body: 'Not Authorized\n',
      kind: 'permanent',
      code: 'NOT_AUTHORIZED',
    },
    {
      name: 'a gateway QPS 403 on a queue read stays throttled, not a poison element',
      status: 403,
      body: 'Account Over Queries Per Second Limit',
      rules: peekRules,
      kind: 'throttled',
      code: 'OVER_QPS',
      retryAfterMs: 1_000,
    },
    {
      name: 'a gateway "Forbidden" on a queue read stays a refusal, not a poison element',
      status: 403,
      body: 'Forbidden',
      rules: peekRules,
      kind: 'permanent',
      code: 'FORBIDDEN',
    },
    {
      name: 'another 403 on a queue read is the object not accessible',
      status: 403,
      body: '',
      rules: peekRules,
      kind: 'permanent',
      code: 'ELEMENT_FORBIDDEN',
    },
    {
      name: '404 on a queue read is the object gone',
      status: 404,
      rules: peekRules,
      kind: 'permanent',
      code: 'ELEMENT_GONE',
    },
    { name: '500: try again', status: 500, kind: 'transient', code: 'HTTP_500' },
    { name: '503: try again', status: 503, kind: 'transient', code: 'HTTP_503' },
    { name: '504: try again', status: 504, kind: 'transient', code: 'HTTP_504' },
    { name: '400: permanent', status: 400, kind: 'permanent', code: 'HTTP_400' },
    { name: '401: the credentials were refused', status: 401, kind: 'permanent', code: 'NOT_AUTHORIZED' },
    { name: '404 without a rule: not found', status: 404, kind: 'permanent', code: 'NOT_FOUND' },
    { name: '302: a redirect is never followed', status: 302, kind: 'permanent', code: 'HTTP_302' },
    {
      name: '404 with an already-applied rule',
      status: 404,
      rules: { 404: { kind: 'already-applied', code: 'NOT_FOUND', why: 'gone' } },
      kind: 'already-applied',
      code: 'NOT_FOUND',
    },
  ];
  for (const row of table) {
    it(row.name, () => {
      const failure = classifyAnswer(
        { call, status: row.status, body: row.body ?? '' },
        { ...options, rules: row.rules ?? {} },
      );
      expect(failure).toMatchObject({ kind: row.kind, code: row.code, status: row.status });
      expect(failure.retryAfterMs).toBe(row.retryAfterMs);
      expect(failure.message.startsWith(`${call}: HTTP ${row.status} `)).toBe(true);
    });
  }

  it('a 4xx says the X-Request-Error text, on one line and shortened', () => {
    const failure = classifyAnswer(
      {
        call: 'setTeam: PATCH /position/48213?api_key=***',
        status: 400,
        body: '{}',
        requestError: 'team.approvers[0].user.id:\nunknown user 7',
      },
      options,
    );
    expect(failure.message).toBe(
      'setTeam: PATCH /position/48213?api_key=***: HTTP 400 refused: team.approvers[0].user.id: unknown user 7',
    );
    const long = classifyAnswer({ call, status: 422, body: '', requestError: 'x'.repeat(1_000) }, options);
    expect(long.message.length).toBeLessThan(400);
  });
});

describe('keeping credentials out of what is written', () => {
  it('redactUrl hides the api_key wherever it is in a URL', () => {
    expect(redactUrl('/position?query=%7Bx%7D&api_key=ak_1&stream=false')).toBe(
      '/position?query=%7Bx%7D&api_key=***&stream=false',
    );
    expect(redactUrl('https://h/tlk/rest/queues?api_key=ak_1')).toBe('https://h/tlk/rest/queues?api_key=***');
    expect(redactUrl('see "https://h/x?API_KEY=ak_1#top"')).toBe('see "https://h/x?API_KEY=***#top"');
    expect(redactUrl('/queues?queueName=a')).toBe('/queues?queueName=a');
  });

  it('the scrubber removes every secret, the longest first, and redacts URLs too', () => {
    const scrub = createScrubber(['UCANSS:en3s-api:BO', 'en3s-api', 'pw-secret', 'ab']);
    expect(scrub('user UCANSS:en3s-api:BO / en3s-api / pw-secret at /x?api_key=k')).toBe(
      'user *** / *** / *** at /x?api_key=***',
    );
    // Too short to scrub without mangling every message.
    expect(scrub('about')).toBe('about');
  });
});

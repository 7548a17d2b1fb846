import { afterEach, describe, expect, it } from 'vitest';
import { startTenant, type StartedTenant } from './helpers.js';

/** Spec §1: the API key in the query, the user, the gateway's limits, X-Request-Error on 4xx. */

const oneJob = '{ positions(where: {id_eq: 1}) { id } }';
let s: StartedTenant | null = null;
afterEach(async () => {
  await s?.stop();
  s = null;
});

describe('tenant access (docs/talentlink.md §1)', () => {
  it('serves a call with the key in the query and the user as HTTP Basic or username/password headers', async () => {
    s = await startTenant();
    const basic = await s.api('GET', '/position', { params: { query: oneJob } });
    expect(basic.status).toBe(200);
    expect(basic.json).toEqual({ data: { positions: [] } });
    const headers = await s.api('GET', '/position', { params: { query: oneJob }, auth: 'headers' });
    expect(headers.status).toBe(200);
  });

  it('refuses a call: no key (401), the key as a header only (401), an unknown key (403 Not Authorized)', async () => {
    s = await startTenant();
    const missing = await s.api('GET', '/position', { params: { query: oneJob }, apiKey: null });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('x-request-error')).toMatch(/api_key/);
    const response = await fetch(`${s.url}/tlk/rest/position?query=${encodeURIComponent(oneJob)}`, {
      headers: { api_key: 'demo', username: 'demo:demo:BO', password: 'demo' },
    });
    expect(response.status).toBe(401);
    const unknown = await s.api('GET', '/position', { params: { query: oneJob }, apiKey: 'not-the-key' });
    expect(unknown.status).toBe(403);
    expect(unknown.text).toBe('Not Authorized');
    expect(unknown.headers.get('x-request-error')).toBeTruthy();
    expect(s.tenant.counters().refused).toMatchObject({ unauthorized: 2, notAuthorized: 1 });
  });

  it('refuses a missing or wrong user with 401 and a reason that never echoes the secrets', async () => {
    s = await startTenant();
    const none = await s.api('GET', '/position', { params: { query: oneJob }, auth: 'none' });
    expect(none.status).toBe(401);
    const wrong = await fetch(`${s.url}/tlk/rest/position?api_key=demo&query=${encodeURIComponent(oneJob)}`, {
      headers: { username: 'demo:demo:BO', password: 'nope' },
    });
    expect(wrong.status).toBe(401);
    const reason = wrong.headers.get('x-request-error') ?? '';
    expect(reason).toMatch(/password/);
    expect(reason).not.toContain('nope');
  });

  it('the 9th call within 1 s gets 403 "Account Over Queries Per Second Limit", never 429 or Retry-After', async () => {
    let now = 0;
    s = await startTenant({ callsPerSecond: 8 }, () => now);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1) {
      now = i * 100;
      statuses.push((await s.api('GET', '/queues')).status);
    }
    expect(statuses.every((st) => st === 200)).toBe(true);
    now = 999;
    const ninth = await s.api('GET', '/queues');
    expect(ninth.status).toBe(403);
    expect(ninth.text).toBe('Account Over Queries Per Second Limit');
    expect(ninth.headers.get('x-request-error')).toBeTruthy();
    expect(ninth.headers.get('retry-after')).toBeNull();
    // The refused call is not counted: at 1,000 ms the call of 0 ms leaves the window, one slot frees.
    now = 1_000;
    expect((await s.api('GET', '/queues')).status).toBe(200);
    expect((await s.api('GET', '/queues')).status).toBe(403);
    const counters = s.tenant.counters();
    expect(counters.maxCallsInWindow).toBe(8);
    expect(counters.refused.overQps).toBe(2);
    expect(counters.calls.listQueues).toEqual({ '200': 9, '403': 2 });
  });

  it('keeps the real 8 calls per second for calls fired at once', async () => {
    s = await startTenant({ callsPerSecond: 8 });
    const answers = await Promise.all(Array.from({ length: 12 }, () => s!.api('GET', '/queues')));
    const refused = answers.filter((a) => a.status === 403);
    expect(answers.filter((a) => a.status === 200)).toHaveLength(8);
    expect(refused).toHaveLength(4);
    expect(refused.every((a) => a.text === 'Account Over Queries Per Second Limit')).toBe(true);
  });

  it('answers 403 "Account Over Rate Limit" once the monthly quota is spent, until 30 days have rolled', async () => {
    s = await startTenant({ monthlyQuota: 3 });
    for (let i = 0; i < 3; i += 1) expect((await s.api('GET', '/queues')).status).toBe(200);
    const over = await s.api('GET', '/queues');
    expect(over.status).toBe(403);
    expect(over.text).toBe('Account Over Rate Limit');
    s.tenant.clock.advance(29 * 86_400_000);
    expect((await s.api('GET', '/queues')).status).toBe(403);
    s.tenant.clock.advance(86_400_000);
    expect((await s.api('GET', '/queues')).status).toBe(200);
    expect(s.tenant.counters().refused.overQuota).toBe(2);
  });

  it('answers 404 with X-Request-Error to a path the API lacks, counts each call by operation and status', async () => {
    s = await startTenant();
    const missing = await s.api('GET', '/jobs');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-error')).toMatch(/No resource GET \/jobs/);
    expect((await s.api('GET', '/position')).status).toBe(400);
    expect(s.tenant.counters().calls).toEqual({ unknown: { '404': 1 }, positions: { '400': 1 } });
  });
});

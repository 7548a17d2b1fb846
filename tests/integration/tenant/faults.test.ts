import { afterEach, describe, expect, it } from 'vitest';
import { queries } from '../../../connectors/talentlink/rest/queries.js';
import { EN3S, newJob, startTenant, type StartedTenant } from './helpers.js';

/** Spec §7: errors and latency per call, the gateway's 403s, a spent quota, elements repeated in a queue. */

let s: StartedTenant | null = null;
afterEach(async () => {
  await s?.stop();
  s = null;
});

const team = { team: { approvers: [{ order: 1, stepOrder: 1, user: { id: EN3S } }] } };

describe('fault injection (docs/talentlink.md §7)', () => {
  it('fails the next N calls of one operation with a 5xx before anything is applied', async () => {
    s = await startTenant();
    const id = newJob(s.tenant);
    s.tenant.faults.configure({ errors: { next: 2, status: 503, operations: ['patchPosition'] } });
    expect((await s.query('/position', queries.jobById(id))).status).toBe(200);
    const failed = await s.api('PATCH', `/position/${id}`, { body: team });
    expect(failed.status).toBe(503);
    expect(failed.headers.get('retry-after')).toBeNull();
    expect(s.tenant.state.jobs.get(id)!.team.approvers).toEqual([]);
    expect((await s.api('PATCH', `/position/${id}`, { body: team })).status).toBe(503);
    expect((await s.api('PATCH', `/position/${id}`, { body: team })).status).toBe(204);
    expect(s.tenant.state.jobs.get(id)!.team.approvers).toHaveLength(1);
    expect(s.tenant.counters().calls.patchPosition).toEqual({ '503': 2, '204': 1 });
    expect(s.tenant.counters().faults.errors).toBe(2);
  });

  it('fails a share of the calls by rate, the same calls for the same seed', async () => {
    const run = async (seed: number) => {
      const t = await startTenant({ seed });
      t.tenant.faults.configure({ errors: { rate: 0.5, status: 500 } });
      const statuses: number[] = [];
      for (let i = 0; i < 16; i += 1) statuses.push((await t.api('GET', '/queues')).status);
      await t.stop();
      return statuses;
    };
    const first = await run(7);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run(7)).toEqual(first);
  });

  it('holds calls back by the configured latency', async () => {
    s = await startTenant();
    s.tenant.faults.configure({ latency: { ms: 150, next: 1 } });
    const started = performance.now();
    await s.api('GET', '/queues');
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(s.tenant.counters().faults.delayed).toBe(1);
  });

  it('answers a storm of "over QPS" 403s and a spent quota whatever the real traffic', async () => {
    s = await startTenant();
    s.tenant.faults.configure({ gatewayStorm: { next: 3 } });
    const storm = await Promise.all([1, 2, 3].map(() => s!.api('GET', '/queues')));
    expect(storm.map((a) => [a.status, a.text])).toEqual(Array(3).fill([403, 'Account Over Queries Per Second Limit']));
    expect((await s.api('GET', '/queues')).status).toBe(200);
    const configured = await s.driver('PUT', '/faults', { quotaExhausted: true });
    expect(configured.json.quotaExhausted).toBe(true);
    const spent = await s.api('GET', '/queues');
    expect([spent.status, spent.text]).toEqual([403, 'Account Over Rate Limit']);
    expect((await s.driver('PUT', '/faults', {})).json.quotaExhausted).toBe(false);
    expect((await s.api('GET', '/queues')).status).toBe(200);
    expect(s.tenant.counters().refused).toMatchObject({ overQps: 3, overQuota: 1 });
  });

  it('repeats an element in a queue, breaking unique elements as a fault', async () => {
    s = await startTenant();
    s.tenant.faults.configure({ queueRepeat: { next: 1 } });
    const id = newJob(s.tenant);
    expect(s.tenant.queues.elements('en3s-positions').map((e) => e.objectId)).toEqual([id, id]);
    expect(s.tenant.counters().queues.repeated).toBe(1);
  });

  it('refuses a malformed fault plan in French', async () => {
    s = await startTenant();
    const bad = await s.driver('PUT', '/faults', { errors: { rate: 2 } });
    expect(bad.status).toBe(400);
    expect(bad.json.message).toMatch(/^Entrée invalide : errors\.rate/);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { carsatOffer, startReceiver, startSandbox, testSecret, waitFor, type StartedSandbox } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function sandboxWith(options: Parameters<typeof startSandbox>[0]): Promise<StartedSandbox> {
  const s = await startSandbox(options);
  cleanups.push(() => s.stop());
  return s;
}

async function statuses(s: StartedSandbox, count: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < count; i += 1) out.push((await s.api('GET', '/jobs')).status);
  return out;
}

describe('fault injection', () => {
  it('fails the same calls for the same seed, and other calls for another seed', async () => {
    const faults = { seed: 42, apiErrorRatio: 0.3 };
    const a = await statuses(await sandboxWith({ faults }), 40);
    const b = await statuses(await sandboxWith({ faults }), 40);
    const c = await statuses(await sandboxWith({ faults: { ...faults, seed: 43 } }), 40);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.filter((x) => x === 200).length).toBeGreaterThan(15);
    expect(a.filter((x) => x === 500 || x === 503).length).toBeGreaterThan(3);
  });

  it('applies nothing when a call fails, and says 503 with Retry-After', async () => {
    const s = await sandboxWith({});
    const job = (await s.driver('POST', '/jobs', carsatOffer)).json;
    const set = await s.driver('PUT', '/faults', { seed: 5, apiErrorRatio: 1, apiErrorStatuses: [503] });
    expect(set.json).toMatchObject({ seed: 5, apiErrorRatio: 1 });
    const lock = await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: true } });
    expect(lock.status).toBe(503);
    expect(lock.headers.get('retry-after')).toBe('1');
    expect(lock.json.code).toBe('SERVICE_UNAVAILABLE');
    const team = await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { name: 'EN3S dérogation' } });
    expect(team.status).toBe(503);
    await s.driver('PUT', '/faults', {});
    const after = await s.api('GET', `/jobs/${job.id}`);
    expect(after.json.version).toBe(1);
    expect(after.json.publicationLock.locked).toBe(false);
    expect(s.sandbox.counters().overall).toMatchObject({ locksApplied: 0, teamAssignmentsApplied: 0 });
    expect(s.sandbox.counters().http.faultsInjected).toBe(2);
    expect((await s.driver('PUT', '/faults', { apiErrorRatio: 2 })).status).toBe(400);
    expect((await s.driver('PATCH', '/faults', { latencyMinMs: 50, latencyMaxMs: 10 })).status).toBe(400);
  });

  it('adds latency within the configured bounds', async () => {
    const s = await sandboxWith({ faults: { latencyMinMs: 60, latencyMaxMs: 90 } });
    const started = Date.now();
    await s.api('GET', '/jobs');
    expect(Date.now() - started).toBeGreaterThanOrEqual(58);
  });

  it('drops and duplicates pushed notifications reproducibly; the queue still gets every one', async () => {
    const run = async () => {
      const receiver = await startReceiver();
      cleanups.push(() => receiver.close());
      const s = await sandboxWith({ webhookUrls: [receiver.url], webhookSecrets: [testSecret], faults: { seed: 9, notificationDropRatio: 0.3, notificationDuplicateRatio: 0.3 } });
      for (let i = 0; i < 20; i += 1) await s.driver('POST', '/jobs', { ...carsatOffer, title: `Offre ${i}` });
      await s.sandbox.deliveries.idle(5_000);
      const fates = (await s.driver('GET', '/notifications')).json.items.map((n: any) => n.push);
      return { s, receiver, fates };
    };
    const first = await run();
    const second = await run();
    expect(first.fates).toEqual(second.fates);
    const n = first.s.sandbox.counters().notifications;
    expect(n.dropped).toBeGreaterThan(0);
    expect(n.duplicated).toBeGreaterThan(0);
    expect(first.receiver.calls).toHaveLength(20 - n.dropped + n.duplicated);
    const ids = first.receiver.calls.map((c) => String(c.headers['webhook-id']));
    expect(new Set(ids).size).toBe(20 - n.dropped);
    expect(n.queued).toBe(20);
    expect(first.s.sandbox.queues.summary()[0]?.size).toBe(20);
  });

  it('drops the next notification on demand', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const s = await sandboxWith({ webhookUrls: [receiver.url], webhookSecrets: [testSecret] });
    expect((await s.driver('POST', '/notifications/drop-next', {})).json).toEqual({ dropNextPending: 1 });
    const dropped = (await s.driver('POST', '/jobs', carsatOffer)).json;
    const kept = (await s.driver('POST', '/jobs', carsatOffer)).json;
    await waitFor(() => s.sandbox.counters().notifications.delivered === 1);
    await s.sandbox.deliveries.idle();
    expect(receiver.calls).toHaveLength(1);
    expect(receiver.calls[0]!.body).toContain(`<job id="${kept.id}"`);
    expect((await s.driver('GET', `/notifications?jobId=${dropped.id}`)).json.items[0].push).toBe('dropped');
    expect(s.sandbox.counters().notifications.dropped).toBe(1);
  });

  it('delivers some notifications late, out of order, within the reordering window', async () => {
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    const s = await sandboxWith({ webhookUrls: [receiver.url], webhookSecrets: [testSecret], webhookFormat: 'json', faults: { seed: 3, reorderRatio: 1, reorderWindowMs: 150 } });
    for (let i = 0; i < 10; i += 1) await s.driver('POST', '/jobs', { ...carsatOffer, title: `Offre ${i}` });
    await waitFor(() => s.sandbox.counters().notifications.delivered === 10, 5_000);
    const arrival = receiver.calls.map((c) => Number(JSON.parse(c.body).job.id));
    expect(arrival).not.toEqual([...arrival].sort((a, b) => a - b));
    expect(s.sandbox.counters().notifications.delayed).toBe(10);
  });
});

describe('rate limit', () => {
  it('answers 429 with Retry-After beyond 10 requests per second, then lets calls through again', async () => {
    const s = await sandboxWith({ rateLimitPerSecond: 10 });
    const answers = await Promise.all(Array.from({ length: 15 }, () => s.api('GET', '/jobs')));
    const limited = answers.filter((a) => a.status === 429);
    expect(answers.filter((a) => a.status === 200).length).toBe(10);
    expect(limited.length).toBe(5);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    expect(limited[0]!.json.code).toBe('RATE_LIMITED');
    expect(s.sandbox.counters().http.rateLimited).toBe(5);
    await new Promise((resolve) => setTimeout(resolve, 1_050));
    expect((await s.api('GET', '/jobs')).status).toBe(200);
  });

  it('takes another limit from the options, and does not limit the driver API', async () => {
    const s = await sandboxWith({ rateLimitPerSecond: 3 });
    const answers = await Promise.all(Array.from({ length: 5 }, () => s.api('GET', '/jobs')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 429, 429]);
    const driver = await Promise.all(Array.from({ length: 10 }, () => s.driver('GET', '/counters')));
    expect(driver.every((a) => a.status === 200)).toBe(true);
  });
});

import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { DIRECTOR, must, newJob, startAlertReceiver, startTenant, type StartedTenant } from './helpers.js';

/** Spec §5: the queue alert, a bare unsigned `{queueName}` POST per element added; lost or repeated by faults. */

let s: StartedTenant | null = null;
const receivers: Array<{ stop(): Promise<void> }> = [];
afterEach(async () => {
  await s?.stop();
  s = null;
  for (const r of receivers.splice(0)) await r.stop();
});

describe('queue alerts (docs/talentlink.md §5)', () => {
  it('POSTs {"queueName": …} as JSON without any signature to every alert URL, once per element added', async () => {
    const [a, b] = [await startAlertReceiver(), await startAlertReceiver(500)];
    receivers.push(a, b);
    s = await startTenant({ alertUrls: [a.url, b.url] });
    const id = newJob(s.tenant, 'Responsable paie', [DIRECTOR]);
    must(s.tenant.driver.submitForApproval(id)); // folded into the unread element: no alert
    await s.tenant.alertsSettled();
    expect(a.received.map((r) => r.body)).toEqual([{ queueName: 'en3s-positions' }]);
    expect(b.received).toHaveLength(1);
    const headers = a.received[0]!.headers;
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(Object.keys(headers).filter((h) => /signature|webhook|authorization/i.test(h))).toEqual([]);
    expect(s.tenant.counters().alerts).toEqual({ sent: 2, delivered: 1, failed: 1, dropped: 0, repeated: 0 });
    expect(
      s.tenant
        .recentAlerts()
        .map((r) => r.status)
        .sort(),
    ).toEqual([202, 500]);
  });

  it('never waits for a receiver that does not answer, and counts the time-out as failed', async () => {
    // A receiver on loopback that accepts the connection and never answers.
    const held: Socket[] = [];
    const silent = createServer((socket) => void held.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    receivers.push({
      stop: () => {
        for (const socket of held) socket.destroy();
        return new Promise<void>((resolve) => silent.close(() => resolve()));
      },
    });
    const { port } = silent.address() as AddressInfo;
    s = await startTenant({ alertUrls: [`http://127.0.0.1:${port}/alert`], alertTimeoutMs: 50 });
    newJob(s.tenant);
    // The job is created before the alert is answered: the alert is still on its way.
    expect(s.tenant.counters().alerts).toMatchObject({ sent: 1, delivered: 0, failed: 0 });
    await s.tenant.alertsSettled();
    expect(s.tenant.counters().alerts).toMatchObject({ sent: 1, failed: 1 });
  });

  it('drops or repeats alerts by fault injection, next-N or by rate (seeded)', async () => {
    const r = await startAlertReceiver();
    receivers.push(r);
    s = await startTenant({ alertUrls: [r.url] });
    s.tenant.faults.configure({ alerts: { dropNext: 1, repeatNext: 1 } });
    newJob(s.tenant);
    newJob(s.tenant);
    newJob(s.tenant);
    await s.tenant.alertsSettled();
    expect(r.received).toHaveLength(3);
    expect(s.tenant.counters().alerts).toMatchObject({ dropped: 1, repeated: 1, sent: 3, delivered: 3 });
    const drawn = async () => {
      s!.tenant.reset();
      s!.tenant.faults.configure({ alerts: { dropRate: 0.5 } });
      for (let i = 0; i < 20; i += 1) newJob(s!.tenant);
      await s!.tenant.alertsSettled();
      return s!.tenant.counters().alerts.dropped;
    };
    const first = await drawn();
    expect(first).toBeGreaterThan(0);
    expect(first).toBeLessThan(20);
    expect(await drawn()).toBe(first);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { parseNotification } from '../../../connectors/talentlink/payload.js';
import { specRetryScheduleMs } from '../../../connectors/talentlink/sandbox/index.js';
import { carsatOffer, startReceiver, startSandbox, testSecret, waitFor, type Receiver, type StartedSandbox } from './helpers.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(receiver: Receiver, options: Parameters<typeof startSandbox>[0] = {}): Promise<StartedSandbox> {
  const s = await startSandbox({ webhookUrls: [receiver.url], webhookSecrets: [testSecret], clockStart: '2027-01-12T10:31:00Z', freezeClock: true, ...options });
  cleanups.push(() => s.stop(), () => receiver.close());
  return s;
}

describe('webhook notifications', () => {
  it('pushes one signed XML notification per change, verified with Webhook.verify, the full job as of the event', async () => {
    const receiver = await startReceiver();
    const s = await setup(receiver);
    const job = (await s.driver('POST', '/jobs', carsatOffer)).json;
    await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { name: 'EN3S dérogation' } });
    await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { name: 'EN3S dérogation' } });
    await s.api('POST', `/jobs/${job.id}/approval-process`, { body: {} });
    await s.driver('POST', `/jobs/${job.id}/validate`, {});
    await waitFor(() => s.sandbox.counters().notifications.delivered === 4, 5_000, 'four deliveries');
    expect(receiver.calls.every((c) => c.verified)).toBe(true);
    const parsed = receiver.calls.map((c) => {
      expect(c.headers['content-type']).toMatch(/^application\/xml/);
      const result = parseNotification(c.body, String(c.headers['content-type']));
      if (!result.ok || result.kind !== 'notification') throw new Error(`unparsable: ${JSON.stringify(result)}`);
      expect(c.headers['webhook-id']).toBe(result.notification.id);
      expect(Number(c.headers['webhook-timestamp'])).toBeGreaterThan(Date.now() / 1000 - 60);
      return result.notification;
    });
    parsed.sort((a, b) => a.job.version - b.job.version);
    expect(parsed.map((n) => `${n.type}@${n.job.version}`)).toEqual(['job.created@1', 'job.updated@2', 'job.approval.started@3', 'job.approval.decided@4']);
    expect(new Set(parsed.map((n) => n.id)).size).toBe(4);
    expect(parsed[3]!.job.approvalProcess?.steps[0]?.status).toBe('APPROVED');
    expect(parsed[3]!.occurredAt).toBe('2027-01-12T10:31:00Z');
    expect(s.sandbox.counters().notifications).toMatchObject({ built: 4, sent: 4, delivered: 4, retried: 0, dropped: 0 });
  });

  it('pushes JSON when configured, signed with every secret during a rotation', async () => {
    const receiver = await startReceiver(() => 204, 'whsec_bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbg==');
    const s = await setup(receiver, { webhookFormat: 'json', webhookSecrets: [testSecret, 'whsec_bmV3LXNlY3JldC1hZnRlci1yb3RhdGlvbg=='] });
    await s.driver('POST', '/jobs', carsatOffer);
    await waitFor(() => receiver.calls.length === 1);
    const call = receiver.calls[0]!;
    expect(call.verified).toBe(true);
    expect(String(call.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(call.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(call.body)).toMatchObject({ type: 'job.created', job: { version: 1, openingName: carsatOffer.title } });
  });

  it('retries a failing receiver on the spec schedule (scaled), keeping the id, then gives up', async () => {
    const receiver = await startReceiver(() => 500);
    const factor = 0.00002; // 5 s → 0.1 ms … 10 h → 720 ms
    const s = await setup(receiver, { retryFactor: factor });
    await s.driver('POST', '/jobs', carsatOffer);
    await waitFor(() => s.sandbox.counters().notifications.givenUp === 1, 10_000, 'the delivery to be given up');
    expect(receiver.calls).toHaveLength(7);
    expect(new Set(receiver.calls.map((c) => c.headers['webhook-id'])).size).toBe(1);
    expect(receiver.calls.every((c) => c.verified)).toBe(true);
    const gaps = receiver.calls.slice(1).map((c, i) => c.at - receiver.calls[i]!.at);
    specRetryScheduleMs.forEach((wait, i) => expect(gaps[i]!, `gap ${i + 1}`).toBeGreaterThanOrEqual(Math.floor(wait * factor) - 2));
    expect(gaps[5]!).toBeGreaterThan(gaps[3]!);
    expect(s.sandbox.counters().notifications).toMatchObject({ sent: 7, retried: 6, failedAttempts: 7, delivered: 0, givenUp: 1 });
    const records = (await s.driver('GET', '/deliveries?state=given-up')).json.items;
    expect(records[0]).toMatchObject({ state: 'given-up', attempts: 7, lastStatus: 500, type: 'job.created' });
  });

  it('delivers once the receiver recovers', async () => {
    const receiver = await startReceiver((i) => (i < 2 ? 503 : 200));
    const s = await setup(receiver, { retryFactor: 0.00002 });
    await s.driver('POST', '/jobs', carsatOffer);
    await waitFor(() => s.sandbox.counters().notifications.delivered === 1);
    expect(receiver.calls).toHaveLength(3);
    expect(s.sandbox.counters().notifications).toMatchObject({ sent: 3, retried: 2, failedAttempts: 2, givenUp: 0 });
  });

  it('retries on network errors too, lists pending deliveries and flushes them on demand', async () => {
    const receiver = await startReceiver();
    const url = receiver.url;
    await receiver.close();
    const s = await startSandbox({ webhookUrls: [url], webhookSecrets: [testSecret] });
    cleanups.push(() => s.stop());
    await s.driver('POST', '/jobs', carsatOffer);
    await waitFor(() => s.sandbox.counters().notifications.failedAttempts === 1);
    const pending = (await s.driver('GET', '/deliveries?state=scheduled')).json;
    expect(pending.items).toHaveLength(1);
    expect(pending.items[0]).toMatchObject({ attempts: 1, state: 'scheduled', lastStatus: null });
    expect(pending.items[0].lastError).toBeTruthy();
    // The next attempt is 5 s away; a flush makes it now.
    const flushed = await s.driver('POST', '/deliveries/flush', {});
    expect(flushed.json).toEqual({ attempted: 1, pending: 1 });
    expect(s.sandbox.counters().notifications).toMatchObject({ sent: 2, retried: 1, failedAttempts: 2 });
    expect((await s.driver('GET', '/deliveries?state=nope')).status).toBe(400);
  });

  it('in queue-alert mode pushes a bare signed {queueName} alert per queued element, the queue holding the notification', async () => {
    const receiver = await startReceiver();
    const s = await setup(receiver, { webhookMode: 'queue-alert', queueNames: ['en3s-job-events'] });
    await s.driver('POST', '/jobs', carsatOffer);
    await waitFor(() => s.sandbox.counters().notifications.delivered === 1);
    const call = receiver.calls[0]!;
    expect(call.verified).toBe(true);
    const alert = JSON.parse(call.body);
    expect(alert).toMatchObject({ type: 'queue.element.added', queueName: 'en3s-job-events' });
    expect(call.headers['webhook-id']).toBe(alert.id);
    expect(parseNotification(call.body, 'application/json')).toMatchObject({ ok: true, kind: 'queue-alert', alert: { queueName: 'en3s-job-events' } });
    const element = await s.api('GET', '/queues/job-events/en3s-job-events/oldest-element', { headers: { accept: 'application/json' } });
    expect(element.json.type).toBe('job.created');
    expect(s.sandbox.counters().notifications).toMatchObject({ alerts: 1, queued: 1, delivered: 1 });
  });
});

import { XMLParser } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { notificationSchema } from '../../../connectors/talentlink/job-document.js';
import { basicAuth, carsatOffer, credentials, startSandbox, type StartedSandbox } from './helpers.js';

let s: StartedSandbox;

beforeAll(async () => {
  s = await startSandbox({ clockStart: '2027-01-20T08:00:00Z', freezeClock: true, queueNames: ['en3s', 'audit'], visibilityTimeoutMs: 60_000 });
});
afterAll(() => s.stop());

const oldest = (queue: string, accept?: string) => s.api('GET', `/queues/job-events/${queue}/oldest-element`, accept ? { headers: { accept } } : {});

async function drain(queue: string): Promise<void> {
  for (;;) {
    const r = await oldest(queue, 'application/json');
    if (r.status === 204) return;
    await s.api('DELETE', `/queues/job-events/${queue}/elements/${r.json.id}`);
  }
}

describe('event queue (pull)', () => {
  it('answers 204 when the queue is empty, and 404 for an unknown queue', async () => {
    expect((await oldest('en3s')).status).toBe(204);
    const unknown = await oldest('nope');
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('QUEUE_NOT_FOUND');
  });

  it('hands out the oldest notification as XML by default and as JSON on request', async () => {
    const job = (await s.driver('POST', '/jobs', carsatOffer)).json;
    const xml = await oldest('en3s');
    expect(xml.status).toBe(200);
    expect(xml.headers.get('content-type')).toMatch(/^application\/xml/);
    expect(xml.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<notification xmlns="urn:talentlink-style:notification:1" id="evt-[^"]+" type="job.created"/);
    const parsed = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false }).parse(xml.text);
    expect(parsed.notification.job.id).toBe(job.id);
    expect(parsed.notification.job.openingName).toBe(carsatOffer.title);
    // The element is now invisible: the next read answers the other queue's copy only.
    expect((await oldest('en3s')).status).toBe(204);
    const json = await oldest('audit', 'application/json');
    expect(json.headers.get('content-type')).toMatch(/^application\/json/);
    const notification = notificationSchema.parse(json.json);
    expect(notification).toMatchObject({ type: 'job.created', occurredAt: '2027-01-20T08:00:00Z', job: { id: job.id, version: 1 } });
    expect(json.headers.get('x-notification-id')).toBe(notification.id);
    expect(parsed.notification.id).toBe(notification.id);
  });

  it('hands an element out again after the visibility timeout (sandbox time), until it is deleted', async () => {
    await drain('en3s');
    s.sandbox.clock.advance(120_000);
    await drain('en3s');
    const job = (await s.driver('POST', '/jobs', carsatOffer)).json;
    const first = await oldest('en3s', 'application/json');
    expect(first.json.job.id).toBe(job.id);
    s.sandbox.clock.advance(59_000);
    expect((await oldest('en3s')).status).toBe(204);
    s.sandbox.clock.advance(1_000);
    const again = await oldest('en3s', 'application/json');
    expect(again.json.id).toBe(first.json.id);
    expect(s.sandbox.counters().queues.redelivered).toBeGreaterThanOrEqual(1);
    const del = await s.api('DELETE', `/queues/job-events/en3s/elements/${first.json.id}`);
    expect(del.status).toBe(204);
    expect(del.text).toBe('');
    const delAgain = await s.api('DELETE', `/queues/job-events/en3s/elements/${first.json.id}`);
    expect(delAgain.status).toBe(204);
    s.sandbox.clock.advance(120_000);
    expect((await oldest('en3s')).status).toBe(204);
    expect(s.sandbox.counters().queues).toMatchObject({ deleteNoop: expect.any(Number) });
    expect(s.sandbox.counters().queues.deleteNoop).toBeGreaterThanOrEqual(1);
  });

  it('keeps the order of changes: oldest first', async () => {
    await drain('en3s');
    const job = (await s.driver('POST', '/jobs', carsatOffer)).json;
    await s.api('PUT', `/jobs/${job.id}/teams/approval`, { body: { name: 'EN3S dérogation' } });
    await s.api('POST', `/jobs/${job.id}/approval-process`, { body: {} });
    const seen: string[] = [];
    for (;;) {
      const r = await oldest('en3s', 'application/json');
      if (r.status === 204) break;
      seen.push(`${r.json.type}@${r.json.job.version}`);
      await s.api('DELETE', `/queues/job-events/en3s/elements/${r.json.id}`);
    }
    expect(seen).toEqual(['job.created@1', 'job.updated@2', 'job.approval.started@3']);
  });

  it('is also served at /queues/… (the spec writes the path without the REST prefix), with the same credentials', async () => {
    const unauthenticated = await fetch(`${s.url}/queues/job-events/en3s/oldest-element`);
    expect(unauthenticated.status).toBe(401);
    const ok = await fetch(`${s.url}/queues/job-events/en3s/oldest-element`, { headers: { authorization: basicAuth(credentials.user, credentials.password), api_key: credentials.apiKey } });
    expect([200, 204]).toContain(ok.status);
  });
});

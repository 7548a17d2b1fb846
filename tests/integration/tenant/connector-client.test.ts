import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTalentLinkPort, type TalentLinkPort } from '../../../connectors/talentlink/rest/port.js';
import { RecordingBudget, testMapper } from '../../unit/talentlink-rest/support.js';
import {
  afterWindow,
  credentials,
  DIRECTOR,
  EN3S,
  must,
  newJob,
  RECRUITER,
  startTenant,
  type StartedTenant,
} from './helpers.js';

/**
 * The connector's own REST client against the tenant, at the real 8 calls per second: what the
 * one speaks, the other answers. Any drift between the client and the simulator shows here.
 */

let s: StartedTenant;
let port: TalentLinkPort;
beforeAll(async () => {
  s = await startTenant({ callsPerSecond: 8, clock: { start: afterWindow, frozen: true } });
  port = createTalentLinkPort({
    baseUrl: s.url,
    ...credentials,
    budget: new RecordingBudget(() => Date.now()),
    mapOpening: testMapper,
  });
});
afterAll(() => s.stop());

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the connector REST client against the tenant', () => {
  it('finds the EN3S approver, reads a job, sets its team, drains its queue element', async () => {
    const id = newJob(s.tenant, 'Responsable paie', [DIRECTOR]);
    const user = await port.findUserId('en3s.derogation');
    expect(user).toEqual({ ok: true, value: String(EN3S) });
    const read = await port.fetchJob(String(id), { withPostings: true });
    if (!read.ok) throw new Error(read.error.message);
    expect(read.value.snapshot).toMatchObject({ atsId: String(id), atsStatus: 'Brouillon', title: 'Responsable paie' });
    const team = read.value.snapshot.team;
    const withEn3s = {
      ...team,
      approvers: [...team.approvers, { userId: String(EN3S), order: 2, stepOrder: 1, role: 'dérogation EN3S' }],
    };
    expect(await port.setTeam(String(id), withEn3s)).toEqual({ ok: true, value: undefined });
    expect(s.tenant.state.jobs.get(id)!.team.approvers.map((a) => a.userId)).toEqual([DIRECTOR, EN3S]);
    expect(s.tenant.state.jobs.get(id)!.team.recruiters.map((r) => r.userId)).toEqual([RECRUITER]);

    const queue = { name: 'en3s-positions', kind: 'job' as const };
    const element = await port.peekQueue(queue);
    expect(element).toMatchObject({ ok: true, value: { kind: 'job', jobId: String(id), atsStatus: 'Brouillon' } });
    if (!element.ok || !element.value) throw new Error('no element');
    expect((await port.deleteQueueElement(queue, element.value.elementId)).ok).toBe(true);
    expect(await port.peekQueue(queue)).toEqual({ ok: true, value: null });
    await pause(1_000);
  });

  it('takes a posting down, and names a poison element so the drain can clear it', async () => {
    const posting = must(s.tenant.driver.publish(newJob(s.tenant, 'Auditeur interne')));
    expect((await port.listPostings(String(posting.openingId))).ok).toBe(true);
    expect(await port.takeDownPostings([String(posting.id)])).toEqual({ ok: true, value: undefined });
    const again = await port.takeDownPostings([String(posting.id)]);
    expect(again.ok ? 'ok' : again.error.kind).toBe('already-applied');
    const postings = { name: 'en3s-postings', kind: 'posting' as const };
    expect((await port.deleteOldestQueueElement(postings)).ok).toBe(true);
    must(s.tenant.driver.injectPoison('en3s-postings', 'gone'));
    const poison = await port.peekQueue(postings);
    expect(poison.ok ? 'ok' : poison.error.code).toBe('ELEMENT_GONE');
    expect((await port.deleteOldestQueueElement(postings)).ok).toBe(true);
    await pause(1_000);
  });

  it('reads the gateway refusal of a ninth call within a second as throttling', async () => {
    const answers = await Promise.all(Array.from({ length: 10 }, () => port.listQueues()));
    const throttled = answers.filter((a) => !a.ok && a.error.kind === 'throttled' && a.error.code === 'OVER_QPS');
    expect(throttled.length).toBeGreaterThanOrEqual(2);
    expect(s.tenant.counters().maxCallsInWindow).toBe(8);
  });
});

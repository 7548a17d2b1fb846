import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTenant, type Tenant } from '../../../connectors/talentlink/tenant/index.js';
import {
  afterWindow,
  CPAM,
  DIRECTOR,
  DIRECTOR2,
  EN3S,
  inWindow,
  must,
  newJob,
  startTenant,
  type StartedTenant,
} from './helpers.js';

/** Spec §6: the tenant's statuses and rules, one case per line of its table, and the driver over HTTP. */

const status = (t: Tenant, id: number) => t.state.jobs.get(id)!.status;
const events = (t: Tenant) => t.queues.elements('en3s-positions').length;

function tenantAt(instant: string, rules = {}): Tenant {
  return createTenant({ callsPerSecond: 0, clock: { start: instant, frozen: true }, rules });
}

describe('the rules table (docs/talentlink.md §6)', () => {
  it('create → Brouillon with JOB_CREATED_EVENT', () => {
    const t = tenantAt(inWindow);
    const id = newJob(t);
    expect(status(t, id)).toBe('Brouillon');
    expect(t.queues.elements('en3s-positions')).toEqual([
      expect.objectContaining({ objectId: id, event: 'JOB_CREATED_EVENT' }),
    ]);
  });

  it("submit needs approvers, then → En attente d'approbation", () => {
    const t = tenantAt(inWindow);
    const bare = newJob(t);
    expect(t.driver.submitForApproval(bare)).toMatchObject({ ok: false, error: { code: 'NO_APPROVERS' } });
    const id = newJob(t, 'Avec approbateur', [DIRECTOR]);
    must(t.driver.submitForApproval(id));
    expect(status(t, id)).toBe("En attente d'approbation");
  });

  it('approved by every approver of the submission → Approuvée with JOB_APPROVED_EVENT', () => {
    const t = createTenant({
      clock: { start: inWindow, frozen: true },
      queues: [
        { name: 'statuses', type: 'position', events: ['JOB_STATUS_CHANGED_EVENT'] },
        { name: 'approvals', type: 'position', events: ['JOB_APPROVED_EVENT'] },
      ],
    });
    const id = newJob(t, 'Deux approbateurs', [DIRECTOR, EN3S]);
    must(t.driver.submitForApproval(id));
    t.queues.clear();
    must(t.driver.approve(id, DIRECTOR));
    expect(status(t, id)).toBe("En attente d'approbation");
    expect(t.queues.elements('approvals')).toEqual([]);
    must(t.driver.approve(id, EN3S));
    expect(status(t, id)).toBe('Approuvée');
    expect(t.queues.elements('statuses').map((e) => e.event)).toEqual(['JOB_STATUS_CHANGED_EVENT']);
    expect(t.queues.elements('approvals').map((e) => [e.objectId, e.event])).toEqual([[id, 'JOB_APPROVED_EVENT']]);
    expect(t.driver.approve(id, EN3S)).toMatchObject({ ok: false, error: { code: 'NOT_PENDING' } });
  });

  it('the first refusal → Refusée; a non-approver cannot answer', () => {
    const t = tenantAt(inWindow);
    const id = newJob(t, 'Refusée', [DIRECTOR, EN3S]);
    must(t.driver.submitForApproval(id));
    expect(t.driver.refuse(id, DIRECTOR2)).toMatchObject({ ok: false, error: { code: 'NOT_AN_APPROVER' } });
    must(t.driver.refuse(id, EN3S));
    expect(status(t, id)).toBe('Refusée');
  });

  it('approvers added after the submission are not part of it until a new submission', () => {
    const t = tenantAt(inWindow);
    const id = newJob(t, 'Version 2', [DIRECTOR]);
    must(t.driver.submitForApproval(id));
    must(
      t.driver.setTeam(id, {
        approvers: [
          { order: 1, stepOrder: 1, user: { id: DIRECTOR } },
          { order: 2, stepOrder: 1, user: { id: EN3S } },
        ],
      }),
    );
    const late = t.driver.approve(id, EN3S);
    expect(late).toMatchObject({ ok: false, error: { code: 'NOT_AN_APPROVER' } });
    if (!late.ok) expect(late.error.message).toContain('soumission en cours');
    // The submission holds the approvers listed when it started: DIRECTOR alone approves it.
    must(t.driver.approve(id, DIRECTOR));
    expect(status(t, id)).toBe('Approuvée');
    // Submitting again starts a new submission with both.
    must(t.driver.submitForApproval(id));
    must(t.driver.approve(id, DIRECTOR));
    expect(status(t, id)).toBe("En attente d'approbation");
    must(t.driver.approve(id, EN3S));
    expect(status(t, id)).toBe('Approuvée');
  });

  it('editing a field moves updateDate; an approved job stays approved (or goes back to draft by setting)', () => {
    for (const [editKeepsApproval, expected] of [
      [true, 'Approuvée'],
      [false, 'Brouillon'],
    ] as const) {
      const t = tenantAt(inWindow, { editKeepsApproval });
      const id = newJob(t, 'Éditée', [DIRECTOR]);
      must(t.driver.submitForApproval(id));
      must(t.driver.approve(id, DIRECTOR));
      const before = t.state.jobs.get(id)!.updateDate;
      must(t.driver.editJob(id, { classification: { level: '8' } }));
      const job = t.state.jobs.get(id)!;
      expect(job.updateDate).toBeGreaterThan(before);
      expect(job.lovs.find((l) => l.name === 'Niveau ou groupe')!.value).toBe('8');
      expect(job.status).toBe(expected);
    }
  });

  it.each([
    ['in the window, approvers, not approved: refused', inWindow, [DIRECTOR], false, {}, null],
    [
      'in the window, approvers, not submitted, refused only once submitted: published',
      inWindow,
      [DIRECTOR],
      false,
      { publishRefusedOnlyOnceSubmitted: true },
      'Ouverte',
    ],
    ['in the window, approved: published, stays approved', inWindow, [DIRECTOR], true, {}, 'Approuvée'],
    ['in the window, no approvers: open without approval', inWindow, [], false, {}, 'Ouverte'],
    ['after the window, approvers, not approved: open', afterWindow, [DIRECTOR], false, {}, 'Ouverte'],
    ['the window ends 30 April 24:00 Paris', '2027-04-30T21:59:00Z', [DIRECTOR], false, {}, null],
    ['1 May 00:00 Paris is outside', '2027-04-30T22:00:00Z', [DIRECTOR], false, {}, 'Ouverte'],
  ] as const)('publish: %s', (_name, instant, approvers, approved, rules, expected) => {
    const t = tenantAt(instant, rules);
    const id = newJob(t, 'Publiée', [...approvers]);
    if (approved) {
      must(t.driver.submitForApproval(id));
      must(t.driver.approve(id, DIRECTOR));
    }
    const published = t.driver.publish(id);
    if (expected === null) {
      expect(published).toMatchObject({ ok: false, error: { code: 'PUBLICATION_REFUSED' } });
      expect(t.state.postingsOf(id)).toEqual([]);
      return;
    }
    expect(published.ok).toBe(true);
    expect(status(t, id)).toBe(expected);
    expect(t.queues.elements('en3s-postings')).toEqual([
      expect.objectContaining({ objectId: t.state.postingsOf(id)[0]!.id, event: 'POSTING_CREATED' }),
    ]);
  });

  it('close and cancel → Clôturée, Annulée with JOB_STATUS_CHANGED_EVENT; then no more action', () => {
    const t = tenantAt(inWindow);
    const [a, b] = [newJob(t), newJob(t)];
    t.queues.clear();
    must(t.driver.close(a));
    must(t.driver.cancel(b));
    expect([status(t, a), status(t, b)]).toEqual(['Clôturée', 'Annulée']);
    expect(events(t)).toBe(2);
    expect(t.driver.publish(a)).toMatchObject({ ok: false, error: { code: 'JOB_CLOSED' } });
  });

  it('the status texts are settings', () => {
    const t = tenantAt(inWindow, { statuses: { draft: 'Draft', open: 'Open' } });
    const id = newJob(t);
    expect(status(t, id)).toBe('Draft');
    must(t.driver.publish(id));
    expect(status(t, id)).toBe('Open');
  });
});

describe('the driver over HTTP (/sandbox)', () => {
  let s: StartedTenant;
  beforeAll(async () => {
    s = await startTenant();
  });
  afterAll(() => s.stop());

  it('acts as the recruiter and the approver, and answers errors {code, message} in French', async () => {
    const created = await s.driver('POST', '/jobs', {
      title: 'Chargé de mission RH',
      organizationId: CPAM,
      classification: { grid: 'Régime général', level: '7' },
    });
    expect(created.status).toBe(201);
    const id = created.json.id as number;
    const refused = await s.driver('POST', `/jobs/${id}/submit`);
    expect(refused.status).toBe(409);
    expect(refused.json).toEqual({ code: 'NO_APPROVERS', message: expect.stringContaining("n'a pas d'approbateur") });
    expect(
      (await s.driver('PUT', `/jobs/${id}/team`, { approvers: [{ order: 1, stepOrder: 1, user: { id: EN3S } }] }))
        .status,
    ).toBe(200);
    expect((await s.driver('POST', `/jobs/${id}/submit`)).json.status).toBe("En attente d'approbation");
    expect((await s.driver('POST', `/jobs/${id}/approve`, { userId: EN3S })).json.status).toBe('Approuvée');
    const published = await s.driver('POST', `/jobs/${id}/publish`);
    expect(published.status).toBe(201);
    expect((await s.driver('POST', '/postings/unpost', { postingIds: [published.json.id] })).status).toBe(200);
    expect((await s.driver('GET', '/jobs/999999')).json).toEqual({
      code: 'JOB_NOT_FOUND',
      message: 'Offre 999999 introuvable dans le bac à sable',
    });
    const invalid = await s.driver('POST', '/jobs', { organizationId: CPAM });
    expect(invalid.status).toBe(400);
    expect(invalid.json.message).toMatch(/^Entrée invalide : title/);
    expect((await s.driver('GET', '/nowhere')).json.code).toBe('NOT_FOUND');
    const counters = await s.driver('GET', '/counters');
    expect(counters.json.queues.added).toBeGreaterThan(0);
  });

  it('moves the clock', async () => {
    const moved = await s.driver('POST', '/clock', { at: '2027-05-02T10:00:00Z', frozen: true });
    expect(moved.json).toMatchObject({ mode: 'frozen', now: '2027-05-02T10:00:00Z' });
    expect((await s.driver('POST', '/clock', { advanceMs: 60_000 })).json.now).toBe('2027-05-02T10:01:00Z');
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { openingDtoSchema } from '../../../connectors/talentlink/rest/dto.js';
import { queries } from '../../../connectors/talentlink/rest/queries.js';
import { afterWindow, DIRECTOR, EN3S, must, newJob, RECRUITER, startTenant, type StartedTenant } from './helpers.js';

/** Spec §4: PATCH of the team and unpost, over HTTP, read back as the connector reads them. */

let s: StartedTenant | null = null;
afterEach(async () => {
  await s?.stop();
  s = null;
});

async function readJob(t: StartedTenant, id: number) {
  const a = await t.query('/position', queries.jobById(id));
  return openingDtoSchema.parse(a.json.data.positions[0]);
}

const en3sTeam = {
  team: {
    recruiters: [{ order: 1, user: { id: RECRUITER } }],
    operationals: [],
    approvers: [
      { order: 1, stepOrder: 1, user: { id: DIRECTOR }, lovValue: 'Direction' },
      { order: 2, stepOrder: 2, user: { id: EN3S }, lovValue: 'dérogation EN3S' },
    ],
  },
};

describe('PATCH /position/{id} (docs/talentlink.md §4)', () => {
  it('replaces the team (the sandbox default), moves updateDate, keeps the status', async () => {
    s = await startTenant();
    const id = newJob(s.tenant, 'Responsable paie', [DIRECTOR]);
    must(s.tenant.driver.submitForApproval(id));
    const before = await readJob(s, id);
    const patched = await s.api('PATCH', `/position/${id}`, { body: en3sTeam });
    expect(patched.status).toBe(204);
    expect(patched.text).toBe('');
    const after = await readJob(s, id);
    expect(after.team!.approvers!.map((a) => [a.user!.login, a.order, a.stepOrder, a.lovValue])).toEqual([
      ['directeur1', 1, 1, 'Direction'],
      ['en3s.derogation', 2, 2, 'dérogation EN3S'],
    ]);
    expect(after.updateDate!).toBeGreaterThan(before.updateDate!);
    expect(after.status).toBe("En attente d'approbation");
    // Replace: the same call without EN3S removes it, and a list left out is emptied.
    expect(
      (await s.api('PATCH', `/position/${id}`, { body: { team: { approvers: [en3sTeam.team.approvers[0]] } } })).status,
    ).toBe(204);
    const removed = await readJob(s, id);
    expect(removed.team!.approvers!.map((a) => a.user!.id)).toEqual([DIRECTOR]);
    expect(removed.team!.recruiters ?? []).toEqual([]);
  });

  it('merges instead when the rules say so', async () => {
    s = await startTenant({ rules: { teamPatch: 'merge' } });
    const id = newJob(s.tenant, 'Responsable paie', [DIRECTOR]);
    const body = { team: { approvers: [{ order: 2, stepOrder: 1, user: { id: EN3S } }] } };
    expect((await s.api('PATCH', `/position/${id}`, { body })).status).toBe(204);
    const job = await readJob(s, id);
    expect(job.team!.approvers!.map((a) => a.user!.id)).toEqual([DIRECTOR, EN3S]);
    expect(job.team!.recruiters!.map((r) => r.user!.id)).toEqual([RECRUITER]);
  });

  it('400: unknown user, malformed body; 404: unknown job; 403: job the user cannot see; nothing applied', async () => {
    s = await startTenant();
    const id = newJob(s.tenant);
    const before = await readJob(s, id);
    const unknownUser = await s.api('PATCH', `/position/${id}`, {
      body: { team: { approvers: [{ order: 1, user: { id: 4242 } }] } },
    });
    expect(unknownUser.status).toBe(400);
    expect(unknownUser.headers.get('x-request-error')).toContain('4242');
    const malformed = await s.api('PATCH', `/position/${id}`, {
      body: { team: { approvers: [{ user: { id: EN3S } }] } },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.headers.get('x-request-error')).toMatch(/team\.approvers\.0/);
    const unknownField = await s.api('PATCH', `/position/${id}`, { body: { salary: 1 } });
    expect(unknownField.status).toBe(400);
    expect((await readJob(s, id)).updateDate).toBe(before.updateDate);
    const missing = await s.api('PATCH', '/position/999999', { body: en3sTeam });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-error')).toContain('999999');
    must(s.tenant.driver.restrictJob(id));
    expect((await s.api('PATCH', `/position/${id}`, { body: en3sTeam })).status).toBe(403);
  });
});

describe('PUT /publishedadvert/unpost (docs/talentlink.md §4)', () => {
  it('takes postings down (204), after which they are no longer listed, and a second time is 404', async () => {
    s = await startTenant({ clock: { start: afterWindow, frozen: true } });
    const id = newJob(s.tenant);
    const first = must(s.tenant.driver.publish(id));
    const second = must(s.tenant.driver.publish(id));
    const listed = async () =>
      (await s!.query('/publishedadvert', queries.postingsOfJob(id, 0))).json.data.publishedAdverts.map(
        (p: { id: number }) => p.id,
      );
    expect(await listed()).toEqual([first.id, second.id]);
    const done = await s.api('PUT', '/publishedadvert/unpost', { body: { postingTargets: [first.id] } });
    expect(done.status).toBe(204);
    expect(await listed()).toEqual([second.id]);
    expect(s.tenant.state.postings.get(first.id as number)).toMatchObject({ status: 'UNPOSTED', live: false });
    const again = await s.api('PUT', '/publishedadvert/unpost', { body: { postingTargets: [first.id] } });
    expect(again.status).toBe(404);
    expect(again.headers.get('x-request-error')).toContain(String(first.id));
  });

  it('answers 404 for an unknown posting without taking the others down, 400 for a malformed body', async () => {
    s = await startTenant({ clock: { start: afterWindow, frozen: true } });
    const posting = must(s.tenant.driver.publish(newJob(s.tenant)));
    const mixed = await s.api('PUT', '/publishedadvert/unpost', { body: { postingTargets: [posting.id, 987654] } });
    expect(mixed.status).toBe(404);
    expect(s.tenant.state.postings.get(posting.id as number)!.live).toBe(true);
    expect((await s.api('PUT', '/publishedadvert/unpost', { body: { postingTargets: [] } })).status).toBe(400);
    expect((await s.api('PUT', '/publishedadvert/unpost', { body: '{not json' })).status).toBe(400);
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import {
  queuedPositionDtoSchema,
  queuedPostingTargetDtoSchema,
  queuesDtoSchema,
} from '../../../connectors/talentlink/rest/dto.js';
import { afterWindow, DIRECTOR, must, newJob, startTenant, type StartedTenant } from './helpers.js';

/** Spec §5: the queue calls exactly as its table, unique elements, requeue after read, poison elements. */

let s: StartedTenant | null = null;
afterEach(async () => {
  await s?.stop();
  s = null;
});

const q = (name: string) => encodeURIComponent(name);
const peek = (t: StartedTenant, name = 'en3s-positions', type = 'position') =>
  t.api('GET', `/queues/${type}/${q(name)}/oldest-element`);
const del = (t: StartedTenant, id: number | string, name = 'en3s-positions') =>
  t.api('DELETE', `/queues/element/${id}`, { params: { queueName: name } });
const delOldest = (t: StartedTenant, name = 'en3s-positions') =>
  t.api('DELETE', '/queues/element/oldest-element', { params: { queueName: name } });

describe('queues (docs/talentlink.md §5)', () => {
  it('lists the queues with their counts, and answers 204 when the tenant has none', async () => {
    s = await startTenant();
    newJob(s.tenant);
    const listed = await s.api('GET', '/queues');
    expect(queuesDtoSchema.parse(listed.json).queues).toEqual([
      { name: 'en3s-positions', elementsCount: 1 },
      { name: 'en3s-postings', elementsCount: 0 },
    ]);
    await s.stop();
    s = await startTenant({ queues: [] });
    const none = await s.api('GET', '/queues');
    expect(none.status).toBe(204);
  });

  it('peeks the oldest element with the job status at read time, deletes it by id, then answers 204', async () => {
    s = await startTenant();
    const id = newJob(s.tenant, 'Responsable paie', [DIRECTOR]);
    expect((await peek(s)).json).toMatchObject({ openingID: id, jobStatus: 'Brouillon' });
    // Reading does not remove; the status is read now, not when the element was queued.
    s.tenant.queues.readOldest('en3s-positions');
    must(s.tenant.driver.submitForApproval(id));
    const element = queuedPositionDtoSchema.parse((await peek(s)).json);
    expect(element).toEqual({
      idInQueue: element.idInQueue,
      queueName: 'en3s-positions',
      openingID: id,
      departmentID: 101,
      jobStatus: "En attente d'approbation",
    });
    const byId = await s.api('GET', `/queues/position/en3s-positions/${element.idInQueue}`);
    expect(byId.json).toEqual(element);
    expect((await del(s, element.idInQueue)).status).toBe(204);
    expect((await del(s, element.idInQueue)).status).toBe(404);
    // The submission after the read queued the job again: one more element, then empty.
    expect((await delOldest(s)).status).toBe(204);
    const empty = await peek(s);
    expect(empty.status).toBe(204);
    expect(empty.text).toBe('');
    expect((await delOldest(s)).status).toBe(404);
  });

  it('holds an object once while its element is unread, and queues it again after a read', async () => {
    s = await startTenant();
    const id = newJob(s.tenant, 'Responsable paie', [DIRECTOR]);
    must(s.tenant.driver.submitForApproval(id));
    must(s.tenant.driver.approve(id, DIRECTOR));
    expect(s.tenant.queues.elements('en3s-positions')).toHaveLength(1);
    expect(s.tenant.counters().queues.coalesced).toBe(3);
    await peek(s);
    must(s.tenant.driver.close(id));
    const held = s.tenant.queues.elements('en3s-positions');
    expect(held.map((e) => [e.objectId, e.read])).toEqual([
      [id, true],
      [id, false],
    ]);
    expect(s.tenant.counters().queues.requeuedAfterRead).toBe(1);
  });

  it('400 for an unknown or other-type queue, 404 for a type the API lacks; names may hold spaces', async () => {
    s = await startTenant({
      queues: [{ name: 'EN3S postes ouverts', type: 'position', events: ['JOB_CREATED_EVENT'] }],
    });
    const id = newJob(s.tenant);
    const spaced = await peek(s, 'EN3S postes ouverts');
    expect(spaced.json).toMatchObject({ queueName: 'EN3S postes ouverts', openingID: id });
    expect((await peek(s, 'nope')).status).toBe(400);
    expect((await peek(s, 'EN3S postes ouverts', 'posting-target')).status).toBe(400);
    expect((await peek(s, 'EN3S postes ouverts', 'candidate')).status).toBe(400);
    expect((await peek(s, 'EN3S postes ouverts', 'rockets')).status).toBe(404);
    expect((await del(s, 1, 'nope')).status).toBe(400);
    const noName = await s.api('DELETE', '/queues/element/oldest-element');
    expect(noName.status).toBe(400);
    expect(noName.headers.get('x-request-error')).toMatch(/queueName/);
    expect((await delOldest(s, 'EN3S postes ouverts')).status).toBe(204);
  });

  it('queues a posting on POSTING_CREATED with its advert name', async () => {
    s = await startTenant({ clock: { start: afterWindow, frozen: true } });
    const posting = must(s.tenant.driver.publish(newJob(s.tenant, 'Auditeur interne')));
    const element = queuedPostingTargetDtoSchema.parse((await peek(s, 'en3s-postings', 'posting-target')).json);
    expect(element).toEqual({
      idInQueue: element.idInQueue,
      queueName: 'en3s-postings',
      id: posting.id,
      advertName: 'Auditeur interne',
    });
  });

  it('404 for an element whose job is gone, 403 for one the owner cannot see; oldest-element clears both', async () => {
    s = await startTenant();
    const deleted = newJob(s.tenant, 'Supprimée');
    must(s.tenant.driver.deleteJob(deleted));
    const gone = await peek(s);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('x-request-error')).toContain(String(deleted));
    expect((await delOldest(s)).status).toBe(204);
    const poison = must(s.tenant.driver.injectPoison('en3s-positions', 'forbidden'));
    const forbidden = await peek(s);
    expect(forbidden.status).toBe(403);
    expect(forbidden.text).not.toBe('Forbidden');
    expect((await s.api('GET', `/queues/position/en3s-positions/${poison.idInQueue}`)).status).toBe(403);
    expect((await delOldest(s)).status).toBe(204);
    must(s.tenant.driver.injectPoison('en3s-postings', 'gone'));
    expect((await peek(s, 'en3s-postings', 'posting-target')).status).toBe(404);
    must(s.tenant.driver.injectPoison('en3s-postings', 'forbidden'));
    await delOldest(s, 'en3s-postings');
    expect((await peek(s, 'en3s-postings', 'posting-target')).status).toBe(403);
    // The hidden job stays out of reads too.
    expect(
      (await s.query('/position', `{ positions(where: {id_eq: ${poison.objectId}}) { id } }`)).json.data.positions,
    ).toEqual([]);
  });
});

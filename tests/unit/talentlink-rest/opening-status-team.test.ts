import { describe, expect, it } from 'vitest';
import type { JobStatusMeaning } from '../../../src/domain/job-snapshot.js';
import { adverts, CARSAT, CGSS, editedMapping, job, MINES, MSA, snapshot, UNKNOWN_STATUS } from './opening-fixtures.js';

/**
 * A real TalentLink job's status read through the tenant's table (docs/talentlink.md §6), its team as user
 * ids (docs/talentlink.md §3, written back as such by docs/talentlink.md §4), and its postings when they were read with
 * it.
 */

describe('opening mapping: the status, through the table of the file', () => {
  const cases: Array<{ name: string; status: string | null; meaning: JobStatusMeaning }> = [
    { name: 'Brouillon: created, not submitted', status: 'Brouillon', meaning: 'DRAFT' },
    {
      name: "En attente d'approbation: the approval is started",
      status: "En attente d'approbation",
      meaning: 'PENDING_APPROVAL',
    },
    { name: 'Approuvée', status: 'Approuvée', meaning: 'APPROVED' },
    { name: 'Refusée', status: 'Refusée', meaning: 'REFUSED' },
    { name: 'Ouverte: open without approval', status: 'Ouverte', meaning: 'OPEN' },
    { name: 'Clôturée', status: 'Clôturée', meaning: 'CLOSED' },
    { name: 'Annulée', status: 'Annulée', meaning: 'CANCELLED' },
    { name: 'upper case, accents kept (REFUSÉE)', status: 'REFUSÉE', meaning: 'REFUSED' },
    {
      name: 'no accents, a typographic apostrophe, spaces around',
      status: ' en attente d’approbation ',
      meaning: 'PENDING_APPROVAL',
    },
    { name: 'cloturee without its accents', status: 'cloturee', meaning: 'CLOSED' },
  ];
  it.each(cases)('$name → $meaning, the text kept as given', ({ status, meaning }) => {
    const s = snapshot(job(CARSAT, { status }));
    expect(s.status).toBe(meaning);
    expect(s.atsStatus).toBe(status);
    expect(s.unreadable).toEqual([]);
  });

  it('the fixtures carry the statuses of the tenant', () => {
    expect([CARSAT, CGSS, MSA, MINES].map((file) => snapshot(job(file)).status)).toEqual([
      'PENDING_APPROVAL',
      'APPROVED',
      'REFUSED',
      'OPEN',
    ]);
  });

  it('an unknown status is UNKNOWN and listed, naming the statuses the file knows', () => {
    const s = snapshot(job(UNKNOWN_STATUS));
    expect([s.status, s.atsStatus]).toEqual(['UNKNOWN', 'En cours de révision']);
    const hit = s.unreadable.find((u) => u.field === 'status');
    expect(hit).toMatchObject({ key: 'status', value: 'En cours de révision' });
    expect(hit?.expected).toBe(
      "un des statuts Brouillon, En attente d'approbation, Approuvée, Refusée, Ouverte, Clôturée, Annulée",
    );
  });

  it('a job without a status is UNKNOWN with an empty text, and listed', () => {
    const s = snapshot(job(CARSAT, { status: undefined }));
    expect([s.status, s.atsStatus]).toEqual(['UNKNOWN', '']);
    expect(s.unreadable.map((u) => u.field)).toEqual(['status']);
  });

  it("a status the integrator adds to the file is read (the tenant's own vocabulary)", () => {
    const mapping = editedMapping((m) => {
      m.jobStatuses['En cours de révision'] = 'DRAFT';
    });
    expect(snapshot(job(UNKNOWN_STATUS), null, mapping).status).toBe('DRAFT');
  });
});

describe('opening mapping: the team, as user ids', () => {
  it('recruiters, operationals and approvers with their order, step and role', () => {
    expect(snapshot(job(CARSAT)).team).toEqual({
      recruiters: [{ userId: '90417', order: 1, stepOrder: null, role: 'Recruteur principal' }],
      operationals: [{ userId: '90502', order: 1, stepOrder: null, role: 'Manager' }],
      approvers: [
        { userId: '70001', order: 1, stepOrder: 1, role: 'dérogation EN3S' },
        { userId: '90433', order: 2, stepOrder: 2, role: 'Directeur des ressources humaines' },
      ],
    });
  });

  it('no name, login nor language of a member reaches the snapshot', () => {
    const text = JSON.stringify(snapshot(job(CARSAT)));
    for (const personal of [
      'Yann Le Bihan',
      'ylebihan',
      'Anne Kerouac',
      'akerouac',
      'en3s.derogation',
      'Pierre Guillou',
      'fr_FR',
    ])
      expect(text).not.toContain(personal);
  });

  it('a member without a user is left out and listed: the team written back would lose it', () => {
    const s = snapshot(job(UNKNOWN_STATUS));
    expect(s.team.approvers).toEqual([]);
    expect(s.unreadable).toContainEqual({
      field: 'team.approvers',
      key: 'team.approvers[0]',
      value: 'Directeur',
      expected: 'un membre avec un ordre (order) et un utilisateur (user.id)',
    });
  });

  it('a member without an order is left out and listed as well', () => {
    const s = snapshot(
      job(CARSAT, {
        team: { recruiters: [{ order: null, lovValue: null, user: { id: 5 } }], operationals: null, approvers: null },
      }),
    );
    expect(s.team).toEqual({ recruiters: [], operationals: [], approvers: [] });
    expect(s.unreadable).toMatchObject([{ field: 'team.recruiters', key: 'team.recruiters[0]', value: '' }]);
  });

  it('a job with no team has an empty one, which is not an error', () => {
    const s = snapshot(job(CARSAT, { team: null }));
    expect(s.team).toEqual({ recruiters: [], operationals: [], approvers: [] });
    expect(s.unreadable).toEqual([]);
  });
});

describe('opening mapping: the postings', () => {
  it('null when they were not read with the job', () => {
    expect(snapshot(job(CARSAT)).postings).toBeNull();
  });

  it('none read is an empty list, not null', () => {
    expect(snapshot(job(CARSAT), []).postings).toEqual([]);
  });

  it('each posting: its id as text, its status as given, out since its start, else since its creation', () => {
    expect(snapshot(job(CARSAT), adverts('publishedadverts--carsat-bretagne.json')).postings).toEqual([
      { id: '880231', atsStatus: 'Posted', postedAt: '2027-01-21T07:05:00.000Z' },
      { id: '880232', atsStatus: 'Posted', postedAt: '2027-01-20T10:00:00.000Z' },
    ]);
  });

  it('a posting without a status or any date keeps nulls', () => {
    expect(snapshot(job(CARSAT), [{ id: 9 }]).postings).toEqual([{ id: '9', atsStatus: null, postedAt: null }]);
  });

  it('a posting date beyond any date is null and listed', () => {
    const s = snapshot(job(CARSAT), [{ id: 9, status: 'Posted', postingStartDate: 9e15 }]);
    expect(s.postings).toEqual([{ id: '9', atsStatus: 'Posted', postedAt: null }]);
    expect(s.unreadable).toMatchObject([
      { field: 'postings.postedAt', key: 'postings[0].postingStartDate', value: '9000000000000000' },
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/reports/build.js';
import { cellText, reportColumns } from '../../../src/reports/columns.js';
import type { BuiltReport, ReportRow } from '../../../src/reports/model.js';
import type { ReportOptions } from '../../../src/reports/options.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { AFTER, buildCampaign, MARCH, PARIS_END, REUNION_END, type Campaign, type Letter } from './campaign.js';
import { wholeCampaign } from '../../support/report-options.js';

const base: ReportOptions = wholeCampaign(2027);

/** The row as the CSV and the HTML show it: French column title → cell text. */
function cells(row: ReportRow): Record<string, string> {
  return Object.fromEntries(reportColumns.map((c) => [c.title, cellText(c.cell(row))]));
}

describe.each(testDatabases())('control report rows on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let march: BuiltReport;
  let after: BuiltReport;
  const report = (options: Partial<ReportOptions>, at = AFTER) =>
    buildReport(store.db, data.organismsFile, { ...base, ...options }, at);
  const row = (r: BuiltReport, letter: Letter) => {
    const found = r.rows.find((x) => x.reference === campaign.ref[letter]);
    if (!found) throw new Error(`offer ${letter} (${campaign.ref[letter]}) missing from the report`);
    return found;
  };

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-rows');
    campaign = await buildCampaign(store);
    march = await report({}, MARCH);
    await campaign.closeWindow();
    after = await report({}, AFTER);
  });
  afterAll(() => store?.cleanup());

  it('lists every offer of the campaign once, in référence order', () => {
    expect(march.rows.map((r) => r.reference)).toEqual(Object.values(campaign.ref).sort());
  });

  it('A: approver set by the connector, submitted, approved by EN3S alone after 6.9 days, then posted', () => {
    expect(cells(row(march, 'A'))).toMatchObject({
      Organisme: 'CPAM de la Gironde',
      Régime: 'Régime général',
      'Réseau(x)': 'Cnam',
      'Grille et niveau': 'RG 8',
      'Date de création': '05/01/2027',
      Concernée: 'oui',
      Raison: 'Régime général, niveau 8 : concernée (niveaux 7 à 9)',
      'Texte cité': 'Instruction DSS/4B/2026/34 §1.1',
      'Approbateur EN3S : posé le': '05/01/2027',
      'Approbateur EN3S : posé par': 'le connecteur',
      "Soumise à l'EN3S (observée le)": '05/01/2027',
      'Approbateurs de la soumission': "l'EN3S seule",
      'Réponse observée': 'approbation',
      'Réponse observée le': '12/01/2027',
      "Réponse : attribuée à l'EN3S seule": 'oui',
      'Délai entre soumission et réponse observées (jours)': '6,9',
      Publiée: 'oui',
      'Publication : date': '13/01/2027',
      'Publication : annonce (identifiant ATS)': '7001',
      "Publiée sans l'approbation de l'EN3S (manquement)": 'non',
      'Action corrective': '',
      'État actuel': 'Approuvée',
    });
  });

  it('B: EN3S set, submitted by the recruiter, refused by EN3S alone: the post stays unpublished for students', () => {
    expect(cells(row(march, 'B'))).toMatchObject({
      'Approbateur EN3S : posé par': 'le recruteur',
      "Soumise à l'EN3S (observée le)": '06/01/2027',
      'Réponse observée': 'refus',
      'Réponse observée le': '20/01/2027',
      "Réponse : attribuée à l'EN3S seule": 'oui',
      'Délai entre soumission et réponse observées (jours)': '14,2',
      Publiée: 'non',
      'État actuel': "Refusée par l'EN3S",
    });
  });

  it('C: posted before any submission (a breach), seen gone five minutes later, then submitted and approved', () => {
    const c = row(march, 'C');
    expect(c).toMatchObject({
      publishedWithoutApproval: true,
      correctiveAction: 'taken-down',
      correctiveActionAt: '2027-01-08T14:05:00.000Z',
      answerDays: 6.8,
    });
    expect(cells(c)).toMatchObject({
      Publiée: 'oui',
      'Publication : date': '08/01/2027',
      'Publication : annonce (identifiant ATS)': '7301',
      "Publiée sans l'approbation de l'EN3S (manquement)": 'oui',
      'Action corrective': 'annonce retirée',
      'Action corrective : date': '08/01/2027',
      'Réponse observée': 'approbation',
      'État actuel': 'Approuvée',
    });
  });

  it('D: submitted, no answer on 01/03: answer awaited, no due date; a CARSAT counts under Cnav and Cnam', () => {
    expect(cells(row(march, 'D'))).toMatchObject({
      'Réseau(x)': 'Cnav, Cnam',
      "Soumise à l'EN3S (observée le)": '11/01/2027',
      'Réponse observée': 'aucune',
      'Réponse observée le': '',
      "Réponse : attribuée à l'EN3S seule": '',
      'Délai entre soumission et réponse observées (jours)': '',
      'État actuel': "Soumise à l'EN3S",
    });
    expect(reportColumns.map((c) => c.title).filter((t) => /échéance|verrou|lancé/i.test(t))).toEqual([]);
  });

  it('E: approver set but never submitted on 01/03, released unanswered when the window closes in Paris', () => {
    expect(row(march, 'E')).toMatchObject({
      state: 'awaiting_submission',
      submission: null,
      answer: null,
      regime: 'agricole',
    });
    expect(cells(row(march, 'E'))).toMatchObject({
      'Approbateur EN3S : posé le': '18/01/2027',
      "Soumise à l'EN3S (observée le)": '',
      'État actuel': 'En attente de soumission',
    });
    expect(cells(row(after, 'E'))).toMatchObject({
      'Réponse observée': '',
      'État actuel': 'Période close sans réponse',
      'État depuis le': '01/05/2027',
    });
    expect(row(after, 'E').released).toBe(true);
  });

  it('F: undetermined (no level) is "indéterminée (données manquantes)", with the reason, treated as concerned', () => {
    expect(cells(row(march, 'F'))).toMatchObject({
      Concernée: 'indéterminée (données manquantes)',
      Raison: 'Régime général : niveau de classification absent, à vérifier',
      'Grille et niveau': 'RG',
      'Approbateur EN3S : posé le': '',
      'État actuel': 'Approbateur EN3S à poser',
    });
    expect(row(march, 'F').reviewNeeded).toBe(true);
  });

  it('G: a Réunion body seen 31/12 20:30 UTC is created 01/01/2027 locally and released at its own window end', () => {
    expect(cells(row(march, 'G'))).toMatchObject({
      'Date de création': '01/01/2027',
      Concernée: 'oui',
      'État actuel': "Soumise à l'EN3S",
    });
    expect(row(march, 'G').timeZone).toBe('Indian/Reunion');
    expect(row(after, 'G')).toMatchObject({ state: 'released', stateSince: REUNION_END });
    // 01/05 00:00 in Saint-Denis: the release is dated 1 May there, still 30 April in Paris.
    expect(cells(row(after, 'G'))['État depuis le']).toBe('01/05/2027');
  });

  it('H: an agent de direction offer is not concerned, citing R. 123-37', () => {
    expect(cells(row(march, 'H'))).toMatchObject({
      Concernée: 'non',
      "Soumise à l'EN3S (observée le)": '',
      'Réponse observée': '',
      'État actuel': 'Non concernée',
    });
    expect(row(march, 'H').citedText).toContain('R. 123-37');
  });

  it('I: approved with EN3S among several approvers: an approval observed, not attributed to EN3S', () => {
    expect(cells(row(march, 'I'))).toMatchObject({
      'Approbateur EN3S : posé par': 'le recruteur',
      'Approbateurs de la soumission': "l'EN3S et d'autres approbateurs",
      'Réponse observée': 'approbation',
      'Réponse observée le': '26/01/2027',
      "Réponse : attribuée à l'EN3S seule": 'non',
      'Délai entre soumission et réponse observées (jours)': '7',
      'État actuel': 'Approuvée',
    });
  });

  it("J: « Refusée » with EN3S among several approvers: a refusal observed, not EN3S's; the offer still waits", () => {
    expect(row(march, 'J')).toMatchObject({
      state: 'refusal_observed',
      answer: 'refused',
      answerByEn3s: false,
      answerAt: '2027-01-25T09:00:00.000Z',
    });
    expect(cells(row(march, 'J'))).toMatchObject({
      'Réponse observée': 'refus',
      "Réponse : attribuée à l'EN3S seule": 'non',
      'État actuel': 'Approbation refusée',
    });
    expect(row(after, 'J').state).toBe('released');
  });

  it('sums up the campaign: states, share submitted to EN3S, breaches, answers seen, attributed, answer times', () => {
    const t = march.summary.total;
    expect(t).toMatchObject({
      offers: 10,
      concerned: 8,
      toVerify: 1,
      subject: 8,
      throughProcess: 7,
      throughProcessShare: 0.875,
      publishedWithoutApproval: 1,
      answered: 5,
      answeredByEn3s: 3,
    });
    expect(t.byState).toMatchObject({
      approved: 3,
      refused: 1,
      submitted: 2,
      awaiting_submission: 1,
      awaiting_approver: 1,
      refusal_observed: 1,
      not_concerned: 1,
      released: 0,
    });
    // Answer times 4, 6.8, 6.9, 7 and 14.2 days: median 6.9, 90th percentile (nearest rank) 14.2.
    expect([t.answerDaysMedian, t.answerDaysP90]).toEqual([6.9, 14.2]);
    const byNetwork = Object.fromEntries(march.summary.byNetwork.map((g) => [g.key, g.stats.offers]));
    expect(byNetwork).toEqual({ CCMSA: 1, Cnaf: 1, Cnam: 6, Cnav: 2, 'Urssaf Caisse nationale': 3 });
    expect(march.summary.byRegime.map((g) => [g.label, g.stats.offers])).toEqual([
      ['Régime agricole', 1],
      ['Régime général', 9],
    ]);
    expect(march.summary.byBody.find((g) => g.key === 'URSSAF Île-de-France')?.stats.publishedWithoutApproval).toBe(1);
    expect(march.summary.weeks.map((w) => w.week)).toEqual([
      '2026-12-28',
      '2027-01-04',
      '2027-01-11',
      '2027-01-18',
      '2027-02-01',
    ]);
  });

  it('rebuilds from the ledger, as it stood on 01/03, exactly the report made on 01/03', async () => {
    const asOf = await report({ asOf: MARCH }, AFTER);
    expect(asOf.rows).toEqual(march.rows);
    expect(asOf.summary).toEqual(march.summary);
  });

  it('as it stands now equals as it stood now, from the ledger', async () => {
    const asOf = await report({ asOf: AFTER }, AFTER);
    expect(asOf.rows).toEqual(after.rows);
  });

  it('as of 08/01 14:02: C live on the exchange unapproved, its take-down asked; later offers absent', async () => {
    const early = await report({ asOf: '2027-01-08T14:02:00.000Z' });
    expect(early.rows.map((r) => r.reference)).toEqual(
      [campaign.ref.G, campaign.ref.A, campaign.ref.B, campaign.ref.C].sort(),
    );
    expect(row(early, 'A')).toMatchObject({ state: 'submitted', answer: 'none', published: false });
    expect(row(early, 'C')).toMatchObject({
      state: 'published_without_approval',
      submission: null,
      published: true,
      publishedWithoutApproval: true,
      correctiveAction: 'take-down-requested',
      correctiveActionAt: '2027-01-08T14:00:00.000Z',
    });
  });

  it('at the window edge: one hour after Saint-Denis closed, G is released while Paris offers still wait', async () => {
    const edge = await report({ asOf: '2027-04-30T21:00:00.000Z' });
    expect(row(edge, 'G').state).toBe('released');
    expect(row(edge, 'D').state).toBe('submitted');
    expect(row(edge, 'E').state).toBe('awaiting_submission');
    const first = await report({ asOf: '2026-12-31T21:00:00.000Z' });
    expect(first.rows.map((r) => [r.reference, r.state])).toEqual([[campaign.ref.G, 'awaiting_approver']]);
    expect(PARIS_END > REUNION_END).toBe(true);
  });

  it('filters by network (each network, or the primary one), régime, body and state', async () => {
    const refs = (r: BuiltReport) => r.rows.map((x) => x.reference);
    expect(refs(await report({ network: 'Cnav' }))).toEqual([campaign.ref.G, campaign.ref.D].sort());
    expect(refs(await report({ network: 'Urssaf Caisse nationale', primaryNetworks: 'primary' }))).toEqual(
      [campaign.ref.C, campaign.ref.I].sort(),
    );
    expect(refs(await report({ network: 'Cnav', primaryNetworks: 'primary' }))).toEqual([campaign.ref.D]);
    expect(refs(await report({ network: 'Cnam', primaryNetworks: 'primary' }))).not.toContain(campaign.ref.D);
    expect(refs(await report({ regime: 'agricole' }))).toEqual([campaign.ref.E]);
    expect(refs(await report({ body: 'CARSAT' }))).toEqual([campaign.ref.D]);
    expect(refs(await report({ body: 'cpam du rhone' }))).toEqual([campaign.ref.F]);
    expect(refs(await report({ states: ['refused', 'not_concerned'] }))).toEqual(
      [campaign.ref.B, campaign.ref.H].sort(),
    );
    // Filters apply to the state as it stood.
    expect(refs(await report({ states: ['submitted'], asOf: MARCH }))).toEqual([campaign.ref.G, campaign.ref.D].sort());
  });

  it('recaps per network after the window: posts offered to the students, approved, pending, released', () => {
    const lines = Object.fromEntries(
      after.recap.lines.map((l) => [
        l.network,
        [l.offeredToStudents, l.approved, l.pending, l.releasedWithoutAnswer, l.total],
      ]),
    );
    expect(lines).toEqual({
      CCMSA: [0, 0, 0, 1, 1],
      Cnaf: [1, 0, 0, 0, 1],
      Cnam: [0, 1, 0, 4, 5],
      Cnav: [0, 0, 0, 2, 2],
      'Urssaf Caisse nationale': [0, 2, 0, 1, 3],
    });
    expect(after.recap.total).toMatchObject({
      offeredToStudents: 1,
      approved: 3,
      pending: 0,
      releasedWithoutAnswer: 5,
      total: 9,
    });
    // A refusal seen with other approvers (J) is not EN3S's: the offer still counts as pending.
    expect(march.recap.total).toMatchObject({
      offeredToStudents: 1,
      approved: 3,
      pending: 5,
      releasedWithoutAnswer: 0,
    });
  });
});

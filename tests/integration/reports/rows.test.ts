import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/reports/build.js';
import { cellText, reportColumns } from '../../../src/reports/columns.js';
import type { BuiltReport, ReportRow } from '../../../src/reports/model.js';
import type { ReportOptions } from '../../../src/reports/options.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { AFTER, buildCampaign, MARCH, PARIS_END, REUNION_END, type Campaign, type Letter } from './campaign.js';

const base: ReportOptions = { campaign: 2027, asOf: null, network: null, regime: null, body: null, states: null, primaryNetworks: 'all' };

/** The row as the CSV and the HTML show it: French column title → cell text. */
function cells(row: ReportRow): Record<string, string> {
  return Object.fromEntries(reportColumns.map((c) => [c.title, cellText(c.cell(row))]));
}

describe.each(testDatabases())('control report rows on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let march: BuiltReport;
  let after: BuiltReport;
  const report = (options: Partial<ReportOptions>, at = AFTER) => buildReport(store.db, data.organismsFile, { ...base, ...options }, at);
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

  it('A: team and approval by the connector, "validé" after 6.9 days, then published', () => {
    expect(cells(row(march, 'A'))).toMatchObject({
      Organisme: 'CPAM de la Gironde',
      Régime: 'Régime général',
      'Réseau(x)': 'Cnam',
      'Grille et niveau': 'RG 8',
      'Date de création': '05/01/2027',
      Concernée: 'oui',
      Raison: 'Régime général, niveau 8 : concernée (niveaux 7 à 9)',
      'Texte cité': 'Instruction DSS/4B/2026/34 §1.1',
      'Équipe EN3S : date': '05/01/2027',
      'Équipe EN3S : posée par': 'le connecteur',
      "Processus d'approbation lancé": 'oui',
      "Processus d'approbation : date": '05/01/2027',
      "Processus d'approbation : lancé par": 'le connecteur',
      Échéance: '11/02/2027',
      'Échéance dépassée': 'non',
      'Décision EN3S': 'validé',
      'Décision EN3S : date': '12/01/2027',
      'Délai de réponse (jours)': '6,9',
      Publiée: 'oui',
      'Publication : date': '13/01/2027',
      'Publication : canal': 'UCANSS',
      'Publiée avant décision (manquement)': 'non',
      'Action corrective': '',
      'État actuel': "Validée par l'EN3S",
    });
  });

  it('B: set up by the recruiter, "refusé": the post stays unpublished for the students', () => {
    expect(cells(row(march, 'B'))).toMatchObject({
      'Équipe EN3S : posée par': 'le recruteur',
      "Processus d'approbation : lancé par": 'le recruteur',
      "Processus d'approbation : date": '06/01/2027',
      'Décision EN3S': 'refusé',
      'Décision EN3S : date': '20/01/2027',
      'Délai de réponse (jours)': '14,2',
      Publiée: 'non',
      'État actuel': "Refusée par l'EN3S",
    });
  });

  it('C: published before the answer (a breach), withdrawn five minutes later, then "validé"', () => {
    const c = row(march, 'C');
    expect(c).toMatchObject({ publishedBeforeDecision: true, correctiveAction: 'withdrawn', correctiveActionAt: '2027-01-08T14:05:00Z', answerDays: 8 });
    expect(cells(c)).toMatchObject({
      Publiée: 'oui',
      'Publication : date': '08/01/2027',
      'Publiée avant décision (manquement)': 'oui',
      'Action corrective': 'annonce retirée',
      'Action corrective : date': '08/01/2027',
      'Décision EN3S': 'validé',
      'État actuel': "Validée par l'EN3S",
    });
  });

  it('D: no answer past the échéance of 11/02 is overdue on 01/03; a CARSAT counts under Cnav and Cnam', () => {
    expect(cells(row(march, 'D'))).toMatchObject({
      'Réseau(x)': 'Cnav, Cnam',
      Échéance: '11/02/2027',
      'Échéance dépassée': 'oui',
      'Décision EN3S': 'sans réponse',
      'Délai de réponse (jours)': '',
      'État actuel': "Soumise à l'EN3S",
    });
    expect(march.rows.filter((r) => r.overdue).map((r) => r.reference)).toEqual([campaign.ref.D]);
  });

  it('E: still waiting on 01/03 (échéance 15/03), released without an answer when the window closes in Paris', () => {
    expect(row(march, 'E')).toMatchObject({ state: 'approval_started', overdue: false, en3sAnswer: 'none', regime: 'agricole' });
    expect(cells(row(after, 'E'))).toMatchObject({
      'Décision EN3S': 'sans réponse',
      'Échéance dépassée': 'non',
      'État actuel': 'Libérée sans réponse',
      'État depuis le': '01/05/2027',
    });
    expect(row(after, 'E').released).toBe(true);
  });

  it('F: undetermined (no level) is "à vérifier", with the reason, and treated as concerned', () => {
    expect(cells(row(march, 'F'))).toMatchObject({
      Concernée: 'à vérifier',
      Raison: 'Régime général : niveau de classification absent, à vérifier',
      'Grille et niveau': 'RG',
      'État actuel': 'Équipe EN3S à poser',
    });
    expect(row(march, 'F').reviewNeeded).toBe(true);
  });

  it('G: a Réunion body seen on 31/12 at 20:30 UTC is created on 01/01/2027 in its own time and released at its own window end', () => {
    expect(cells(row(march, 'G'))).toMatchObject({ 'Date de création': '01/01/2027', Concernée: 'oui', 'État actuel': "Soumise à l'EN3S" });
    expect(row(march, 'G').timeZone).toBe('Indian/Reunion');
    expect(row(after, 'G')).toMatchObject({ state: 'released', stateSince: REUNION_END });
    // 01/05 00:00 in Saint-Denis: the release is dated 1 May there, still 30 April in Paris.
    expect(cells(row(after, 'G'))['État depuis le']).toBe('01/05/2027');
  });

  it('H: an agent de direction offer is not concerned, citing R. 123-37', () => {
    expect(cells(row(march, 'H'))).toMatchObject({ Concernée: 'non', "Processus d'approbation lancé": 'non', 'Décision EN3S': '', 'État actuel': 'Non concernée' });
    expect(row(march, 'H').citedText).toContain('R. 123-37');
  });

  it('summarises the campaign: states, share through the process, breaches, overdue, answer times', () => {
    const t = march.summary.total;
    expect(t).toMatchObject({ offers: 8, concerned: 6, toVerify: 1, subject: 6, throughProcess: 6, throughProcessShare: 1, publishedWithoutApproval: 1, overdue: 1, answered: 3 });
    expect(t.byState).toMatchObject({ approved: 2, refused: 1, approval_started: 3, awaiting_team: 1, not_concerned: 1, released: 0 });
    // Answer times 6.9, 8 and 14.2 days: median 8, 90th percentile (nearest rank) 14.2.
    expect([t.answerDaysMedian, t.answerDaysP90]).toEqual([8, 14.2]);
    const byNetwork = Object.fromEntries(march.summary.byNetwork.map((g) => [g.key, g.stats.offers]));
    expect(byNetwork).toEqual({ CCMSA: 1, Cnaf: 1, Cnam: 5, Cnav: 2, 'Urssaf Caisse nationale': 2 });
    expect(march.summary.byRegime.map((g) => [g.label, g.stats.offers])).toEqual([
      ['Régime agricole', 1],
      ['Régime général', 7],
    ]);
    expect(march.summary.byBody.find((g) => g.key === 'CARSAT Alsace-Moselle')?.stats.overdue).toBe(1);
    expect(march.summary.weeks.map((w) => w.week)).toEqual(['2026-12-28', '2027-01-04', '2027-01-11', '2027-01-18', '2027-02-01']);
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

  it('as it stood on 08/01 at 14:02: C live on the exchange without an answer, its withdrawal asked; later offers absent', async () => {
    const early = await report({ asOf: '2027-01-08T14:02:00.000Z' });
    expect(early.rows.map((r) => r.reference)).toEqual([campaign.ref.G, campaign.ref.A, campaign.ref.B, campaign.ref.C].sort());
    expect(row(early, 'A')).toMatchObject({ state: 'approval_started', en3sAnswer: 'none', published: false });
    expect(row(early, 'C')).toMatchObject({
      state: 'published_without_approval',
      published: true,
      publishedBeforeDecision: true,
      correctiveAction: 'withdrawal-requested',
      correctiveActionAt: '2027-01-08T14:00:00.000Z',
    });
  });

  it('at the window edge: one hour after Saint-Denis closed, G is released while Paris offers still wait', async () => {
    const edge = await report({ asOf: '2027-04-30T21:00:00.000Z' });
    expect(row(edge, 'G').state).toBe('released');
    expect(row(edge, 'E').state).toBe('approval_started');
    const first = await report({ asOf: '2026-12-31T21:00:00.000Z' });
    expect(first.rows.map((r) => [r.reference, r.state])).toEqual([[campaign.ref.G, 'awaiting_team']]);
    expect(PARIS_END > REUNION_END).toBe(true);
  });

  it('filters by network (each network, or the primary one), régime, body and state', async () => {
    const refs = (r: BuiltReport) => r.rows.map((x) => x.reference);
    expect(refs(await report({ network: 'Cnav' }))).toEqual([campaign.ref.G, campaign.ref.D].sort());
    expect(refs(await report({ network: 'Cnav', primaryNetworks: 'primary' }))).toEqual([campaign.ref.D]);
    expect(refs(await report({ network: 'Cnam', primaryNetworks: 'primary' }))).not.toContain(campaign.ref.D);
    expect(refs(await report({ regime: 'agricole' }))).toEqual([campaign.ref.E]);
    expect(refs(await report({ body: 'CARSAT' }))).toEqual([campaign.ref.D]);
    expect(refs(await report({ body: 'cpam du rhone' }))).toEqual([campaign.ref.F]);
    expect(refs(await report({ states: ['refused', 'not_concerned'] }))).toEqual([campaign.ref.B, campaign.ref.H].sort());
    // Filters apply to the state as it stood.
    expect(refs(await report({ states: ['approval_started'], asOf: MARCH }))).toEqual([campaign.ref.G, campaign.ref.D, campaign.ref.E].sort());
  });

  it('recaps per network after the window: posts offered to the students, dérogations granted, pending, released', () => {
    const lines = Object.fromEntries(after.recap.lines.map((l) => [l.network, [l.offeredToStudents, l.granted, l.pending, l.releasedWithoutAnswer, l.total]]));
    expect(lines).toEqual({
      CCMSA: [0, 0, 0, 1, 1],
      Cnaf: [1, 0, 0, 0, 1],
      Cnam: [0, 1, 0, 3, 4],
      Cnav: [0, 0, 0, 2, 2],
      'Urssaf Caisse nationale': [0, 1, 0, 1, 2],
    });
    expect(after.recap.total).toMatchObject({ offeredToStudents: 1, granted: 2, pending: 0, releasedWithoutAnswer: 4, total: 7 });
    expect(march.recap.total).toMatchObject({ offeredToStudents: 1, granted: 2, pending: 4, releasedWithoutAnswer: 0 });
  });
});

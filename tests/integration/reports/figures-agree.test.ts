import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { overview } from '../../../src/admin/status.js';
import { buildReport } from '../../../src/reports/build.js';
import { generateReportFile } from '../../../src/reports/generate.js';
import type { BuiltReport, GroupStats } from '../../../src/reports/model.js';
import type { ReportOptions } from '../../../src/reports/options.js';
import { shareOf } from '../../../src/reports/summary.js';
import { figureText, groupTotal, indicators, shownShare } from '../../../src/reports/summary-layout.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { buildCampaign, MARCH, type Campaign } from './campaign.js';
import { wholeCampaign } from '../../support/report-options.js';

/**
 * The figures of one report agree with each other and with the dashboard's overview computed
 * from the same database. The campaign holds bodies with two networks (CARSAT, CGSS), so the
 * table per network does not sum to the total, and an offer answered by EN3S then forced « non
 * concernée » by an administrator, whose answer must not make the answers outnumber the
 * concerned offers.
 */

const options: ReportOptions = wholeCampaign(2027);
const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

function chain(s: GroupStats): void {
  expect(s.answeredByEn3s).toBeLessThanOrEqual(s.answered);
  expect(s.answered).toBeLessThanOrEqual(s.throughProcess);
  expect(s.throughProcess).toBeLessThanOrEqual(s.subject);
  expect(s.subject).toBeLessThanOrEqual(s.concerned);
  expect(s.concerned + s.toVerify).toBeLessThanOrEqual(s.offers);
  expect(sum(Object.values(s.byState))).toBe(s.offers);
  expect(s.throughProcessShare).toBe(shareOf(s.throughProcess, s.subject));
  if (s.throughProcessShare !== null) {
    const text = figureText({ kind: 'share', value: s.throughProcessShare });
    expect(text === '100 %').toBe(s.throughProcess === s.subject);
    expect(text === '0 %').toBe(s.throughProcess === 0);
  }
}

describe('shares never read as all unless all, nor none unless none', () => {
  it.each([
    [21, 22, '95,5 %'],
    [1999, 2000, '99,9 %'],
    [19_999, 20_000, '99,9 %'],
    [1, 20_000, '0,1 %'],
    [0, 5, '0 %'],
    [5, 5, '100 %'],
  ])('%i of %i reads %s', (part, whole, text) => {
    expect(figureText({ kind: 'share', value: shareOf(part, whole) })).toBe(text);
    const value = shareOf(part, whole)!;
    expect(shownShare(value) === 1).toBe(part === whole);
    expect(shownShare(value) === 0).toBe(part === 0);
  });
});

describe.each(testDatabases())('the figures of a report on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let report: BuiltReport;

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-figures-agree');
    campaign = await buildCampaign(store);
    // A, approved by EN3S, then forced out of the scope.
    await campaign.forceScope('A', false, '2027-02-15T10:00:00.000Z', 'Alice Martin', 'poste supprimé');
    report = await buildReport(store.db, data.organismsFile, options, MARCH);
  });
  afterAll(async () => {
    await store?.cleanup();
  });

  it('answers ≤ submissions ≤ offers in process ≤ concerned, in total and per group; A’s answer counted apart', () => {
    const s = report.summary;
    chain(s.total);
    for (const g of [...s.byRegime, ...s.byNetwork, ...s.byBody]) chain(g.stats);
    expect(s.total.answeredElsewhere).toBe(1);
    const answersSeen = report.rows.filter((r) => r.answer === 'approved' || r.answer === 'refused').length;
    expect(s.total.answered + s.total.answeredElsewhere).toBe(answersSeen);
  });

  it('tables per régime and per body sum to the total; per network they do not, and the total line says why', () => {
    const s = report.summary;
    for (const groups of [s.byRegime, s.byBody]) {
      expect(sum(groups.map((g) => g.stats.offers))).toBe(s.total.offers);
      expect(groupTotal(groups, s.total).label).toBe('Total');
    }
    expect(sum(s.byNetwork.map((g) => g.stats.offers))).toBeGreaterThan(s.total.offers);
    expect(groupTotal(s.byNetwork, s.total).label).toMatch(
      /^Total des offres distinctes \(une offre d’un organisme à plusieurs réseaux compte dans chacun/,
    );
    const recap = report.recap;
    expect(sum(recap.lines.map((l) => l.total))).toBeGreaterThan(recap.total.total);
    expect(recap.total.network).toMatch(/^Total des offres distinctes/);
    for (const key of ['offeredToStudents', 'approved', 'pending', 'releasedWithoutAnswer'] as const) {
      expect(recap.total[key]).toBeLessThanOrEqual(sum(recap.lines.map((l) => l[key])));
    }
  });

  it('the labels say what each figure counts', () => {
    const labels = indicators(report.summary.total).map(([label]) => label);
    expect(labels).toContain('dont réponse observée (approbation ou refus)');
    expect(labels).toContain(
      'Réponses observées sur des offres non concernées ou au périmètre indéterminé (non comptées ci-dessus)',
    );
  });

  it('agree with the dashboard overview of the same database: offers per state, total, breaches', async () => {
    const view = await overview({ ctx: campaign.ctx, lastReconcile: () => null }, 2027);
    const s = report.summary.total;
    expect(view.total).toBe(s.offers);
    for (const [state, n] of Object.entries(s.byState)) expect([state, view.counts[state]]).toEqual([state, n]);
    const alert = (key: string) => view.alerts.find((a) => a.key === key)!.count;
    expect(alert('published_without_approval')).toBe(s.byState.published_without_approval);
    expect(alert('violations')).toBe(s.publishedWithoutApproval);
    expect(alert('awaiting_submission')).toBe(s.byState.awaiting_submission);
  });

  it('the HTML shows the group totals with their reason on the same line', async () => {
    let html = '';
    const dir = mkdtempSync(join(tmpdir(), 'en3s-figures-'));
    try {
      await generateReportFile(store.db, data.organismsFile, {
        kind: 'report',
        format: 'html',
        options,
        generatedAt: MARCH,
        out: join(dir, 'r.html'),
        trigger: 'api',
        now: MARCH,
      });
      html = readFileSync(join(dir, 'r.html'), 'utf8');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(html).toContain(
      '<td>Total des offres distinctes (une offre d’un organisme à plusieurs réseaux compte dans ' +
        'chacun ci-dessus, une seule fois ici)</td>',
    );
    expect(html.match(/<td>Total<\/td>/g)?.length).toBe(2);
  });
});

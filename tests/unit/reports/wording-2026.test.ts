import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerLabel, askReasonLabels, concernedLabels, jobStatusLabels } from '../../../src/admin/format.js';
import { doneMessages } from '../../../src/admin/layout.js';
import { describedKinds, describeEntry } from '../../../src/admin/timeline.js';
import { jobProcessTable } from '../../../src/domain/job-process-states.js';
import { packageRoot } from '../../../src/paths.js';
import {
  actionLabels,
  postColumns,
  postsOfBodyColumns,
  recapColumns,
  recapDetailColumns,
  recapStatusLabels,
  reportColumns,
} from '../../../src/reports/columns.js';
import type { GroupStats, ReportHeader } from '../../../src/reports/model.js';
import { knownNetworks, reportKindLabels } from '../../../src/reports/options.js';
import { groupTitles, headerLines, indicators, reportTitle } from '../../../src/reports/summary-layout.js';
import { data } from '../../support/domain.js';

/**
 * What the 2026 instruction changes in the words: no text sets EN3S a deadline, so an answer is
 * never "en retard" (past the tenant's "date d'échéance" it is "au-delà de la date demandée"),
 * in any report, page, e-mail or alert; and the recap goes to each caisse nationale for its
 * network and to the SGMCAS for all of it (§3), the ARS being one network among the others.
 */

/**
 * Words that would say EN3S is late (« trop tard » is left out: the window is never opened too late, which says nothing
 * of EN3S).
 */
const late = /retard|hors[ -]d[ée]lai|en souffrance|délai dépassé/i;

function sources(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    const path = join(folder, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const header = (kind: ReportHeader['kind']): ReportHeader => ({
  kind,
  campaign: 2027,
  generatedAt: '2027-07-01T08:00:00.000Z',
  reference: '2027-07-01T08:00:00.000Z',
  asOf: null,
  filters: { network: null, regime: null, body: null, states: null },
  primaryNetworks: 'all',
});

describe('no report, page, e-mail or alert says EN3S answered late', () => {
  it('no source of the reports, the dashboard, the e-mails or the CLI has such a word', () => {
    const root = packageRoot();
    const files = ['reports', 'admin', 'mail', 'cli', 'domain'].flatMap((f) => sources(join(root, 'src', f)));
    expect(files.length).toBeGreaterThan(50);
    const found = files.filter((file) => late.test(readFileSync(file, 'utf8'))).map((file) => file.slice(root.length));
    expect(found).toEqual([]);
  });

  it('nor does any title, label or wording the reports and the dashboard print', () => {
    const stats: GroupStats = {
      offers: 1,
      byState: {} as GroupStats['byState'],
      concerned: 1,
      toVerify: 0,
      subject: 1,
      throughProcess: 1,
      throughProcessShare: 1,
      publishedWithoutApproval: 0,
      answered: 1,
      answeredByEn3s: 1,
      answeredElsewhere: 0,
      answerDaysMedian: 40,
      answerDaysP90: 90,
    };
    const texts = [
      ...reportColumns.map((c) => c.title),
      ...recapColumns,
      ...recapDetailColumns,
      ...postColumns.map((c) => c.title),
      ...postsOfBodyColumns.map((c) => c.title),
      ...Object.values(recapStatusLabels),
      ...Object.values(actionLabels),
      ...groupTitles,
      ...indicators(stats).map(([label]) => label),
      ...Object.values(jobProcessTable).flatMap((s) => [s.label, s.description]),
      ...Object.values(reportKindLabels),
      ...(['report', 'recap', 'posts'] as const).flatMap((k) => [reportTitle(header(k)), ...headerLines(header(k))]),
      ...Object.values(doneMessages),
      ...Object.values(concernedLabels),
      ...Object.values(jobStatusLabels),
      ...Object.values(askReasonLabels),
      ...['APPROVED', 'REFUSED'].flatMap((s) => [answerLabel(s, true), answerLabel(s, false)]),
      ...describedKinds.map((kind) =>
        describeEntry(kind, {
          status: 'APPROVED',
          byEn3s: true,
          enteredOn: '2027-06-01',
          from: 'submitted',
          to: 'approved',
        }),
      ),
    ];
    expect(texts.length).toBeGreaterThan(100);
    expect(texts.filter((t) => late.test(t))).toEqual([]);
  });
});

describe('the recap goes to the caisses nationales and, whole, to the SGMCAS', () => {
  it('the ARS are a network of their own, « ARS »: no network is the SGMCAS’s share', () => {
    const networks = knownNetworks(data.organismsFile);
    expect(networks).toContain('ARS');
    expect(networks.filter((n) => /sgmcas/i.test(n))).toEqual([]);
    expect(data.organismsFile.types.find((t) => t.key === 'ARS')?.networks).toEqual(['ARS']);
  });

  it('the recap names its addressees: each caisse nationale for its network, the SGMCAS for every network', () => {
    const lines = headerLines(header('recap'));
    expect(lines).toContainEqual(
      expect.stringMatching(
        new RegExp(
          /^Destinataires \(instruction DSS\/4B\/2026\/34 §3\) : /.source +
            /chaque caisse nationale, pour .* son réseau ; .*\(SGMCAS\), /.source +
            /pour le récapitulatif entier, tous réseaux confondus \(ARS comprises\)\.$/.source,
        ),
      ),
    );
    expect(headerLines(header('report')).join('\n')).not.toMatch(/SGMCAS/);
  });
});

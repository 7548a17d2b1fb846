import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/reports/build.js';
import { reportProjection } from '../../../src/reports/projection.js';
import type { ReportOptions } from '../../../src/reports/options.js';
import { openDatabase, type Store } from '../../../src/store/database.js';
import { verifyLedger } from '../../../src/store/ledger.js';
import { csvRowOf } from '../../../src/store/offer-report.js';
import { getOffer } from '../../../src/store/offers.js';
import { generateReportCampaign } from '../../bench/report-campaign.js';
import { buildTemplates, scenarios } from '../../bench/report-templates.js';
import { data } from '../../support/domain.js';
import { wholeCampaign } from '../../support/report-options.js';

/**
 * The reports bench writes its campaign straight into SQLite (the bench runs on SQLite only);
 * this checks, on a small one, that what it writes is what the service would hold: an intact
 * hash chain, report projections equal to what the pipeline writes for the offers rows, and
 * offers whose report rebuilt from the ledger equals the report from the rows.
 */
describe('the reports bench campaign', () => {
  let dir: string;
  let store: Store;
  const options: ReportOptions = wholeCampaign(2027);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-bench-campaign-'));
    const file = join(dir, 'campaign.sqlite');
    const templates = await buildTemplates(1);
    expect(templates.length).toBe(scenarios.length * 7);
    await generateReportCampaign(file, 500, templates);
    store = await openDatabase(`sqlite:${file}`, { create: false });
  });
  afterAll(async () => {
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('has an intact ledger hash chain', async () => {
    const result = await verifyLedger(store.db, { batchSize: 5000 });
    expect(result.ok).toBe(true);
  });

  it('holds for each offer the report projection the pipeline would write for its row', async () => {
    const copied = await store.db.selectFrom('offer_report').selectAll().orderBy('job_number').execute();
    const copiedCsv = await store.db.selectFrom('offer_report_csv').selectAll().orderBy('job_number').execute();
    const keys = await store.db
      .selectFrom('offers')
      .select(['source', 'ats_id', 'campaign'])
      .orderBy('job_number')
      .execute();
    expect(copied).toHaveLength(500);
    expect(copiedCsv).toHaveLength(500);
    for (const [i, key] of keys.entries()) {
      const projected = reportProjection((await getOffer(store.db, key))!)!;
      expect(copied[i]).toEqual(projected.facts);
      expect(copiedCsv[i]).toEqual(csvRowOf(projected.facts, projected.ahead));
    }
  });

  it('gives the same report from the rows and from the ledger, with every scenario present', async () => {
    const at = '2027-05-03T07:00:00.000Z';
    const live = await buildReport(store.db, data.organismsFile, options, at);
    const asOf = await buildReport(store.db, data.organismsFile, { ...options, asOf: at }, at);
    expect(live.rows).toHaveLength(500);
    expect(asOf.rows).toEqual(live.rows);
    const states = new Set(live.rows.map((r) => r.state));
    for (const state of [
      'approved',
      'refused',
      'submitted',
      'refusal_observed',
      'released',
      'awaiting_approver',
      'awaiting_submission',
      'not_concerned',
    ]) {
      expect(states).toContain(state);
    }
    expect(live.rows.some((r) => r.publishedWithoutApproval && r.correctiveAction === 'taken-down')).toBe(true);
    expect(live.rows.some((r) => r.answer === 'approved' && r.answerByEn3s === false)).toBe(true);
    expect(new Set(live.rows.map((r) => r.reference)).size).toBe(500);
  });
});

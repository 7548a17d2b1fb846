import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportProjection } from '../../../src/reports/projection.js';
import { Projector } from '../../../src/pipeline/projector.js';
import { projectionCursor } from '../../../src/store/offer-changes.js';
import * as m0004 from '../../../src/store/migrations/0004_offer_report.js';
import * as m0005 from '../../../src/store/migrations/0005_offer_report_csv.js';
import { getOffer } from '../../../src/store/offers.js';
import { csvRowOf } from '../../../src/store/offer-report.js';
import type { OfferReportCsvTable, OfferReportTable } from '../../../src/store/schema.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { buildCampaign, type Campaign } from './campaign.js';

/**
 * The report projection (`offer_report`) is what the report as it stands reads instead of the
 * offers' JSON: it must say exactly what the `offers` row says, after every event, and a
 * database migrated from before it existed must get the same rows as the pipeline writes.
 */
describe.each(testDatabases())('report projection on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;

  /** Both projections as stored, in report order. */
  const projections = async (): Promise<{ report: OfferReportTable; csv: OfferReportCsvTable }[]> => {
    const reports = await store.db.selectFrom('offer_report').selectAll().orderBy('job_number').execute();
    const csv = await store.db.selectFrom('offer_report_csv').selectAll().orderBy('job_number').execute();
    expect(csv.map((r) => r.ats_id)).toEqual(reports.map((r) => r.ats_id));
    return reports.map((report, i) => ({ report, csv: csv[i]! }));
  };

  /** The projections of each stored `offers` row, read back from the database as any reader would. */
  async function fromOfferRows(): Promise<{ report: OfferReportTable; csv: OfferReportCsvTable }[]> {
    const keys = await store.db
      .selectFrom('offers')
      .select(['source', 'ats_id', 'campaign'])
      .orderBy('job_number')
      .execute();
    const rows: { report: OfferReportTable; csv: OfferReportCsvTable }[] = [];
    for (const key of keys) {
      const record = await getOffer(store.db, key);
      const projected = record ? reportProjection(record) : null;
      if (projected) rows.push({ report: projected.facts, csv: csvRowOf(projected.facts, projected.ahead) });
    }
    return rows;
  }

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-projection');
    campaign = await buildCampaign(store);
  });
  afterAll(() => store?.cleanup());

  it('holds one row per offer, equal to the projection of its offers row, while the window is open', async () => {
    const written = await projections();
    expect(written.map((r) => r.report.job_number)).toEqual(Object.values(campaign.ref).sort());
    expect(written.every((r) => r.csv.csv_version !== null)).toBe(true);
    expect(written).toEqual(await fromOfferRows());
  });

  it('follows the offers when the window closes (rows changed by the timekeeper)', async () => {
    const before = await projections();
    await campaign.closeWindow();
    const after = await projections();
    expect(after).toEqual(await fromOfferRows());
    const released = after.map((r) => r.report).filter((r) => r.state === 'released');
    expect(released.length).toBeGreaterThan(0);
    for (const row of released) {
      expect(before.find((b) => b.report.ats_id === row.ats_id)?.report.state).not.toBe('released');
      expect(row.released).toBe(1);
    }
  });

  it('is rebuilt row for row for offers predating migrations 0004 and 0005: they reset its cursor', async () => {
    const expected = await projections();
    await sql`drop table offer_report_csv`.execute(store.db);
    await sql`drop table offer_report`.execute(store.db);
    // Run as they ran on a database of that time (later migrations are applied already: the
    // migrator would refuse to run earlier ones again).
    await m0004.up(store.db);
    await m0005.up(store.db);
    expect(await projections()).toEqual([]);
    expect(await projectionCursor(store.db)).toBe(0);
    await new Projector(campaign.ctx).catchUp();
    expect(await projections()).toEqual(expected);
  });
});

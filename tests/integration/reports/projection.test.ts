import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportProjection } from '../../../src/reports/projection.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { getOffer } from '../../../src/store/offers.js';
import type { OfferReportTable } from '../../../src/store/schema.js';
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

  const projections = async (): Promise<OfferReportTable[]> => store.db.selectFrom('offer_report').selectAll().orderBy('job_number').execute();

  /** The projection of each stored `offers` row, read back from the database as any reader would. */
  async function fromOfferRows(): Promise<OfferReportTable[]> {
    const keys = await store.db.selectFrom('offers').select(['source', 'ats_id', 'campaign']).orderBy('job_number').execute();
    const rows: OfferReportTable[] = [];
    for (const key of keys) {
      const record = await getOffer(store.db, key);
      const projected = record ? reportProjection(record) : null;
      if (projected) rows.push(projected);
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
    expect(written.map((r) => r.job_number)).toEqual(Object.values(campaign.ref).sort());
    expect(written).toEqual(await fromOfferRows());
  });

  it('follows the offers when the window closes (rows changed by the timekeeper)', async () => {
    const before = await projections();
    await campaign.closeWindow();
    const after = await projections();
    expect(after).toEqual(await fromOfferRows());
    const released = after.filter((r) => r.state === 'released');
    expect(released.length).toBeGreaterThan(0);
    for (const row of released) {
      expect(before.find((b) => b.ats_id === row.ats_id)?.state).not.toBe('released');
      expect(row.released).toBe(1);
    }
  });

  it('is rebuilt by migration 0004 for offers written before it, row for row, without the CSV text that 0005 adds empty', async () => {
    const expected = await projections();
    await sql`drop table offer_report`.execute(store.db);
    await sql`delete from kysely_migration where name in ('0004_offer_report', '0005_offer_report_csv')`.execute(store.db);
    expect(await migrateToLatest(store)).toEqual(['0004_offer_report', '0005_offer_report_csv']);
    const noText = { csv_version: null, csv_cells: null, csv_moment: null };
    expect(await projections()).toEqual(expected.map((row) => ({ ...row, ...noText })));
  });
});

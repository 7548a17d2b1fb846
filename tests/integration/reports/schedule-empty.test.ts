import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import { listReportRuns } from '../../../src/reports/runs.js';
import { ReportScheduler } from '../../../src/reports/schedule.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { buildCampaign } from './campaign.js';

/** A fresh database starting after its first slots writes no empty report; once offers exist, the reports come. */
describe.each(testDatabases())('scheduled reports of a campaign without offers on %s', (dialect) => {
  let store: TestStore;
  let dir: string;

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-schedule-empty');
    dir = mkdtempSync(join(tmpdir(), 'en3s-report-schedule-empty-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await store?.cleanup();
  });

  const scheduler = (now: string) =>
    new ReportScheduler({
      store,
      organisms: data.organismsFile,
      clock: { now: () => new Date(now) },
      log: silentLogger,
      dir,
      formats: ['csv'],
      primaryNetworks: 'all',
    });

  it('writes neither the final report nor the recap at the first start of a fresh database', async () => {
    const first = scheduler('2027-05-03T09:00:00.000Z');
    expect(await first.start()).toEqual([]);
    await first.stop();
    expect(readdirSync(dir)).toEqual([]);
    expect(await listReportRuns(store.db, { trigger: 'schedule' })).toEqual([]);
  });

  it('writes them once the campaign has offers at the slot', async () => {
    await buildCampaign(store);
    const made = await scheduler('2027-05-03T09:00:00.000Z').runDue();
    expect(made.map((m) => [m.run.fileName, m.rows > 0])).toEqual([
      ['en3s-rapport-2027-final.csv', true],
      ['en3s-recapitulatif-2027-final.csv', true],
    ]);
    // A weekly slot before the first offer of 2028 stays without a report.
    expect(await scheduler('2028-01-05T09:00:00.000Z').runDue()).toEqual([]);
  });
});

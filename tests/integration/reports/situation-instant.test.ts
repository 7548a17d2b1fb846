import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateFromRequest } from '../../../src/admin/reports.js';
import { loadConfig } from '../../../src/config.js';
import { businessClock } from '../../../src/clock.js';
import { en3s } from '../../support/cli.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { buildCampaign, MARCH, type Campaign } from './campaign.js';

/**
 * « Situation au » is the same instant from `en3s report` and from the dashboard (POST /rapports
 * and /api/v1/reports go through `generateFromRequest`) for the same database, options and
 * settings: both read the business clock of the settings (here moved into March 2027 by
 * EN3S_CLOCK_OFFSET_MS, as a demo does), not one the real time and the other the service's clock.
 */

interface JsonHead {
  generatedAt: string;
  asOf: string | null;
  reference: string;
}

describe.each(testDatabases())('the instant of a report from the CLI and from the dashboard on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let dir: string;
  const offset = Date.parse(MARCH) - Date.now();
  const env = { EN3S_CLOCK_OFFSET_MS: String(offset) };

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-situation-instant');
    campaign = await buildCampaign(store);
    dir = mkdtempSync(join(tmpdir(), 'en3s-situation-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await store?.cleanup();
  });

  /** The report's head, and the business instants just before and just after it was made. */
  const fromCli = (name: string, ...args: string[]) => {
    const before = Date.now() + offset;
    const result = en3s(
      ['report', '--campaign', '2027', '--format', 'json', '--out', join(dir, name), '--db', store.url, ...args],
      { env },
    );
    const after = Date.now() + offset;
    expect([result.code, result.stderr]).toEqual([0, '']);
    return { head: JSON.parse(readFileSync(join(dir, name), 'utf8')) as JsonHead, before, after };
  };
  const fromDashboard = async (body: Record<string, unknown>) => {
    const config = loadConfig(env);
    const deps = { ctx: { ...campaign.ctx, clock: businessClock(config) }, config, dir };
    const before = Date.now() + offset;
    const run = await generateFromRequest(
      deps,
      { campaign: '2027', format: 'json', ...body },
      { name: 'admin', via: 'session', session: null },
    );
    const after = Date.now() + offset;
    return { head: JSON.parse(readFileSync(join(dir, run.fileName), 'utf8')) as JsonHead, before, after };
  };

  it('without « situation au »: both show the business clock’s now', async () => {
    for (const { head, before, after } of [fromCli('cli.json'), await fromDashboard({})]) {
      expect(head.asOf).toBeNull();
      expect(head.reference).toBe(head.generatedAt);
      // Between the instants read around the run, on the same business clock (March 2027, not today).
      expect(Date.parse(head.reference)).toBeGreaterThanOrEqual(before - 1);
      expect(Date.parse(head.reference)).toBeLessThanOrEqual(after + 1);
    }
  });

  it('with a date: the same instant, the end of that day in Paris', async () => {
    const cli = fromCli('cli-asof.json', '--as-of', '2027-02-01');
    const dashboard = await fromDashboard({ asOf: '2027-02-01' });
    expect(cli.head.reference).toBe('2027-02-01T22:59:59.999Z');
    expect(dashboard.head.reference).toBe(cli.head.reference);
  });
});

import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateReportFile } from '../../../src/reports/generate.js';
import { packageRoot } from '../../../src/paths.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { buildCampaign, MARCH, type Campaign } from './campaign.js';

/**
 * The HTML report in a real browser: headless Chromium opens the file, the page makes no request
 * beyond itself, the chart has a size, the offers are in the table; a screenshot and a PDF print
 * are kept under `test-artifacts/reports/` for a human look.
 */

const CHROMIUM = '/usr/bin/chromium';

describe.each(testDatabases())('HTML report in Chromium on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let dir: string;

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-html');
    campaign = await buildCampaign(store);
    dir = mkdtempSync(join(tmpdir(), 'en3s-report-html-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await store?.cleanup();
  });

  it('renders without any outside request, chart drawn, every offer listed; screenshot kept', async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing (${CHROMIUM}): install it (Debian/Ubuntu: apt-get install chromium) ` +
          `so that the HTML report can be rendered and checked in a real browser`,
      );
    }
    const out = join(dir, 'rapport.html');
    const options = {
      campaign: 2027,
      asOf: null,
      network: null,
      regime: null,
      body: null,
      states: null,
      primaryNetworks: 'all' as const,
    };
    await generateReportFile(store.db, data.organismsFile, {
      kind: 'report',
      format: 'html',
      options,
      generatedAt: MARCH,
      out,
      trigger: 'api',
      now: MARCH,
    });
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const url = pathToFileURL(out).href;
      const requests: string[] = [];
      page.on('request', (request) => requests.push(request.url()));
      await page.goto(url);
      expect(requests).toEqual([url]);
      expect(await page.title()).toBe('Rapport de contrôle de la période EN3S — campagne 2027');
      const chart = await page.locator('svg.chart').boundingBox();
      expect(chart?.width).toBeGreaterThan(400);
      expect(chart?.height).toBeGreaterThan(150);
      expect(await page.locator('svg.chart rect').count()).toBeGreaterThan(5);
      expect(await page.locator('table.offers tbody tr').count()).toBe(10);
      expect(await page.locator('table.offers tbody').innerText()).toContain(campaign.ref.D);
      const artifacts = join(packageRoot(), 'test-artifacts', 'reports');
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: join(artifacts, `rapport-${dialect}.png`), fullPage: true });
      await page.pdf({ path: join(artifacts, `rapport-${dialect}.pdf`), format: 'A4', landscape: true });
      expect(existsSync(join(artifacts, `rapport-${dialect}.png`))).toBe(true);
    } finally {
      await browser.close();
    }
  });
});

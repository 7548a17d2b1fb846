import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import type { JobSnapshot } from '../../src/domain/job-snapshot.js';
import { applySnapshot } from '../../src/pipeline/apply.js';
import { inTransaction } from '../../src/store/transaction.js';
import { JobStory } from '../support/job-snapshots.js';
import { offerPath, PASSWORD, startAdminApp, type AdminTestApp } from '../integration/admin/admin-harness.js';

/**
 * Every dashboard page in real Chromium at a desktop size and a phone size: nothing overflows
 * sideways (the page, not a table's own scroller), and the header spans the viewport. The data
 * has what breaks a layout: long titles, long body names, long ids, one long unbroken word, an
 * offer with a long timeline and violations. A screenshot per page and size goes to
 * test-results/screenshots/.
 */

const CHROMIUM = process.env.EN3S_CHROMIUM ?? '/usr/bin/chromium';
const shots = join(packageRoot(), 'test-results', 'screenshots');
const sizes = [
  { name: 'bureau', width: 1280, height: 800 },
  { name: 'telephone', width: 390, height: 844 },
] as const;

const LONG_ID = 'job-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789-abcdefghijklmnopqrstuvwxyz';
const LONG_TITLE =
  'Directeur-adjoint-chargé-de-la-coordination-interrégionale-des-systèmes-d’information-décisionnels ' +
  'et de la maîtrise des risques financiers';
const LONG_ORG =
  'Caisse primaire d’assurance maladie de la Gironde, agence interdépartementale de la coordination des prestations';

interface Overflow {
  html: number;
  body: number;
  page: number;
  header: number;
}

/** Runs in the page (a string, as the project's TypeScript has no DOM types). */
const MEASURE = `(() => {
  const header = document.querySelector('header');
  return {
    html: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    body: document.body.scrollWidth - document.body.clientWidth,
    page: document.documentElement.clientWidth,
    header: header ? header.getBoundingClientRect().width : -1,
  };
})()`;

async function measure(page: Page): Promise<Overflow> {
  return (await page.evaluate(MEASURE)) as Overflow;
}

describe('every dashboard page at 1280 px and at 390 px, in Chromium', () => {
  let app: AdminTestApp;
  let browser: Browser;
  const contexts = new Map<string, BrowserContext>();
  const pages: [string, string][] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install chromium) or ` +
          `set EN3S_CHROMIUM; the browser tests do not skip`,
      );
    }
    mkdirSync(shots, { recursive: true });
    app = await startAdminApp('sqlite', 'layout');
    let read = 0;
    const seen = (snapshot: JobSnapshot) =>
      inTransaction(app.store, (trx) =>
        applySnapshot(
          app.ctx,
          trx,
          { snapshot, posting: null, origin: 'queue' },
          { eventId: `layout-${++read}`, type: 'job.snapshot' },
          new Date(snapshot.fetchedAt),
        ),
      );
    // Posted before EN3S's answer, again and again: a long timeline with violations.
    const long = new JobStory(
      { id: LONG_ID, orgName: 'CPAM de la Gironde', grid: 'RG', level: '8', title: LONG_TITLE },
      '2027-02-01T09:00:00.000Z',
    );
    await seen(long.snapshot);
    for (let day = 2; day <= 13; day += 1) {
      const at = `2027-02-${String(day).padStart(2, '0')}T09:00:00.000Z`;
      const posting = `70${String(day).padStart(2, '0')}-annonce-${LONG_ID}`;
      await seen(long.post(at, posting, at, 'OPEN'));
      await seen(long.takeDown(`2027-02-${String(day).padStart(2, '0')}T15:00:00.000Z`, posting));
    }
    const unknownBody = new JobStory(
      { id: `${LONG_ID}-bis`, orgName: LONG_ORG, grid: 'RG', level: '9', title: `${LONG_TITLE} (bis)` },
      '2027-02-06T09:00:00.000Z',
    );
    await seen(unknownBody.snapshot);

    const filters = new URLSearchParams({ campaign: '2027', q: 'Directeur', state: '', violation: '1', sort: 'title' });
    pages.push(
      ['login', '/login'],
      ['vue-d-ensemble', '/admin?campaign=2027'],
      ['offres', '/admin/offres?campaign=2027'],
      ['offres-filtrees', `/admin/offres?${filters.toString()}`],
      ['offre', `/admin/offres/${offerPath(LONG_ID)}`],
      ['commandes', '/admin/commandes'],
      ['files', '/admin/files'],
      ['courriels', '/admin/courriels'],
      ['rapports', '/admin/rapports?campaign=2027'],
      ['parametres', '/admin/parametres'],
      ['erreur-introuvable', `/admin/offres/${offerPath('aucune-offre-de-ce-nom')}`],
      ['erreur-parametre', '/admin/offres?campaign=deux-mille'],
    );

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    for (const size of sizes) {
      const context = await browser.newContext({
        locale: 'fr-FR',
        viewport: { width: size.width, height: size.height },
      });
      const page = await context.newPage();
      await page.goto(`${app.url}/login`);
      await page.getByLabel('Identifiant').fill('alice');
      await page.getByLabel('Mot de passe').fill(PASSWORD);
      await page.getByRole('button', { name: 'Se connecter' }).click();
      await page.getByRole('heading', { level: 1, name: 'Vue d’ensemble' }).waitFor();
      await page.close();
      contexts.set(size.name, context);
    }
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  for (const size of sizes) {
    it(`shows each page at ${size.width} × ${size.height}: no sideways overflow, the header full width`, async () => {
      expect(pages.length).toBeGreaterThan(10);
      const found: string[] = [];
      for (const [name, path] of pages) {
        // The login page is read signed out, in a context of its own.
        const context =
          name === 'login'
            ? await browser.newContext({ locale: 'fr-FR', viewport: { width: size.width, height: size.height } })
            : contexts.get(size.name)!;
        const page = await context.newPage();
        await page.goto(`${app.url}${path}`);
        await page.locator('h1').first().waitFor();
        const m = await measure(page);
        await page.screenshot({ path: join(shots, `${size.name}-${name}.png`), fullPage: true });
        if (m.html > 0 || m.body > 0)
          found.push(`${name}: page wider than the viewport by ${Math.max(m.html, m.body)} px`);
        if (Math.round(m.header) !== m.page) found.push(`${name}: header ${m.header} px wide, viewport ${m.page} px`);
        await page.close();
        if (name === 'login') await context.close();
      }
      expect(found).toEqual([]);
    }, 120_000);
  }

  it('reaches the long offer’s timeline and its violations at phone size', async () => {
    const page = await contexts.get('telephone')!.newPage();
    await page.goto(`${app.url}/admin/offres/${offerPath(LONG_ID)}`);
    expect(await page.locator('table.timeline tr[data-kind="violation.detected"]').count()).toBeGreaterThan(1);
    expect(await page.locator('table.timeline tbody tr').count()).toBeGreaterThan(20);
    await page.close();
  });
});

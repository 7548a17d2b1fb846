import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../connectors/registry.js';
import { demoOffers } from '../../connectors/talentlink/tenant/demo-offers.js';
import { loadConfig } from '../../src/config.js';
import { packageRoot } from '../../src/paths.js';
import { silentLogger } from '../../src/logger.js';
import { readLedger } from '../../src/store/ledger.js';
import { startService, type RunningService } from '../../src/service/service.js';

/**
 * The dashboard in a real browser (Debian's Chromium, headless, fresh profile) against the real
 * service beside the sandbox TalentLink tenant: the demo campaign goes through the queues and their
 * alerts, the pipeline and the ATS API; a recruiter publishes a job before EN3S is among its
 * approvers (the connector takes the posting down); then an administrator logs in, finds
 * that offer from the overview and reads its timeline, forces the scope of an undetermined offer
 * with a reason and sees it in the ledger, and downloads a report whose hash matches.
 * Screenshots go to test-artifacts/dashboard/.
 */

const CHROMIUM = process.env.EN3S_CHROMIUM ?? '/usr/bin/chromium';
const BUSINESS_NOW = '2027-01-12T08:00:00Z';
const PASSWORD = 'mot de passe du test de bout en bout';
const artifacts = join(packageRoot(), 'test-artifacts', 'dashboard');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('the dashboard in Chromium', () => {
  let dir: string;
  let sandbox: RunningSandbox;
  let service: RunningService;
  let browser: Browser;
  let page: Page;
  let url: string;
  let violationJobNumber: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM}: install Debian's package (apt-get install chromium) or ` +
          `set EN3S_CHROMIUM; the browser tests do not skip`,
      );
    }
    mkdirSync(artifacts, { recursive: true });
    dir = mkdtempSync(join(tmpdir(), 'en3s-e2e-dashboard-'));
    const port = await freePort();
    const token = 'dashboard-e2e-alert-token-0123456789';
    // The gateway's limit is lifted here (0): the browser is the subject, not the call budget.
    sandbox = await startSandbox({
      callsPerSecond: 0,
      alertUrls: [`http://127.0.0.1:${port}/webhooks/talentlink/${token}`],
      seed: 11,
      clockStart: new Date(BUSINESS_NOW),
    });
    const config = loadConfig(
      {},
      {
        databaseUrl: `sqlite:${join(dir, 'en3s.sqlite')}`,
        httpHost: '127.0.0.1',
        httpPort: port,
        alertTokens: [token],
        atsBaseUrl: sandbox.url,
        atsUser: 'demo:demo:BO',
        atsPassword: 'demo',
        atsApiKey: 'demo',
        atsCallsPerSecond: 100,
        mailMode: 'mailbox',
        mailFrom: 'en3s@en3s.test',
        reportsDir: join(dir, 'reports'),
        reportsSchedule: false,
        adminUsers: [`alice:${bcrypt.hashSync(PASSWORD, 4)}`],
      },
    );
    service = await startService({ config, clock: { now: () => sandbox.tenant.clock.now() }, logger: silentLogger });
    url = service.url;

    const campaign = sandbox.tenant.seedDemoCampaign({ now: new Date(BUSINESS_NOW) });
    // A recruiter publishes before the connector has set EN3S among the approvers: the tenant lets it go.
    const violationKey = demoOffers.find((o) => o.role === 'violation')!.key;
    const violationJobId = campaign.jobs.find((j) => j.key === violationKey)!.jobId;
    const posted = sandbox.tenant.driver.publish(violationJobId);
    if (!posted.ok) throw new Error(`publish refused: ${posted.error.code}`);
    const job = sandbox.tenant.driver.job(violationJobId);
    if (!job.ok) throw new Error('the violation job is gone');
    violationJobNumber = String(job.value.jobNumber);
    const db = service.ctx.store.db;
    const settled = async () => {
      const offers = await db
        .selectFrom('offers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      const busy = await db
        .selectFrom('outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['pending', 'in_flight'])
        .executeTakeFirstOrThrow();
      const inbox = await db
        .selectFrom('inbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', 'in', ['pending', 'processing'])
        .executeTakeFirstOrThrow();
      return Number(offers.n) >= campaign.jobs.length && Number(busy.n) === 0 && Number(inbox.n) === 0;
    };
    await until('the demo campaign to go through the pipeline and the premature posting to be taken down', async () => {
      const row = await db
        .selectFrom('offers')
        .select('violation')
        .where('ats_id', '=', String(violationJobId))
        .executeTakeFirst();
      const live = sandbox.tenant.state.postingsOf(violationJobId).some((p) => p.live);
      return row?.violation === 1 && !live && (await settled());
    });

    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = await (
      await browser.newContext({ acceptDownloads: true, locale: 'fr-FR', viewport: { width: 1360, height: 900 } })
    ).newPage();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('logs in through the form, and the keyboard reaches the skip link first', async () => {
    await page.goto(`${url}/admin`);
    await expect.poll(() => page.url()).toContain('/login');
    await page.getByLabel('Identifiant').fill('alice');
    await page.getByLabel('Mot de passe').fill(PASSWORD);
    await page.getByRole('button', { name: 'Se connecter' }).click();
    await page.getByRole('heading', { level: 1, name: 'Vue d’ensemble' }).waitFor();
    expect(await page.getByText('Connecté : alice').isVisible()).toBe(true);
    await page.keyboard.press('Tab');
    expect(await page.locator(':focus').innerText()).toBe('Aller au contenu');
    await page.screenshot({ path: join(artifacts, '1-vue-d-ensemble.png'), fullPage: true });
  });

  it('finds the job whose posting went out before EN3S’s approval from the overview, opens its timeline', async () => {
    await page.locator('[data-alert="violations"] a').click();
    await page.getByRole('heading', { level: 1, name: 'Offres' }).waitFor();
    await page.getByRole('link', { name: violationJobNumber }).click();
    await page.getByRole('heading', { name: 'Historique (registre)' }).waitFor();
    const timeline = page.locator('table.timeline');
    expect(await timeline.locator('tr[data-kind="violation.detected"]').count()).toBeGreaterThan(0);
    expect(await timeline.innerText()).toContain('en ligne sans l’approbation de l’EN3S');
    expect(await timeline.innerText()).toContain('retrait demandé');
    expect(await timeline.innerText()).toContain('Recruteur');
    await page.screenshot({ path: join(artifacts, '2-offre-publiee-sans-accord.png'), fullPage: true });
  });

  it('forces the scope of an undetermined offer with a reason, and sees it in the ledger', async () => {
    await page.getByRole('link', { name: 'Vue d’ensemble' }).click();
    await page.locator('[data-alert="undetermined"] a').click();
    await page.getByRole('heading', { level: 1, name: 'Offres' }).waitFor();
    const first = page.locator('tbody tr td:first-child a').first();
    const reference = await first.innerText();
    await first.click();
    const form = page.locator('form[action$="/perimetre"]');
    await form.getByLabel('Non concernée').check();
    await form
      .getByLabel('Motif (obligatoire, inscrit au registre)')
      .fill('Emploi de niveau 6 selon la fiche de poste');
    await form.getByRole('button', { name: 'Enregistrer le périmètre' }).click();
    await page.getByText('Le périmètre de l’offre a été modifié').waitFor();
    const row = page.locator('table.timeline tr[data-kind="admin.override"]');
    expect(await row.innerText()).toContain('alice');
    expect(await row.innerText()).toContain(
      'Périmètre forcé : non concernée — motif : Emploi de niveau 6 selon la fiche de poste',
    );
    await page.screenshot({ path: join(artifacts, '3-perimetre-force.png'), fullPage: true });
    const offer = await service.ctx.store.db
      .selectFrom('offers')
      .select(['source', 'ats_id', 'campaign'])
      .where('job_number', '=', reference)
      .executeTakeFirstOrThrow();
    const entries = await readLedger(service.ctx.store.db, {
      offer: { source: offer.source, ats_id: offer.ats_id, campaign: offer.campaign },
      limit: 1000,
    });
    expect(entries.find((e) => e.kind === 'admin.override')).toMatchObject({
      actor: 'administrator',
      actor_name: 'alice',
      data: { concerned: false, reason: 'Emploi de niveau 6 selon la fiche de poste' },
    });
  });

  it('produces a report and downloads it, its hash the one shown', async () => {
    await page.getByRole('link', { name: 'Rapports' }).click();
    await page.getByLabel('Format').selectOption('csv');
    await page.getByRole('button', { name: 'Produire le rapport' }).click();
    await page.getByText('Le rapport a été produit.').waitFor();
    const row = page.locator('tr[data-run]').first();
    const shownHash = (await row.locator('.hash').innerText()).trim();
    const [download] = await Promise.all([page.waitForEvent('download'), row.locator('a[download]').click()]);
    const saved = join(artifacts, download.suggestedFilename());
    await download.saveAs(saved);
    const bytes = readFileSync(saved);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(shownHash);
    expect(bytes.toString('utf8')).toContain(violationJobNumber);
    await page.screenshot({ path: join(artifacts, '4-rapports.png'), fullPage: true });
  });
});

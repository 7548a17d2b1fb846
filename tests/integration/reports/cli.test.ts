import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listReportRuns } from '../../../src/reports/runs.js';
import { recapJsonSchema } from '../../../src/reports/schema.js';
import { en3s } from '../../support/cli.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { buildCampaign, type Campaign } from './campaign.js';

/** `en3s report` as an administrator runs it (the built command: `npm test` builds first). */
describe.each(testDatabases())('en3s report on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let dir: string;
  const report = (...args: string[]) => en3s(['report', ...args, '--db', store.url]);

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-cli');
    campaign = await buildCampaign(store);
    dir = mkdtempSync(join(tmpdir(), 'en3s-report-cli-'));
  });
  afterAll(async () => {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
    await store?.cleanup();
  });

  it('writes the control report, says where with SHA-256, records the run; empty stderr off a terminal', async () => {
    const out = join(dir, 'rapport.csv');
    const result = report(
      '--campaign',
      '2027',
      '--format',
      'csv',
      '--out',
      out,
      '--generated-at',
      '2027-03-01T08:00:00+01:00',
    );
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const sha = createHash('sha256').update(readFileSync(out)).digest('hex');
    expect(result.stdout).toBe(`Rapport de contrôle écrit : ${out} (10 offres, SHA-256 ${sha}).\n`);
    const [run] = await listReportRuns(store.db, { trigger: 'cli' });
    expect(run).toMatchObject({
      kind: 'report',
      format: 'csv',
      generatedAt: '2027-03-01T07:00:00.000Z',
      rowCount: 10,
      fileName: 'rapport.csv',
    });
    expect(run?.files[0]?.sha256).toBe(sha);
    // Same data, options and instant: the same file.
    const again = report(
      '--campaign',
      '2027',
      '--format',
      'csv',
      '--out',
      join(dir, 'encore.csv'),
      '--generated-at',
      '2027-03-01T07:00:00Z',
    );
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'encore.csv'))).toEqual(readFileSync(out));
  });

  it('writes the recap per network with filters and an as-of date', () => {
    const out = join(dir, 'recap.json');
    const result = report(
      'recap',
      '--campaign',
      '2027',
      '--format',
      'json',
      '--out',
      out,
      '--network',
      'cnav',
      '--as-of',
      '2027-03-01',
      '--primary-networks',
      'all',
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /^Récapitulatif par réseau écrit : .*recap\.json \(2 offres, SHA-256 [0-9a-f]{64}\)\.\n$/,
    );
    const recap = recapJsonSchema.parse(JSON.parse(readFileSync(out, 'utf8')));
    expect(recap).toMatchObject({ asOf: '2027-03-01T22:59:59.999Z', filters: { network: 'Cnav' } });
    expect(recap.detail.find((d) => d.network === 'Cnav')?.offers.map((o) => o.reference)).toEqual(
      [campaign.ref.G, campaign.ref.D].sort(),
    );
  });

  it.each([
    [
      'an unknown format',
      ['--campaign', '2027', '--format', 'pdf', '--out', 'x.pdf'],
      /--format : « pdf » inconnu ; attendu csv, xlsx, json, html/,
    ],
    [
      'a bad campaign',
      ['--campaign', '27', '--format', 'csv', '--out', 'x.csv'],
      /campagne : une année de 2000 à 2100 était attendue \(ex\. 2027\), reçu « 27 »/,
    ],
    ['a missing campaign', ['--format', 'csv', '--out', 'x.csv'], /--campaign : année de la campagne attendue/],
    [
      'an unknown network',
      ['--campaign', '2027', '--format', 'csv', '--out', 'x.csv', '--network', 'Cnamts'],
      /réseau : « Cnamts » inconnu ; réseaux connus : Cnam, Cnav/,
    ],
    [
      'an unknown state',
      ['--campaign', '2027', '--format', 'csv', '--out', 'x.csv', '--state', 'approved,lost'],
      /état : « lost » inconnu/,
    ],
    [
      'an unreadable as-of',
      ['--campaign', '2027', '--format', 'csv', '--out', 'x.csv', '--as-of', '01/03/2027'],
      /date de situation : un instant ISO/,
    ],
    [
      'a missing folder',
      ['--campaign', '2027', '--format', 'csv', '--out', '/nonexistent-folder/x.csv'],
      /--out : le dossier « \/nonexistent-folder » n'existe pas/,
    ],
    [
      'an unknown report',
      ['bilan', '--campaign', '2027', '--format', 'csv', '--out', 'x.csv'],
      /report : « bilan » inconnu ; attendu « recap » \(récapitulatif par réseau\) ou « posts-to-declare »/,
    ],
  ])('refuses %s with exit 2 and a French message', (_name, args, message) => {
    const result = report(
      ...args.map((a) => ((a.endsWith('.csv') || a.endsWith('.pdf')) && !a.startsWith('/') ? join(dir, a) : a)),
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.stdout).toBe('');
  });

  it('refuses a folder it cannot write to, and a folder given as the file', () => {
    const locked = join(dir, 'verrouille');
    mkdirSync(locked);
    chmodSync(locked, 0o500);
    const unwritable = report('--campaign', '2027', '--format', 'csv', '--out', join(locked, 'x.csv'));
    // root may write anywhere: the check only bites for an ordinary user.
    if (process.getuid?.() !== 0) {
      expect(unwritable.code).toBe(2);
      expect(unwritable.stderr).toMatch(/n'est pas accessible en écriture/);
    }
    const folder = report('--campaign', '2027', '--format', 'csv', '--out', dir);
    expect(folder.code).toBe(2);
    expect(folder.stderr).toMatch(/est un dossier, un fichier était attendu/);
    expect(existsSync(join(dir, 'x.csv'))).toBe(false);
  });
});

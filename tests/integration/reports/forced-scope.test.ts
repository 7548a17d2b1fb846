import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/reports/build.js';
import { generateReportFile } from '../../../src/reports/generate.js';
import type { ReportFormat, ReportOptions } from '../../../src/reports/options.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { buildCampaign, MARCH, type Campaign } from './campaign.js';

/**
 * An administrator forces the scope of H (an « agent de direction » offer, not concerned by the
 * rules) to « concernée ». Every format that lists the offers says who forced it, when, why, and
 * what the rules alone had decided, as it stands and as it stood.
 */

const FORCED_AT = '2027-02-10T10:00:00.000Z';
const expected = [
  'Périmètre forcé « concernée » par Alice Martin le 10/02/2027 à 11:00 (heure de Paris), ' +
    'motif : poste ouvert aux élèves à la demande de la caisse nationale.',
  'Décision des règles seules : non concernée — ',
];

describe.each(testDatabases())('a forced scope in the reports on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let dir: string;

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-forced-scope');
    campaign = await buildCampaign(store);
    await campaign.forceScope(
      'H',
      true,
      FORCED_AT,
      'Alice Martin',
      'poste ouvert aux élèves à la demande de la caisse nationale',
    );
    dir = mkdtempSync(join(tmpdir(), 'en3s-forced-scope-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await store?.cleanup();
  });

  const options = (asOf: string | null): ReportOptions => ({
    campaign: 2027,
    asOf,
    network: null,
    regime: null,
    body: null,
    states: null,
    primaryNetworks: 'all',
  });
  const file = async (format: ReportFormat, asOf: string | null) => {
    const out = join(dir, `rapport-${asOf ? 'asof' : 'now'}.${format}`);
    await generateReportFile(store.db, data.organismsFile, {
      kind: 'report',
      format,
      options: options(asOf),
      generatedAt: MARCH,
      out,
      trigger: 'api',
      now: MARCH,
    });
    return readFileSync(out);
  };
  const says = (reason: string) => {
    for (const part of expected) expect(reason).toContain(part);
    // The rules' own reason follows: the agent de direction is never concerned.
    expect(reason.slice(reason.indexOf('Décision des règles seules'))).toMatch(/agent de direction/i);
  };

  for (const asOf of [null, MARCH]) {
    const when = asOf ? 'as it stood' : 'as it stands';

    it(`the model and JSON (${when}): concerned, with the forcing and the rules' decision in the reason`, async () => {
      const model = await buildReport(store.db, data.organismsFile, options(asOf), MARCH);
      const row = model.rows.find((r) => r.reference === campaign.ref.H)!;
      expect(row.concerned).toBe('yes');
      says(row.reason);
      const json = JSON.parse((await file('json', asOf)).toString('utf8')) as {
        offers: { reference: string; reason: string }[];
      };
      says(json.offers.find((o) => o.reference === campaign.ref.H)!.reason);
      // An offer nobody forced keeps the rules' reason alone.
      expect(model.rows.find((r) => r.reference === campaign.ref.A)!.reason).not.toContain('Périmètre forcé');
    });

    it(`CSV, XLSX and HTML (${when}) show the same`, async () => {
      const records = parse(await file('csv', asOf), {
        bom: true,
        delimiter: ';',
        record_delimiter: '\r\n',
      }) as string[][];
      const reasonAt = records[0]!.indexOf('Raison');
      says(records.find((r) => r[0] === campaign.ref.H)![reasonAt]!);

      const book = new ExcelJS.Workbook();
      await book.xlsx.load((await file('xlsx', asOf)) as unknown as ArrayBuffer);
      const sheet = book.getWorksheet('Offres')!;
      const titles = sheet.getRow(1).values as unknown[];
      let reason = '';
      sheet.eachRow((row) => {
        if (row.getCell(1).text === campaign.ref.H) reason = row.getCell(titles.indexOf('Raison')).text;
      });
      says(reason);

      const html = (await file('html', asOf)).toString('utf8');
      for (const part of expected) expect(html).toContain(part);
    });
  }
});

import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReport } from '../../../src/reports/build.js';
import { cellText, reportColumns } from '../../../src/reports/columns.js';
import { generateReportFile } from '../../../src/reports/generate.js';
import type { BuiltReport } from '../../../src/reports/model.js';
import type { ReportFormat, ReportKind, ReportOptions } from '../../../src/reports/options.js';
import { jsonRow } from '../../../src/reports/render-json.js';
import { listReportRuns } from '../../../src/reports/runs.js';
import { recapJsonSchema, reportJsonSchema } from '../../../src/reports/schema.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { buildCampaign, MARCH, type Campaign } from './campaign.js';
import { zipEntries } from './zip-entries.js';
import { wholeCampaign } from '../../support/report-options.js';

const base: ReportOptions = wholeCampaign(2027);
const formats: ReportFormat[] = ['csv', 'xlsx', 'json', 'html'];
const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

describe.each(testDatabases())('report files on %s', (dialect) => {
  let store: TestStore;
  let campaign: Campaign;
  let model: BuiltReport;
  let dir: string;
  let runs = 0;
  const write = async (kind: ReportKind, format: ReportFormat, name: string, generatedAt = MARCH) => {
    runs += 1;
    const result = await generateReportFile(store.db, data.organismsFile, {
      kind,
      format,
      options: base,
      generatedAt,
      out: join(dir, name),
      trigger: 'api',
      now: '2027-03-01T07:00:05.000Z',
    });
    return { ...result, bytes: readFileSync(join(dir, name)) };
  };

  beforeAll(async () => {
    store = await openTestStore(dialect, 'report-files');
    campaign = await buildCampaign(store);
    model = await buildReport(store.db, data.organismsFile, base, MARCH);
    dir = mkdtempSync(join(tmpdir(), 'en3s-report-files-'));
  });
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await store?.cleanup();
  });

  it('CSV for French Excel: BOM, ";", CRLF, RFC 4180 quotes, formulas defused; parses back to the rows', async () => {
    const { bytes, rowCount } = await write('report', 'csv', 'rapport.csv');
    expect(rowCount).toBe(10);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    expect(text.startsWith('Référence;Intitulé;Organisme;')).toBe(true);
    expect(text.split('\r\n')[0]!.split(';')).toHaveLength(reportColumns.length);
    expect(text).toContain('"Responsable ""qualité"" ; pôle\nNord"');
    expect(text).toContain(`${campaign.ref.H};"'=HYPERLINK(""http://example.invalid"")";`);
    const records = parse(bytes, { bom: true, delimiter: ';', record_delimiter: '\r\n' }) as string[][];
    expect(records[0]).toEqual(reportColumns.map((c) => c.title));
    const expected = model.rows.map((row) =>
      reportColumns.map((c) => cellText(c.cell(row)).replace(/^[=+\-@\t\r]/, (m) => `'${m}`)),
    );
    expect(records.slice(1)).toEqual(expected);
  });

  it('XLSX: offers sheet: filters, frozen header, real dates; summary opened first; no writing instant', async () => {
    const { bytes } = await write('report', 'xlsx', 'rapport.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Offres', 'Synthèse']);
    const offers = book.getWorksheet('Offres')!;
    expect(offers.getRow(1).values).toEqual([undefined, ...reportColumns.map((c) => c.title)]);
    expect(offers.rowCount).toBe(11);
    expect(offers.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    expect(offers.autoFilter).toBe('A1:AA1');
    const col = (title: string) => reportColumns.findIndex((c) => c.title === title) + 1;
    const rowOf = (ref: string) => offers.getRows(2, 10)!.find((r) => r.getCell(1).value === ref)!;
    const a = rowOf(campaign.ref.A);
    expect(a.getCell(col('Date de création')).value).toEqual(new Date('2027-01-05T00:00:00.000Z'));
    expect(a.getCell(col('Date de création')).numFmt).toBe('dd/mm/yyyy');
    expect(a.getCell(col('Délai entre soumission et réponse observées (jours)')).value).toBe(6.9);
    expect(a.getCell(col('Réponse observée')).value).toBe('approbation');
    expect(a.getCell(col("Soumise à l'EN3S (observée le)")).value).toEqual(new Date('2027-01-05T00:00:00.000Z'));
    // A title typed as a formula stays text in a workbook.
    const h = rowOf(campaign.ref.H).getCell(col('Intitulé'));
    expect([h.type, h.value]).toEqual([ExcelJS.ValueType.String, '=HYPERLINK("http://example.invalid")']);
    const summary = book.getWorksheet('Synthèse')!;
    const line = (label: string) => summary.getRows(1, summary.rowCount)!.find((r) => r.getCell(1).value === label);
    expect(summary.getRow(1).getCell(1).value).toBe('Rapport de contrôle de la période EN3S — campagne 2027');
    expect(line('Offres concernées')?.getCell(2).value).toBe(8);
    expect(line('dont réponse observée (approbation ou refus)')?.getCell(2).value).toBe(5);
    expect(line("dont réponse attribuée à l'EN3S seule")?.getCell(2).value).toBe(3);
    expect(
      line("Part des offres concernées entrées dans le processus dont la soumission à l'EN3S a été observée")?.getCell(
        2,
      ).numFmt,
    ).toBe('0.0%');
    expect(book.creator).toBe('Connecteur EN3S');
    expect(book.created).toEqual(new Date(MARCH));
    const entries = zipEntries(bytes);
    expect(entries.map((e) => e.name)).toContain('xl/worksheets/sheet1.xml');
    for (const entry of entries)
      expect([entry.name, entry.centralDate, entry.localDate]).toEqual([
        entry.name,
        '2027-03-01T07:00:00',
        '2027-03-01T07:00:00',
      ]);
  });

  it('recap XLSX: the table of networks, then one sheet per network listing its offers', async () => {
    const { bytes } = await write('recap', 'xlsx', 'recap.xlsx');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(book.worksheets.map((s) => s.name)).toEqual([
      'Récapitulatif',
      'CCMSA',
      'Cnaf',
      'Cnam',
      'Cnav',
      'Urssaf Caisse nationale',
    ]);
    const cnav = book.getWorksheet('Cnav')!;
    expect(cnav.getRows(2, cnav.rowCount - 1)!.map((r) => [r.getCell(1).value, r.getCell(5).value])).toEqual([
      [campaign.ref.G, "en attente (approbateur, soumission ou réponse de l'EN3S)"],
      [campaign.ref.D, "en attente (approbateur, soumission ou réponse de l'EN3S)"],
    ]);
    const recap = book.getWorksheet('Récapitulatif')!;
    // CARSAT and CGSS offers count in each of their networks: the total line says so.
    const total = recap.getRows(1, recap.rowCount)!.find((r) => String(r.getCell(1).value).startsWith('Total'))!;
    expect(total.values).toEqual([
      undefined,
      'Total des offres distinctes (une offre d’un organisme à plusieurs réseaux compte dans ' +
        'chacun ci-dessus, une seule fois ici)',
      1,
      3,
      5,
      0,
      9,
    ]);
  });

  it('JSON: validates against its schema, ISO instants, the same rows and summary as the model', async () => {
    const { bytes } = await write('report', 'json', 'rapport.json');
    const parsed = reportJsonSchema.parse(JSON.parse(bytes.toString('utf8')));
    expect(parsed.offers).toEqual(JSON.parse(JSON.stringify(model.rows.map(jsonRow))));
    expect(parsed.summary).toEqual(model.summary);
    const a = parsed.offers.find((o) => o.reference === campaign.ref.A)!;
    expect(a).toMatchObject({
      approver: { observedAt: '2027-01-05T10:00:00.000Z', by: 'connector' },
      submission: { observedAt: '2027-01-05T11:00:00.000Z', approvers: 'en3s_only' },
      answer: 'approved',
      answerObservedAt: '2027-01-12T08:00:00.000Z',
      answerByEn3s: true,
      postingId: '7001',
      stateLabel: 'Approuvée',
    });
    expect(parsed.schema).toBe('en3s-report/2');
    expect(Object.keys(parsed)).toEqual([
      'schema',
      'kind',
      'campaign',
      'generatedAt',
      'asOf',
      'reference',
      'filters',
      'primaryNetworks',
      'offers',
      'summary',
    ]);
    const recap = await write('recap', 'json', 'recap.json');
    expect(recapJsonSchema.parse(JSON.parse(recap.bytes.toString('utf8'))).total.total).toBe(9);
  });

  it('HTML: one self-contained French page, the chart drawn inline, every offer in the table', async () => {
    const { bytes } = await write('report', 'html', 'rapport.html');
    const html = bytes.toString('utf8');
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="fr">')).toBe(true);
    expect(html).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(html).not.toMatch(/<script|<link|src=|url\(|@import/i);
    expect(html.match(/https?:\/\/[^"\s&<]+/g)).toEqual(['http://www.w3.org/2000/svg', 'http://example.invalid']);
    expect(html).toContain('Responsable &quot;qualité&quot; ; pôle\nNord');
    expect(html.match(/<tr>/g)?.length).toBeGreaterThan(10);
    for (const ref of Object.values(campaign.ref)) expect(html).toContain(`<td>${ref}</td>`);
    expect(html).toContain('Situation au 01/03/2027 à 08:00 (heure de Paris)');
  });

  it('gives the same bytes for the same data, options and instant, in every format, report and recap', async () => {
    for (const kind of ['report', 'recap'] as const) {
      for (const format of formats) {
        const first = await write(kind, format, `twice-1-${kind}.${format}`);
        const second = await write(kind, format, `twice-2-${kind}.${format}`);
        expect(second.file.sha256, `${kind} ${format}`).toBe(first.file.sha256);
        expect(Buffer.compare(first.bytes, second.bytes), `${kind} ${format}`).toBe(0);
        // The instant of writing is in every format but the CSV, which has no room for it.
        const later = await write(kind, format, `later-${kind}.${format}`, '2027-03-01T07:01:00.000Z');
        if (format === 'csv') expect(later.file.sha256).toBe(first.file.sha256);
        else expect(later.file.sha256, `${kind} ${format} at another instant`).not.toBe(first.file.sha256);
      }
    }
  });

  it('records every run with options, file SHA-256 and size, rows and trigger; leaves no temporary file', async () => {
    const list = await listReportRuns(store.db, { campaign: 2027, limit: 500 });
    expect(list).toHaveLength(runs);
    for (const run of list) {
      const bytes = readFileSync(join(dir, run.fileName));
      expect(run.files).toEqual([{ name: run.fileName, sha256: sha256(bytes), bytes: bytes.length }]);
      expect(run).toMatchObject({ campaign: 2027, trigger: 'api', dueAt: null, scheduleKey: null });
    }
    const csvRun = list.find((r) => r.fileName === 'rapport.csv')!;
    expect(csvRun).toMatchObject({
      kind: 'report',
      format: 'csv',
      rowCount: 10,
      generatedAt: MARCH,
      options: { ...base },
    });
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });
});

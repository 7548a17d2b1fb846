import { createHash } from 'node:crypto';
import BetterSqlite3 from 'better-sqlite3';
import { openDatabase } from '../../src/store/database.js';
import { csvAheadOf } from '../../src/reports/render-csv.js';
import type { ReportFacts } from '../../src/reports/rows.js';
import { GENESIS_HASH } from '../../src/store/ledger.js';
import { csvRowOf } from '../../src/store/offer-report.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { jobTitles } from './body-names.js';
import { mulberry32 } from './generate-offers.js';
import { ATS, JOB, TITLE, type TemplateRow } from './report-templates.js';

/**
 * A campaign of N offers with their ledger, written straight into a SQLite file for the reports
 * bench: each offer is a copy of a template history the real pipeline wrote (`report-templates.ts`)
 * with its own id, number and title, and so are its report projections (`offer_report`, and `offer_report_csv` with its
 * CSV record rendered anew). The ledger is a genuine hash chain (same canonical text and
 * hash as `appendLedger`), so `verifyLedger` accepts it. Rows go in by prepared statements in
 * large transactions; only the bench does this, never the service.
 */

const BATCH = 20_000;

function jsonText(value: string): string {
  return JSON.stringify(value).slice(1, -1);
}

export interface GeneratedCampaign {
  offers: number;
  ledgerEntries: number;
}

export async function generateReportCampaign(
  file: string,
  count: number,
  templates: readonly TemplateRow[],
  seed = 0x2027,
): Promise<GeneratedCampaign> {
  const store = await openDatabase(`sqlite:${file}`);
  await migrateToLatest(store);
  await store.close();

  const db = new BetterSqlite3(file);
  // A throw-away file: no journal while loading, a large page cache for the index inserts.
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  const columns = Object.keys(templates[0]!.columns);
  const insertOffer = db.prepare(
    `insert into offers (${columns.join(', ')}) values (${columns.map(() => '?').join(', ')})`,
  );
  const reportColumns = Object.keys(templates[0]!.report);
  const insertReport = db.prepare(
    `insert into offer_report (${reportColumns.join(', ')}) values (${reportColumns.map(() => '?').join(', ')})`,
  );
  const csvColumns = Object.keys(
    csvRowOf(templates[0]!.report as unknown as ReportFacts, { csv_cells: null, csv_moment: null, csv_version: null }),
  );
  const insertCsv = db.prepare(
    `insert into offer_report_csv (${csvColumns.join(', ')}) values (${csvColumns.map(() => '?').join(', ')})`,
  );
  const insertLedger = db.prepare(
    'insert into ledger (seq, at, offer_source, offer_ats_id, campaign, actor, actor_name, ' +
      'kind, data, prev_hash, hash) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  const random = mulberry32(seed);
  let seq = 0;
  let prev = GENESIS_HASH;
  let entries = 0;

  const insertBatch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const template = templates[Math.floor(random() * templates.length)]!;
      const atsId = `J${String(i).padStart(7, '0')}`;
      const jobNumber = `NVHADD${String(i).padStart(7, '0')}`;
      const title = jobTitles[Math.floor(random() * jobTitles.length)]!;
      const fill = (text: string) =>
        text.replaceAll(ATS, atsId).replaceAll(JOB, jobNumber).replaceAll(TITLE, jsonText(title));
      const copy = (row: TemplateRow['columns'], names: string[]) =>
        names.map((c) => {
          const v = row[c]!;
          if (c === 'title') return title;
          // Each copy is its own change, already projected (see the cursor below).
          if (c === 'change_no') return i + 1;
          return typeof v === 'string' ? fill(v) : v;
        });
      insertOffer.run(copy(template.columns, columns));
      const report = copy(template.report, reportColumns);
      insertReport.run(report);
      // The CSV record ahead is rendered for each copy, as the pipeline does (it holds the title and the references).
      const facts = Object.fromEntries(reportColumns.map((c, k) => [c, report[k]])) as unknown as ReportFacts;
      const csvRow = csvRowOf(facts, csvAheadOf(facts));
      insertCsv.run(csvColumns.map((c) => csvRow[c as keyof typeof csvRow]));
      for (const e of template.ledger) {
        seq += 1;
        const data = fill(e.data);
        // The canonical text of `ledgerHash`: keys sorted, no spaces, the stored data as is.
        const content =
          `{"actor":${JSON.stringify(e.actor)},"actor_name":${JSON.stringify(e.actor_name)},` +
          `"at":${JSON.stringify(e.at)},"campaign":${JSON.stringify(e.campaign)},"data":${data},` +
          `"kind":${JSON.stringify(e.kind)},"offer_ats_id":${JSON.stringify(atsId)},"offer_source":"talentlink",` +
          `"seq":${seq}}`;
        const hash = createHash('sha256').update(`${prev}\n${content}`, 'utf8').digest('hex');
        insertLedger.run(seq, e.at, 'talentlink', atsId, e.campaign, e.actor, e.actor_name, e.kind, data, prev, hash);
        prev = hash;
        entries += 1;
      }
    }
  });
  for (let from = 0; from < count; from += BATCH) insertBatch(from, Math.min(count, from + BATCH));
  // The projections are written with the offers here: the projector's cursor stands at the last change.
  db.prepare('update offer_change_counter set last = ?').run(count);
  db.prepare("update cursors set value = ? where name = 'offer_report'").run(String(count));
  db.exec('analyze');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.close();
  return { offers: count, ledgerEntries: entries };
}

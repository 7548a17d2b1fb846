import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify, type Options } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type { CsvAheadColumns, OfferReportCsvRow } from '../store/offer-report.js';
import type { CsvRecordLayout, MomentTexts } from '../store/offer-report-csv-block.js';
import { endStream, writeChunk } from './atomic-file.js';
import { cellText, frenchNumber, postColumns, recapColumns, reportColumns, type Column } from './columns.js';
import type { PostsList, Recap, ReportRow } from './model.js';
import { finishRow, momentOf, rowContext, type MomentFacts, type ReportFacts, type RowContext } from './rows.js';

/**
 * CSV for French Excel: UTF-8 with a byte order mark (so Excel reads the accents), `;` between
 * fields (the decimal separator is the comma), CRLF between records and RFC 4180 quoting
 * (a field holding `;`, `"` or a line break, even a lone CR or LF, is quoted, quotes doubled).
 * Dates `jj/mm/aaaa` in the body's legal time. A field starting with = + - @ tab or CR gets a
 * leading quote, so Excel never runs it as a formula (a title typed by a recruiter is not trusted).
 *
 * A large report as it stands does not quote every cell of every row again: the pipeline keeps,
 * with each offer's projection, the CSV text of the runs of columns that do not depend on the
 * report's instant or options and the values those columns are made of (`csvAheadOf`, written
 * by csv-stringify with the same options), and a report joins those runs with the few cells of
 * the row's moment. Both ways give the same bytes (`csv-cells.test.ts`).
 */

export const csvOptions: Options = {
  bom: true,
  delimiter: ';',
  record_delimiter: '\r\n',
  escape_formulas: true,
  // csv-stringify quotes a field holding the record delimiter (CRLF), not a lone CR or LF,
  // which Excel would still take for the end of the row.
  quoted_match: /[\r\n]/,
};

const pageOptions: Options = { ...csvOptions, bom: false };

/** The first bytes of the report: the byte order mark and the column titles. */
export function reportCsvHead(): string {
  return stringifySync([reportColumns.map((c) => c.title)], csvOptions);
}

/** The CSV records of a page of rows, each ending with CRLF: pages written one after the other make the file. */
export function reportCsvPage(page: readonly ReportRow[]): string {
  return stringifySync(
    page.map((row) => reportColumns.map((c) => cellText(c.cell(row)))),
    pageOptions,
  );
}

/** Some cells as one CSV text, quoted as in a record, without the record's end. */
function csvText(cells: readonly string[]): string {
  return stringifySync([cells], pageOptions).slice(0, -2);
}

/** The record in order: runs of fixed columns (kept as text) and the columns of the row's moment. */
type Part = { kind: 'run'; columns: Column[] } | { kind: 'moment'; column: Extract<Column, { moment: true }> };

const parts: Part[] = [];
for (const column of reportColumns) {
  const last = parts[parts.length - 1];
  if (column.moment) parts.push({ kind: 'moment', column });
  else if (last?.kind === 'run') last.columns.push(column);
  else parts.push({ kind: 'run', columns: [column] });
}
const runs = parts.filter((p): p is Extract<Part, { kind: 'run' }> => p.kind === 'run');
const momentParts = parts.flatMap((p) => (p.kind === 'moment' ? [p.column] : []));
const lastRunPart = parts.map((p) => p.kind).lastIndexOf('run');

/**
 * How a record is laid out: its runs of fixed columns, and how many moment cells come before each run (the last entry:
 * after the last run).
 */
export function csvRecordParts(): { runCount: number; momentsBefore: number[] } {
  const momentsBefore = [0];
  for (const part of parts) {
    if (part.kind === 'run') momentsBefore.push(0);
    else momentsBefore[momentsBefore.length - 1]! += 1;
  }
  return { runCount: runs.length, momentsBefore };
}

/**
 * Between the runs of `csv_cells` and the values of `csv_moment` (no text of a report holds it; a row that does is not
 * stored ahead).
 */
const SEPARATOR = '\u001f';

/** The values of the row's moment that `csv_moment` holds, in order (the networks have their own column). */
const momentColumns = [
  'published_at',
  'published_day',
  'channel',
  'withdrawn_at',
  'withdrawn_day',
  'fix_action',
  'fix_at',
  'fix_day',
] as const satisfies readonly (keyof MomentFacts)[];

/**
 * The rendering `csvAheadOf` gives. Stored text of another version is not used (the row is
 * rendered whole): raise it whenever the text of a fixed column changes (a title, a label, the
 * quoting) or the columns do, which `csv-cells.test.ts` notices.
 * 2: the columns of the real ATS (EN3S approver, submission and answer observed; no due date).
 * 3: an undetermined scope reads « indéterminée (données manquantes) », no longer « à vérifier ».
 */
export const CSV_CELLS_VERSION = 3;

// A row's fixed cells do not depend on the instant: any will do to build the row.
const anyMoment = rowContext('2000-01-01T00:00:00.000Z', 'all');

const nothingAhead: CsvAheadColumns = { csv_version: null, csv_cells: null, csv_moment: null };

/**
 * The projection's CSV record ahead of the report, written with it by the pipeline: the text of
 * its fixed columns and the values of its moment. Nothing when one of them holds the separator
 * or a moment value is empty (it could not be told from a missing one): such a row is rendered
 * whole by the report.
 */
export function csvAheadOf(facts: ReportFacts): CsvAheadColumns {
  const row = finishRow(facts, anyMoment);
  const texts = runs.map((run) => csvText(run.columns.map((column) => cellText(column.cell(row)))));
  const values = momentColumns.map((column) => facts[column]);
  if (texts.some((t) => t.includes(SEPARATOR)) || values.some((v) => v === '' || v?.includes(SEPARATOR)))
    return nothingAhead;
  return {
    csv_version: CSV_CELLS_VERSION,
    csv_cells: texts.join(SEPARATOR),
    csv_moment: values.map((v) => v ?? '').join(SEPARATOR),
  };
}

/** What a CSV record ahead of the report is read from. */
type CsvAheadRow = Pick<OfferReportCsvRow, 'networks' | 'csv_version' | 'csv_cells' | 'csv_moment'>;

/** What a row's moment is read from: its networks' text and `csv_moment`. */
type MomentSource = { networks: string; csv_moment: string };

/** Whether the projection holds its record ahead, as this version renders it. */
export function hasCsvAhead(row: CsvAheadRow): row is CsvAheadRow & { csv_cells: string; csv_moment: string } {
  return row.csv_version === CSV_CELLS_VERSION && row.csv_cells !== null && row.csv_moment !== null;
}

/** The values of the row's moment, from `csv_moment` (an empty value is a missing one, see `csvAheadOf`). */
function momentFactsOf(row: MomentSource): MomentFacts {
  const values = row.csv_moment.split(SEPARATOR);
  const facts = Object.fromEntries(momentColumns.map((column, i) => [column, values[i] || null])) as Omit<
    MomentFacts,
    'networks'
  >;
  return { ...facts, networks: row.networks };
}

/**
 * The CSV text of rows' moments, for one report (one instant, one networks rule). The moment's
 * cells come from a few values (dates, oui/non, channels, networks, labels) and many rows share
 * the same moment values (most were neither published nor withdrawn), so each text is quoted
 * once by csv-stringify and each moment rendered once, then remembered (bounded).
 */
export class MomentCells {
  private readonly texts = new Map<string, string>();
  /** Networks text → moment values → the moment's texts. */
  private readonly moments = new Map<string, Map<string, MomentTexts>>();
  private remembered = 0;

  constructor(private readonly ctx: RowContext) {}

  /** The record's layout with this report's moments, for the store's blocks (`src/store/offer-report-csv-block.ts`). */
  layout(): CsvRecordLayout {
    return { ...csvRecordParts(), moment: (row) => this.moment(row) };
  }

  private text(value: string): string {
    let text = this.texts.get(value);
    if (text === undefined) {
      text = csvText([value]);
      if (this.texts.size >= 10_000) this.texts.clear();
      this.texts.set(value, text);
    }
    return text;
  }

  /** The moment of a row whose record is stored ahead (`hasCsvAhead`), at this report's instant. */
  moment(row: MomentSource): MomentTexts {
    const known = this.moments.get(row.networks)?.get(row.csv_moment);
    if (known !== undefined) return known;
    const moment = momentOf(momentFactsOf(row), this.ctx);
    const made = {
      networks: moment.networks,
      texts: momentParts.map((column) => this.text(cellText(column.cell(moment)))),
    };
    if (++this.remembered > 10_000) {
      this.moments.clear();
      this.remembered = 1;
    }
    let byValues = this.moments.get(row.networks);
    if (byValues === undefined) {
      byValues = new Map();
      this.moments.set(row.networks, byValues);
    }
    byValues.set(row.csv_moment, made);
    return made;
  }

  /**
   * The CSV record from the text of the fixed runs stored ahead and the moment's texts; null when the text does not
   * have the runs of these columns.
   */
  record(cells: string, moment: MomentTexts): string | null {
    let record = '';
    let from = 0;
    let cell = 0;
    for (let i = 0; i < parts.length; i++) {
      if (i > 0) record += ';';
      if (parts[i]!.kind === 'moment') {
        record += moment.texts[cell++];
        continue;
      }
      const end = cells.indexOf(SEPARATOR, from);
      if (end === -1) {
        // The last run: the rest of the text, which must come last.
        if (i !== lastRunPart) return null;
        record += from === 0 ? cells : cells.slice(from);
        from = cells.length + 1;
      } else {
        if (i === lastRunPart) return null;
        record += cells.slice(from, end);
        from = end + 1;
      }
    }
    return from === cells.length + 1 ? `${record}\r\n` : null;
  }
}

/** A page of the report as CSV records (text, or its UTF-8 bytes), with the number of offers in it. */
export interface CsvPage {
  text: string | Buffer;
  rows: number;
}

/**
 * Streams the pages as they come (one string per page, written with backpressure): memory holds
 * one page, whatever the number of offers.
 */
export async function writeReportCsv(pages: AsyncIterable<CsvPage>, out: Writable): Promise<number> {
  let count = 0;
  await writeChunk(out, reportCsvHead());
  for await (const page of pages) {
    count += page.rows;
    await writeChunk(out, page.text);
  }
  await endStream(out);
  return count;
}

/** A small table (its titles, then its records) as CSV with the options above: the recap, the list of posts. */
export async function writeTableCsv(records: Iterable<readonly string[]>, out: Writable): Promise<void> {
  await pipeline(Readable.from(records), stringify(csvOptions), out);
}

export async function writeRecapCsv(recap: Recap, out: Writable): Promise<void> {
  const line = (l: Recap['total']) =>
    [l.network, l.offeredToStudents, l.approved, l.pending, l.releasedWithoutAnswer, l.total].map((v) =>
      typeof v === 'number' ? frenchNumber(v) : v,
    );
  await writeTableCsv([[...recapColumns], ...recap.lines.map(line), line(recap.total)], out);
}

/** The posts to enter on EN3S's board, one record per post (the counts per body are in the XLSX and the JSON). */
export async function writePostsCsv(list: PostsList, out: Writable): Promise<void> {
  await writeTableCsv(
    [postColumns.map((c) => c.title), ...list.posts.map((post) => postColumns.map((c) => cellText(c.cell(post))))],
    out,
  );
}

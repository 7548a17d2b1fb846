import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify, type Options } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import type { OfferReportCsvRow } from '../store/offer-report.js';
import { endStream, writeChunk } from './atomic-file.js';
import { cellText, frenchNumber, recapColumns, reportColumns, type Column } from './columns.js';
import type { Recap, ReportRow, RowMoment } from './model.js';
import { finishRow, rowContext, type ReportFacts } from './rows.js';

/**
 * CSV for French Excel: UTF-8 with a byte order mark (so Excel reads the accents), `;` between
 * fields (the decimal separator is the comma), CRLF between records and RFC 4180 quoting
 * (a field holding `;`, `"` or a line break, even a lone CR or LF, is quoted, quotes doubled).
 * Dates `jj/mm/aaaa` in the body's legal time. A field starting with = + - @ tab or CR gets a
 * leading quote, so Excel never runs it as a formula (a title typed by a recruiter is not trusted).
 *
 * A large report as it stands does not quote every cell of every row again: the pipeline keeps,
 * with each offer's projection, the CSV text of the runs of columns that do not depend on the
 * report's instant or options (`csvCellsOf`, written by csv-stringify with the same options),
 * and a report joins those runs with the few cells of the row's moment. Both ways give the same
 * bytes (`csv-cells.test.ts`).
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

/** The CSV text of the fixed columns, as the projection stores it (`offer_report.csv_*`). */
export interface CsvCells {
  csv_version: number;
  csv_1: string;
  csv_2: string;
  csv_3: string;
  csv_4: string;
  csv_5: string;
}

/**
 * The rendering `csvCellsOf` gives. Stored text of another version is not used (the row is
 * rendered whole): raise it whenever the text of a fixed column changes (a title, a label, the
 * quoting), which `csv-cells.test.ts` notices.
 */
export const CSV_CELLS_VERSION = 1;

const RUN_COUNT = 5;
if (runs.length !== RUN_COUNT) {
  throw new Error(`render-csv: the report's columns make ${runs.length} runs of fixed columns, the projection stores ${RUN_COUNT} (offer_report.csv_1 … csv_${RUN_COUNT})`);
}

// A row's fixed cells do not depend on the instant: any will do to build the row.
const anyMoment = rowContext('2000-01-01T00:00:00.000Z', 'all');

/** The CSV text of the projection's fixed columns, written with it by the pipeline. */
export function csvCellsOf(facts: ReportFacts): CsvCells {
  const row = finishRow(facts, anyMoment);
  const [a, b, c, d, e] = runs.map((run) => csvText(run.columns.map((column) => cellText(column.cell(row)))));
  return { csv_version: CSV_CELLS_VERSION, csv_1: a!, csv_2: b!, csv_3: c!, csv_4: d!, csv_5: e! };
}

/**
 * The text of the moment's cells. They come from a few values (dates, oui/non, channels,
 * networks, labels), so each text is quoted once by csv-stringify and remembered.
 */
export class MomentCells {
  private readonly texts = new Map<string, string>();

  text(value: string): string {
    let text = this.texts.get(value);
    if (text === undefined) {
      text = csvText([value]);
      if (this.texts.size >= 10_000) this.texts.clear();
      this.texts.set(value, text);
    }
    return text;
  }

  /** The CSV record of a projection whose fixed cells are stored (`csv_version` is this one's), at its moment. */
  record(row: OfferReportCsvRow, moment: RowMoment): string {
    const stored = [row.csv_1, row.csv_2, row.csv_3, row.csv_4, row.csv_5];
    let record = '';
    let run = 0;
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i]!;
      if (i > 0) record += ';';
      record += part.kind === 'run' ? stored[run++] : this.text(cellText(part.column.cell(moment)));
    }
    return `${record}\r\n`;
  }
}

/** Whether the projection holds its fixed cells as this version renders them. */
export function hasCsvCells(row: OfferReportCsvRow): boolean {
  return row.csv_version === CSV_CELLS_VERSION && row.csv_1 !== null && row.csv_2 !== null && row.csv_3 !== null && row.csv_4 !== null && row.csv_5 !== null;
}

/** A page of the report as CSV records, with the number of offers in it. */
export interface CsvPage {
  text: string;
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

export async function writeRecapCsv(recap: Recap, out: Writable): Promise<void> {
  const line = (l: Recap['total']) => [l.network, l.offeredToStudents, l.granted, l.pending, l.releasedWithoutAnswer, l.total].map((v) => (typeof v === 'number' ? frenchNumber(v) : v));
  async function* records(): AsyncGenerator<string[]> {
    yield [...recapColumns];
    for (const l of recap.lines) yield line(l);
    yield line(recap.total);
  }
  await pipeline(records(), stringify(csvOptions), out);
}

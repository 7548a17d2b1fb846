import type { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { stringify, type Options } from 'csv-stringify';
import { stringify as stringifySync } from 'csv-stringify/sync';
import { endStream, writeChunk } from './atomic-file.js';
import { cellText, frenchNumber, recapColumns, reportColumns } from './columns.js';
import type { Recap, ReportRow } from './model.js';

/**
 * CSV for French Excel: UTF-8 with a byte order mark (so Excel reads the accents), `;` between
 * fields (the decimal separator is the comma), CRLF between records and RFC 4180 quoting
 * (a field holding `;`, `"` or a line break is quoted, quotes doubled). Dates `jj/mm/aaaa` in
 * the body's legal time. A field starting with = + - @ gets a leading quote, so Excel never runs
 * it as a formula (a title typed by a recruiter is not trusted).
 */

export const csvOptions: Options = {
  bom: true,
  delimiter: ';',
  record_delimiter: '\r\n',
  escape_formulas: true,
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

/**
 * Streams the rows as they come, a page at a time (one string per page, written with
 * backpressure): memory holds one page of rows, whatever their number.
 */
export async function writeReportCsv(pages: AsyncIterable<ReportRow[]>, out: Writable): Promise<number> {
  let count = 0;
  await writeChunk(out, reportCsvHead());
  for await (const page of pages) {
    count += page.length;
    await writeChunk(out, reportCsvPage(page));
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

import { basename } from 'node:path';
import type { Writable } from 'node:stream';
import type { OrganismsFile } from '../domain/organism-schema.js';
import { canonicalJson } from '../store/canonical-json.js';
import type { Db } from '../store/database.js';
import { writeAtomically, type WrittenFile } from './atomic-file.js';
import type { Recap, ReportHeader, ReportRow, Summary } from './model.js';
import type { ReportFormat, ReportKind, ReportOptions, RunTrigger } from './options.js';
import { catchUpProjection } from './projection.js';
import { recordReportRun, type ReportRun } from './runs.js';
import { reportCsvPages, reportRows } from './source.js';
import { RecapBuilder, SummaryBuilder } from './summary.js';

/**
 * Writes a report: reads the rows (`source.ts`), renders them, writes the file atomically and
 * records the run with the file's SHA-256. The generation instant is a parameter: the same data,
 * options and instant give the same bytes.
 *
 * CSV, JSON and XLSX are written in one pass (the JSON summary closes the document, the XLSX
 * summary sheet follows the offers sheet). The HTML page shows the summary before the offers, so
 * a first pass computes it and a second writes; the second pass checks that the rows it wrote
 * give the same summary, and if the offers changed in between (an event arrived), the page is
 * written again (three attempts), so a report is never inconsistent with itself.
 */

export interface ReportRequest {
  kind: ReportKind;
  format: ReportFormat;
  options: ReportOptions;
  /** ISO instant written in the report (and the reference instant when there is no `asOf`). */
  generatedAt: string;
  pageSize?: number;
  onProgress?: (read: number) => void;
}

export class ReportChangedError extends Error {
  override readonly name = 'ReportChangedError';
}

const ATTEMPTS = 3;

export function reportHeader(request: ReportRequest): ReportHeader {
  const o = request.options;
  return {
    kind: request.kind,
    campaign: o.campaign,
    generatedAt: request.generatedAt,
    reference: o.asOf ?? request.generatedAt,
    asOf: o.asOf,
    filters: { network: o.network, regime: o.regime, body: o.body, states: o.states },
    primaryNetworks: o.primaryNetworks,
  };
}

export async function summarize(rows: AsyncIterable<ReportRow>, campaign: number): Promise<Summary> {
  const builder = new SummaryBuilder(campaign);
  for await (const row of rows) builder.add(row);
  return builder.result();
}

export async function recapOf(rows: AsyncIterable<ReportRow>): Promise<{ recap: Recap; offers: number }> {
  const builder = new RecapBuilder();
  for await (const row of rows) builder.add(row);
  const recap = builder.result();
  return { recap, offers: recap.total.total };
}

/**
 * Renders a report into a stream (a file, an HTTP response), which it ends. Returns the number
 * of rows: offers for the report, offers counted in the recap for the recap, posts for the list
 * of posts to enter on EN3S's board (`posts.ts`). Throws
 * `ReportChangedError` when the offers changed between the two passes of an XLSX or HTML report.
 */
export async function writeReport(
  db: Db,
  organisms: OrganismsFile,
  request: ReportRequest,
  out: Writable,
): Promise<number> {
  // The projection first reflects every offer's change committed before the report started.
  await catchUpProjection(db, request.generatedAt);
  const header = reportHeader(request);
  if (request.kind === 'posts')
    return (await import('./posts.js')).writePostsList(db, organisms, header, request.format, request.options, out);
  const rows = () =>
    reportRows(db, request.options, header.reference, organisms, {
      pageSize: request.pageSize,
      onProgress: request.onProgress,
    });
  // Only the writer of the format asked is loaded (exceljs alone weighs tens of megabytes).
  switch (request.format) {
    case 'csv': {
      const csv = await import('./render-csv.js');
      if (request.kind === 'report')
        return csv.writeReportCsv(
          reportCsvPages(db, request.options, header.reference, organisms, {
            pageSize: request.pageSize,
            onProgress: request.onProgress,
          }),
          out,
        );
      const { recap, offers } = await recapOf(rows());
      await csv.writeRecapCsv(recap, out);
      return offers;
    }
    case 'json': {
      const json = await import('./render-json.js');
      if (request.kind === 'report') return (await json.writeReportJson(header, rows(), out)).count;
      const { recap, offers } = await recapOf(rows());
      await json.writeRecapJson(header, recap, out);
      return offers;
    }
    case 'xlsx': {
      const xlsx = await import('./render-xlsx.js');
      if (request.kind === 'report') return (await xlsx.writeReportXlsx(header, rows(), out)).count;
      const { recap, offers } = await recapOf(rows());
      await xlsx.writeRecapXlsx(header, recap, out);
      return offers;
    }
    case 'html': {
      const html = await import('./render-html.js');
      if (request.kind === 'recap') {
        const { recap, offers } = await recapOf(rows());
        await html.writeRecapHtml(header, recap, out);
        return offers;
      }
      const summary = await summarize(rows(), header.campaign);
      const written = await html.writeReportHtml(header, summary, rows(), out);
      if (canonicalJson(written.summary) !== canonicalJson(summary))
        throw new ReportChangedError('les offres ont changé pendant l’écriture du rapport');
      return written.count;
    }
  }
}

export interface FileRequest extends ReportRequest {
  /** Where to write the file (its folder must exist). */
  out: string;
  trigger: RunTrigger;
  /** When the run is recorded (the clock's instant). */
  now: string;
  dueAt?: string | null;
  scheduleKey?: string | null;
}

export interface FileResult {
  file: WrittenFile;
  rowCount: number;
  /** Null when another instance already recorded this scheduled run: the file was not kept. */
  run: ReportRun | null;
}

/** Writes the report to a file (atomically) and records the run with the file's SHA-256. */
export async function generateReportFile(db: Db, organisms: OrganismsFile, request: FileRequest): Promise<FileResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      // The cursor the run records: `writeReport` catches up again, so its rows reflect at least this.
      const projectionCursor = await catchUpProjection(db, request.now);
      let run: ReportRun | null = null;
      const { result, file } = await writeAtomically(
        request.out,
        (out) => writeReport(db, organisms, request, out),
        async (written, rowCount) => {
          run = await recordReportRun(
            db,
            {
              kind: request.kind,
              campaign: request.options.campaign,
              format: request.format,
              options: { ...request.options },
              generatedAt: request.generatedAt,
              fileName: basename(request.out),
              files: [{ name: basename(request.out), sha256: written.sha256, bytes: written.bytes }],
              rowCount,
              trigger: request.trigger,
              dueAt: request.dueAt ?? null,
              scheduleKey: request.scheduleKey ?? null,
              projectionCursor,
            },
            request.now,
          );
          return run !== null;
        },
      );
      return { file, rowCount: result, run };
    } catch (error) {
      if (error instanceof ReportChangedError && attempt < ATTEMPTS) continue;
      throw error;
    }
  }
}

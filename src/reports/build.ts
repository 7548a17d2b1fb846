import type { OrganismsFile } from '../domain/organism-schema.js';
import type { Db } from '../store/database.js';
import { reportHeader } from './generate.js';
import type { BuiltReport } from './model.js';
import type { ReportOptions } from './options.js';
import { reportRows } from './source.js';
import { RecapBuilder, SummaryBuilder } from './summary.js';

/**
 * The report computed in memory: rows, summary and recap from one pass over the store. For the
 * dashboard and the admin API; files of any size go through `generateReportFile`, which streams.
 * `limit` caps the rows kept (the summary and recap still count every offer).
 */
export async function buildReport(
  db: Db,
  organisms: OrganismsFile,
  options: ReportOptions,
  generatedAt: string,
  limit = Number.POSITIVE_INFINITY,
): Promise<BuiltReport> {
  const header = reportHeader({ kind: 'report', format: 'json', options, generatedAt });
  const summary = new SummaryBuilder(options.campaign);
  const recap = new RecapBuilder();
  const rows = [];
  for await (const row of reportRows(db, options, header.reference, organisms)) {
    summary.add(row);
    recap.add(row);
    if (rows.length < limit) rows.push(row);
  }
  return { header, rows, summary: summary.result(), recap: recap.result() };
}

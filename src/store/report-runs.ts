import type { Generated, Kysely, Selectable, Transaction } from 'kysely';
import { canonicalJson } from './canonical-json.js';
import type { Db } from './database.js';
import { assertInstant } from './instant.js';
import type { Database } from './schema.js';

/**
 * `report_runs` (migration 0002): one row per report written, with its options and the SHA-256
 * of every file, for the admin API's list of reports and the scheduler's catch-up. The kind,
 * format and trigger are the reports' own words (`src/reports/options.ts`), held here as text:
 * the table's checks keep them to those (migrations 0002 and 0012).
 */

export interface ReportRunsTable {
  id: Generated<number>;
  kind: string;
  campaign: number;
  format: string;
  options: string;
  generated_at: string;
  file_name: string;
  files: string;
  row_count: number;
  trigger: string;
  due_at: string | null;
  schedule_key: string | null;
  recorded_at: string;
  /** Migration 0014: the projection's cursor the report reflects (null on runs recorded before). */
  projection_cursor: number | string | null;
}

export type ReportsDatabase = Database & { report_runs: ReportRunsTable };

export interface RunFile {
  name: string;
  sha256: string;
  bytes: number;
}

export interface StoredReportRun {
  id: number;
  kind: string;
  campaign: number;
  format: string;
  options: Record<string, unknown>;
  generatedAt: string;
  fileName: string;
  files: RunFile[];
  rowCount: number;
  trigger: string;
  dueAt: string | null;
  scheduleKey: string | null;
  recordedAt: string;
  /**
   * The projection's cursor when the report was generated: its rows reflect every change of an
   * offer numbered up to it (`offer-changes.ts`), and every change committed before it started.
   */
  projectionCursor: number | null;
}

export type NewStoredReportRun = Omit<StoredReportRun, 'id' | 'recordedAt' | 'projectionCursor'> & {
  projectionCursor?: number | null;
};

function reports(db: Db): Kysely<ReportsDatabase> | Transaction<ReportsDatabase> {
  return db.withTables<{ report_runs: ReportRunsTable }>();
}

function parse(row: Selectable<ReportRunsTable>): StoredReportRun {
  return {
    id: Number(row.id),
    kind: row.kind,
    campaign: row.campaign,
    format: row.format,
    options: JSON.parse(row.options) as Record<string, unknown>,
    generatedAt: row.generated_at,
    fileName: row.file_name,
    files: JSON.parse(row.files) as RunFile[],
    rowCount: Number(row.row_count),
    trigger: row.trigger,
    dueAt: row.due_at,
    scheduleKey: row.schedule_key,
    recordedAt: row.recorded_at,
    projectionCursor: row.projection_cursor === null ? null : Number(row.projection_cursor),
  };
}

/**
 * Records a run. A scheduled run carries a `scheduleKey`: a second run for the same key (another
 * instance got there first) is not recorded and `null` is returned, so the caller drops its file.
 */
export async function insertReportRun(db: Db, run: NewStoredReportRun, now: string): Promise<StoredReportRun | null> {
  assertInstant(now, 'insertReportRun now');
  assertInstant(run.generatedAt, 'insertReportRun generatedAt');
  const row = await reports(db)
    .insertInto('report_runs')
    .values({
      kind: run.kind,
      campaign: run.campaign,
      format: run.format,
      options: canonicalJson(run.options),
      generated_at: run.generatedAt,
      file_name: run.fileName,
      files: canonicalJson(run.files),
      row_count: run.rowCount,
      trigger: run.trigger,
      due_at: run.dueAt,
      schedule_key: run.scheduleKey,
      recorded_at: now,
      projection_cursor: run.projectionCursor ?? null,
    })
    .onConflict((oc) => oc.column('schedule_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  return row ? parse(row) : null;
}

export interface StoredRunFilter {
  campaign?: number;
  kind?: string;
  trigger?: string;
  /** Default 50, at most 500. */
  limit?: number;
  offset?: number;
  /** Only runs numbered below it (the key of the next page). */
  beforeId?: number;
}

/** Runs, newest first. */
export async function selectReportRuns(db: Db, filter: StoredRunFilter = {}): Promise<StoredReportRun[]> {
  let query = reports(db).selectFrom('report_runs').selectAll();
  if (filter.campaign !== undefined) query = query.where('campaign', '=', filter.campaign);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.trigger !== undefined) query = query.where('trigger', '=', filter.trigger);
  if (filter.beforeId !== undefined) query = query.where('id', '<', filter.beforeId);
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 500);
  const rows = await query
    .orderBy('id', 'desc')
    .limit(limit)
    .offset(filter.offset ?? 0)
    .execute();
  return rows.map(parse);
}

/** The run of that id, or null. */
export async function selectReportRun(db: Db, id: number): Promise<StoredReportRun | null> {
  const row = await reports(db).selectFrom('report_runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? parse(row) : null;
}

/** The schedule keys already done among `keys`. */
export async function doneScheduleKeys(db: Db, keys: readonly string[]): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const rows = await reports(db)
    .selectFrom('report_runs')
    .select('schedule_key')
    .where('schedule_key', 'in', keys)
    .execute();
  return new Set(rows.map((r) => r.schedule_key!).filter(Boolean));
}

import type { Db } from '../store/database.js';
import {
  doneScheduleKeys,
  insertReportRun,
  selectReportRun,
  selectReportRuns,
  type RunFile,
  type StoredReportRun,
  type StoredRunFilter,
} from '../store/report-runs.js';
import type { ReportFormat, ReportKind, RunTrigger } from './options.js';

/**
 * The reports written (`report_runs`, kept by `src/store/report-runs.ts`), in the reports' own
 * words: the table's checks keep its kind, format and trigger to those of `options.ts`.
 */

export type { RunFile };
export { doneScheduleKeys };

export interface ReportRun extends StoredReportRun {
  kind: ReportKind;
  format: ReportFormat;
  trigger: RunTrigger;
}

export type NewReportRun = Omit<ReportRun, 'id' | 'recordedAt' | 'projectionCursor'> & {
  projectionCursor?: number | null;
};

export interface RunFilter extends StoredRunFilter {
  kind?: ReportKind;
  trigger?: RunTrigger;
}

/**
 * Records a run. A scheduled run carries a `scheduleKey`: a second run for the same key (another
 * instance got there first) is not recorded and `null` is returned, so the caller drops its file.
 */
export function recordReportRun(db: Db, run: NewReportRun, now: string): Promise<ReportRun | null> {
  return insertReportRun(db, run, now) as Promise<ReportRun | null>;
}

/** Runs, newest first (default 50, at most 500). */
export function listReportRuns(db: Db, filter: RunFilter = {}): Promise<ReportRun[]> {
  return selectReportRuns(db, filter) as Promise<ReportRun[]>;
}

export function getReportRun(db: Db, id: number): Promise<ReportRun | null> {
  return selectReportRun(db, id) as Promise<ReportRun | null>;
}

/**
 * The compliance reports of the période EN3S: the control report of a campaign and the recap
 * per network, in CSV, XLSX, JSON and HTML, on demand (CLI, admin API) and on a schedule; and the
 * posts to enter on EN3S's online job board (CSV, XLSX, JSON). See docs/reports.md.
 */
export type * from './model.js';
export { buildReport } from './build.js';
export {
  formatsOf,
  knownNetworks,
  parseAsOf,
  parseReportOptions,
  regimeLabels,
  reportFormats,
  reportKindLabels,
  reportKinds,
  unsupportedOptions,
  type ReportFormat,
  type ReportKind,
  type ReportOptions,
  type RunTrigger,
} from './options.js';
export { readPostsList } from './posts.js';
export { reportRows, type ReadOptions } from './source.js';
export {
  generateReportFile,
  recapOf,
  ReportChangedError,
  reportHeader,
  summarize,
  writeReport,
  type FileRequest,
  type FileResult,
  type ReportRequest,
} from './generate.js';
export { getReportRun, listReportRuns, recordReportRun, type ReportRun, type RunFile, type RunFilter } from './runs.js';
export {
  candidateRuns,
  dueRuns,
  ReportScheduler,
  type DueRun,
  type MadeRun,
  type ScheduleSlot,
  type SchedulerOptions,
} from './schedule.js';
export { createReportMailer, type MailSettings, type ReportMailer } from './mail.js';
export { postsJsonSchema, recapJsonSchema, reportJsonSchema, reportRowJsonSchema } from './schema.js';

/** The HTTP content type of each format, for downloads. */
export const reportContentTypes = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
} as const;

import type { SandboxClock } from './clock.js';
import type { Directory } from './directory.js';
import type { LovCatalogue } from './lov-catalogue.js';
import type { TenantQueues } from './queues.js';
import type { StatusKey, TenantRules } from './rules.js';
import { nextUpdateDate, type JobRecord, type TenantState } from './state.js';

/**
 * What the tenant's actions work on, and the small helpers they share: finding a job, moving
 * its `updateDate`, changing its status (which raises `JOB_STATUS_CHANGED_EVENT`, docs/talentlink.md §5).
 * Actions answer values: `{ok: false, error: {code, message}}` with a French message, since
 * the driver shows them to people; the REST routes give their own English reasons.
 */

export interface TenantContext {
  state: TenantState;
  directory: Directory;
  catalogue: LovCatalogue;
  rules: TenantRules;
  clock: SandboxClock;
  queues: TenantQueues;
}

export type ActionErrorCode =
  | 'INVALID_INPUT'
  | 'JOB_NOT_FOUND'
  | 'UNKNOWN_USER'
  | 'UNKNOWN_DEPARTMENT'
  | 'NO_APPROVERS'
  | 'NOT_PENDING'
  | 'NOT_AN_APPROVER'
  | 'ALREADY_DECIDED'
  | 'JOB_CLOSED'
  | 'PUBLICATION_REFUSED'
  | 'POSTING_NOT_FOUND'
  | 'UNKNOWN_QUEUE';

export interface ActionError {
  code: ActionErrorCode;
  message: string;
  /** The ids the error is about (a job, a user, a posting), for the REST routes' reasons. */
  ids?: number[];
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: ActionError };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const failure = (code: ActionErrorCode, message: string, ids?: number[]): { ok: false; error: ActionError } => ({
  ok: false,
  error: ids ? { code, message, ids } : { code, message },
});

export function findJob(ctx: TenantContext, jobId: number): Outcome<JobRecord> {
  const job = ctx.state.jobs.get(jobId);
  return job ? ok(job) : failure('JOB_NOT_FOUND', `Offre ${jobId} introuvable dans le bac à sable`, [jobId]);
}

/** The job changed: its `updateDate` moves, strictly forward. */
export function touch(ctx: TenantContext, job: JobRecord): void {
  job.updateDate = nextUpdateDate(job.updateDate, ctx.clock.nowMs());
}

/** Changes the status; only a real change raises `JOB_STATUS_CHANGED_EVENT`. */
export function setStatus(ctx: TenantContext, job: JobRecord, key: StatusKey): void {
  const label = ctx.rules.statuses[key];
  if (job.status === label) return;
  job.status = label;
  touch(ctx, job);
  ctx.queues.raise('JOB_STATUS_CHANGED_EVENT', job.id);
}

export function isStatus(ctx: TenantContext, job: JobRecord, ...keys: StatusKey[]): boolean {
  return keys.some((key) => ctx.rules.statuses[key] === job.status);
}

/** A closed or cancelled job takes no more action. */
export function ensureLive(ctx: TenantContext, job: JobRecord): Outcome<JobRecord> {
  if (isStatus(ctx, job, 'closed', 'cancelled'))
    return failure(
      'JOB_CLOSED',
      `L'offre ${job.id} est ${job.status.toLowerCase()} : plus aucune action n'est possible`,
      [job.id],
    );
  return ok(job);
}

export function unknownUsers(ctx: TenantContext, ids: readonly number[]): number[] {
  return [...new Set(ids.filter((id) => !ctx.directory.users.has(id)))];
}

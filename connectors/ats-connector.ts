import type { JobDocument } from './talentlink/job-document.js';

/**
 * What the pipeline needs from an applicant tracking system, and nothing more.
 * Every call answers with a value: expected failures (an ATS 4xx, a time-out, a 429) are
 * results with a kind, never exceptions. Only a bug throws.
 *
 * - `transient`: worth retrying (5xx, time-out, network error, 429 with `retryAfterMs`).
 * - `permanent`: retrying will not help (4xx other than 409/429, bad credentials, unknown team).
 * - `already-applied`: the ATS already holds the requested effect (409 ALREADY_STARTED, a posting
 *   already withdrawn); the dispatcher counts it as a success.
 */
export type AtsErrorKind = 'transient' | 'permanent' | 'already-applied';

export interface AtsError {
  kind: AtsErrorKind;
  /** The ATS's own code when it gave one (`ALREADY_STARTED`, `NOT_FOUND`…), else ours (`TIMEOUT`, `NETWORK`, `HTTP_503`, `CIRCUIT_OPEN`). */
  code: string;
  message: string;
  status?: number;
  /** From `Retry-After` on a 429 or 503, in milliseconds. */
  retryAfterMs?: number;
  /**
   * The ATS as a whole is failing: this failure left the client's circuit open (it opened it, or
   * it was the trial of an open circuit). It says nothing about the command itself, so a caller
   * does not count it against the command's own retry budget.
   */
  outage?: true;
}

export type AtsResult<T> = { ok: true; value: T } | { ok: false; error: AtsError };

export interface ChangedJobsPage {
  items: JobDocument[];
  page: number;
  pageSize: number;
  total: number;
}

export interface StartApprovalRequest {
  processName: string;
  message: string;
  /** Calendar date `YYYY-MM-DD`. */
  dueDate: string;
  alertOnAction: boolean;
}

/** One element read from a pull queue (spec §4): the raw notification, to be ingested as if pushed. */
export interface QueueElement {
  notificationId: string;
  contentType: string;
  body: Buffer;
}

export interface AtsConnector {
  /** A short name for logs and metrics, e.g. `talentlink`. */
  readonly name: string;
  getJob(jobId: string): Promise<AtsResult<JobDocument>>;
  /** Jobs changed since an instant, oldest change first; `page` starts at 1. */
  listChanged(sinceIso: string, page: number, pageSize: number): Promise<AtsResult<ChangedJobsPage>>;
  assignApprovalTeam(jobId: string, teamName: string, idempotencyKey: string): Promise<AtsResult<JobDocument>>;
  startApproval(jobId: string, request: StartApprovalRequest, idempotencyKey: string): Promise<AtsResult<JobDocument>>;
  setPublicationLock(jobId: string, locked: boolean, reason: string, idempotencyKey: string): Promise<AtsResult<JobDocument>>;
  withdrawPosting(jobId: string, postingId: string, reason: string, idempotencyKey: string): Promise<AtsResult<JobDocument>>;
  /** The oldest element of a named queue, or `null` when the queue is empty. */
  readQueue(queueName: string): Promise<AtsResult<QueueElement | null>>;
  ackQueue(queueName: string, notificationId: string): Promise<AtsResult<void>>;
}

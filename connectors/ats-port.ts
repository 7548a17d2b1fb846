import type { JobPosting, JobSnapshot, JobTeam } from '../src/domain/job-snapshot.js';

/**
 * The neutral port the pipeline talks to: operations named after what they achieve, whatever
 * the ATS. The TalentLink implementation is `connectors/talentlink/`; a second ATS would be a
 * second folder implementing this interface, and nothing in `src/` would change.
 *
 * What the real ATS cannot do through its API is not here: there is no call to start an
 * approval nor to lock publication (docs/talentlink.md §4). The pipeline asks people for those.
 *
 * Every call answers with a value. Expected failures (a refusal, a gateway limit, a time-out,
 * an unreadable answer) are results with a kind and a code; only a bug throws.
 */

export type AtsFailureKind =
  /** Worth trying again later: 500/503/504, a time-out, a network error. */
  | 'transient'
  /**
   * The call budget or the ATS's gateway said "not now": `OVER_QPS` (wait a moment) or
   * `OVER_QUOTA` (the monthly quota is spent). A wait, never an outage: it does not open the
   * circuit breaker and does not spend a command's attempts.
   */
  | 'throttled'
  /** Retrying cannot help: a refusal (403 `Forbidden`/`Not Authorized`), a 400, an unreadable answer. */
  | 'permanent'
  /** The ATS already holds the effect (a queue element already deleted, a posting already down). */
  | 'already-applied';

export interface AtsFailure {
  kind: AtsFailureKind;
  /**
   * `OVER_QPS`, `OVER_QUOTA`, `FORBIDDEN`, `NOT_AUTHORIZED`, `NOT_FOUND`, `UNKNOWN_QUEUE`,
   * `ELEMENT_FORBIDDEN` / `ELEMENT_GONE` (a queue element whose object cannot be read: 403/404
   * on the read itself), `HTTP_<status>`, `TIMEOUT`, `NETWORK`, `CIRCUIT_OPEN`,
   * `INVALID_RESPONSE`, `INVALID_ARGUMENT`.
   */
  code: string;
  /** Which call failed and why, in English for the logs; never a credential nor a full URL with its key. */
  message: string;
  status?: number;
  /** The earliest moment worth trying again, in milliseconds from now, when known. */
  retryAfterMs?: number;
  /** The ATS as a whole is failing (the circuit is open): not counted against a command's attempts. */
  outage?: true;
}

export type AtsOutcome<T> = { ok: true; value: T } | { ok: false; error: AtsFailure };

/** A job as read, and the document it was read from (kept in the inbox, decoded again by `decodeJob`). */
export interface JobRead {
  snapshot: JobSnapshot;
  /** The vendor's document, serialised; opaque to `src/`. */
  document: string;
}

/** Where a change listing continues from: keyset on the last change instant, ids already seen at it. */
export interface ChangeCursor {
  /** ISO 8601; the listing returns jobs changed at or after it. */
  since: string;
  /** Jobs already returned whose last change is exactly `since`, skipped on the next page. */
  seenAtSince: string[];
}

export interface ChangedJobsPage {
  jobs: JobRead[];
  next: ChangeCursor;
  /** False when this page was the last one for now. */
  more: boolean;
}

/** A queue the tenant defines (docs/talentlink.md §5): of jobs, or of postings. */
export interface QueueRef {
  name: string;
  kind: 'job' | 'posting';
}

export type QueueElement =
  | { kind: 'job'; queueName: string; elementId: string; jobId: string; atsStatus: string | null }
  | { kind: 'posting'; queueName: string; elementId: string; postingId: string };

export interface PostingRead {
  posting: JobPosting;
  /** The posting's job, read in the same call. */
  job: JobRead;
}

export interface QueueInfo {
  name: string;
  elements: number | null;
}

/**
 * The call lanes of the shared budget (most urgent last to be starved): take-downs and posting
 * drains keep a reserved share; setting approvers goes before routine reads.
 */
export type CallLane = 'takedown' | 'approver' | 'routine';

export interface AtsPort {
  /** A short name for logs, metrics and the ledger, e.g. `talentlink`. */
  readonly name: string;

  /** One job, or `NOT_FOUND`. `withPostings` also reads its live postings (one more call). */
  fetchJob(jobId: string, options?: { withPostings?: boolean; lane?: CallLane }): Promise<AtsOutcome<JobRead>>;
  /**
   * Several jobs in as few calls as the ATS allows (e.g. the read-back after setting approvers); absent ids are left
   * out.
   */
  fetchJobs(jobIds: readonly string[], options?: { lane?: CallLane }): Promise<AtsOutcome<JobRead[]>>;
  /** Jobs changed since the cursor, oldest change first (keyset paging). */
  listChangedJobs(cursor: ChangeCursor, pageSize: number): Promise<AtsOutcome<ChangedJobsPage>>;
  /** A job's live postings. */
  listPostings(jobId: string): Promise<AtsOutcome<JobPosting[]>>;
  /** One posting with its job, in one call. */
  fetchPosting(postingId: string): Promise<AtsOutcome<PostingRead>>;
  /**
   * Sets the job's whole team (recruiters, operationals, approvers): to add the EN3S approver,
   * the team as read plus EN3S; to remove it, the team without. The caller reads the job back
   * before believing it.
   */
  setTeam(jobId: string, team: JobTeam): Promise<AtsOutcome<void>>;
  /** Takes postings down; postings already gone are `already-applied`. */
  takeDownPostings(postingIds: readonly string[]): Promise<AtsOutcome<void>>;

  /** The queues visible to the API user. */
  listQueues(): Promise<AtsOutcome<QueueInfo[]>>;
  /** The oldest element of a queue without removing it, or null when the queue is empty. */
  peekQueue(queue: QueueRef): Promise<AtsOutcome<QueueElement | null>>;
  /** Removes one element by id; an element already gone is `already-applied`. */
  deleteQueueElement(queue: QueueRef, elementId: string): Promise<AtsOutcome<void>>;
  /**
   * Removes the oldest element, whatever it is: the only way to clear an element whose read
   * failed (no id to delete). Safe only while one drain alone reads that queue.
   */
  deleteOldestQueueElement(queue: QueueRef): Promise<AtsOutcome<void>>;

  /** A user's id from its login (the EN3S approver), or `NOT_FOUND`. */
  findUserId(login: string): Promise<AtsOutcome<string>>;
  /** A user's e-mail address, to write to a recruiter; never stored nor logged by the caller. */
  userEmail(userId: string): Promise<AtsOutcome<string | null>>;

  /** Decodes a document kept in the inbox (pure: no call), as `fetchJob` would have returned it. */
  decodeJob(document: string, fetchedAt: string): AtsOutcome<JobSnapshot>;
}

/**
 * The shared budget of calls to the ATS (one API key, several instances): every call takes a
 * slot first. `take` resolves when the call may go, or with a stop when the monthly quota is
 * spent (the caller gives up for now: the work stays where it is).
 */
export interface CallBudget {
  take(
    lane: CallLane,
    signal?: AbortSignal,
  ): Promise<{ ok: true } | { ok: false; code: 'OVER_QUOTA'; retryAfterMs: number }>;
  /** The ATS's gateway answered "over rate limit": stop every instance until `untilMs` (epoch ms). */
  quotaExhausted(untilMs: number): Promise<void>;
}

/**
 * Counters that let a test prove nothing was applied twice: every effect the ATS can receive is
 * counted twice over, as "applied" (it changed the job) or as a no-op repeat, per job and overall.
 */

export interface JobCounters {
  teamAssignmentsApplied: number;
  teamAssignmentsNoop: number;
  approvalsStarted: number;
  /** 409 ALREADY_STARTED answers. */
  approvalConflicts: number;
  /** 422 answers to `approval-process` (no approval team). */
  approvalsWithoutTeam: number;
  approvalsApproved: number;
  approvalsRejected: number;
  locksApplied: number;
  unlocksApplied: number;
  lockNoops: number;
  withdrawalsApplied: number;
  withdrawalsNoop: number;
  postingsPublished: number;
  /** Recruiter publications refused with PUBLICATION_LOCKED. */
  publicationsRefusedByLock: number;
  /** Publications forced "behind the lock's back" while it was locked. */
  publicationsForcedThroughLock: number;
  /** Requests that carried an `Idempotency-Key` already seen on this job. */
  idempotencyKeysRepeated: number;
}

export interface NotificationCounters {
  /** Notifications built (one per change). */
  built: number;
  /** Elements appended to queues (one per notification and queue). */
  queued: number;
  /** HTTP attempts made to webhook URLs (first tries and retries). */
  sent: number;
  /** Deliveries answered 2xx. */
  delivered: number;
  /** Attempts that were retries of an earlier failed one. */
  retried: number;
  /** Attempts answered non-2xx or failed on the network. */
  failedAttempts: number;
  /** Deliveries abandoned after the last retry. */
  givenUp: number;
  /** Notifications dropped for good by fault injection or `drop-next`. */
  dropped: number;
  /** Notifications pushed twice by fault injection. */
  duplicated: number;
  /** Notifications held back by the reordering fault. */
  delayed: number;
  /** Queue alerts built in queue-alert mode. */
  alerts: number;
}

export interface HttpCounters {
  /** Calls that reached the ATS API (REST and queues), before auth. */
  requests: number;
  unauthorized: number;
  rateLimited: number;
  /** Calls answered 500/503 by fault injection (nothing applied). */
  faultsInjected: number;
  badRequests: number;
  notFound: number;
  idempotencyKeysReceived: number;
  idempotencyKeysRepeated: number;
}

export interface QueueCounters {
  handedOut: number;
  redelivered: number;
  deleted: number;
  deleteNoop: number;
}

export interface SandboxCounters {
  overall: JobCounters;
  perJob: Record<string, JobCounters>;
  notifications: NotificationCounters;
  http: HttpCounters;
  queues: QueueCounters;
}

export function emptyJobCounters(): JobCounters {
  return {
    teamAssignmentsApplied: 0,
    teamAssignmentsNoop: 0,
    approvalsStarted: 0,
    approvalConflicts: 0,
    approvalsWithoutTeam: 0,
    approvalsApproved: 0,
    approvalsRejected: 0,
    locksApplied: 0,
    unlocksApplied: 0,
    lockNoops: 0,
    withdrawalsApplied: 0,
    withdrawalsNoop: 0,
    postingsPublished: 0,
    publicationsRefusedByLock: 0,
    publicationsForcedThroughLock: 0,
    idempotencyKeysRepeated: 0,
  };
}

export function emptyCounters(): SandboxCounters {
  return {
    overall: emptyJobCounters(),
    perJob: {},
    notifications: { built: 0, queued: 0, sent: 0, delivered: 0, retried: 0, failedAttempts: 0, givenUp: 0, dropped: 0, duplicated: 0, delayed: 0, alerts: 0 },
    http: { requests: 0, unauthorized: 0, rateLimited: 0, faultsInjected: 0, badRequests: 0, notFound: 0, idempotencyKeysReceived: 0, idempotencyKeysRepeated: 0 },
    queues: { handedOut: 0, redelivered: 0, deleted: 0, deleteNoop: 0 },
  };
}

/** Counts one job effect both for the job and overall. */
export function countJob(counters: SandboxCounters, jobId: string, key: keyof JobCounters, by = 1): void {
  const perJob = (counters.perJob[jobId] ??= emptyJobCounters());
  perJob[key] += by;
  counters.overall[key] += by;
}

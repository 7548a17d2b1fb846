import type { JobDocument, NotificationType } from '../job-document.js';
import { emptyCounters, type SandboxCounters } from './counters.js';
import type { ApprovalTeamDefinition } from './options.js';

/**
 * The sandbox's whole memory: jobs (as `JobDocument`s, replaced on every change, never mutated
 * in place), a change log for `modifiedSince` listings, the tenant's approval teams, id sequences
 * and counters. Queues and deliveries live in their own modules; this holds only what a snapshot
 * needs to restart where it stopped.
 */

export interface ChangeEntry {
  seq: number;
  jobId: string;
  version: number;
  type: NotificationType;
  /** Sandbox instant of the change, in milliseconds. */
  at: number;
}

/** What the recruiter or the API sent when starting an approval, as EN3S would read it. */
export interface ApprovalRequestRecord {
  processName: string;
  message: string;
  dueDate: string;
  alertOnAction: boolean;
  startedBy: string;
  at: string;
}

export interface JobMeta {
  lastChangeSeq: number;
  lastChangeAt: number;
  approvalRequests: ApprovalRequestRecord[];
  withdrawals: { postingId: string; reason: string; at: string }[];
  /** `Idempotency-Key`s received for this job and how often. */
  idempotencyKeys: Record<string, number>;
}

export interface Sequences {
  job: number;
  posting: number;
  notification: number;
  change: number;
  alert: number;
  organization: number;
}

export const firstJobId = 48_000;

export class SandboxState {
  readonly jobs = new Map<string, JobDocument>();
  readonly meta = new Map<string, JobMeta>();
  changes: ChangeEntry[] = [];
  sequences: Sequences = freshSequences();
  counters: SandboxCounters = emptyCounters();
  /** Organisation code → ATS organisation id, so one body keeps one id. */
  readonly organizationIds = new Map<string, string>();

  constructor(
    readonly teams: readonly ApprovalTeamDefinition[],
    readonly runId: string,
    private readonly changeLogLimit: number,
  ) {}

  job(id: string): JobDocument | undefined {
    return this.jobs.get(id);
  }

  team(name: string): ApprovalTeamDefinition | undefined {
    return this.teams.find((t) => t.name === name);
  }

  next(sequence: keyof Sequences): number {
    this.sequences[sequence] += 1;
    return this.sequences[sequence];
  }

  nextNotificationId(): string {
    return `evt-${this.runId}-${String(this.next('notification')).padStart(6, '0')}`;
  }

  organizationId(code: string): string {
    let id = this.organizationIds.get(code);
    if (!id) {
      id = String(300 + this.next('organization'));
      this.organizationIds.set(code, id);
    }
    return id;
  }

  metaOf(jobId: string): JobMeta {
    let meta = this.meta.get(jobId);
    if (!meta) {
      meta = { lastChangeSeq: 0, lastChangeAt: 0, approvalRequests: [], withdrawals: [], idempotencyKeys: {} };
      this.meta.set(jobId, meta);
    }
    return meta;
  }

  /** Stores the new document and logs the change. */
  record(job: JobDocument, type: NotificationType, at: number): ChangeEntry {
    this.jobs.set(job.id, job);
    const entry: ChangeEntry = { seq: this.next('change'), jobId: job.id, version: job.version, type, at };
    const meta = this.metaOf(job.id);
    meta.lastChangeSeq = entry.seq;
    meta.lastChangeAt = at;
    this.changes.push(entry);
    if (this.changes.length > this.changeLogLimit) this.changes.splice(0, this.changes.length - this.changeLogLimit);
    return entry;
  }

  /**
   * Jobs whose last change is at or after `sinceMs`, oldest change first. Inclusive on purpose:
   * with a frozen clock many changes share one instant, and a cursor must not skip them.
   */
  changedSince(sinceMs: number): JobDocument[] {
    const hits: { seq: number; job: JobDocument }[] = [];
    for (const [id, meta] of this.meta) {
      const job = this.jobs.get(id);
      if (job && meta.lastChangeAt >= sinceMs) hits.push({ seq: meta.lastChangeSeq, job });
    }
    return hits.sort((a, b) => a.seq - b.seq).map((h) => h.job);
  }

  /**
   * Forgets jobs, changes and counters. Id sequences go on, so that a receiver that saw the
   * earlier run never meets a reused job or notification id.
   */
  clear(): void {
    this.jobs.clear();
    this.meta.clear();
    this.changes = [];
    this.counters = emptyCounters();
  }

  restoreSequences(sequences: Sequences): void {
    this.sequences = { ...freshSequences(), ...sequences };
  }
}

function freshSequences(): Sequences {
  return { job: firstJobId, posting: 0, notification: 0, change: 0, alert: 0, organization: 0 };
}

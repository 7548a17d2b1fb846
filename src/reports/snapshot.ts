import type { Decision } from '../domain/decision.js';
import type {
  ApproverSetter,
  ObservedAnswer,
  ProcessMemory,
  ProcessViolation,
  Submission,
} from '../domain/job-process.js';
import type { JobPosting } from '../domain/job-snapshot.js';
import { jobProcessStates, type JobProcessState } from '../domain/job-process-states.js';
import type { OfferHeader } from '../store/offers.js';

/**
 * What the report needs to know of one offer at one instant: what the connector observed of it
 * in the ATS (the EN3S approver on its team, the submission to EN3S, the answer, the postings
 * live too early) and the state of its process. Two sources give the same shape:
 * - the `offers` row (the process's memory as it stands now), for a report "as it stands";
 * - the offer's ledger entries up to an instant, for a report "as it stood" then: the ledger is
 *   append-only, so folding its entries up to `asOf` gives back the facts known at `asOf`,
 *   whatever happened since. The job's snapshot itself is not in the ledger: descriptive fields
 *   (référence, intitulé, organisme, grille) come from the latest snapshot, and its postings
 *   count only with their own dates up to `asOf`.
 * Every instant is the one the connector observed the fact at, never one a person acted at.
 */

export interface Snapshot {
  state: JobProcessState;
  stateSince: string;
  decision: Decision;
  /** An administrator's forcing of the scope: what, by whom (null when the ledger did not name them), when, why. */
  override: { concerned: boolean; by: string | null; at: string; reason: string } | null;
  /** The EN3S approver first seen on the job's team, and whose act it was. */
  approver: { observedAt: string; by: ApproverSetter } | null;
  /** The latest submission seen, with EN3S among its approvers or not. */
  submission: Pick<Submission, 'observedAt' | 'en3sIncluded' | 'en3sOnly' | 'basis'> | null;
  /** The answer attributed to a submission to EN3S (`byEn3s`: EN3S was its only approver). */
  answer: ObservedAnswer | null;
  violations: ProcessViolation[];
  released: { at: string } | null;
}

/** What the report reads of the job's latest snapshot (the rest of the `JobSnapshot` is not needed). */
export interface OfferFacts {
  createdAt: string;
  organizationName: string;
  grid: string | null;
  level: string | null;
  minesScale: number | null;
  networks: string[];
  /** The postings live in the latest snapshot that read them (none when never read). */
  postings: Pick<JobPosting, 'id' | 'postedAt'>[];
}

/** The part of an `offers` row the reports read; JSON columns already parsed. */
export interface OfferSource extends OfferHeader {
  offer: OfferFacts;
  decision: Decision | null;
  timeline_data: Record<string, unknown> | null;
}

const knownStates: ReadonlySet<string> = new Set(jobProcessStates);

/** The sticky part of `ProcessMemory` that `timeline_data` holds (`src/pipeline/offer-memory.ts`). */
type StoredMemory = Partial<Omit<ProcessMemory, 'snapshot' | 'decision'>>;

/**
 * The snapshot of an `offers` row, or null when the row holds no process memory of the real ATS
 * (no decision yet, or a row of the earlier, invented ATS that the pipeline will write anew at
 * the job's next snapshot, see migration 0009).
 */
export function snapshotFromRecord(record: OfferSource): Snapshot | null {
  const memory = record.timeline_data as StoredMemory | null;
  if (!memory || !record.decision || !knownStates.has(record.state) || typeof memory.campaign !== 'number') return null;
  const submission = memory.submission ?? null;
  return {
    state: record.state as JobProcessState,
    stateSince: memory.stateSince ?? '',
    decision: record.decision,
    override: memory.override
      ? {
          concerned: memory.override.concerned,
          by: memory.override.by,
          at: memory.override.at,
          reason: memory.override.reason,
        }
      : null,
    approver: memory.approver ?? null,
    submission: submission && {
      observedAt: submission.observedAt,
      en3sIncluded: submission.en3sIncluded,
      en3sOnly: submission.en3sOnly,
      basis: submission.basis,
    },
    answer: memory.answer ?? null,
    violations: memory.violations ?? [],
    released: memory.released ?? null,
  };
}

/** One ledger entry of an offer, as the fold needs it. */
export interface LedgerFact {
  at: string;
  kind: string;
  data: unknown;
  /** Who acted (an administrator's name for `admin.override`). */
  actorName?: string | null;
}

/** The kinds of ledger entries the fold reads (the others say nothing the report shows). */
export const SNAPSHOT_FACT_KINDS = [
  'decision',
  'admin.override',
  'approver.observed',
  'submission.observed',
  'answer.observed',
  'violation.detected',
  'posting.gone',
  'state.changed',
] as const;

type Data = Record<string, unknown>;
const text = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const flag = (v: unknown): boolean | null => (typeof v === 'boolean' ? v : null);

/**
 * Folds the entries of one offer and campaign, in seq order, already limited to the instant,
 * exactly as `stepProcess` built its memory from the same facts. Null when the offer had no
 * decision or no state yet (it was not known at that instant).
 */
export function snapshotFromLedger(facts: readonly LedgerFact[]): Snapshot | null {
  let s: Partial<Snapshot> & { violations: ProcessViolation[] } = {
    violations: [],
    override: null,
    approver: null,
    submission: null,
    answer: null,
    released: null,
  };
  for (const fact of facts) {
    const d = (fact.data ?? {}) as Data;
    switch (fact.kind) {
      case 'decision':
        s.decision = d as unknown as Decision;
        break;
      case 'admin.override':
        s.override =
          typeof d.concerned === 'boolean'
            ? { concerned: d.concerned, by: fact.actorName ?? null, at: fact.at, reason: text(d.reason) ?? '' }
            : null;
        break;
      case 'approver.observed':
        if (!s.approver) s.approver = { observedAt: fact.at, by: d.by === 'connector' ? 'connector' : 'recruiter' };
        break;
      case 'submission.observed':
        // A later one replaces it, as in the memory: a new submission, or the known one made uncertain.
        s.submission = {
          observedAt: text(d.observedAt) ?? fact.at,
          en3sIncluded: flag(d.en3sIncluded),
          en3sOnly: flag(d.en3sOnly),
          basis: d.basis === 'pending_not_seen' ? 'pending_not_seen' : 'seen_pending',
        };
        break;
      case 'answer.observed':
        if (!s.answer)
          s.answer = {
            status: d.status === 'REFUSED' ? 'REFUSED' : 'APPROVED',
            observedAt: text(d.observedAt) ?? fact.at,
            byEn3s: d.byEn3s === true,
          };
        break;
      case 'violation.detected':
        s.violations.push({
          postingId: String(d.postingId),
          postedAt: text(d.postedAt),
          detectedAt: text(d.detectedAt) ?? fact.at,
          action: d.action === 'take_down' ? 'take_down' : 'report',
          goneAt: null,
        });
        break;
      case 'posting.gone':
        for (const v of s.violations) if (v.postingId === String(d.postingId) && v.goneAt === null) v.goneAt = fact.at;
        break;
      case 'state.changed':
        // A state of the earlier, invented ATS (before migration 0009) is not one of this process.
        if (typeof d.to === 'string' && knownStates.has(d.to)) {
          s = { ...s, state: d.to as JobProcessState, stateSince: fact.at };
          if (d.to === 'released') s.released = { at: fact.at };
        }
        break;
      default:
        break;
    }
  }
  if (!s.decision || !s.state) return null;
  return s as Snapshot;
}

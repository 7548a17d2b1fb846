import type { Decision } from './decision.js';
import type { JobSnapshot, JobTeam } from './job-snapshot.js';

/**
 * What the connector can tell about a job's approval from its snapshots alone. The real ATS
 * publishes no approval steps nor dates (docs/talentlink.md §4, §6): only the job's status and the approvers
 * it lists now. So a submission is known by the status turning to "pending", its approvers are
 * those listed at that moment, and an answer is attributed to EN3S only when EN3S was the only
 * approver of the submission. Where a snapshot cannot tell, the observation says so (`null`)
 * instead of guessing.
 */

export interface ProcessPolicy {
  mode: 'enforce' | 'monitor';
  undetermined: 'treat-as-concerned' | 'flag-only';
  /** At the window's end, take the EN3S approver off the jobs still waiting (the same team call, read back). */
  removeApproverAtWindowEnd: boolean;
  /** E-mail the recruiters to submit the approval (the API cannot). */
  askRecruiters: boolean;
  /** The EN3S approver as the tenant knows it; `userId` null when it could not be found. */
  en3s: { userId: string | null; order: number; stepOrder: number; role: string | null };
}

export interface Submission {
  /** When the connector saw it (the ATS does not say when the recruiter submitted). */
  observedAt: string;
  /** Counts the submissions seen this campaign, from 0. */
  turn: number;
  /** EN3S among the approvers of this submission: true, false, or null when the snapshots cannot tell. */
  en3sIncluded: boolean | null;
  /** EN3S the only approver of this submission (null when unknown). */
  en3sOnly: boolean | null;
  /**
   * How it was known: `seen_pending` (the status turned to pending in a snapshot), or a reading
   * when the pending status itself was never seen (`pending_not_seen`: a queue holds a job once,
   * so a job may go from draft to approved between two snapshots).
   */
  basis: 'seen_pending' | 'pending_not_seen';
}

export interface ObservedAnswer {
  status: 'APPROVED' | 'REFUSED';
  /** When the connector saw the status, not when the approver acted. */
  observedAt: string;
  /** EN3S was the only approver of the submission: the answer is EN3S's own. */
  byEn3s: boolean;
}

export function hasEn3s(team: JobTeam, policy: Pick<ProcessPolicy, 'en3s'>): boolean {
  const id = policy.en3s.userId;
  return id !== null && team.approvers.some((m) => m.userId === id);
}

function onlyEn3s(team: JobTeam, policy: Pick<ProcessPolicy, 'en3s'>): boolean {
  return team.approvers.length > 0 && team.approvers.every((m) => m.userId === policy.en3s.userId);
}

const decided = (snapshot: JobSnapshot) => snapshot.status === 'APPROVED' || snapshot.status === 'REFUSED';

/**
 * The submission the latest snapshot shows. A new one when the status turns to pending, or when
 * a decided status appears without its pending having been seen; otherwise the known one, made
 * uncertain when EN3S joined the approvers while the job stayed pending (the recruiter may or may
 * not have submitted again: the status does not change when they do).
 */
export function observeSubmission(
  previous: JobSnapshot | null,
  known: Submission | null,
  snapshot: JobSnapshot,
  at: string,
  policy: Pick<ProcessPolicy, 'en3s'>,
): Submission | null {
  const turn = known ? known.turn + 1 : 0;
  const en3sNow = hasEn3s(snapshot.team, policy);
  if (snapshot.status === 'PENDING_APPROVAL') {
    if (!known || previous?.status !== 'PENDING_APPROVAL') {
      return {
        observedAt: at,
        turn,
        en3sIncluded: en3sNow,
        en3sOnly: en3sNow && onlyEn3s(snapshot.team, policy),
        basis: 'seen_pending',
      };
    }
    if (known.en3sIncluded === false && en3sNow && previous.updatedAt !== snapshot.updatedAt) {
      return { ...known, en3sIncluded: null, en3sOnly: null };
    }
    return known;
  }
  if (
    decided(snapshot) &&
    (!known || (previous !== null && previous.status !== 'PENDING_APPROVAL' && previous.status !== snapshot.status))
  ) {
    // The pending status was not seen. EN3S listed before and after: it was part of the submission
    // (approvers are fixed when it is made); listed only after: cannot tell; not listed: it was not.
    const before = previous === null ? en3sNow : hasEn3s(previous.team, policy);
    const included = !en3sNow ? false : before ? true : null;
    return {
      observedAt: at,
      turn,
      en3sIncluded: included,
      en3sOnly: included === true ? onlyEn3s(snapshot.team, policy) : included === false ? false : null,
      basis: 'pending_not_seen',
    };
  }
  return known;
}

/** EN3S's answer, when the snapshot shows one the connector may attribute to a submission with EN3S. */
export function answerOf(snapshot: JobSnapshot, submission: Submission | null, at: string): ObservedAnswer | null {
  if (submission?.en3sIncluded !== true) return null;
  if (snapshot.status === 'APPROVED')
    return { status: 'APPROVED', observedAt: at, byEn3s: submission.en3sOnly === true };
  if (snapshot.status === 'REFUSED' && submission.en3sOnly === true)
    return { status: 'REFUSED', observedAt: at, byEn3s: true };
  return null;
}

/** The campaign a job belongs to at an instant: the current window, or the next one once it closed. */
export function campaignOf(decision: Decision, atMs: number): number {
  return atMs >= Date.parse(decision.window.end) ? decision.window.campaign + 1 : decision.window.campaign;
}

import type { Decision } from './decision.js';
import { isNewerSnapshot, type JobPosting, type JobSnapshot, type JobTeam } from './job-snapshot.js';
import { isExpectedTransition, type JobProcessState } from './job-process-states.js';
import {
  answerOf,
  campaignOf,
  hasEn3s,
  observeSubmission,
  type ObservedAnswer,
  type ProcessPolicy,
  type Submission,
} from './job-process-observations.js';

/**
 * What the connector does about one job in one campaign, as the real ATS allows it:
 * `stepProcess(memory, event, decision, policy)` is pure and level-triggered. The next state is
 * derived from the latest snapshot of the job, the decision at the event's instant and a few
 * sticky observations (the submission seen, the answer seen, the violations, the release), so
 * the same snapshots in any order end in the same state and a replay changes nothing.
 *
 * What it can do in the ATS is limited to what the API offers (docs/talentlink.md §4): set the EN3S approver
 * (the whole team as read, plus EN3S), take postings down, read postings. What it cannot do
 * (submit the approval, lock publication) it asks of the recruiter. Every date it records is
 * the instant it observed the fact, never the instant a person acted (the ATS does not say).
 */

export type { ProcessPolicy, Submission, ObservedAnswer } from './job-process-observations.js';
export { campaignOf } from './job-process-observations.js';

export interface ProcessViolation {
  postingId: string;
  postedAt: string | null;
  detectedAt: string;
  /** Taken down by the connector (enforce) or only reported (monitor). */
  action: 'take_down' | 'report';
  /** When a snapshot with its postings read first no longer listed it (taken down by anyone, or expired). */
  goneAt: string | null;
}

export type AskReason = 'submit' | 'resubmit';
/** Who put EN3S among the job's approvers, as observed. */
export type ApproverSetter = 'connector' | 'recruiter';

/** Who marked a flagged offer as checked, when, why, and which version of the job they saw. */
export interface ReviewCheck {
  by: string;
  at: string;
  reason: string;
  updatedAt: string;
}

/** What the store keeps of a job in a campaign, between two events. */
export interface ProcessMemory {
  campaign: number;
  state: JobProcessState;
  stateSince: string;
  snapshot: JobSnapshot;
  decision: Decision;
  /** The scope after policy and override: the job goes through the EN3S process. */
  inProcess: boolean;
  reviewNeeded: boolean;
  /** When the EN3S approver was first seen on the job's team, and whose act it was. */
  approver: { observedAt: string; by: ApproverSetter } | null;
  submission: Submission | null;
  answer: ObservedAnswer | null;
  /**
   * When the job was last read with a status other than approved: a posting made after that
   * instant may have followed the approval (the tenant refuses to publish before it), so only
   * one made before it is a breach once the job is approved.
   */
  lastUndecidedAt: string | null;
  /** The recruiter was asked to submit (or submit again): the turn counts the asks that needed a new submission. */
  asked: { reason: AskReason; at: string; turn: number } | null;
  violations: ProcessViolation[];
  released: { at: string } | null;
  override: { concerned: boolean; by: string; reason: string; at: string } | null;
  /**
   * An administrator looked at the flagged offer and marked it checked, for the job's version
   * then known (`updatedAt`): the flag stays down until a newer version still needs a look.
   * Absent on rows written before it existed.
   */
  reviewChecked?: ReviewCheck | null;
  /** Keys of the commands the latest evaluation wants; a queued command not among them is moot. */
  wanted: string[];
  /** Command kinds asked this campaign, to tell the connector's acts from people's. */
  requested: ProcessCommandKind[];
}

export type ProcessCommandBody =
  | { kind: 'set_approver'; team: JobTeam }
  | { kind: 'remove_approver'; team: JobTeam }
  | { kind: 'read_postings' }
  | { kind: 'take_down'; postingIds: string[] }
  | { kind: 'ask_recruiter'; reason: AskReason; recruiterIds: string[] }
  | {
      kind: 'notify_admins';
      topic: 'violation' | 'undetermined' | 'released' | 'approver_unknown' | 'team_unreadable';
      message: string;
    };
export type ProcessCommandKind = ProcessCommandBody['kind'];
export type ProcessCommand = ProcessCommandBody & {
  idempotencyKey: string;
  source: string;
  atsId: string;
  campaign: number;
};

export type ProcessEvent =
  /** A snapshot of the job: from a queue, the change listing, or a command's read-back. */
  | { kind: 'snapshot'; at: string; snapshot: JobSnapshot; posting?: JobPosting }
  /** Time passed (the window opened or closed, a text came into force): evaluate again. */
  | { kind: 'tick'; at: string }
  /** An administrator sets the scope by hand; `concerned: null` removes the override. */
  | { kind: 'override'; at: string; concerned: boolean | null; by: string; reason: string };

export interface ProcessFact {
  kind: string;
  actor: 'system' | 'recruiter' | 'en3s' | 'administrator';
  actorName?: string;
  data: Record<string, unknown>;
}

export interface ProcessResult {
  memory: ProcessMemory;
  commands: ProcessCommand[];
  facts: ProcessFact[];
  /** False when the event changed nothing (a stale or duplicate snapshot). */
  changed: boolean;
}

export function initialMemory(snapshot: JobSnapshot, decision: Decision, campaign: number, at: string): ProcessMemory {
  return {
    campaign,
    state: 'not_concerned',
    stateSince: at,
    snapshot,
    decision,
    inProcess: false,
    reviewNeeded: false,
    approver: null,
    submission: null,
    answer: null,
    lastUndecidedAt: null,
    asked: null,
    violations: [],
    released: null,
    override: null,
    wanted: [],
    requested: [],
  };
}

function sameDecision(a: Decision, b: Decision): boolean {
  return (
    a.concerned === b.concerned &&
    a.windowOpen === b.windowOpen &&
    a.ruleSet === b.ruleSet &&
    a.reasons.map((r) => r.code).join() === b.reasons.map((r) => r.code).join()
  );
}

/**
 * A snapshot that did not read postings keeps the ones known from an earlier read, with the one
 * a posting queue named (a posting queue reads one posting with its job, not all of them).
 */
function withKnownPostings(
  next: JobSnapshot,
  previous: JobSnapshot | null,
  posting: JobPosting | undefined,
): JobSnapshot {
  if (next.postings !== null) return next;
  const known = previous?.postings ?? null;
  if (!posting) return known === null ? next : { ...next, postings: known };
  return { ...next, postings: [...(known ?? []).filter((p) => p.id !== posting.id), posting] };
}

function staleOrDuplicate(memory: ProcessMemory, snapshot: JobSnapshot): ProcessFact | null {
  const known = memory.snapshot;
  if (snapshot.updatedAt === known.updatedAt && snapshot.fetchedAt === known.fetchedAt) {
    return { kind: 'event.duplicate', actor: 'system', data: { updatedAt: snapshot.updatedAt } };
  }
  if (!isNewerSnapshot(snapshot, known)) {
    return {
      kind: 'event.stale',
      actor: 'system',
      data: { updatedAt: snapshot.updatedAt, knownUpdatedAt: known.updatedAt },
    };
  }
  return null;
}

class Step {
  readonly commands: ProcessCommand[] = [];
  readonly facts: ProcessFact[] = [];
  constructor(
    readonly next: ProcessMemory,
    readonly at: string,
    readonly policy: ProcessPolicy,
    /** The event's snapshot read all the job's postings: one no longer listed is gone. */
    readonly postingsRead: boolean,
  ) {}

  get enforce(): boolean {
    return this.policy.mode === 'enforce';
  }

  fact(kind: string, actor: ProcessFact['actor'], data: Record<string, unknown> = {}): void {
    this.facts.push({ kind, actor, data });
  }

  command(body: ProcessCommandBody, ...keyParts: (string | number)[]): void {
    const s = this.next.snapshot;
    const idempotencyKey = [s.source, s.atsId, this.next.campaign, body.kind, ...keyParts].join(':');
    this.commands.push({ ...body, idempotencyKey, source: s.source, atsId: s.atsId, campaign: this.next.campaign });
    if (!this.next.requested.includes(body.kind)) this.next.requested.push(body.kind);
  }
}

/** Sticky observations first: the approver seen, the submission seen, the answer seen. */
function observe(step: Step, previous: ProcessMemory | null): void {
  const next = step.next;
  const snapshot = next.snapshot;
  if (hasEn3s(snapshot.team, step.policy) && !next.approver) {
    const by = next.requested.includes('set_approver') ? 'connector' : 'recruiter';
    next.approver = { observedAt: step.at, by };
    step.fact('approver.observed', by === 'connector' ? 'system' : 'recruiter', { by });
  }
  if (step.postingsRead && snapshot.postings !== null) {
    for (const violation of next.violations) {
      if (violation.goneAt === null && !snapshot.postings.some((p) => p.id === violation.postingId)) {
        violation.goneAt = step.at;
        step.fact('posting.gone', 'system', { postingId: violation.postingId });
      }
    }
  }
  const submission = observeSubmission(
    previous?.snapshot ?? null,
    previous?.submission ?? null,
    snapshot,
    step.at,
    step.policy,
  );
  if (submission !== next.submission) {
    next.submission = submission;
    if (submission) step.fact('submission.observed', 'recruiter', { ...submission });
  }
  if (!next.answer && snapshot.status !== 'APPROVED') next.lastUndecidedAt = snapshot.fetchedAt;
  if (!next.answer) {
    const answer = answerOf(snapshot, next.submission, step.at);
    if (answer) {
      next.answer = answer;
      step.fact('answer.observed', answer.byEn3s ? 'en3s' : 'system', { ...answer, atsStatus: snapshot.atsStatus });
    }
  }
}

function livePostings(snapshot: JobSnapshot): JobPosting[] {
  return snapshot.postings ?? [];
}

/**
 * A posting live inside the window while the job is in the process and not approved is a
 * violation; once approved, only one that went out before the job was last read undecided
 * (later, it may have followed the approval, which the snapshots do not date).
 */
function recordViolations(step: Step): boolean {
  const next = step.next;
  const windowStart = Date.parse(next.decision.window.start);
  const windowEnd = Date.parse(next.decision.window.end);
  const approvedBefore =
    next.answer?.status === 'APPROVED'
      ? next.lastUndecidedAt
        ? Date.parse(next.lastUndecidedAt)
        : -Infinity
      : Infinity;
  const premature = livePostings(next.snapshot).filter((p) => {
    const posted = p.postedAt === null ? Date.parse(step.at) : Date.parse(p.postedAt);
    return posted < windowEnd && (p.postedAt === null || posted >= windowStart) && posted < approvedBefore;
  });
  for (const posting of premature) {
    if (next.violations.some((v) => v.postingId === posting.id)) continue;
    const violation: ProcessViolation = {
      postingId: posting.id,
      postedAt: posting.postedAt,
      detectedAt: step.at,
      action: step.enforce ? 'take_down' : 'report',
      goneAt: null,
    };
    next.violations.push(violation);
    step.fact('violation.detected', 'recruiter', { ...violation, atsStatus: posting.atsStatus });
    step.command(
      {
        kind: 'notify_admins',
        topic: 'violation',
        message: `Offre ${next.snapshot.jobNumber} publiée sans l'approbation de l'EN3S`,
      },
      'violation',
      posting.id,
    );
  }
  if (premature.length > 0 && step.enforce) {
    const ids = premature.map((p) => p.id).sort();
    step.command({ kind: 'take_down', postingIds: ids }, ids.join(','));
  }
  return premature.length > 0;
}

function teamWithEn3s(team: JobTeam, policy: ProcessPolicy): JobTeam {
  const en3s = policy.en3s;
  return {
    ...team,
    approvers: [
      ...team.approvers,
      { userId: en3s.userId!, order: en3s.order, stepOrder: en3s.stepOrder, role: en3s.role },
    ],
  };
}

function teamWithoutEn3s(team: JobTeam, policy: ProcessPolicy): JobTeam {
  return { ...team, approvers: team.approvers.filter((m) => m.userId !== policy.en3s.userId) };
}

function askRecruiter(step: Step, reason: AskReason): void {
  const next = step.next;
  const turn = reason === 'resubmit' ? (next.submission?.turn ?? 0) : 0;
  if (!next.asked || next.asked.reason !== reason || next.asked.turn !== turn) {
    next.asked = { reason, at: step.at, turn };
    step.fact('recruiter.asked', 'system', { reason, turn });
  }
  if (!step.enforce || !step.policy.askRecruiters) return;
  const recruiterIds = next.snapshot.team.recruiters.map((m) => m.userId);
  step.command({ kind: 'ask_recruiter', reason, recruiterIds }, reason, turn);
}

/** The job is concerned and the window open: what is still to happen before EN3S's answer. */
function enforcingState(step: Step): JobProcessState {
  const next = step.next;
  const snapshot = next.snapshot;
  const published = recordViolations(step);
  if (!hasEn3s(snapshot.team, step.policy)) {
    if (step.enforce) {
      if (step.policy.en3s.userId === null) {
        step.command(
          {
            kind: 'notify_admins',
            topic: 'approver_unknown',
            message: "L'utilisateur EN3S dérogation est introuvable dans l'ATS",
          },
          'approver_unknown',
        );
      } else if (snapshot.unreadable.some((u) => u.field.startsWith('team'))) {
        // The team is sent whole (docs/talentlink.md §4): a member that could not be read would be dropped from it.
        step.command(
          {
            kind: 'notify_admins',
            topic: 'team_unreadable',
            message:
              `Offre ${snapshot.jobNumber} : équipe illisible, l'approbateur EN3S n'est pas posé (à ` +
              `poser à la main)`,
          },
          'team_unreadable',
          Date.parse(snapshot.updatedAt),
        );
      } else {
        step.command(
          { kind: 'set_approver', team: teamWithEn3s(snapshot.team, step.policy) },
          Date.parse(snapshot.updatedAt),
        );
      }
    }
    return published ? 'published_without_approval' : 'awaiting_approver';
  }
  const publishable = snapshot.status === 'OPEN' || snapshot.status === 'APPROVED';
  if (step.enforce && publishable && snapshot.postings === null)
    step.command({ kind: 'read_postings' }, Date.parse(snapshot.updatedAt));
  if (published) return 'published_without_approval';
  const submission = next.submission;
  if (snapshot.status === 'PENDING_APPROVAL' && submission?.en3sIncluded === true) return 'submitted';
  if (snapshot.status === 'REFUSED' && submission?.en3sIncluded === true) return 'refusal_observed';
  const resubmit = submission !== null && submission.en3sIncluded !== true;
  askRecruiter(step, resubmit ? 'resubmit' : 'submit');
  return 'awaiting_submission';
}

function scopeOf(next: ProcessMemory, policy: ProcessPolicy): { concerned: boolean | null; requires: boolean } {
  const concerned = next.override ? next.override.concerned : next.decision.concerned;
  const open = next.decision.windowOpen;
  const requires = concerned === null ? open && policy.undetermined === 'treat-as-concerned' : concerned && open;
  return { concerned, requires };
}

function decideState(step: Step, previous: ProcessMemory | null): JobProcessState {
  const next = step.next;
  const before = previous?.state ?? null;
  const { concerned, requires } = scopeOf(next, step.policy);
  // Undetermined data needs a look, unless an administrator checked this very version of the job.
  next.reviewNeeded = concerned === null && next.reviewChecked?.updatedAt !== next.snapshot.updatedAt;
  const atMs = Date.parse(step.at);
  const window = next.decision.window;
  const windowOver =
    next.campaign < window.campaign || (next.campaign === window.campaign && atMs >= Date.parse(window.end));

  // Final, whatever is observed next (an answer seen late included); approved and refused hold
  // by their sticky answer, which still has violations recorded below.
  if (before === 'released' || before === 'published_before_window') return before;
  if (next.answer?.status === 'APPROVED') {
    if (requires || next.inProcess) recordViolations(step);
    return 'approved';
  }
  if (next.answer?.status === 'REFUSED') {
    recordViolations(step);
    return 'refused';
  }
  if (next.snapshot.status === 'CLOSED' || next.snapshot.status === 'CANCELLED') {
    // Closing a job leaves its postings up (docs/talentlink.md §6): one that went out too early is still a breach.
    if (requires || next.inProcess) recordViolations(step);
    return 'closed';
  }
  if (windowOver && next.inProcess) return release(step);
  const windowStart = Date.parse(window.start);
  const postedBefore = livePostings(next.snapshot).some(
    (p) => p.postedAt !== null && Date.parse(p.postedAt) < windowStart,
  );
  if (next.decision.windowOpen && !previous?.inProcess && postedBefore) return 'published_before_window';
  if (!requires) {
    if (previous?.inProcess && !next.answer) step.fact('process.left', 'system', { concerned });
    next.inProcess = false;
    return concerned === false ? 'not_concerned' : concerned === null ? 'undetermined' : 'outside_window';
  }
  next.inProcess = true;
  const state = enforcingState(step);
  if (next.reviewNeeded && !previous?.reviewNeeded) askForReview(step);
  return state;
}

/** The window closed without an answer: the administrators are told, and the approver taken off if set so. */
function release(step: Step): 'released' {
  const next = step.next;
  next.released = { at: step.at };
  step.command(
    {
      kind: 'notify_admins',
      topic: 'released',
      message: `Offre ${next.snapshot.jobNumber} : période close sans réponse de l'EN3S`,
    },
    'released',
  );
  if (step.enforce && step.policy.removeApproverAtWindowEnd && hasEn3s(next.snapshot.team, step.policy)) {
    step.command({ kind: 'remove_approver', team: teamWithoutEn3s(next.snapshot.team, step.policy) });
  }
  return 'released';
}

/** Undetermined data in the process: the administrators are asked to complete it. */
function askForReview(step: Step): void {
  const next = step.next;
  step.command(
    {
      kind: 'notify_admins',
      topic: 'undetermined',
      message: `Offre ${next.snapshot.jobNumber} : données à compléter (${next.decision.missing.join(', ')})`,
    },
    'undetermined',
  );
}

/** The move to `state`: a state change, and an anomaly when the table does not expect it. */
function recordMove(step: Step, previous: ProcessMemory | null, state: JobProcessState): void {
  if (previous && !isExpectedTransition(previous.state, state)) {
    step.fact('transition.unexpected', 'system', { from: previous.state, to: state });
  }
  if (!previous || state !== previous.state) {
    step.next.state = state;
    step.next.stateSince = step.at;
    step.fact('state.changed', 'system', { from: previous ? previous.state : null, to: state });
  }
}

/**
 * `decision` is the eligibility of the event's job (or of the remembered one for a tick or an
 * override) at the event's instant; `memory` is null for a job never seen in this campaign.
 */
export function stepProcess(
  memory: ProcessMemory | null,
  event: ProcessEvent,
  decision: Decision,
  policy: ProcessPolicy,
): ProcessResult {
  if (event.kind === 'snapshot' && memory) {
    const ignored = staleOrDuplicate(memory, event.snapshot);
    // An older read that names a posting never read since still tells that the posting exists
    // (a posting queue's element may be read before the job's own, newer, element): the newer
    // job is kept, with that posting.
    const posting = event.posting;
    if (ignored && posting && memory.snapshot.postings === null) {
      event = { ...event, snapshot: memory.snapshot, posting };
    } else if (ignored) {
      return { memory, commands: [], facts: [ignored], changed: false };
    }
  }
  if (!memory && event.kind !== 'snapshot') throw new Error(`a ${event.kind} event needs a job already known`);
  const at = event.at;
  const snapshot =
    event.kind === 'snapshot'
      ? withKnownPostings(event.snapshot, memory?.snapshot ?? null, event.posting)
      : memory!.snapshot;
  const base = memory ?? initialMemory(snapshot, decision, campaignOf(decision, Date.parse(at)), at);
  const next: ProcessMemory = {
    ...base,
    snapshot,
    decision,
    violations: base.violations.map((v) => ({ ...v })),
    requested: [...base.requested],
  };
  const step = new Step(next, at, policy, event.kind === 'snapshot' && event.snapshot.postings !== null);

  if (!memory || !sameDecision(base.decision, decision)) step.fact('decision', 'system', { ...decision });
  if (event.kind === 'override') {
    next.override =
      event.concerned === null ? null : { concerned: event.concerned, by: event.by, reason: event.reason, at };
    step.facts.push({
      kind: 'admin.override',
      actor: 'administrator',
      actorName: event.by,
      data: { concerned: event.concerned, reason: event.reason },
    });
  }
  observe(step, memory);
  const state = decideState(step, memory);

  recordMove(step, memory, state);
  next.wanted = step.commands.filter((c) => c.kind !== 'notify_admins').map((c) => c.idempotencyKey);
  for (const c of step.commands)
    step.fact('command.requested', 'system', { kind: c.kind, idempotencyKey: c.idempotencyKey });
  return { memory: next, commands: step.commands, facts: step.facts, changed: true };
}

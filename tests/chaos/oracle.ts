import type { JobProcessState } from '../../src/domain/job-process-states.js';
import type { OfferScript } from './scenario.js';

/**
 * What the campaign must end as, read from the scenario and from what the people in it saw
 * (whether the recruiter's hurried publication went out before anyone set an approver): the
 * job's state in the service, what the tenant shows, and the side effects the tenant applied.
 * Written from the rules as docs/domain.md and the contract (docs/talentlink.md §4–§6) state them — not from
 * `stepProcess`, which it checks. Policy: the defaults (enforce, undetermined treated as
 * concerned), inside the window, e-mails on.
 *
 * The rules it applies, in order:
 * - out of scope, the connector never touches the job: what the recruiter did stands;
 * - in scope, the EN3S approver ends up on the job's team, set once (by the connector, or by the
 *   recruiter, when the connector may have been quicker and set it itself: at most once then);
 * - a posting that went out inside the window before EN3S approved is a breach: recorded, and
 *   taken down exactly once; a posting after the approval stands;
 * - an answer is EN3S's when EN3S is the only approver of the submission: approved → `approved`,
 *   refused → `refused`, both final; a submission still waiting → `submitted`; never submitted →
 *   `awaiting_submission` (the API cannot submit: the recruiter is asked);
 * - a job closed before any answer is `closed`.
 */

/** Statuses of the tenant (docs/talentlink.md §6 defaults). */
export const STATUS = {
  draft: 'Brouillon',
  pending: "En attente d'approbation",
  approved: 'Approuvée',
  refused: 'Refusée',
  open: 'Ouverte',
  closed: 'Clôturée',
} as const;

/** What the actors saw happen, where the world raced the connector. */
export interface Observed {
  /** The recruiter's publication right after creating the job went out (201), rather than refused. */
  prematurePosting: boolean;
}

export interface ExpectedOffer {
  service: {
    state: JobProcessState;
    violation: boolean;
    concerned: 'yes' | 'no' | 'undetermined';
    reviewNeeded: boolean;
  };
  ats: {
    status: string;
    /** The EN3S approver is on the job's team. */
    en3sApprover: boolean;
    /** Postings live at the end. */
    livePostings: number;
  };
  effects: {
    /** Team calls (`PATCH /position/{id}`) the tenant applied that put the EN3S approver on: [at least, at most]. */
    approverSet: [number, number];
    /** Postings taken down (`unpost` applied). */
    unposted: number;
  };
}

const concernedColumn = { concerned: 'yes', 'not-concerned': 'no', undetermined: 'undetermined' } as const;

export function expectedOffer(script: OfferScript, observed: Observed): ExpectedOffer {
  const scope = { concerned: concernedColumn[script.scope], reviewNeeded: script.scope === 'undetermined' };
  const p = script.inProcess;
  if (!p) {
    const act = script.outOfScope?.act ?? 'nothing';
    return {
      service: { state: act === 'close' ? 'closed' : 'not_concerned', violation: false, ...scope },
      ats: {
        status: act === 'close' ? STATUS.closed : act === 'publish' ? STATUS.open : STATUS.draft,
        en3sApprover: false,
        livePostings: act === 'publish' ? 1 : 0,
      },
      effects: { approverSet: [0, 0], unposted: 0 },
    };
  }
  const premature = p.publishAtOnce && observed.prematurePosting;
  const state: JobProcessState = p.close
    ? 'closed'
    : p.answer === 'validate'
      ? 'approved'
      : p.answer === 'refuse'
        ? 'refused'
        : p.submits
          ? 'submitted'
          : 'awaiting_submission';
  const status = p.close
    ? STATUS.closed
    : p.answer === 'validate'
      ? STATUS.approved
      : p.answer === 'refuse'
        ? STATUS.refused
        : p.submits
          ? STATUS.pending
          : premature
            ? STATUS.open
            : STATUS.draft;
  return {
    service: { state, violation: premature, ...scope },
    ats: { status, en3sApprover: true, livePostings: p.answer === 'validate' && p.publishAfterAnswer ? 1 : 0 },
    effects: { approverSet: p.approverBy === 'connector' ? [1, 1] : [0, 1], unposted: premature ? 1 : 0 },
  };
}

/** The HTTP statuses the tenant's driver may answer each act with, by the rules of docs/talentlink.md §6. */
export function expectedAnswers(
  script: OfferScript,
  act: 'publish-at-once' | 'publish-after' | 'publish' | 'other',
): number[] {
  if (act === 'publish-at-once') return [201, 409];
  if (act === 'publish-after') return script.inProcess?.answer === 'validate' ? [201] : [409];
  if (act === 'publish') return [201];
  return [200, 201];
}

/** Job numbers of the offers published without EN3S's answer: exactly what the control report must list. */
export function expectedViolations(
  scripts: { script: OfferScript; jobNumber: string; observed: Observed }[],
): string[] {
  return scripts
    .filter((s) => expectedOffer(s.script, s.observed).service.violation)
    .map((s) => s.jobNumber)
    .sort();
}

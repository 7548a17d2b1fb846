import type { JobCounters } from '../../connectors/talentlink/sandbox/counters.js';
import type { OfferState } from '../../src/domain/workflow-states.js';
import type { OfferScript, Scenario } from './scenario.js';

/**
 * What the campaign must end as, read from the scenario alone: the offer's state in the service,
 * what the ATS shows, how many times each side effect was applied, and which offers were
 * published without EN3S's answer. Written from the rules as DOMAIN.md states them — not from
 * the workflow code, which it checks. Policy: the defaults (enforce, undetermined treated as
 * concerned), inside the window, EN3S's answer final.
 */

export type PostingStatus = 'DRAFT' | 'PUBLISHED' | 'WITHDRAWN' | 'EXPIRED';

export interface ExpectedOffer {
  jobNumber: string;
  service: { state: OfferState; violation: boolean; concerned: 'yes' | 'no' | 'undetermined'; reviewNeeded: boolean };
  ats: {
    status: 'OPEN' | 'CLOSED';
    /** The approval team "EN3S dérogation" is on the job. */
    en3sTeam: boolean;
    approval: 'IN_PROGRESS' | 'APPROVED' | 'REJECTED' | null;
    locked: boolean;
    /** Statuses of the job-exchange postings, in creation order. */
    postings: PostingStatus[];
  };
  /** Side effects the ATS must have applied exactly this many times. */
  effects: Pick<
    JobCounters,
    | 'teamAssignmentsApplied'
    | 'approvalsStarted'
    | 'approvalsApproved'
    | 'approvalsRejected'
    | 'locksApplied'
    | 'unlocksApplied'
    | 'withdrawalsApplied'
    | 'postingsPublished'
    | 'publicationsRefusedByLock'
    | 'publicationsForcedThroughLock'
  >;
}

const concernedColumn = { concerned: 'yes', 'not-concerned': 'no', undetermined: 'undetermined' } as const;

export function expectedOffer(script: OfferScript): ExpectedOffer {
  const none = { teamAssignmentsApplied: 0, approvalsStarted: 0, approvalsApproved: 0, approvalsRejected: 0, locksApplied: 0, unlocksApplied: 0, withdrawalsApplied: 0, postingsPublished: 0, publicationsRefusedByLock: 0, publicationsForcedThroughLock: 0 };
  const scope = { concerned: concernedColumn[script.scope], reviewNeeded: script.scope === 'undetermined' };
  const p = script.inProcess;
  if (!p) {
    // Out of scope: the connector never touches it; whatever the recruiter does stands.
    const act = script.outOfScope?.act ?? 'nothing';
    return {
      jobNumber: script.jobNumber,
      service: { state: act === 'close' ? 'closed' : 'not_concerned', violation: false, ...scope },
      ats: { status: act === 'close' ? 'CLOSED' : 'OPEN', en3sTeam: false, approval: null, locked: false, postings: [act === 'publish' ? 'PUBLISHED' : 'DRAFT'] },
      effects: { ...none, postingsPublished: act === 'publish' ? 1 : 0 },
    };
  }
  // In the process: the connector (or the recruiter) puts the team on and starts the approval,
  // the connector locks publication until EN3S answers and takes down what went out before.
  const validated = p.answer === 'validate';
  const postings: PostingStatus[] = [];
  if (p.forcePublish) postings.push('WITHDRAWN');
  if (p.publishAfterAnswer && validated) postings.push('PUBLISHED');
  if (postings.length === 0) postings.push('DRAFT');
  const state: OfferState = validated ? 'approved' : p.answer === 'refuse' ? 'refused' : p.close ? 'closed' : 'approval_started';
  return {
    jobNumber: script.jobNumber,
    service: { state, violation: p.forcePublish, ...scope },
    ats: {
      status: p.close ? 'CLOSED' : 'OPEN',
      en3sTeam: true,
      approval: validated ? 'APPROVED' : p.answer === 'refuse' ? 'REJECTED' : 'IN_PROGRESS',
      // Unlocked only by "validé"; a refused offer stays locked for the campaign, a closed one as it was.
      locked: !validated,
      postings,
    },
    effects: {
      ...none,
      teamAssignmentsApplied: p.submission === 'connector' ? 1 : 0,
      approvalsStarted: 1,
      approvalsApproved: validated ? 1 : 0,
      approvalsRejected: p.answer === 'refuse' ? 1 : 0,
      locksApplied: 1,
      unlocksApplied: validated ? 1 : 0,
      withdrawalsApplied: p.forcePublish ? 1 : 0,
      postingsPublished: (p.forcePublish ? 1 : 0) + (p.publishAfterAnswer && validated ? 1 : 0),
      publicationsRefusedByLock: p.publishAfterAnswer && !validated ? 1 : 0,
      publicationsForcedThroughLock: p.forcePublish ? 1 : 0,
    },
  };
}

/** References of the offers published without EN3S's answer: exactly what the control report must list. */
export function expectedViolations(scenario: Scenario): string[] {
  return scenario.offers.filter((o) => o.inProcess?.forcePublish).map((o) => o.jobNumber).sort();
}

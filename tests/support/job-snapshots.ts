import type { AtsPort } from '../../connectors/ats-port.js';
import { evaluate } from '../../src/domain/eligibility.js';
import type { JobPosting, JobSnapshot, JobStatusMeaning, TeamMember } from '../../src/domain/job-snapshot.js';
import {
  stepProcess,
  type ProcessEvent,
  type ProcessMemory,
  type ProcessPolicy,
  type ProcessResult,
} from '../../src/domain/job-process.js';
import { data, offerOf } from './domain.js';
import type { JobSpec } from './job-documents.js';

/**
 * Jobs as the connector observes them in the real ATS (`JobSnapshot`), for tests of any area:
 * a builder of one snapshot, and `JobStory`, the life of one job where every change moves its
 * `updatedAt` as TalentLink's `updateDate` does. People are user ids, as the ATS gives them;
 * statuses carry the tenant's default texts (docs/talentlink.md §6).
 */

/** The EN3S approver as `mappings/talentlink.yaml` sets it (order 1, step 1, « dérogation EN3S »). */
export const en3sApprover: TeamMember = { userId: '900', order: 1, stepOrder: 1, role: 'dérogation EN3S' };
/** Another approver of the body (its DRH): with it, an answer cannot be attributed to EN3S. */
export const drhApprover: TeamMember = { userId: '501', order: 2, stepOrder: 1, role: 'Validation DRH' };
export const recruiter: TeamMember = { userId: '101', order: 1, stepOrder: null, role: 'Recruteur' };

/** The process's settings in tests: enforce, undetermined treated as concerned, the EN3S approver above. */
export const testPolicy: ProcessPolicy = {
  mode: 'enforce',
  undetermined: 'treat-as-concerned',
  removeApproverAtWindowEnd: false,
  askRecruiters: true,
  en3s: {
    userId: en3sApprover.userId,
    order: en3sApprover.order,
    stepOrder: en3sApprover.stepOrder!,
    role: en3sApprover.role,
  },
};

/** The status texts of the tenant's defaults (docs/talentlink.md §6), by meaning. */
export const statusTexts: Record<JobStatusMeaning, string> = {
  DRAFT: 'Brouillon',
  PENDING_APPROVAL: "En attente d'approbation",
  APPROVED: 'Approuvée',
  REFUSED: 'Refusée',
  OPEN: 'Ouverte',
  CLOSED: 'Clôturée',
  CANCELLED: 'Annulée',
  UNKNOWN: 'À reprendre',
};

/**
 * A draft job as first read at `at`: the body and classification of `spec`, one recruiter, no approver, postings not
 * read.
 */
export function jobSnapshot(spec: JobSpec, at: string, edit: Partial<JobSnapshot> = {}): JobSnapshot {
  const offer = offerOf(spec);
  return {
    ...offer,
    updatedAt: at,
    fetchedAt: at,
    organization: { atsId: offer.organization.atsId, name: offer.organization.name, ancestors: [] },
    status: 'DRAFT',
    atsStatus: statusTexts.DRAFT,
    team: { recruiters: [recruiter], operationals: [], approvers: [] },
    postings: null,
    ...edit,
  };
}

/** The life of one job in the ATS: each change is a new snapshot, its `updatedAt` strictly later than the last. */
export class JobStory {
  snapshot: JobSnapshot;
  private clock: number;

  constructor(spec: JobSpec, at: string, edit: Partial<JobSnapshot> = {}) {
    this.snapshot = jobSnapshot(spec, at, edit);
    this.clock = Date.parse(this.snapshot.updatedAt);
  }

  get jobNumber(): string {
    return this.snapshot.jobNumber;
  }

  /** The job changed at `at` (or 1 ms after its last change), and was read at once. */
  change(at: string, edit: Partial<JobSnapshot>): JobSnapshot {
    this.clock = Math.max(this.clock + 1, Date.parse(at));
    const stamp = new Date(this.clock).toISOString();
    this.snapshot = { ...this.snapshot, ...edit, updatedAt: stamp, fetchedAt: stamp };
    return this.snapshot;
  }

  status(at: string, status: JobStatusMeaning): JobSnapshot {
    return this.change(at, { status, atsStatus: statusTexts[status] });
  }

  approvers(at: string, approvers: TeamMember[]): JobSnapshot {
    return this.change(at, { team: { ...this.snapshot.team, approvers } });
  }

  /** EN3S added to the approvers (by the connector's team call, or by the recruiter), after `others`. */
  addEn3s(at: string, others: TeamMember[] = []): JobSnapshot {
    return this.approvers(at, [...others, en3sApprover]);
  }

  /** The recruiter clicked « Soumettre pour approbation ». */
  submit(at: string): JobSnapshot {
    return this.status(at, 'PENDING_APPROVAL');
  }

  approve(at: string): JobSnapshot {
    return this.status(at, 'APPROVED');
  }

  refuse(at: string): JobSnapshot {
    return this.status(at, 'REFUSED');
  }

  /** A posting went out at `postedAt` (default `at`), read with the job at `at`; `status` the job's status then. */
  post(at: string, id = '7001', postedAt: string = at, status?: JobStatusMeaning): JobSnapshot {
    const posting: JobPosting = { id, atsStatus: 'Active', postedAt };
    const edit: Partial<JobSnapshot> = {
      postings: [...(this.snapshot.postings ?? []).filter((p) => p.id !== id), posting],
    };
    if (status) Object.assign(edit, { status, atsStatus: statusTexts[status] });
    return this.change(at, edit);
  }

  /** The posting is no longer listed (taken down, by anyone, or expired), read at `at`. */
  takeDown(at: string, id = '7001'): JobSnapshot {
    return this.change(at, { postings: (this.snapshot.postings ?? []).filter((p) => p.id !== id) });
  }
}

/** One pure step of the process for an event, with the decision evaluated at the event's instant. */
export function stepJob(
  memory: ProcessMemory | null,
  event: ProcessEvent,
  policy: ProcessPolicy = testPolicy,
): ProcessResult {
  const snapshot = event.kind === 'snapshot' ? event.snapshot : memory!.snapshot;
  return stepProcess(memory, event, evaluate(snapshot, new Date(event.at), data.ruleSets), policy);
}

/** The process seeing a snapshot at the instant it was read. */
export function seeSnapshot(
  memory: ProcessMemory | null,
  snapshot: JobSnapshot,
  policy: ProcessPolicy = testPolicy,
): ProcessResult {
  return stepJob(memory, { kind: 'snapshot', at: snapshot.fetchedAt, snapshot }, policy);
}

/**
 * An ATS port for pipelines that only apply snapshots and let time pass (reports, dashboards):
 * those never call the ATS, and a call would be a bug of the test, so it throws, naming the call.
 */
export const unreachableAts: AtsPort = new Proxy({} as AtsPort, {
  get(_target, property) {
    if (property === 'name') return 'none';
    if (typeof property === 'symbol' || property === 'then') return undefined;
    return () => {
      throw new Error(`this test makes no ATS call (${property})`);
    };
  },
});

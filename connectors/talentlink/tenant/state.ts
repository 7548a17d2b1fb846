import type { FreeFormEntry, LovEntry } from './lov-catalogue.js';

/**
 * What the simulated tenant holds: jobs ("positions", "openings"), their postings (published
 * adverts) and the approval submissions, keyed by numeric ids as the real API gives them.
 */

export interface MemberRecord {
  order: number;
  userId: number;
  lovValue: string | null;
}

export interface ApproverRecord extends MemberRecord {
  stepOrder: number | null;
}

export interface TeamRecord {
  recruiters: MemberRecord[];
  operationals: MemberRecord[];
  approvers: ApproverRecord[];
}

/** One submission for approval: its approvers are those listed when it started (docs/talentlink.md §6). */
export interface Submission {
  number: number;
  startedAt: number;
  approverIds: number[];
  decisions: Map<number, 'approved' | 'refused'>;
}

export interface CustomFieldRecord {
  label: string;
  value: string;
  unlocalizedLabel: string;
  order: number;
}

export interface JobRecord {
  id: number;
  jobNumber: string;
  requisitionNumber: string;
  jobTitle: string;
  status: string;
  creationDate: number;
  updateDate: number;
  dueDate: number | null;
  organizationId: number;
  departmentId: number;
  language: string;
  contractType: string;
  lovs: LovEntry[];
  freeFormFields: FreeFormEntry[];
  customFields: CustomFieldRecord[];
  team: TeamRecord;
  submission: Submission | null;
  submissions: number;
  /** The API user has no right on this job: reads leave it out, queue reads answer 403. */
  restricted: boolean;
}

export interface PostingRecord {
  id: number;
  openingId: number;
  status: string;
  live: boolean;
  jobAdTitle: string;
  language: string;
  creationDate: number;
  updateDate: number;
  postingStartDate: number;
  postingEndDate: number | null;
  endDate: number | null;
}

export const emptyTeam = (): TeamRecord => ({ recruiters: [], operationals: [], approvers: [] });

export class TenantState {
  readonly jobs = new Map<number, JobRecord>();
  readonly postings = new Map<number, PostingRecord>();
  private nextJobId = 2001;
  private nextPostingId = 8001;
  private nextNumber = 1;

  newJobId(): number {
    return this.nextJobId++;
  }

  newPostingId(): number {
    return this.nextPostingId++;
  }

  /** The tenant's job reference, `REF-00001`, and requisition number, `DEM-00001`. */
  newReferences(): { jobNumber: string; requisitionNumber: string } {
    const n = String(this.nextNumber++).padStart(5, '0');
    return { jobNumber: `REF-${n}`, requisitionNumber: `DEM-${n}` };
  }

  postingsOf(jobId: number): PostingRecord[] {
    return [...this.postings.values()].filter((p) => p.openingId === jobId);
  }

  /** Forgets every job and posting; ids keep growing so an old id never names a new object. */
  clear(): void {
    this.jobs.clear();
    this.postings.clear();
  }
}

/**
 * The next `updateDate` of a change: the clock's instant, but always after the previous one, so
 * that two changes at one frozen instant still order (docs/talentlink.md §3: `updateDate` moves on every change).
 */
export function nextUpdateDate(previous: number, nowMs: number): number {
  return Math.max(nowMs, previous + 1);
}

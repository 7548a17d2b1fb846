import type { AtsResult } from '../../connectors/ats-connector.js';
import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import { permanent, type MemoryAts } from './memory-ats.js';

/**
 * What people do in the ATS, beside the connector: a recruiter creates, edits, publishes and
 * closes jobs (and sometimes assigns the EN3S team or starts the approval by hand), EN3S answers
 * "validé" or "refusé". Each action changes the job through the memory ATS, so it bumps the
 * version and yields the notification a real ATS would push. None of them is counted as a
 * connector call.
 */
export class AtsActors {
  constructor(private readonly ats: MemoryAts) {}

  /** A new job (a document from `jobDocument()`), stored as version 1. */
  createJob(doc: JobDocument): JobDocument {
    if (this.ats.job(doc.id)) throw new Error(`memory ATS: job ${doc.id} already exists`);
    return this.ats.commit({ ...structuredClone(doc), version: 1, publicationLock: doc.publicationLock ?? { locked: false } }, 'job.created');
  }

  /** The recruiter sets the approval team by hand. */
  addTeam(jobId: string, name = 'EN3S dérogation'): AtsResult<JobDocument> {
    return this.ats.change(jobId, null, (job) => this.ats.setApprovalTeam(job, name));
  }

  /** The recruiter clicks "Soumettre pour approbation". */
  startApproval(jobId: string, dueDate = '2027-03-01'): AtsResult<JobDocument> {
    return this.ats.change(jobId, null, (job) =>
      this.ats.startProcess(job, { processName: 'Validation en période EN3S', message: 'Merci de valider', dueDate, alertOnAction: true }, 'u-100'),
    );
  }

  /**
   * The recruiter clicks "Publier" on a posting (created on the UCANSS channel when new). The
   * ATS refuses it while publication is locked, unless `force` (a publication that slipped through).
   */
  publish(jobId: string, options: { postingId?: string; force?: boolean } = {}): AtsResult<JobDocument> {
    const postingId = options.postingId ?? 'p-1';
    return this.ats.change(jobId, null, (job) => {
      if (job.publicationLock?.locked && !options.force) return { error: permanent('PUBLICATION_LOCKED', `job ${job.id}: publication is locked`, 409) };
      let posting = job.postings.find((p) => p.id === postingId);
      if (!posting) {
        posting = { id: postingId, channel: 'UCANSS', status: 'DRAFT' };
        job.postings.push(posting);
      }
      if (posting.status === 'PUBLISHED') return { effect: false, type: 'job.posting.published' };
      if (posting.status !== 'DRAFT') return { error: permanent('POSTING_CLOSED', `posting ${postingId} is ${posting.status}: publish a new one`, 409) };
      posting.status = 'PUBLISHED';
      posting.publishedAt = this.ats.nowIso();
      return { effect: true, type: 'job.posting.published' };
    });
  }

  /** EN3S answers "validé" (APPROVED) or "refusé" (REJECTED) on the approval in progress. */
  decide(jobId: string, decision: 'APPROVED' | 'REJECTED', comment?: string): AtsResult<JobDocument> {
    return this.ats.change(jobId, null, (job) => {
      const process = job.approvalProcess;
      if (process?.status !== 'IN_PROGRESS') return { error: permanent('NO_PENDING_APPROVAL', `job ${job.id} has no approval in progress`, 409) };
      process.status = decision;
      process.steps = process.steps.map((step) =>
        step.status === 'PENDING' ? { ...step, status: decision, decidedAt: this.ats.nowIso(), decidedBy: 'u-en3s', ...(comment ? { comment } : {}) } : step,
      );
      return { effect: true, type: 'job.approval.decided' };
    });
  }

  validate(jobId: string): AtsResult<JobDocument> {
    return this.decide(jobId, 'APPROVED');
  }

  refuse(jobId: string, comment = 'Poste réservé aux élèves sortants'): AtsResult<JobDocument> {
    return this.decide(jobId, 'REJECTED', comment);
  }

  /** The recruiter edits the job (title, classification…). */
  edit(jobId: string, change: (job: JobDocument) => void): AtsResult<JobDocument> {
    return this.ats.change(jobId, null, (job) => {
      const before = JSON.stringify(job);
      change(job);
      return { effect: JSON.stringify(job) !== before, type: 'job.updated' };
    });
  }

  close(jobId: string): AtsResult<JobDocument> {
    return this.ats.change(jobId, null, (job) => {
      if (job.status === 'CLOSED') return { effect: false, type: 'job.closed' };
      job.status = 'CLOSED';
      return { effect: true, type: 'job.closed' };
    });
  }
}

import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import { toOffer } from '../../connectors/talentlink/mapping.js';
import { evaluate } from '../../src/domain/eligibility.js';
import { defaultApprovalMessage, transition, type OfferMemory, type Policy, type TransitionResult, type WorkflowEvent } from '../../src/domain/workflow.js';
import { data, talentlink } from './domain.js';
import { jobDocument, type JobSpec } from './job-documents.js';

export const policy: Policy = {
  mode: 'enforce',
  autoAssignTeam: true,
  autoStartApproval: true,
  dueDays: 10,
  undetermined: 'treat-as-concerned',
  releaseAtWindowEnd: true,
  approvalTeamName: 'EN3S dérogation',
  approvalProcessName: 'Validation en période EN3S',
  approvalMessage: defaultApprovalMessage,
};

/** The life of one job in the ATS, one document version per step. */
export class JobStory {
  doc: JobDocument;
  constructor(spec: JobSpec) {
    this.doc = jobDocument({ ...spec, version: 1 });
  }
  private bump(change: (doc: JobDocument) => void): JobDocument {
    const next = structuredClone(this.doc);
    change(next);
    next.version += 1;
    this.doc = next;
    return next;
  }
  addTeam() {
    return this.bump((d) => d.teams.push({ role: 'approval', name: 'EN3S dérogation', members: [{ userId: 'u-en3s' }] }));
  }
  lock(locked: boolean) {
    return this.bump((d) => (d.publicationLock = { locked }));
  }
  startApproval(at: string) {
    return this.bump((d) => {
      d.approvalProcess = {
        name: 'Validation en période EN3S',
        version: 1,
        status: 'IN_PROGRESS',
        startedAt: at,
        startedBy: 'api',
        dueDate: '2027-02-11',
        steps: [{ order: 1, team: 'EN3S dérogation', status: 'PENDING' }],
      };
    });
  }
  decide(status: 'APPROVED' | 'REJECTED', at: string) {
    return this.bump((d) => {
      d.approvalProcess!.status = status;
      d.approvalProcess!.steps[0] = { order: 1, team: 'EN3S dérogation', status, decidedAt: at, decidedBy: 'u-en3s' };
    });
  }
  publish(at: string, id = 'p-1') {
    return this.bump((d) => {
      const posting = d.postings.find((p) => p.id === id);
      if (posting) Object.assign(posting, { status: 'PUBLISHED', publishedAt: at });
      else d.postings.push({ id, channel: 'UCANSS', status: 'PUBLISHED', publishedAt: at });
    });
  }
  withdraw(at: string, id = 'p-1') {
    return this.bump((d) => {
      const posting = d.postings.find((p) => p.id === id)!;
      Object.assign(posting, { status: 'WITHDRAWN', withdrawnAt: at });
    });
  }
}

export function step(memory: OfferMemory | null, event: WorkflowEvent, p: Policy = policy): TransitionResult {
  const offer = event.kind === 'document' ? event.offer : memory!.offer;
  return transition(memory, event, evaluate(offer, new Date(event.at), data.ruleSets), p);
}

export const docEvent = (doc: JobDocument, at: string): WorkflowEvent => ({ kind: 'document', at, offer: toOffer(doc, talentlink, data.organisms) });

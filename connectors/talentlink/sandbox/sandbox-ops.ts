import type { CreateJobInput, StartApprovalInput, UpdateJobInput } from './job-inputs.js';
import { assignApprovalTeam, closeJob, createJob, decideApproval, startApproval, updateJob } from './job-operations.js';
import { apiActor, jobNotFound, recruiterOf, type OpResult, type OperationContext } from './operation-context.js';
import { publish, setPublicationLock, withdrawPosting } from './posting-operations.js';

/**
 * The sandbox's operations bound to one tenant, for in-process use (demo campaign, demo life,
 * tests): the same functions the REST API and the driver API call, with the same results.
 */
export interface SandboxOps {
  createJob(input: CreateJobInput): OpResult;
  updateJob(jobId: string, patch: UpdateJobInput): OpResult;
  closeJob(jobId: string): OpResult;
  /** As the API user (the connector). */
  assignApprovalTeam(jobId: string, teamName: string): OpResult;
  startApproval(jobId: string, input?: StartApprovalInput): OpResult;
  setPublicationLock(jobId: string, locked: boolean, reason?: string): OpResult;
  withdrawPosting(jobId: string, postingId: string, reason?: string): OpResult;
  /** As the job's recruiter. */
  addApprovalTeam(jobId: string, teamName?: string): OpResult;
  submitForApproval(jobId: string, input?: StartApprovalInput): OpResult;
  publish(jobId: string, channel?: string): OpResult;
  forcePublish(jobId: string, channel?: string): OpResult;
  /** As EN3S. */
  validate(jobId: string, by?: { decidedBy?: string; comment?: string }): OpResult;
  refuse(jobId: string, by?: { decidedBy?: string; comment?: string }): OpResult;
}

export function bindOperations(ctx: OperationContext): SandboxOps {
  const api = apiActor(ctx.options);
  return {
    createJob: (input) => createJob(ctx, input),
    updateJob: (jobId, patch) => updateJob(ctx, jobId, patch),
    closeJob: (jobId) => closeJob(ctx, jobId),
    assignApprovalTeam: (jobId, teamName) => assignApprovalTeam(ctx, jobId, teamName),
    startApproval: (jobId, input = {}) => startApproval(ctx, jobId, input, api),
    setPublicationLock: (jobId, locked, reason) => setPublicationLock(ctx, jobId, locked, reason),
    withdrawPosting: (jobId, postingId, reason) => withdrawPosting(ctx, jobId, postingId, reason),
    addApprovalTeam: (jobId, teamName = 'EN3S dérogation') => assignApprovalTeam(ctx, jobId, teamName),
    submitForApproval: (jobId, input = {}) => {
      const job = ctx.state.job(jobId);
      return job ? startApproval(ctx, jobId, input, recruiterOf(job)) : jobNotFound(jobId);
    },
    publish: (jobId, channel) => publish(ctx, jobId, { ...(channel ? { channel } : {}) }),
    forcePublish: (jobId, channel) => publish(ctx, jobId, { ...(channel ? { channel } : {}), force: true }),
    validate: (jobId, by) => decideApproval(ctx, jobId, 'APPROVED', by),
    refuse: (jobId, by) => decideApproval(ctx, jobId, 'REJECTED', by),
  };
}

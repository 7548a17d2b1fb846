import { countJob } from './counters.js';
import { commit, draftOf, fail, jobNotFound, ok, type OpResult, type OperationContext } from './operation-context.js';

/**
 * Publication operations: the lock set through the API, a recruiter's "Publier" (refused while
 * locked), a publication forced behind the lock's back (to simulate a violation the connector
 * must catch), and the withdrawal of a posting.
 */

/** `PUT /jobs/{id}/publication-lock`; setting the state it already has is a no-op. */
export function setPublicationLock(ctx: OperationContext, jobId: string, locked: boolean, reason?: string): OpResult {
  const current = ctx.state.job(jobId);
  if (!current) return jobNotFound(jobId);
  if ((current.publicationLock?.locked ?? false) === locked) {
    countJob(ctx.state.counters, jobId, 'lockNoops');
    return ok(current, false);
  }
  const next = draftOf(current);
  next.publicationLock = locked ? { locked: true, ...(reason ? { reason } : {}), since: ctx.clock.nowIso() } : { locked: false };
  countJob(ctx.state.counters, jobId, locked ? 'locksApplied' : 'unlocksApplied');
  return ok(commit(ctx, next, 'job.updated', current), true);
}

export interface PublishRequest {
  channel?: string;
  /** Ignore the lock (and the approval), as a recruiter going around the rules would. */
  force?: boolean;
}

/** A recruiter's "Publier" on a channel: publishes the draft posting, or creates a new one. */
export function publish(ctx: OperationContext, jobId: string, request: PublishRequest = {}): OpResult {
  const current = ctx.state.job(jobId);
  if (!current) return jobNotFound(jobId);
  const channel = request.channel ?? 'UCANSS';
  if (current.status === 'CLOSED' || current.status === 'CANCELLED') return fail(409, 'JOB_CLOSED', `job ${jobId} is ${current.status}`);
  const locked = current.publicationLock?.locked ?? false;
  if (locked && !request.force) {
    countJob(ctx.state.counters, jobId, 'publicationsRefusedByLock');
    return fail(423, 'PUBLICATION_LOCKED', `publication of job ${jobId} is locked${current.publicationLock?.reason ? `: ${current.publicationLock.reason}` : ''}`);
  }
  const approval = current.approvalProcess?.status;
  if (ctx.options.blockPublishDuringApproval && !request.force && (approval === 'IN_PROGRESS' || approval === 'REJECTED')) {
    return fail(423, approval === 'REJECTED' ? 'APPROVAL_REJECTED' : 'APPROVAL_PENDING', `job ${jobId} cannot be published: approval ${approval}`);
  }
  if (current.postings.some((p) => p.channel === channel && p.status === 'PUBLISHED')) {
    return fail(409, 'ALREADY_PUBLISHED', `job ${jobId} is already published on ${channel}`);
  }
  const next = draftOf(current);
  const now = ctx.clock.nowIso();
  const draft = next.postings.find((p) => p.channel === channel && p.status === 'DRAFT');
  if (draft) {
    draft.status = 'PUBLISHED';
    draft.publishedAt = now;
  } else {
    next.postings.push({ id: `p-${ctx.state.next('posting')}`, channel, status: 'PUBLISHED', publishedAt: now });
  }
  if (next.status === 'DRAFT') next.status = 'OPEN';
  countJob(ctx.state.counters, jobId, 'postingsPublished');
  if (locked) countJob(ctx.state.counters, jobId, 'publicationsForcedThroughLock');
  return ok(commit(ctx, next, 'job.posting.published', current), true);
}

/** `POST /jobs/{id}/postings/{postingId}/withdraw`; a posting not published is left as it is. */
export function withdrawPosting(ctx: OperationContext, jobId: string, postingId: string, reason = ''): OpResult {
  const current = ctx.state.job(jobId);
  if (!current) return jobNotFound(jobId);
  const index = current.postings.findIndex((p) => p.id === postingId);
  if (index < 0) return fail(404, 'POSTING_NOT_FOUND', `job ${jobId} has no posting ${postingId}`);
  if (current.postings[index]!.status !== 'PUBLISHED') {
    countJob(ctx.state.counters, jobId, 'withdrawalsNoop');
    return ok(current, false);
  }
  const next = draftOf(current);
  const posting = next.postings[index]!;
  posting.status = 'WITHDRAWN';
  posting.withdrawnAt = ctx.clock.nowIso();
  ctx.state.metaOf(jobId).withdrawals.push({ postingId, reason, at: posting.withdrawnAt });
  countJob(ctx.state.counters, jobId, 'withdrawalsApplied');
  return ok(commit(ctx, next, 'job.posting.withdrawn', current), true);
}

import { inPeriodeEn3s } from './rules.js';
import type { JobRecord, PostingRecord } from './state.js';
import {
  ensureLive,
  failure,
  findJob,
  isStatus,
  ok,
  setStatus,
  type Outcome,
  type TenantContext,
} from './tenant-context.js';

/**
 * The approval and the publication of a job, by the rules table of docs/talentlink.md §6. The approvers of a
 * submission are those the job lists when it is submitted: one added later is not part of it
 * until the recruiter submits again, which starts a new submission (TalentLink's "Version 2").
 * Every approver of the submission must approve, in any order (A: `stepOrder` is shown, not
 * enforced); the first refusal refuses. Recording a step changes the job only when its status does.
 */

export function submitForApproval(ctx: TenantContext, jobId: number): Outcome<JobRecord> {
  const found = findJob(ctx, jobId);
  if (!found.ok) return found;
  const live = ensureLive(ctx, found.value);
  if (!live.ok) return live;
  const job = live.value;
  const approverIds = [...new Set(job.team.approvers.map((a) => a.userId))];
  if (approverIds.length === 0)
    return failure(
      'NO_APPROVERS',
      `L'offre ${job.id} n'a pas d'approbateur : elle ne peut pas être soumise pour approbation`,
      [job.id],
    );
  job.submissions += 1;
  job.submission = { number: job.submissions, startedAt: ctx.clock.nowMs(), approverIds, decisions: new Map() };
  setStatus(ctx, job, 'pendingApproval');
  return ok(job);
}

function currentSubmission(ctx: TenantContext, jobId: number, userId: number): Outcome<JobRecord> {
  const found = findJob(ctx, jobId);
  if (!found.ok) return found;
  const job = found.value;
  if (!job.submission || !isStatus(ctx, job, 'pendingApproval')) {
    return failure('NOT_PENDING', `L'offre ${job.id} n'est pas en attente d'approbation (statut « ${job.status} »)`, [
      job.id,
    ]);
  }
  if (!job.submission.approverIds.includes(userId)) {
    return failure(
      'NOT_AN_APPROVER',
      `L'utilisateur ${userId} n'est pas approbateur de la soumission en cours de l'offre ${job.id} ` +
        `(soumission n° ${job.submission.number})`,
      [job.id, userId],
    );
  }
  if (job.submission.decisions.has(userId))
    return failure('ALREADY_DECIDED', `L'utilisateur ${userId} a déjà répondu pour l'offre ${job.id}`, [
      job.id,
      userId,
    ]);
  return ok(job);
}

export function approve(ctx: TenantContext, jobId: number, userId: number): Outcome<JobRecord> {
  const checked = currentSubmission(ctx, jobId, userId);
  if (!checked.ok) return checked;
  const job = checked.value;
  const submission = job.submission!;
  submission.decisions.set(userId, 'approved');
  if (submission.approverIds.every((id) => submission.decisions.get(id) === 'approved')) {
    setStatus(ctx, job, 'approved');
    ctx.queues.raise('JOB_APPROVED_EVENT', job.id);
  }
  return ok(job);
}

export function refuse(ctx: TenantContext, jobId: number, userId: number): Outcome<JobRecord> {
  const checked = currentSubmission(ctx, jobId, userId);
  if (!checked.ok) return checked;
  checked.value.submission!.decisions.set(userId, 'refused');
  setStatus(ctx, checked.value, 'refused');
  return ok(checked.value);
}

/**
 * A recruiter publishes: refused during the période EN3S while the job has approvers and is not
 * approved (with `publishRefusedOnlyOnceSubmitted`, only once it was submitted); otherwise a
 * posting goes out (`POSTING_CREATED`) and a job that is not approved becomes `Ouverte`.
 */
export function publish(ctx: TenantContext, jobId: number): Outcome<PostingRecord> {
  const found = findJob(ctx, jobId);
  if (!found.ok) return found;
  const live = ensureLive(ctx, found.value);
  if (!live.ok) return live;
  const job = live.value;
  const now = ctx.clock.nowMs();
  const approved = isStatus(ctx, job, 'approved');
  const guarded =
    job.team.approvers.length > 0 && !approved && (!ctx.rules.publishRefusedOnlyOnceSubmitted || job.submissions > 0);
  if (guarded && inPeriodeEn3s(now, ctx.rules.periodeEn3s)) {
    return failure(
      'PUBLICATION_REFUSED',
      `Publication refusée : pendant la période EN3S, l'offre ${job.id} a des approbateurs et ` +
        `n'est pas approuvée (statut « ${job.status} »)`,
      [job.id],
    );
  }
  if (!approved) setStatus(ctx, job, 'open');
  const posting: PostingRecord = {
    id: ctx.state.newPostingId(),
    openingId: job.id,
    status: ctx.rules.postingStatuses.posted,
    live: true,
    jobAdTitle: job.jobTitle,
    language: job.language,
    creationDate: now,
    updateDate: now,
    postingStartDate: now,
    postingEndDate: null,
    endDate: null,
  };
  ctx.state.postings.set(posting.id, posting);
  ctx.queues.raise('POSTING_CREATED', posting.id);
  return ok(posting);
}

/** `PUT /publishedadvert/unpost`: all or nothing; an unknown or already unposted posting fails. */
export function unpost(ctx: TenantContext, postingIds: readonly number[]): Outcome<PostingRecord[]> {
  const missing = postingIds.filter((id) => ctx.state.postings.get(id)?.live !== true);
  if (missing.length > 0)
    return failure(
      'POSTING_NOT_FOUND',
      `Publication(s) introuvable(s) ou déjà retirée(s) : ${missing.join(', ')}`,
      missing,
    );
  const now = ctx.clock.nowMs();
  const done = [...new Set(postingIds)].map((id) => {
    const posting = ctx.state.postings.get(id)!;
    posting.live = false;
    posting.status = ctx.rules.postingStatuses.unposted;
    posting.updateDate = Math.max(now, posting.updateDate + 1);
    posting.endDate = now;
    posting.postingEndDate = now;
    return posting;
  });
  return ok(done);
}

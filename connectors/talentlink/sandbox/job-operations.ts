import { z } from 'zod';
import type { JobDocument } from '../job-document.js';
import { calendarDateAfter, isoSeconds } from './clock.js';
import { countJob } from './counters.js';
import { createJobInputSchema, describeIssues, updateJobInputSchema, type CreateJobInput, type StartApprovalInput, type UpdateJobInput } from './job-inputs.js';
import { commit, draftOf, fail, jobNotFound, ok, type Actor, type OpResult, type OperationContext } from './operation-context.js';
import { hashString } from './prng.js';

/**
 * Recruiter-side and approval operations on jobs: create, update, close, approval team, start
 * and decide the approval process. Each returns an `OpResult` and changes the job through
 * `commit` only when something really changes (idempotent repeats leave `version` alone).
 */

export const defaultApprovalMessage = [
  'Madame, Monsieur,',
  "Je vous prie de bien prendre connaissance de notre offre et, le cas échéant de nous donner votre accord pour nous permettre de publier cette offre sur le site de l'Ucanss.",
  '',
  'Référence du poste : [%job_number%] [%job_requisition_number%]',
  'Intitulé du poste : [%job_opening_name%]',
  'Date de création : [%job_creation_date%]',
  'Créé par : [%sender_user_lastname%]',
].join('\n');

export function createJob(ctx: OperationContext, input: CreateJobInput): OpResult {
  const parsed = createJobInputSchema.safeParse(input);
  if (!parsed.success) return fail(400, 'BAD_REQUEST', describeIssues(parsed.error));
  const data = parsed.data;
  const { state, clock } = ctx;
  if (data.approvalTeam && !state.team(data.approvalTeam)) return fail(422, 'UNKNOWN_TEAM', `approval team "${data.approvalTeam}" is not known to the tenant`);
  const seq = state.next('job');
  const category = data.customFields.find((f) => f.key === 'JOB_CATEGORY')?.value;
  const recruiter = data.recruiter ?? defaultRecruiter(data.organization.code);
  const recruiterName = [recruiter.firstName, recruiter.lastName].filter(Boolean).join(' ');
  const now = clock.nowIso();
  const job: JobDocument = {
    id: String(seq),
    version: 0,
    jobNumber: data.jobNumber ?? `${category === 'AGENT_DE_DIRECTION' ? 'NVADD' : 'NVHADD'}${String(seq - 48_000).padStart(5, '0')}`,
    ...(data.requisitionNumber ? { requisitionNumber: data.requisitionNumber } : {}),
    openingName: data.title,
    creationDate: data.creationDate ?? now,
    createdBy: recruiter,
    organization: { id: data.organization.id ?? state.organizationId(data.organization.code), code: data.organization.code, name: data.organization.name },
    customFields: data.customFields,
    teams: [{ role: 'operational', members: [{ userId: recruiter.userId, name: `AA REC ${data.organization.name.toUpperCase()} ${recruiterName}`.trim() }] }],
    publicationLock: { locked: false },
    postings: (data.postings ?? [{ channel: 'UCANSS', status: 'DRAFT' as const }]).map((p) => ({
      id: `p-${state.next('posting')}`,
      channel: p.channel,
      status: p.status,
      ...(p.status === 'PUBLISHED' ? { publishedAt: p.publishedAt ?? now } : {}),
    })),
    status: data.status,
  };
  if (data.approvalTeam) job.teams.push(approvalTeamOf(ctx, data.approvalTeam));
  return ok(commit(ctx, job, 'job.created'), true, 201);
}

export function updateJob(ctx: OperationContext, jobId: string, input: UpdateJobInput): OpResult {
  const current = ctx.state.job(jobId);
  if (!current) return jobNotFound(jobId);
  const parsed = updateJobInputSchema.safeParse(input);
  if (!parsed.success) return fail(400, 'BAD_REQUEST', describeIssues(parsed.error));
  const patch = parsed.data;
  const next = draftOf(current);
  if (patch.title !== undefined) next.openingName = patch.title;
  if (patch.organization) next.organization = { id: patch.organization.id ?? ctx.state.organizationId(patch.organization.code), code: patch.organization.code, name: patch.organization.name };
  if (patch.customFields) next.customFields = patch.customFields;
  if (patch.requisitionNumber !== undefined) next.requisitionNumber = patch.requisitionNumber;
  if (patch.status !== undefined) next.status = patch.status;
  if (sameDocument(current, next)) return ok(current, false);
  return ok(commit(ctx, next, 'job.updated', current), true);
}

export function closeJob(ctx: OperationContext, jobId: string): OpResult {
  const current = ctx.state.job(jobId);
  if (!current) return jobNotFound(jobId);
  if (current.status === 'CLOSED') return ok(current, false);
  const next = draftOf(current);
  next.status = 'CLOSED';
  for (const posting of next.postings) if (posting.status === 'PUBLISHED') posting.status = 'EXPIRED';
  return ok(commit(ctx, next, 'job.closed', current), true);
}

/** `PUT /jobs/{id}/teams/approval`: sets (or replaces) the approval team; a repeat is a no-op. */
export function assignApprovalTeam(ctx: OperationContext, jobId: string, teamName: string): OpResult {
  const current = ctx.state.job(jobId);
  if (!current) return jobNotFound(jobId);
  if (!ctx.state.team(teamName)) return fail(422, 'UNKNOWN_TEAM', `approval team "${teamName}" is not known to the tenant`);
  const existing = current.teams.find((t) => t.role === 'approval');
  if (existing?.name === teamName) {
    countJob(ctx.state.counters, jobId, 'teamAssignmentsNoop');
    return ok(current, false);
  }
  const next = draftOf(current);
  next.teams = [...next.teams.filter((t) => t.role !== 'approval'), approvalTeamOf(ctx, teamName)];
  countJob(ctx.state.counters, jobId, 'teamAssignmentsApplied');
  return ok(commit(ctx, next, 'job.updated', current), true);
}

/** `POST /jobs/{id}/approval-process` ("Soumettre pour approbation"). */
export function startApproval(ctx: OperationContext, jobId: string, input: StartApprovalInput, actor: Actor): OpResult {
  const current = ctx.state.job(jobId);
  if (!current) return jobNotFound(jobId);
  const status = current.approvalProcess?.status;
  if (status === 'IN_PROGRESS' || status === 'APPROVED' || status === 'REJECTED') {
    countJob(ctx.state.counters, jobId, 'approvalConflicts');
    return fail(409, 'ALREADY_STARTED', `the approval process of job ${jobId} is already ${status === 'IN_PROGRESS' ? 'in progress' : 'decided'} (${status})`);
  }
  const team = current.teams.find((t) => t.role === 'approval' && t.name);
  if (!team?.name) {
    countJob(ctx.state.counters, jobId, 'approvalsWithoutTeam');
    return fail(422, 'NO_APPROVAL_TEAM', `job ${jobId} has no approval team; assign one with PUT /jobs/${jobId}/teams/approval`);
  }
  const nowMs = ctx.clock.nowMs();
  const processName = input.processName ?? 'Validation en période EN3S';
  const dueDate = input.dueDate ?? calendarDateAfter(nowMs, ctx.options.defaultDueDays);
  const next = draftOf(current);
  next.approvalProcess = {
    name: processName,
    version: ctx.options.approvalProcessVersions[processName] ?? 1,
    status: 'IN_PROGRESS',
    startedAt: isoSeconds(nowMs),
    startedBy: actor.userId,
    dueDate,
    steps: [{ order: 1, team: team.name, status: 'PENDING' }],
  };
  const message = renderApprovalMessage(input.message ?? defaultApprovalMessage, current, actor);
  ctx.state.metaOf(jobId).approvalRequests.push({ processName, message, dueDate, alertOnAction: input.alertOnAction ?? true, startedBy: actor.userId, at: isoSeconds(nowMs) });
  countJob(ctx.state.counters, jobId, 'approvalsStarted');
  return ok(commit(ctx, next, 'job.approval.started', current), true, 201);
}

/** EN3S clicks "validé" (APPROVED) or "refusé" (REJECTED) on the pending step. */
export function decideApproval(ctx: OperationContext, jobId: string, outcome: 'APPROVED' | 'REJECTED', by: { decidedBy?: string; comment?: string } = {}): OpResult {
  const current = ctx.state.job(jobId);
  if (!current) return jobNotFound(jobId);
  const process = current.approvalProcess;
  const pendingIndex = process?.status === 'IN_PROGRESS' ? process.steps.findIndex((s) => s.status === 'PENDING') : -1;
  if (!process || pendingIndex < 0) {
    return fail(409, 'NO_PENDING_APPROVAL', `job ${jobId} has no approval step waiting for a decision (approval ${process?.status ?? 'absent'})`);
  }
  const next = draftOf(current);
  const nextProcess = next.approvalProcess!;
  const step = nextProcess.steps[pendingIndex]!;
  step.status = outcome;
  step.decidedAt = ctx.clock.nowIso();
  step.decidedBy = by.decidedBy ?? ctx.state.team(step.team)?.members[0]?.userId ?? 'u-en3s';
  if (by.comment) step.comment = by.comment;
  // One rejection decides the process; approval needs every step approved.
  if (outcome === 'REJECTED') nextProcess.status = 'REJECTED';
  else if (nextProcess.steps.every((s) => s.status === 'APPROVED')) nextProcess.status = 'APPROVED';
  countJob(ctx.state.counters, jobId, outcome === 'APPROVED' ? 'approvalsApproved' : 'approvalsRejected');
  return ok(commit(ctx, next, 'job.approval.decided', current), true);
}

function approvalTeamOf(ctx: OperationContext, name: string): JobDocument['teams'][number] {
  const team = ctx.state.team(name)!;
  return { role: 'approval', name, members: team.members.map((m) => ({ ...m })) };
}

export function renderApprovalMessage(template: string, job: JobDocument, actor: Actor): string {
  const creation = job.creationDate.slice(0, 10).split('-').reverse().join('/');
  const values: Record<string, string> = {
    job_number: job.jobNumber,
    job_requisition_number: job.requisitionNumber ?? '',
    job_opening_name: job.openingName,
    job_creation_date: creation,
    sender_user_lastname: actor.lastName ?? actor.userId,
  };
  return template.replace(/\[%([a-z_]+)%\]/g, (whole, key: string) => values[key] ?? whole);
}

function defaultRecruiter(orgCode: string): z.infer<typeof createJobInputSchema>['recruiter'] & object {
  const tag = (hashString(orgCode) % 900) + 100;
  return { userId: `u-${tag}`, firstName: 'Camille', lastName: 'Recruteur', email: `recrutement@${orgCode.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.example` };
}

function sameDocument(a: JobDocument, b: JobDocument): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

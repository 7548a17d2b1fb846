import { z } from 'zod';
import type { ClassificationInput } from './lov-catalogue.js';
import { emptyTeam, type ApproverRecord, type JobRecord, type MemberRecord, type TeamRecord } from './state.js';
import {
  ensureLive,
  failure,
  findJob,
  isStatus,
  ok,
  setStatus,
  touch,
  unknownUsers,
  type Outcome,
  type TenantContext,
} from './tenant-context.js';

/**
 * What a recruiter does to a job in the tenant (docs/talentlink.md §6), and the API's `PATCH` of its team:
 * create (`Brouillon`, `JOB_CREATED_EVENT`), set the team (the status does not move), edit a
 * field (`updateDate` moves; an approved job stays approved unless the rules say otherwise),
 * close, cancel. The driver also deletes or restricts a job, to make poison queue elements.
 */

const id = z.number().int().positive();
const memberWrite = z
  .object({
    order: z.number().int(),
    user: z.object({ id }).optional(),
    userId: id.optional(),
    lovValue: z.string().nullish(),
  })
  .refine((m) => m.user !== undefined || m.userId !== undefined, { message: 'expected user.id' });
const approverWrite = memberWrite.and(z.object({ stepOrder: z.number().int().nullish() }));

/** The write shape of a team (docs/talentlink.md §4): `{order, user: {id}, lovValue}`, `stepOrder` for approvers. */
export const teamWriteSchema = z.object({
  recruiters: z.array(memberWrite).optional(),
  operationals: z.array(memberWrite).optional(),
  approvers: z.array(approverWrite).optional(),
});
export type TeamWrite = z.input<typeof teamWriteSchema>;

const fieldValue = z.object({ name: z.string().min(1), value: z.string() });
const classificationInput = z
  .object({
    grid: z.string(),
    level: z.string(),
    category: z.string(),
    family: z.string(),
    agreement: z.string(),
    minesScale: z.string(),
    minesCareerStart: z.string(),
  })
  .partial();

export const createJobSchema = z.object({
  title: z.string().trim().min(1),
  organizationId: id,
  departmentId: id.optional(),
  recruiterIds: z.array(id).default([]),
  classification: classificationInput.default({}),
  lovs: z.array(fieldValue).default([]),
  freeFormFields: z.array(fieldValue).default([]),
  customFields: z
    .array(z.object({ label: z.string().min(1), value: z.string(), unlocalizedLabel: z.string().optional() }))
    .default([]),
  dueDate: z.number().int().nullable().default(null),
  language: z.string().default('fr_FR'),
  contractType: z.string().default('CDI'),
  /** Created where the API user has no right: reads leave it out, queue reads answer 403. */
  restricted: z.boolean().default(false),
});
export type CreateJobInput = z.input<typeof createJobSchema>;

export const editJobSchema = z.object({
  jobTitle: z.string().trim().min(1).optional(),
  dueDate: z.number().int().nullable().optional(),
  classification: classificationInput.optional(),
  lovs: z.array(fieldValue).optional(),
  freeFormFields: z.array(fieldValue).optional(),
});
export type EditJobInput = z.input<typeof editJobSchema>;

function setConfigurable(
  ctx: TenantContext,
  job: JobRecord,
  classification: ClassificationInput,
  lovs: z.infer<typeof fieldValue>[],
  freeForms: z.infer<typeof fieldValue>[],
): void {
  const fromClassification = ctx.catalogue.classification(classification);
  const entries = [...fromClassification.lovs, ...lovs.map((l) => ctx.catalogue.lov(l.name, l.value))];
  const forms = [
    ...fromClassification.freeFormFields,
    ...freeForms.map((f) => ctx.catalogue.freeForm(f.name, f.value)),
  ];
  // One value per list: a field picked again replaces the earlier value.
  for (const entry of entries) job.lovs = [...job.lovs.filter((l) => l.nameLovId !== entry.nameLovId), entry];
  for (const form of forms) job.freeFormFields = [...job.freeFormFields.filter((f) => f.lovId !== form.lovId), form];
}

/** `silent`: no event is raised (the driver's poison elements are queued by hand). */
export function createJob(
  ctx: TenantContext,
  input: z.infer<typeof createJobSchema>,
  silent = false,
): Outcome<JobRecord> {
  const departmentId = input.departmentId ?? input.organizationId;
  for (const deptId of [input.organizationId, departmentId]) {
    if (!ctx.directory.department(deptId))
      return failure('UNKNOWN_DEPARTMENT', `Département ${deptId} inconnu de l'organisation du bac à sable`, [deptId]);
  }
  const missing = unknownUsers(ctx, input.recruiterIds);
  if (missing.length > 0) return failure('UNKNOWN_USER', `Utilisateur(s) inconnu(s) : ${missing.join(', ')}`, missing);
  const now = ctx.clock.nowMs();
  const job: JobRecord = {
    id: ctx.state.newJobId(),
    ...ctx.state.newReferences(),
    jobTitle: input.title,
    status: ctx.rules.statuses.draft,
    creationDate: now,
    updateDate: now,
    dueDate: input.dueDate,
    organizationId: input.organizationId,
    departmentId,
    language: input.language,
    contractType: input.contractType,
    lovs: [],
    freeFormFields: [],
    customFields: input.customFields.map((c, index) => ({
      label: c.label,
      value: c.value,
      unlocalizedLabel: c.unlocalizedLabel ?? c.label,
      order: index + 1,
    })),
    team: {
      ...emptyTeam(),
      recruiters: input.recruiterIds.map((userId, index) => ({ order: index + 1, userId, lovValue: null })),
    },
    submission: null,
    submissions: 0,
    restricted: input.restricted,
  };
  setConfigurable(ctx, job, input.classification, input.lovs, input.freeFormFields);
  ctx.state.jobs.set(job.id, job);
  if (!silent) ctx.queues.raise('JOB_CREATED_EVENT', job.id);
  return ok(job);
}

const toMember = (m: z.infer<typeof memberWrite>): MemberRecord => ({
  order: m.order,
  userId: (m.user?.id ?? m.userId)!,
  lovValue: m.lovValue ?? null,
});
const toApprover = (a: z.infer<typeof approverWrite>): ApproverRecord => ({
  ...toMember(a),
  stepOrder: a.stepOrder ?? null,
});

function merged<T extends MemberRecord>(current: T[], sent: T[] | undefined, mode: 'replace' | 'merge'): T[] {
  if (mode === 'replace') return sent ?? [];
  if (sent === undefined) return current;
  return [...current.filter((m) => !sent.some((s) => s.userId === m.userId)), ...sent];
}

/** Sets the team as `PATCH /position/{id}` does; the mode is the `teamPatch` rule unless given. */
export function setTeam(
  ctx: TenantContext,
  jobId: number,
  input: z.infer<typeof teamWriteSchema>,
  mode = ctx.rules.teamPatch,
): Outcome<JobRecord> {
  const found = findJob(ctx, jobId);
  if (!found.ok) return found;
  const sent = {
    recruiters: input.recruiters?.map(toMember),
    operationals: input.operationals?.map(toMember),
    approvers: input.approvers?.map(toApprover),
  };
  const userIds = [...(sent.recruiters ?? []), ...(sent.operationals ?? []), ...(sent.approvers ?? [])].map(
    (m) => m.userId,
  );
  const missing = unknownUsers(ctx, userIds);
  if (missing.length > 0) return failure('UNKNOWN_USER', `Utilisateur(s) inconnu(s) : ${missing.join(', ')}`, missing);
  const job = found.value;
  const team: TeamRecord = {
    recruiters: merged(job.team.recruiters, sent.recruiters, mode),
    operationals: merged(job.team.operationals, sent.operationals, mode),
    approvers: merged(job.team.approvers, sent.approvers, mode),
  };
  job.team = team;
  touch(ctx, job);
  return ok(job);
}

export function editJob(ctx: TenantContext, jobId: number, input: z.infer<typeof editJobSchema>): Outcome<JobRecord> {
  const found = findJob(ctx, jobId);
  if (!found.ok) return found;
  const live = ensureLive(ctx, found.value);
  if (!live.ok) return live;
  const job = live.value;
  if (input.jobTitle !== undefined) job.jobTitle = input.jobTitle;
  if (input.dueDate !== undefined) job.dueDate = input.dueDate;
  setConfigurable(ctx, job, input.classification ?? {}, input.lovs ?? [], input.freeFormFields ?? []);
  touch(ctx, job);
  if (!ctx.rules.editKeepsApproval && isStatus(ctx, job, 'approved')) setStatus(ctx, job, 'draft');
  return ok(job);
}

export function closeJob(ctx: TenantContext, jobId: number, how: 'closed' | 'cancelled'): Outcome<JobRecord> {
  const found = findJob(ctx, jobId);
  if (!found.ok) return found;
  const live = ensureLive(ctx, found.value);
  if (!live.ok) return live;
  setStatus(ctx, live.value, how);
  return ok(live.value);
}

/** Removes a job and its postings from the database, as an administrator would. */
export function deleteJob(ctx: TenantContext, jobId: number): Outcome<{ id: number }> {
  const found = findJob(ctx, jobId);
  if (!found.ok) return found;
  ctx.state.jobs.delete(jobId);
  for (const posting of ctx.state.postingsOf(jobId)) ctx.state.postings.delete(posting.id);
  return ok({ id: jobId });
}

/** Takes the API user's right on a job away (or gives it back). */
export function restrictJob(ctx: TenantContext, jobId: number, restricted: boolean): Outcome<JobRecord> {
  const found = findJob(ctx, jobId);
  if (!found.ok) return found;
  found.value.restricted = restricted;
  return ok(found.value);
}

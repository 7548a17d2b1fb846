import type { z } from 'zod';
import { approve, publish, refuse, submitForApproval, unpost } from './approval-actions.js';
import { openingDto, postingDto } from './dto-builders.js';
import {
  closeJob,
  createJob,
  createJobSchema,
  deleteJob,
  editJobSchema,
  editJob,
  restrictJob,
  setTeam,
  teamWriteSchema,
  type CreateJobInput,
  type EditJobInput,
  type TeamWrite,
} from './job-actions.js';
import type { JobRecord, PostingRecord } from './state.js';
import { failure, ok, type Outcome, type TenantContext } from './tenant-context.js';

/**
 * The driver: what tests and the demo do to the tenant as its people would (the guide Ucanss,
 * docs/domain.md#the-approval-in-talentlink: a recruiter creates, submits, edits, publishes, closes; an approver
 * approves or refuses), and the poison elements of docs/talentlink.md §7. Clearly apart from the contract: the
 * connector never calls it. Every action answers a value; the job or posting comes back as the API would show it in
 * full.
 */

type Dto = Record<string, unknown>;
export type PoisonKind = 'gone' | 'forbidden';

export interface TenantDriver {
  createJob(input: CreateJobInput): Outcome<Dto>;
  job(jobId: number): Outcome<Dto>;
  setTeam(jobId: number, team: TeamWrite, mode?: 'replace' | 'merge'): Outcome<Dto>;
  submitForApproval(jobId: number): Outcome<Dto>;
  approve(jobId: number, userId: number): Outcome<Dto>;
  refuse(jobId: number, userId: number): Outcome<Dto>;
  editJob(jobId: number, edit: EditJobInput): Outcome<Dto>;
  publish(jobId: number): Outcome<Dto>;
  unpost(postingIds: number[]): Outcome<Dto[]>;
  close(jobId: number): Outcome<Dto>;
  cancel(jobId: number): Outcome<Dto>;
  deleteJob(jobId: number): Outcome<{ id: number }>;
  restrictJob(jobId: number, restricted?: boolean): Outcome<Dto>;
  /** Adds to a queue an element whose object is gone (404 on read) or hidden from the owner (403). */
  injectPoison(queueName: string, kind: PoisonKind): Outcome<{ idInQueue: number; objectId: number }>;
}

function parsed<S extends z.ZodType>(schema: S, input: unknown): Outcome<z.infer<S>> {
  const result = schema.safeParse(input);
  if (result.success) return ok(result.data);
  const issues = result.error.issues
    .map((i) => `${i.path.map(String).join('.') || 'entrée'} : ${i.message}`)
    .join(' ; ');
  return failure('INVALID_INPUT', `Entrée invalide : ${issues}`);
}

export function createDriver(ctx: TenantContext): TenantDriver {
  const job = (o: Outcome<JobRecord>): Outcome<Dto> => (o.ok ? ok(openingDto(ctx.directory, o.value)) : o);
  const posting = (p: PostingRecord): Dto => {
    const { opening: _opening, ...rest } = postingDto(ctx.directory, p, undefined);
    return rest;
  };

  /** A job (and posting) the API user cannot see, created without raising any event. */
  function hiddenObject(type: 'position' | 'posting-target'): number {
    const root = ctx.directory.allDepartments().find((d) => d.parentId === null)!;
    const created = createJob(
      ctx,
      createJobSchema.parse({ title: 'Offre confidentielle', organizationId: root.id, restricted: true }),
      true,
    );
    if (!created.ok) throw new Error(`tenant driver: could not create a hidden job: ${created.error.message}`);
    if (type === 'position') return created.value.id;
    const now = ctx.clock.nowMs();
    const id = ctx.state.newPostingId();
    const status = ctx.rules.postingStatuses.posted;
    ctx.state.postings.set(id, {
      id,
      openingId: created.value.id,
      status,
      live: true,
      jobAdTitle: created.value.jobTitle,
      language: created.value.language,
      creationDate: now,
      updateDate: now,
      postingStartDate: now,
      postingEndDate: null,
      endDate: null,
    });
    return id;
  }

  return {
    createJob(input) {
      const p = parsed(createJobSchema, input);
      return p.ok ? job(createJob(ctx, p.value)) : p;
    },
    job: (jobId) => {
      const found = ctx.state.jobs.get(jobId);
      return found
        ? ok(openingDto(ctx.directory, found))
        : failure('JOB_NOT_FOUND', `Offre ${jobId} introuvable dans le bac à sable`, [jobId]);
    },
    setTeam(jobId, team, mode) {
      const p = parsed(teamWriteSchema, team);
      return p.ok ? job(setTeam(ctx, jobId, p.value, mode)) : p;
    },
    submitForApproval: (jobId) => job(submitForApproval(ctx, jobId)),
    approve: (jobId, userId) => job(approve(ctx, jobId, userId)),
    refuse: (jobId, userId) => job(refuse(ctx, jobId, userId)),
    editJob(jobId, edit) {
      const p = parsed(editJobSchema, edit);
      return p.ok ? job(editJob(ctx, jobId, p.value)) : p;
    },
    publish(jobId) {
      const done = publish(ctx, jobId);
      return done.ok ? ok(posting(done.value)) : done;
    },
    unpost(postingIds) {
      const done = unpost(ctx, postingIds);
      return done.ok ? ok(done.value.map(posting)) : done;
    },
    close: (jobId) => job(closeJob(ctx, jobId, 'closed')),
    cancel: (jobId) => job(closeJob(ctx, jobId, 'cancelled')),
    deleteJob: (jobId) => deleteJob(ctx, jobId),
    restrictJob: (jobId, restricted = true) => job(restrictJob(ctx, jobId, restricted)),
    injectPoison(queueName, kind) {
      const definition = ctx.queues.definition(queueName);
      if (!definition) return failure('UNKNOWN_QUEUE', `File « ${queueName} » inconnue du bac à sable`);
      // An id never given to any object: ids only grow, so it names nothing in the database.
      const gone = () => (definition.type === 'position' ? ctx.state.newJobId() : ctx.state.newPostingId());
      const objectId = kind === 'gone' ? gone() : hiddenObject(definition.type);
      const element = ctx.queues.inject(queueName, objectId);
      if (!element) throw new Error(`tenant driver: the poison element for ${objectId} was folded into another one`);
      return ok({ idInQueue: element.idInQueue, objectId });
    },
  };
}

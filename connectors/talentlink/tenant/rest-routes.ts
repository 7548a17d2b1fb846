import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { unpost } from './approval-actions.js';
import { departmentDto, openingDto, postingDto, userDto } from './dto-builders.js';
import {
  checkSelection,
  departmentShape,
  openingShape,
  postingShape,
  userShape,
  type ObjectShape,
} from './dto-shapes.js';
import { sendRequestError } from './gateway.js';
import { editJob, setTeam, teamWriteSchema } from './job-actions.js';
import { runQuery } from './query-eval.js';
import { parseReadQuery } from './query-language.js';
import type { TenantContext } from './tenant-context.js';

/**
 * The contract's reads and writes (docs/talentlink.md §2–§4): `GET /{resource}?query=<GraphQL>` for jobs,
 * postings, users and departments; `PATCH /position/{id}` of the team; `PUT
 * /publishedadvert/unpost`. A job the API user may not see is left out of reads (403 on a write);
 * a posting taken down is no longer listed (A: a listed posting is a live one).
 */

type Dto = Record<string, unknown>;

interface Resource {
  root: string;
  shape: ObjectShape;
  items(ctx: TenantContext): Dto[];
}

const present = (items: Array<Dto | null>): Dto[] => items.filter((i): i is Dto => i !== null);

function resources(createdAt: number): Record<string, Resource> {
  return {
    '/position': {
      root: 'positions',
      shape: openingShape,
      items: (ctx) =>
        [...ctx.state.jobs.values()].filter((j) => !j.restricted).map((j) => openingDto(ctx.directory, j)),
    },
    '/publishedadvert': {
      root: 'publishedAdverts',
      shape: postingShape,
      items: (ctx) =>
        [...ctx.state.postings.values()]
          .filter((p) => p.live)
          .map((p) => ({ posting: p, job: ctx.state.jobs.get(p.openingId) }))
          .filter(({ job }) => job !== undefined && !job.restricted)
          .map(({ posting, job }) => postingDto(ctx.directory, posting, job)),
    },
    '/user': {
      root: 'users',
      shape: userShape,
      items: (ctx) => present([...ctx.directory.users.keys()].map((id) => userDto(ctx.directory, id, createdAt))),
    },
    '/department': {
      root: 'departments',
      shape: departmentShape,
      items: (ctx) => present(ctx.directory.allDepartments().map((d) => departmentDto(ctx.directory, d.id))),
    },
  };
}

function read(ctx: TenantContext, resource: Resource) {
  return (req: Request, res: Response) => {
    const text = req.query.query;
    if (typeof text !== 'string' || text.trim() === '')
      return sendRequestError(res, 400, `Missing query parameter: expected query={ ${resource.root}(...) { ... } }`);
    const parsed = parseReadQuery(text, { [resource.root]: resource.shape });
    if (!parsed.ok) return sendRequestError(res, 400, parsed.reason);
    const problem = checkSelection(parsed.value.selection, resource.shape, parsed.value.root);
    if (problem) return sendRequestError(res, 400, problem);
    res.json({ data: { [parsed.value.answerKey]: runQuery(resource.items(ctx), parsed.value) } });
  };
}

const patchSchema = z.strictObject({
  team: teamWriteSchema.optional(),
  jobTitle: z.string().trim().min(1).optional(),
  dueDate: z.number().int().nullable().optional(),
});

const unpostSchema = z.strictObject({ postingTargets: z.array(z.number().int().positive()).min(1) });

/** The first zod issue as an ASCII reason: `team.approvers.0.user: expected user.id`. */
function issueReason(error: z.ZodError): string {
  const issue = error.issues[0]!;
  const path = issue.path.map(String).join('.') || 'body';
  return `Invalid body at ${path}: ${issue.message}`.replace(/[^\x20-\x7e]/g, '?');
}

const idParam = (value: string): number | null => (/^[1-9][0-9]{0,15}$/.test(value) ? Number(value) : null);

export function restRoutes(ctx: TenantContext, createdAt: number): Router {
  const router = Router();
  for (const [path, resource] of Object.entries(resources(createdAt))) router.get(path, read(ctx, resource));

  router.patch('/position/:id', (req, res) => {
    const id = idParam(String(req.params.id));
    if (id === null)
      return sendRequestError(
        res,
        400,
        `Invalid position id ${JSON.stringify(String(req.params.id)).replace(/[^\x20-\x7e]/g, '?')}: ` +
          `expected a positive integer`,
      );
    const body = patchSchema.safeParse(req.body ?? {});
    if (!body.success) return sendRequestError(res, 400, issueReason(body.error));
    const job = ctx.state.jobs.get(id);
    if (!job) return sendRequestError(res, 404, `Position ${id} not found`);
    if (job.restricted) return sendRequestError(res, 403, `Position ${id} is not accessible to this user`);
    const { team, ...fields } = body.data;
    if (
      Object.keys(fields).length > 0 &&
      (job.status === ctx.rules.statuses.closed || job.status === ctx.rules.statuses.cancelled)
    ) {
      return sendRequestError(
        res,
        400,
        `Position ${id} is ${job.status === ctx.rules.statuses.closed ? 'closed' : 'cancelled'}: ` +
          `its fields cannot change`,
      );
    }
    if (team) {
      const done = setTeam(ctx, id, team);
      if (!done.ok)
        return sendRequestError(res, 400, `Unknown user id(s) in team: ${(done.error.ids ?? []).join(', ')}`);
    }
    if (Object.keys(fields).length > 0) editJob(ctx, id, fields);
    res.status(204).end();
  });

  router.put('/publishedadvert/unpost', (req, res) => {
    const body = unpostSchema.safeParse(req.body ?? {});
    if (!body.success) return sendRequestError(res, 400, issueReason(body.error));
    const done = unpost(ctx, body.data.postingTargets);
    if (!done.ok)
      return sendRequestError(
        res,
        404,
        `Posting target(s) not found or not posted: ${(done.error.ids ?? []).join(', ')}`,
      );
    res.status(204).end();
  });
  return router;
}

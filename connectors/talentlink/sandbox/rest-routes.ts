import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { countJob } from './counters.js';
import { sendError } from './http-guards.js';
import { describeIssues, lockInputSchema, startApprovalInputSchema, teamInputSchema, withdrawInputSchema } from './job-inputs.js';
import { assignApprovalTeam, startApproval } from './job-operations.js';
import { apiActor, type OpResult, type OperationContext } from './operation-context.js';
import { setPublicationLock, withdrawPosting } from './posting-operations.js';

/**
 * The REST API of spec §3 (mounted under `/tlk/rest`, behind the credential, rate-limit and fault
 * guards). JSON in and out; errors `{code, message}`.
 */

export const maxPageSize = 200;

const listQuerySchema = z.object({
  modifiedSince: z
    .string()
    // A `+01:00` offset left unencoded in a query string arrives as a space.
    .transform((v) => v.replace(' ', '+'))
    .pipe(z.iso.datetime({ offset: true }))
    .optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(maxPageSize).default(50),
});

export function sendResult(ctx: OperationContext, res: Response, result: OpResult): void {
  if (result.ok) {
    res.status(result.status).json(result.job);
    return;
  }
  if (result.status === 404) ctx.state.counters.http.notFound += 1;
  if (result.status === 400) ctx.state.counters.http.badRequests += 1;
  sendError(res, result.status, result.code, result.message);
}

/** Parses a body with its schema, or answers 400 naming the wrong fields. */
export function parseBody<T extends z.ZodType>(ctx: OperationContext, schema: T, req: Request, res: Response): z.output<T> | undefined {
  const parsed = schema.safeParse(req.body ?? {});
  if (parsed.success) return parsed.data;
  ctx.state.counters.http.badRequests += 1;
  sendError(res, 400, 'BAD_REQUEST', describeIssues(parsed.error));
  return undefined;
}

/** `Idempotency-Key` is information only: counted, and repeats per job noticed, never used to replay. */
function noteIdempotencyKey(ctx: OperationContext, req: Request, jobId: string): void {
  const key = req.get('idempotency-key');
  if (!key) return;
  const http = ctx.state.counters.http;
  http.idempotencyKeysReceived += 1;
  if (!ctx.state.job(jobId)) return;
  const seen = ctx.state.metaOf(jobId).idempotencyKeys;
  seen[key] = (seen[key] ?? 0) + 1;
  if (seen[key] > 1) {
    http.idempotencyKeysRepeated += 1;
    countJob(ctx.state.counters, jobId, 'idempotencyKeysRepeated');
  }
}

export function restRoutes(ctx: OperationContext): Router {
  const router = express.Router();
  const actor = apiActor(ctx.options);

  router.get('/jobs', (req, res) => {
    const parsed = listQuerySchema.safeParse(req.query);
    if (!parsed.success) {
      ctx.state.counters.http.badRequests += 1;
      return sendError(res, 400, 'BAD_REQUEST', describeIssues(parsed.error, 'query'));
    }
    const { modifiedSince, page, pageSize } = parsed.data;
    const changed = ctx.state.changedSince(modifiedSince ? Date.parse(modifiedSince) : Number.NEGATIVE_INFINITY);
    const items = changed.slice((page - 1) * pageSize, page * pageSize);
    res.json({ items, page, pageSize, total: changed.length });
  });

  router.get('/jobs/:id', (req, res) => {
    const job = ctx.state.job(req.params.id);
    if (!job) {
      ctx.state.counters.http.notFound += 1;
      return sendError(res, 404, 'NOT_FOUND', `job ${req.params.id} not found`);
    }
    res.json(job);
  });

  router.put('/jobs/:id/teams/approval', (req, res) => {
    const body = parseBody(ctx, teamInputSchema, req, res);
    if (!body) return;
    noteIdempotencyKey(ctx, req, req.params.id);
    sendResult(ctx, res, assignApprovalTeam(ctx, req.params.id, body.name));
  });

  router.post('/jobs/:id/approval-process', (req, res) => {
    const body = parseBody(ctx, startApprovalInputSchema, req, res);
    if (!body) return;
    noteIdempotencyKey(ctx, req, req.params.id);
    sendResult(ctx, res, startApproval(ctx, req.params.id, body, actor));
  });

  router.put('/jobs/:id/publication-lock', (req, res) => {
    const body = parseBody(ctx, lockInputSchema, req, res);
    if (!body) return;
    noteIdempotencyKey(ctx, req, req.params.id);
    sendResult(ctx, res, setPublicationLock(ctx, req.params.id, body.locked, body.reason));
  });

  router.post('/jobs/:id/postings/:postingId/withdraw', (req, res) => {
    const body = parseBody(ctx, withdrawInputSchema, req, res);
    if (!body) return;
    noteIdempotencyKey(ctx, req, req.params.id);
    sendResult(ctx, res, withdrawPosting(ctx, req.params.id, req.params.postingId, body.reason));
  });

  return router;
}

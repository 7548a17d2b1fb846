import express, { type Router } from 'express';
import { z } from 'zod';
import { emptyJobCounters } from './counters.js';
import { sendError } from './http-guards.js';
import { decisionInputSchema, publishInputSchema, startApprovalInputSchema, withdrawInputSchema } from './job-inputs.js';
import { assignApprovalTeam, closeJob, createJob, decideApproval, startApproval, updateJob } from './job-operations.js';
import type { Notifier } from './notifier.js';
import { recruiterOf, type OperationContext } from './operation-context.js';
import { publish, withdrawPosting } from './posting-operations.js';
import { parseBody, sendResult } from './rest-routes.js';

/**
 * Driver routes acting on jobs as the people around the ATS would: recruiters (create, edit,
 * add the approval team, submit, publish, withdraw, close), a recruiter going around the lock
 * (force-publish), and EN3S (validate / refuse). Mounted under `/sandbox`.
 */

const teamBodySchema = z.object({ name: z.string().trim().min(1).default('EN3S dérogation') });

export function driverJobRoutes(ctx: OperationContext, notifier: Notifier): Router {
  const router = express.Router();

  router.get('/jobs', (_req, res) => {
    res.json({ items: [...ctx.state.jobs.values()], total: ctx.state.jobs.size });
  });

  router.post('/jobs', (req, res) => sendResult(ctx, res, createJob(ctx, req.body ?? {})));

  router.get('/jobs/:id', (req, res) => {
    const job = ctx.state.job(req.params.id);
    if (!job) return sendError(res, 404, 'NOT_FOUND', `job ${req.params.id} not found`);
    const meta = ctx.state.metaOf(job.id);
    res.json({
      job,
      approvalRequests: meta.approvalRequests,
      withdrawals: meta.withdrawals,
      idempotencyKeys: meta.idempotencyKeys,
      lastChangeAt: new Date(meta.lastChangeAt).toISOString(),
      counters: ctx.state.counters.perJob[job.id] ?? emptyJobCounters(),
      notifications: notifier.records(job.id),
    });
  });

  router.patch('/jobs/:id', (req, res) => sendResult(ctx, res, updateJob(ctx, req.params.id, req.body ?? {})));

  router.post('/jobs/:id/approval-team', (req, res) => {
    const body = parseBody(ctx, teamBodySchema, req, res);
    if (body) sendResult(ctx, res, assignApprovalTeam(ctx, req.params.id, body.name));
  });

  router.post('/jobs/:id/submit', (req, res) => {
    const body = parseBody(ctx, startApprovalInputSchema, req, res);
    if (!body) return;
    const job = ctx.state.job(req.params.id);
    if (!job) return sendError(res, 404, 'NOT_FOUND', `job ${req.params.id} not found`);
    sendResult(ctx, res, startApproval(ctx, job.id, body, recruiterOf(job)));
  });

  router.post('/jobs/:id/publish', (req, res) => {
    const body = parseBody(ctx, publishInputSchema, req, res);
    if (body) sendResult(ctx, res, publish(ctx, req.params.id, { channel: body.channel }));
  });

  router.post('/jobs/:id/force-publish', (req, res) => {
    const body = parseBody(ctx, publishInputSchema, req, res);
    if (body) sendResult(ctx, res, publish(ctx, req.params.id, { channel: body.channel, force: true }));
  });

  router.post('/jobs/:id/validate', (req, res) => {
    const body = parseBody(ctx, decisionInputSchema, req, res);
    if (body) sendResult(ctx, res, decideApproval(ctx, req.params.id, 'APPROVED', body));
  });

  router.post('/jobs/:id/refuse', (req, res) => {
    const body = parseBody(ctx, decisionInputSchema, req, res);
    if (body) sendResult(ctx, res, decideApproval(ctx, req.params.id, 'REJECTED', body));
  });

  router.post('/jobs/:id/postings/:postingId/withdraw', (req, res) => {
    const body = parseBody(ctx, withdrawInputSchema, req, res);
    if (body) sendResult(ctx, res, withdrawPosting(ctx, req.params.id, req.params.postingId, body.reason));
  });

  router.post('/jobs/:id/close', (req, res) => sendResult(ctx, res, closeJob(ctx, req.params.id)));

  return router;
}

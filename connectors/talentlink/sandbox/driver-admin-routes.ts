import express, { type Router } from 'express';
import { z } from 'zod';
import type { FaultInjector } from './faults.js';
import { sendError } from './http-guards.js';
import type { Notifier } from './notifier.js';
import type { OperationContext } from './operation-context.js';
import { faultOptionsSchema } from './options.js';
import type { EventQueues } from './queues.js';
import { parseBody } from './rest-routes.js';
import type { DeliveryState, WebhookDeliveries } from './webhook-delivery.js';

/**
 * Driver routes that steer the sandbox itself (mounted under `/sandbox`): counters, clock,
 * faults, notifications, deliveries, queues, reset and the demo campaign.
 */

export interface DriverAdminDeps {
  ctx: OperationContext;
  queues: EventQueues;
  deliveries: WebhookDeliveries;
  notifier: Notifier;
  faults: FaultInjector;
  reset(): void;
  seedDemo(input: { seed?: number; now?: string }): unknown;
  info(): Record<string, unknown>;
}

const clockBodySchema = z
  .object({
    set: z.iso.datetime({ offset: true }).optional(),
    freeze: z.boolean().optional(),
    advanceMs: z.number().finite().optional(),
    resume: z.boolean().optional(),
    reset: z.boolean().optional(),
  })
  .strict();

const dropNextSchema = z.object({ count: z.number().int().min(1).max(10_000).default(1) });
const demoSeedSchema = z.object({ seed: z.number().int().optional(), now: z.iso.datetime({ offset: true }).optional() });
const deliveryStates = ['scheduled', 'in-flight', 'delivered', 'given-up'] as const;

export function driverAdminRoutes(deps: DriverAdminDeps): Router {
  const { ctx, queues, deliveries, notifier, faults } = deps;
  const router = express.Router();

  router.get('/health', (_req, res) => res.json({ status: 'ok', ...deps.info() }));

  router.get('/counters', (req, res) => {
    const jobId = typeof req.query.jobId === 'string' ? req.query.jobId : undefined;
    if (!jobId) return res.json(ctx.state.counters);
    if (!ctx.state.job(jobId)) return sendError(res, 404, 'NOT_FOUND', `job ${jobId} not found`);
    res.json(ctx.state.counters.perJob[jobId] ?? {});
  });

  router.get('/clock', (_req, res) => res.json(ctx.clock.describe()));
  router.post('/clock', (req, res) => {
    const body = parseBody(ctx, clockBodySchema, req, res);
    if (!body) return;
    if (body.reset) ctx.clock.reset();
    if (body.set) ctx.clock.set(new Date(body.set), body.freeze ?? false);
    else if (body.freeze) ctx.clock.freeze();
    if (body.resume) ctx.clock.resume();
    if (body.advanceMs !== undefined) ctx.clock.advance(body.advanceMs);
    res.json(ctx.clock.describe());
  });

  router.get('/faults', (_req, res) => res.json(faults.describe()));
  router.put('/faults', (req, res) => {
    const body = parseBody(ctx, faultOptionsSchema, req, res);
    if (!body) return;
    try {
      res.json(faults.configure(body));
    } catch (error) {
      sendError(res, 400, 'BAD_REQUEST', error instanceof Error ? error.message : String(error));
    }
  });
  router.patch('/faults', (req, res) => {
    const body = parseBody(ctx, faultOptionsSchema.partial(), req, res);
    if (!body) return;
    try {
      res.json(faults.update(body));
    } catch (error) {
      sendError(res, 400, 'BAD_REQUEST', error instanceof Error ? error.message : String(error));
    }
  });

  router.post('/notifications/drop-next', (req, res) => {
    const body = parseBody(ctx, dropNextSchema, req, res);
    if (body) res.json({ dropNextPending: faults.dropNext(body.count) });
  });
  router.get('/notifications', (req, res) => {
    const jobId = typeof req.query.jobId === 'string' ? req.query.jobId : undefined;
    const items = notifier.records(jobId);
    res.json({ items, total: items.length });
  });

  router.get('/deliveries', (req, res) => {
    const state = req.query.state;
    if (state !== undefined && !deliveryStates.includes(state as DeliveryState)) {
      return sendError(res, 400, 'BAD_REQUEST', `query.state: expected one of ${deliveryStates.join(', ')}`);
    }
    const items = deliveries.list(state as DeliveryState | undefined);
    res.json({ items, total: items.length, pending: deliveries.pending().length });
  });
  router.post('/deliveries/flush', async (_req, res) => res.json(await deliveries.flush()));

  router.get('/queues', (_req, res) => res.json({ items: queues.summary() }));
  router.get('/changes', (req, res) => {
    const after = Number(req.query.afterSeq ?? 0);
    if (!Number.isInteger(after) || after < 0) return sendError(res, 400, 'BAD_REQUEST', 'query.afterSeq: expected an integer ≥ 0');
    const items = ctx.state.changes.filter((c) => c.seq > after).map((c) => ({ ...c, at: new Date(c.at).toISOString() }));
    res.json({ items, total: items.length });
  });
  router.get('/teams', (_req, res) => res.json({ items: ctx.state.teams }));

  router.post('/reset', (_req, res) => {
    deps.reset();
    res.json({ reset: true, ...deps.info() });
  });

  router.post('/demo/seed', (req, res) => {
    const body = parseBody(ctx, demoSeedSchema, req, res);
    if (body) res.status(201).json(deps.seedDemo(body));
  });

  return router;
}

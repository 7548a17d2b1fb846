import type { Express } from 'express';
import type { QueueRef } from '../../connectors/ats-port.js';
import type { Config } from '../config.js';
import { createAlertRouter } from '../ingest/alert-route.js';
import { createQueueDrain } from '../ingest/queue-drain.js';
import { QueueScheduler } from '../ingest/queue-scheduler.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { Metrics } from './metrics.js';

/**
 * How changes come in from the real ATS (docs/talentlink.md §5): the tenant's queues, drained on a timer and
 * whenever an alert pokes the route `POST /webhooks/talentlink/<token>`. The route reads no body
 * before the token is checked, so it is mounted before any body parser.
 */
export function mountIngest(
  app: Express,
  deps: {
    config: Config;
    ctx: PipelineContext;
    queues: readonly QueueRef[];
    owner: string;
    metrics: Metrics;
    onCommitted: () => void;
  },
): { start(): void; stop(): Promise<void>; scheduler: QueueScheduler; drainNow(): Promise<void> } {
  const { config, ctx, queues, metrics } = deps;
  const drain = createQueueDrain({
    store: ctx.store,
    ats: ctx.ats,
    clock: ctx.clock,
    log: ctx.log,
    owner: deps.owner,
    onCommitted: deps.onCommitted,
  });
  const scheduler = new QueueScheduler({
    queues,
    drain,
    clock: ctx.clock,
    log: ctx.log,
    intervalMs: config.queuePollMs,
    onRun: (report) => {
      if (report.committed > 0) metrics.notifications.inc({ outcome: 'queue:committed' }, report.committed);
      if (report.duplicates > 0) metrics.notifications.inc({ outcome: 'queue:duplicate' }, report.duplicates);
      if (report.poison > 0) metrics.notifications.inc({ outcome: 'queue:poison' }, report.poison);
    },
  });
  app.use(
    createAlertRouter({
      tokens: config.alertTokens,
      queueNames: queues.map((q) => q.name),
      requestDrain: (names) => {
        for (const name of names) scheduler.request(name);
      },
      log: ctx.log,
      onOutcome: (outcome) => metrics.notifications.inc({ outcome: `alert:${outcome}` }),
    }),
  );
  // Anything else under /webhooks: a 404 that never repeats the path (it may hold a token).
  app.use('/webhooks', (_req, res) => {
    res.status(404).json({ code: 'NOT_FOUND', message: 'Adresse inconnue.' });
  });
  return {
    scheduler,
    start: () => scheduler.start(),
    stop: () => scheduler.stop(),
    async drainNow() {
      for (const queue of queues) scheduler.request(queue.name);
      await scheduler.idle();
    },
  };
}

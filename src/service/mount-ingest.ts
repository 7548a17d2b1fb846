import type { Express } from 'express';
import type { AtsConnector } from '../../connectors/ats-connector.js';
import type { Config } from '../config.js';
import { webhookOptionsFromConfig } from '../ingest/app.js';
import { QueuePoller } from '../ingest/queue-poller.js';
import { createWebhookRouter, type AcceptedEvent } from '../ingest/webhook-route.js';
import { systemClock, type PipelineContext } from '../pipeline/context.js';
import type { Metrics } from './metrics.js';

/**
 * The ways events come in, as configured (`EN3S_INGEST_MODES`): pushed notifications on the
 * webhook route, queue alerts that wake the poller, and the poller draining the named queues.
 * The webhook router reads the raw body itself, so it is mounted before any JSON parser.
 */
export function mountIngest(
  app: Express,
  deps: { config: Config; ctx: PipelineContext & { ats: AtsConnector }; metrics: Metrics; onAccepted: (event: AcceptedEvent) => void },
): { start(): void; stop(): Promise<void>; poller: QueuePoller | null } {
  const { config, ctx, metrics, onAccepted } = deps;
  const modes = new Set(config.ingestModes);
  const poller =
    (modes.has('pull') || modes.has('alert')) && config.queueNames.length > 0
      ? new QueuePoller(
          { store: ctx.store, ats: ctx.ats, clock: ctx.clock, log: ctx.log, queueNames: config.queueNames, onAccepted, onOutcome: (o) => metrics.notifications.inc({ outcome: `queue:${o}` }) },
          { intervalMs: config.queuePollMs },
        )
      : null;
  app.use(
    createWebhookRouter({
      store: ctx.store,
      // Signatures are about transport: their tolerance is checked against real time, even when
      // the business clock is placed elsewhere (the demo).
      clock: systemClock,
      log: ctx.log,
      ...webhookOptionsFromConfig(config, (queueName) => poller?.poke(queueName)),
      onAccepted,
      onOutcome: (outcome) => metrics.notifications.inc({ outcome }),
    }),
  );
  return {
    poller,
    start: () => poller?.start(),
    stop: async () => {
      await poller?.stop();
    },
  };
}

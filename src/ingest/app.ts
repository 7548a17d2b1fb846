import express, { type Express, type RequestHandler } from 'express';
import { sql } from 'kysely';
import type { Config } from '../config.js';
import type { Store } from '../store/database.js';
import { internalErrorHandler, sendError } from './answers.js';
import { createWebhookRouter, type WebhookDeps } from './webhook-route.js';

/**
 * The ingest HTTP application: the webhook route and `GET /healthz`. The service mounts
 * `createWebhookRouter` next to its other routers; this app is the ingest part on its own (for
 * its tests and for a process that only receives).
 */

export type IngestAppDeps = WebhookDeps;

export function createIngestApp(deps: IngestAppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(createWebhookRouter(deps));
  app.get('/healthz', healthzHandler(deps.store));
  app.use(((req, res) => {
    sendError(res, { status: 404, code: 'NOT_FOUND', message: `aucune ressource ${req.method} ${req.path.slice(0, 200)}` });
  }) as RequestHandler);
  app.use(internalErrorHandler(deps.log));
  return app;
}

/** 200 when the store answers, 503 when it does not (the webhook would answer 503 too). */
export function healthzHandler(store: Store): RequestHandler {
  return async (_req, res) => {
    try {
      await sql`select 1`.execute(store.db);
      res.json({ status: 'ok' });
    } catch {
      sendError(res, { status: 503, code: 'STORE_UNAVAILABLE', message: 'base de données indisponible', headers: { 'Retry-After': '30' } });
    }
  };
}

/** The webhook settings of the configuration; the caller adds the store, clock, log and hooks. */
export function webhookOptionsFromConfig(
  config: Pick<Config, 'webhookSecrets' | 'webhookToleranceSeconds' | 'ingestModes' | 'queueNames'>,
  onQueueAlert: (queueName: string) => void,
): Pick<WebhookDeps, 'secrets' | 'toleranceSeconds' | 'acceptNotifications' | 'queueAlerts'> {
  const modes = new Set(config.ingestModes);
  return {
    secrets: config.webhookSecrets,
    toleranceSeconds: config.webhookToleranceSeconds,
    acceptNotifications: modes.has('push'),
    ...(modes.has('alert') ? { queueAlerts: { queueNames: config.queueNames, onAlert: onQueueAlert } } : {}),
  };
}

import express, { type Router } from 'express';
import { sendError } from './http-guards.js';
import { renderNotification } from './notification-xml.js';
import type { OperationContext } from './operation-context.js';
import type { EventQueues } from './queues.js';

/**
 * The pull queue of spec §4, relative to a `/queues` mount:
 * `GET /job-events/{queueName}/oldest-element` (XML by default, JSON with `Accept:
 * application/json`, 204 when nothing is visible) and `DELETE /job-events/{queueName}/elements/{id}`
 * (204, idempotent). The answer also carries the element id in `X-Notification-Id`.
 */
export function queueRoutes(ctx: OperationContext, queues: EventQueues): Router {
  const router = express.Router();

  const unknownQueue = (name: string): string => `queue "${name}" does not exist (configured: ${queues.names().join(', ') || 'none'})`;

  router.get('/job-events/:queueName/oldest-element', (req, res) => {
    const notification = queues.takeOldest(req.params.queueName);
    if (notification === undefined) {
      ctx.state.counters.http.notFound += 1;
      return sendError(res, 404, 'QUEUE_NOT_FOUND', unknownQueue(req.params.queueName));
    }
    if (notification === null) return res.status(204).end();
    const format = req.accepts(['application/xml', 'application/json']) === 'application/json' ? 'json' : 'xml';
    const { body, contentType } = renderNotification(notification, format);
    res.status(200).set('Content-Type', contentType).set('X-Notification-Id', notification.id).send(body);
  });

  router.delete('/job-events/:queueName/elements/:notificationId', (req, res) => {
    const deleted = queues.delete(req.params.queueName, req.params.notificationId);
    if (deleted === undefined) {
      ctx.state.counters.http.notFound += 1;
      return sendError(res, 404, 'QUEUE_NOT_FOUND', unknownQueue(req.params.queueName));
    }
    res.status(204).end();
  });

  return router;
}

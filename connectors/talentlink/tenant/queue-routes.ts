import { Router, type Response } from 'express';
import { sendRequestError } from './gateway.js';
import type { QueueElementRecord, QueueType } from './queues.js';
import type { TenantContext } from './tenant-context.js';

/**
 * The queue calls exactly as docs/talentlink.md §5's table: list, read the oldest element or one by id
 * (204 when empty, 400 for an unknown queue, 403 when the object is not accessible to the
 * queue's owner, 404 when it is no longer in the database), delete one element or the oldest.
 * A read never removes; `jobStatus` is the job's status at the time of the read.
 */

/** Queue types the vendor's API has but this tenant defines no queue of: 400, like an unknown name. */
const otherVendorTypes = new Set([
  'application',
  'archived-candidate',
  'candidate',
  'contract',
  'externalsystemrequest',
  'selectionstep',
  'timesheet',
  'user',
]);

function answerElement(
  ctx: TenantContext,
  res: Response,
  type: QueueType,
  queueName: string,
  element: QueueElementRecord,
): void {
  if (type === 'position') {
    const job = ctx.state.jobs.get(element.objectId);
    if (!job) {
      sendRequestError(res, 404, `Position ${element.objectId} of queue element ${element.idInQueue} no longer exists`);
      return;
    }
    if (job.restricted) {
      sendRequestError(
        res,
        403,
        `Position ${element.objectId} of queue element ${element.idInQueue} is not accessible to the queue owner`,
      );
      return;
    }
    res.json({
      idInQueue: element.idInQueue,
      queueName,
      openingID: job.id,
      departmentID: job.departmentId,
      jobStatus: job.status,
    });
    return;
  }
  const posting = ctx.state.postings.get(element.objectId);
  const job = posting ? ctx.state.jobs.get(posting.openingId) : undefined;
  if (!posting || !job) {
    sendRequestError(
      res,
      404,
      `Posting target ${element.objectId} of queue element ${element.idInQueue} no longer exists`,
    );
    return;
  }
  if (job.restricted) {
    sendRequestError(
      res,
      403,
      `Posting target ${element.objectId} of queue element ${element.idInQueue} is not accessible to the queue owner`,
    );
    return;
  }
  res.json({ idInQueue: element.idInQueue, queueName, id: posting.id, advertName: posting.jobAdTitle });
}

/** The queue of that name and type, or the 400 (or 404 for a type the API does not have) already sent. */
function queueOf(ctx: TenantContext, res: Response, type: string, name: string): QueueType | null {
  if (type !== 'position' && type !== 'posting-target' && !otherVendorTypes.has(type)) {
    sendRequestError(res, 404, `Unknown queue type ${type}`);
    return null;
  }
  const definition = ctx.queues.definition(name);
  if (!definition || definition.type !== type) {
    sendRequestError(res, 400, `No queue named "${name}" of type ${type}`);
    return null;
  }
  return definition.type;
}

/** `queueName` of a delete: required, and a queue of the tenant. */
function deleteQueueName(ctx: TenantContext, res: Response, value: unknown): string | null {
  if (typeof value !== 'string' || value === '') {
    sendRequestError(res, 400, 'Missing queueName query parameter');
    return null;
  }
  if (!ctx.queues.definition(value)) {
    sendRequestError(res, 400, `No queue named "${value}"`);
    return null;
  }
  return value;
}

export function queueRoutes(ctx: TenantContext): Router {
  const router = Router();

  router.get('/queues', (_req, res) => {
    const queues = ctx.queues.list();
    if (queues.length === 0) return void res.status(204).end();
    res.json({ queues });
  });

  router.delete('/queues/element/oldest-element', (req, res) => {
    const name = deleteQueueName(ctx, res, req.query.queueName);
    if (name === null) return;
    if (!ctx.queues.deleteOldest(name)) return sendRequestError(res, 404, `Queue "${name}" is empty`);
    res.status(204).end();
  });

  router.delete('/queues/element/:idInQueue', (req, res) => {
    const name = deleteQueueName(ctx, res, req.query.queueName);
    if (name === null) return;
    const raw = String(req.params.idInQueue);
    if (!/^[0-9]{1,16}$/.test(raw)) return sendRequestError(res, 400, `Invalid idInQueue ${raw}: expected an integer`);
    if (!ctx.queues.delete(name, Number(raw))) {
      sendRequestError(res, 404, `No element ${raw} in queue "${name}"`);
      return;
    }
    res.status(204).end();
  });

  router.get('/queues/:type/:queueName/oldest-element', (req, res) => {
    const type = queueOf(ctx, res, req.params.type, req.params.queueName);
    if (type === null) return;
    const element = ctx.queues.readOldest(req.params.queueName);
    if (!element) return void res.status(204).end();
    answerElement(ctx, res, type, req.params.queueName, element);
  });

  router.get('/queues/:type/:queueName/:elementId', (req, res) => {
    const type = queueOf(ctx, res, req.params.type, req.params.queueName);
    if (type === null) return;
    const raw = req.params.elementId;
    if (!/^[0-9]{1,16}$/.test(raw)) return sendRequestError(res, 400, `Invalid elementId ${raw}: expected an integer`);
    const element = ctx.queues.readById(req.params.queueName, Number(raw));
    if (!element) return sendRequestError(res, 404, `No element ${raw} in queue "${req.params.queueName}"`);
    answerElement(ctx, res, type, req.params.queueName, element);
  });
  return router;
}

import type { AtsOutcome, AtsPort, CallLane, QueueElement, QueueRef } from '../../ats-port.js';
import { parseBody, queueElementFromPosition, queueElementFromPostingTarget, queueInfos } from './answers.js';
import { invalidArgument, scrubbed, type RestContext } from './context.js';
import { queuedPositionDtoSchema, queuedPostingTargetDtoSchema, queuesDtoSchema } from './dto.js';
import type { StatusRule } from './outcome.js';
import { numericId } from './queries.js';

/**
 * The queues (docs/talentlink.md §5): read the oldest element, handle it, delete it. A read answered 403 or
 * 404 is a poison element, named as such so the drain records it and clears it with
 * `deleteOldestQueueElement`; a delete answered 404 means the element is already gone.
 */

type QueueCalls = Pick<AtsPort, 'listQueues' | 'peekQueue' | 'deleteQueueElement' | 'deleteOldestQueueElement'>;

/** Posting drains feed take-downs: they keep the reserved lane. */
const laneOf = (queue: QueueRef): CallLane => (queue.kind === 'posting' ? 'takedown' : 'routine');

const peekRules: Partial<Record<number, StatusRule>> = {
  400: { kind: 'permanent', code: 'UNKNOWN_QUEUE', why: 'no such queue' },
  403: {
    kind: 'permanent',
    code: 'ELEMENT_FORBIDDEN',
    why: 'the oldest element is an object the API user may not read',
  },
  404: { kind: 'permanent', code: 'ELEMENT_GONE', why: 'the oldest element is an object no longer in the ATS' },
};

const deleteRules = (what: string): Partial<Record<number, StatusRule>> => ({
  404: { kind: 'already-applied', code: 'NOT_FOUND', why: what },
});

/** A queue name as one path segment; names may hold spaces, never a path of their own. */
function queueSegment(name: string): string | undefined {
  if (name.trim() === '' || name === '.' || name === '..') return undefined;
  return encodeURIComponent(name);
}

export function createQueueCalls(ctx: RestContext): QueueCalls {
  return {
    async listQueues() {
      const answer = await ctx.http.request({ op: 'listQueues', lane: 'routine', method: 'GET', path: '/queues' });
      if (!answer.ok) return answer;
      if (answer.value.status === 204) return { ok: true, value: [] };
      const parsed = scrubbed(ctx, parseBody(answer.value.call, answer.value.body, queuesDtoSchema));
      return parsed.ok ? { ok: true, value: queueInfos(parsed.value.queues) } : parsed;
    },

    async peekQueue(queue): Promise<AtsOutcome<QueueElement | null>> {
      const name = queueSegment(queue.name);
      if (name === undefined) return invalidArgument(`peekQueue: invalid queue name ${JSON.stringify(queue.name)}`);
      const type = queue.kind === 'job' ? 'position' : 'posting-target';
      const answer = await ctx.http.request({
        op: 'peekQueue',
        lane: laneOf(queue),
        method: 'GET',
        path: `/queues/${type}/${name}/oldest-element`,
        rules: peekRules,
      });
      if (!answer.ok) return answer;
      if (answer.value.status === 204) return { ok: true, value: null };
      const { call, body } = answer.value;
      if (queue.kind === 'job') {
        const parsed = scrubbed(ctx, parseBody(call, body, queuedPositionDtoSchema));
        return parsed.ok ? { ok: true, value: queueElementFromPosition(queue, parsed.value) } : parsed;
      }
      const parsed = scrubbed(ctx, parseBody(call, body, queuedPostingTargetDtoSchema));
      return parsed.ok ? { ok: true, value: queueElementFromPostingTarget(queue, parsed.value) } : parsed;
    },

    async deleteQueueElement(queue, elementId) {
      const id = numericId(elementId);
      if (id === undefined)
        return invalidArgument(
          `deleteQueueElement: the element id must be a decimal integer, got ${JSON.stringify(elementId)}`,
        );
      if (queueSegment(queue.name) === undefined)
        return invalidArgument(`deleteQueueElement: invalid queue name ${JSON.stringify(queue.name)}`);
      const answer = await ctx.http.request({
        op: 'deleteQueueElement',
        lane: laneOf(queue),
        method: 'DELETE',
        path: `/queues/element/${id}`,
        params: { queueName: queue.name },
        rules: deleteRules('the element is already gone'),
      });
      return answer.ok ? { ok: true, value: undefined } : answer;
    },

    async deleteOldestQueueElement(queue) {
      if (queueSegment(queue.name) === undefined)
        return invalidArgument(`deleteOldestQueueElement: invalid queue name ${JSON.stringify(queue.name)}`);
      const answer = await ctx.http.request({
        op: 'deleteOldestQueueElement',
        lane: laneOf(queue),
        method: 'DELETE',
        path: '/queues/element/oldest-element',
        params: { queueName: queue.name },
        rules: deleteRules('the queue is empty'),
      });
      return answer.ok ? { ok: true, value: undefined } : answer;
    },
  };
}

import { z } from 'zod';

/**
 * The tenant's queues (docs/talentlink.md §5). A queue listens to events and holds references to the objects
 * that raised them, oldest first; reading does not remove, deleting does. With unique elements,
 * an object is held once however often it changes, except that (A) an object raising one of the
 * queue's events after its element was read is queued again, so a change made between a
 * client's read and its delete is never lost.
 */

export const tenantEvents = [
  'JOB_CREATED_EVENT',
  'JOB_STATUS_CHANGED_EVENT',
  'JOB_APPROVED_EVENT',
  'POSTING_CREATED',
] as const;
export type TenantEvent = (typeof tenantEvents)[number];
export type QueueType = 'position' | 'posting-target';

export const queueDefinitionSchema = z.object({
  name: z.string().trim().min(1),
  type: z.enum(['position', 'posting-target']),
  events: z.array(z.enum(tenantEvents)).min(1),
  uniqueElements: z.boolean().default(true),
});
export type QueueDefinition = z.infer<typeof queueDefinitionSchema>;

export const defaultQueues: QueueDefinition[] = [
  {
    name: 'en3s-positions',
    type: 'position',
    events: ['JOB_CREATED_EVENT', 'JOB_STATUS_CHANGED_EVENT', 'JOB_APPROVED_EVENT'],
    uniqueElements: true,
  },
  { name: 'en3s-postings', type: 'posting-target', events: ['POSTING_CREATED'], uniqueElements: true },
];

export interface QueueElementRecord {
  idInQueue: number;
  objectId: number;
  event: TenantEvent;
  addedAt: number;
  read: boolean;
}

export interface QueueCounters {
  added: number;
  /** Events folded into an element not read yet (unique elements). */
  coalesced: number;
  /** Objects queued again after their element was read. */
  requeuedAfterRead: number;
  /** Elements added twice by fault injection. */
  repeated: number;
  reads: number;
  deleted: number;
}

export interface QueueHooks {
  now(): number;
  /** Called once per element added (alerts go out from here). */
  onAdded(queueName: string): void;
  /** Fault injection: whether this added element is added a second time. */
  repeatElement(): boolean;
  counters(): QueueCounters;
}

interface Queue {
  definition: QueueDefinition;
  elements: QueueElementRecord[];
}

export class TenantQueues {
  private readonly queues = new Map<string, Queue>();
  private nextElementId = 50_001;

  constructor(
    definitions: readonly QueueDefinition[],
    private readonly hooks: QueueHooks,
  ) {
    for (const definition of definitions) {
      if (this.queues.has(definition.name))
        throw new Error(`tenant options.queues: the name ${JSON.stringify(definition.name)} is used twice`);
      const wrongEvent = definition.events.find((e) => (definition.type === 'position') === (e === 'POSTING_CREATED'));
      if (wrongEvent)
        throw new Error(`tenant options.queues: a ${definition.type} queue cannot listen to ${wrongEvent}`);
      this.queues.set(definition.name, { definition, elements: [] });
    }
  }

  /** An event raised by an object: every queue listening to it holds the object. */
  raise(event: TenantEvent, objectId: number): void {
    for (const queue of this.queues.values()) {
      if (queue.definition.events.includes(event)) this.add(queue, objectId, event);
    }
  }

  /** Puts an object in one queue as its event would (used for poison elements). */
  inject(queueName: string, objectId: number): QueueElementRecord | undefined {
    const queue = this.queues.get(queueName);
    if (!queue) return undefined;
    return this.add(queue, objectId, queue.definition.events[0]!);
  }

  private add(queue: Queue, objectId: number, event: TenantEvent): QueueElementRecord | undefined {
    const counters = this.hooks.counters();
    if (queue.definition.uniqueElements) {
      const held = queue.elements.filter((e) => e.objectId === objectId);
      if (held.some((e) => !e.read)) {
        counters.coalesced += 1;
        return undefined;
      }
      if (held.length > 0) counters.requeuedAfterRead += 1;
    }
    const element = this.append(queue, objectId, event);
    if (this.hooks.repeatElement()) {
      counters.repeated += 1;
      this.append(queue, objectId, event);
    }
    return element;
  }

  private append(queue: Queue, objectId: number, event: TenantEvent): QueueElementRecord {
    const element: QueueElementRecord = {
      idInQueue: this.nextElementId++,
      objectId,
      event,
      addedAt: this.hooks.now(),
      read: false,
    };
    queue.elements.push(element);
    this.hooks.counters().added += 1;
    this.hooks.onAdded(queue.definition.name);
    return element;
  }

  definition(name: string): QueueDefinition | undefined {
    return this.queues.get(name)?.definition;
  }

  list(): Array<{ name: string; elementsCount: number }> {
    return [...this.queues.values()].map((q) => ({ name: q.definition.name, elementsCount: q.elements.length }));
  }

  /** The oldest element, marked read; undefined when the queue is empty. */
  readOldest(name: string): QueueElementRecord | undefined {
    return this.markRead(this.queues.get(name)?.elements[0]);
  }

  readById(name: string, idInQueue: number): QueueElementRecord | undefined {
    return this.markRead(this.queues.get(name)?.elements.find((e) => e.idInQueue === idInQueue));
  }

  private markRead(element: QueueElementRecord | undefined): QueueElementRecord | undefined {
    if (!element) return undefined;
    element.read = true;
    this.hooks.counters().reads += 1;
    return element;
  }

  delete(name: string, idInQueue: number): boolean {
    const queue = this.queues.get(name);
    const index = queue ? queue.elements.findIndex((e) => e.idInQueue === idInQueue) : -1;
    if (!queue || index < 0) return false;
    queue.elements.splice(index, 1);
    this.hooks.counters().deleted += 1;
    return true;
  }

  deleteOldest(name: string): boolean {
    const queue = this.queues.get(name);
    if (!queue || queue.elements.length === 0) return false;
    queue.elements.shift();
    this.hooks.counters().deleted += 1;
    return true;
  }

  /** The elements of a queue, oldest first (a copy, for the driver and tests). */
  elements(name: string): QueueElementRecord[] {
    return (this.queues.get(name)?.elements ?? []).map((e) => ({ ...e }));
  }

  clear(): void {
    for (const queue of this.queues.values()) queue.elements = [];
  }
}

import type { Notification } from '../job-document.js';
import type { SandboxClock } from './clock.js';
import type { QueueCounters } from './counters.js';

/**
 * The named event queues of spec §4. Every notification is appended to every configured queue.
 * Reading hands out the oldest visible element and hides it for the visibility timeout (in
 * sandbox time, so a test moves the clock rather than waiting); an element that is not deleted
 * comes back after that. Maps keep insertion order, which is the queue order.
 */

export interface QueuedElement {
  notification: Notification;
  enqueuedAt: number;
  /** Sandbox instant from which it may be handed out again. */
  visibleAt: number;
  handedOut: number;
}

export interface QueueSummary {
  name: string;
  size: number;
  /** Elements handed out and not yet visible again. */
  inFlight: number;
  oldestId: string | null;
}

export class EventQueues {
  private readonly queues = new Map<string, Map<string, QueuedElement>>();

  constructor(
    names: readonly string[],
    private readonly clock: SandboxClock,
    private readonly visibilityTimeoutMs: number,
    private readonly counters: () => QueueCounters,
  ) {
    for (const name of names) this.queues.set(name, new Map());
  }

  names(): string[] {
    return [...this.queues.keys()];
  }

  has(name: string): boolean {
    return this.queues.has(name);
  }

  /** Appends to every queue; an id already queued is not queued twice. Returns the queues that grew. */
  append(notification: Notification): string[] {
    const grown: string[] = [];
    const now = this.clock.nowMs();
    for (const [name, queue] of this.queues) {
      if (queue.has(notification.id)) continue;
      queue.set(notification.id, { notification, enqueuedAt: now, visibleAt: now, handedOut: 0 });
      grown.push(name);
    }
    return grown;
  }

  /** The oldest visible element, now hidden for the visibility timeout; `null` when none; `undefined` for an unknown queue. */
  takeOldest(name: string): Notification | null | undefined {
    const queue = this.queues.get(name);
    if (!queue) return undefined;
    const now = this.clock.nowMs();
    for (const element of queue.values()) {
      if (element.visibleAt > now) continue;
      element.visibleAt = now + this.visibilityTimeoutMs;
      element.handedOut += 1;
      const counters = this.counters();
      counters.handedOut += 1;
      if (element.handedOut > 1) counters.redelivered += 1;
      return element.notification;
    }
    return null;
  }

  /** Deletes an element; `false` when it was not there (already deleted), `undefined` for an unknown queue. */
  delete(name: string, notificationId: string): boolean | undefined {
    const queue = this.queues.get(name);
    if (!queue) return undefined;
    const existed = queue.delete(notificationId);
    this.counters()[existed ? 'deleted' : 'deleteNoop'] += 1;
    return existed;
  }

  summary(): QueueSummary[] {
    const now = this.clock.nowMs();
    return [...this.queues].map(([name, queue]) => {
      let inFlight = 0;
      for (const e of queue.values()) if (e.visibleAt > now) inFlight += 1;
      return { name, size: queue.size, inFlight, oldestId: queue.keys().next().value ?? null };
    });
  }

  elements(name: string): QueuedElement[] {
    return [...(this.queues.get(name)?.values() ?? [])];
  }

  clear(): void {
    for (const queue of this.queues.values()) queue.clear();
  }

  toJSON(): Record<string, QueuedElement[]> {
    return Object.fromEntries([...this.queues].map(([name, queue]) => [name, [...queue.values()]]));
  }

  /** Restores saved elements into the queues still configured. */
  restore(saved: Record<string, QueuedElement[]>): void {
    for (const [name, elements] of Object.entries(saved)) {
      const queue = this.queues.get(name);
      if (!queue) continue;
      for (const e of elements) queue.set(e.notification.id, { ...e });
    }
  }
}

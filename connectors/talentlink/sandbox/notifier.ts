import type { Notification } from '../job-document.js';
import type { FaultInjector } from './faults.js';
import { renderNotification } from './notification-xml.js';
import type { SandboxOptions } from './options.js';
import type { EventQueues } from './queues.js';
import type { SandboxState } from './state.js';
import type { OutgoingMessage, WebhookDeliveries } from './webhook-delivery.js';

/**
 * Fans every notification out: (a) to the webhook URLs, through the fault injector (dropped,
 * duplicated, held back), (b) to every configured queue, never faulty, so a receiver that reads
 * the queue or the change listing misses nothing, and (c) in queue-alert mode, a bare signed
 * `{queueName}` alert per queued element instead of the notification itself.
 */

export type PushFate = 'pushed' | 'dropped' | 'delayed' | 'duplicated' | 'not-pushed';

export interface NotificationRecord {
  id: string;
  type: Notification['type'];
  jobId: string;
  version: number;
  occurredAt: string;
  queues: string[];
  push: PushFate;
}

export type NotificationListener = (notification: Notification) => void;

/** Gap between the two pushes of a duplicated notification. */
const duplicateGapMs = 10;

export class Notifier {
  private readonly history: NotificationRecord[] = [];
  private readonly listeners = new Set<NotificationListener>();

  constructor(
    private readonly state: SandboxState,
    private readonly queues: EventQueues,
    private readonly deliveries: WebhookDeliveries,
    private readonly faults: FaultInjector,
    private readonly options: SandboxOptions,
  ) {}

  onNotification(listener: NotificationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  handle(notification: Notification): void {
    const counters = this.state.counters.notifications;
    const grown = this.queues.append(notification);
    counters.queued += grown.length;
    let push: PushFate = 'not-pushed';
    if (this.deliveries.enabled) {
      const messages = this.options.webhookMode === 'notification' ? [this.notificationMessage(notification)] : grown.map((q) => this.alertMessage(q, notification));
      for (const message of messages) push = this.push(message);
    }
    this.history.push({ id: notification.id, type: notification.type, jobId: notification.job.id, version: notification.job.version, occurredAt: notification.occurredAt, queues: grown, push });
    if (this.history.length > this.options.historyLimit) this.history.splice(0, this.history.length - this.options.historyLimit);
    for (const listener of this.listeners) {
      try {
        listener(notification);
      } catch {
        // A listener (demo script, test probe) must never break the ATS's own work.
      }
    }
  }

  records(jobId?: string): NotificationRecord[] {
    return jobId ? this.history.filter((r) => r.jobId === jobId) : [...this.history];
  }

  clear(): void {
    this.history.length = 0;
  }

  private push(message: OutgoingMessage): PushFate {
    const counters = this.state.counters.notifications;
    const fate = this.faults.notificationFate();
    if (fate.drop) {
      counters.dropped += 1;
      return 'dropped';
    }
    this.deliveries.enqueue(message, fate.delayMs);
    if (fate.delayMs > 0) counters.delayed += 1;
    if (fate.duplicate) {
      this.deliveries.enqueue(message, fate.delayMs + duplicateGapMs);
      counters.duplicated += 1;
      return 'duplicated';
    }
    return fate.delayMs > 0 ? 'delayed' : 'pushed';
  }

  private notificationMessage(notification: Notification): OutgoingMessage {
    const { body, contentType } = renderNotification(notification, this.options.webhookFormat);
    return { messageId: notification.id, kind: 'notification', type: notification.type, jobId: notification.job.id, body, contentType };
  }

  private alertMessage(queueName: string, notification: Notification): OutgoingMessage {
    this.state.counters.notifications.alerts += 1;
    const id = `alr-${this.state.runId}-${String(this.state.next('alert')).padStart(6, '0')}`;
    const body = JSON.stringify({ id, type: 'queue.element.added', queueName });
    return { messageId: id, kind: 'queue-alert', type: 'queue.element.added', jobId: notification.job.id, body, contentType: 'application/json; charset=utf-8' };
  }
}

import { Webhook } from 'standardwebhooks';
import type { NotificationCounters } from './counters.js';

/**
 * Pushes signed messages to the configured webhook URLs, at least once: every answer other than
 * 2xx (and every network error or time-out) is retried on the spec's schedule (5 s, 5 min, 30 min,
 * 2 h, 5 h, 10 h, then given up) multiplied by a factor, keeping the same `webhook-id`. Signed with
 * the Standard Webhooks scheme; the timestamp is the real time of each attempt (receivers check it
 * against their own clock, whatever the sandbox clock shows). Redirects are not followed: the
 * sandbox only ever reaches the addresses it was configured with.
 */

export interface OutgoingMessage {
  messageId: string;
  kind: 'notification' | 'queue-alert';
  type: string;
  jobId?: string;
  body: string;
  contentType: string;
}

export type DeliveryState = 'scheduled' | 'in-flight' | 'delivered' | 'given-up';

export interface DeliveryRecord {
  id: string;
  messageId: string;
  kind: OutgoingMessage['kind'];
  type: string;
  jobId?: string;
  url: string;
  state: DeliveryState;
  attempts: number;
  /** Real time of the next attempt, while scheduled. */
  nextAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

interface Delivery {
  record: DeliveryRecord;
  message: OutgoingMessage;
  timer: NodeJS.Timeout | null;
  running: Promise<void> | null;
}

export interface WebhookDeliveryOptions {
  urls: readonly string[];
  secrets: readonly string[];
  timeoutMs: number;
  scheduleMs: readonly number[];
  factor: number;
  historyLimit: number;
  counters: () => NotificationCounters;
}

export class WebhookDeliveries {
  private readonly deliveries = new Map<string, Delivery>();
  private readonly signers: Webhook[];
  private sequence = 0;
  private stopped = false;
  private readonly aborter = new AbortController();

  constructor(private readonly options: WebhookDeliveryOptions) {
    this.signers = options.secrets.map((s) => new Webhook(s));
  }

  get enabled(): boolean {
    return this.options.urls.length > 0;
  }

  /** One delivery per URL, first attempted after `delayMs`. */
  enqueue(message: OutgoingMessage, delayMs = 0): DeliveryRecord[] {
    if (this.stopped) return [];
    return this.options.urls.map((url) => {
      this.sequence += 1;
      const record: DeliveryRecord = {
        id: `dlv-${this.sequence}`,
        messageId: message.messageId,
        kind: message.kind,
        type: message.type,
        ...(message.jobId ? { jobId: message.jobId } : {}),
        url,
        state: 'scheduled',
        attempts: 0,
        nextAttemptAt: null,
        lastStatus: null,
        lastError: null,
        createdAt: new Date().toISOString(),
        finishedAt: null,
      };
      const delivery: Delivery = { record, message, timer: null, running: null };
      this.deliveries.set(record.id, delivery);
      this.schedule(delivery, delayMs);
      this.trimHistory();
      return record;
    });
  }

  list(state?: DeliveryState): DeliveryRecord[] {
    const all = [...this.deliveries.values()].map((d) => ({ ...d.record }));
    return state ? all.filter((r) => r.state === state) : all;
  }

  pending(): DeliveryRecord[] {
    return this.list().filter((r) => r.state === 'scheduled' || r.state === 'in-flight');
  }

  /** Attempts every scheduled delivery now and waits for every attempt under way. */
  async flush(): Promise<{ attempted: number; pending: number }> {
    const waits: Promise<void>[] = [];
    for (const d of this.deliveries.values()) {
      if (d.record.state === 'scheduled') {
        if (d.timer) clearTimeout(d.timer);
        d.timer = null;
        waits.push(this.attempt(d));
      } else if (d.running) waits.push(d.running);
    }
    await Promise.all(waits);
    return { attempted: waits.length, pending: this.pending().length };
  }

  /** Resolves once nothing is scheduled or in flight, or after `timeoutMs`; tells which. */
  async idle(timeoutMs = 5_000): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (this.pending().length > 0) {
      if (Date.now() >= deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /** Forgets every delivery, cancelling those still scheduled. */
  clear(): void {
    for (const d of this.deliveries.values()) if (d.timer) clearTimeout(d.timer);
    this.deliveries.clear();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const d of this.deliveries.values()) if (d.timer) clearTimeout(d.timer);
    this.aborter.abort();
    await Promise.allSettled([...this.deliveries.values()].map((d) => d.running).filter(Boolean));
  }

  private schedule(delivery: Delivery, delayMs: number): void {
    delivery.record.state = 'scheduled';
    delivery.record.nextAttemptAt = new Date(Date.now() + delayMs).toISOString();
    delivery.timer = setTimeout(() => {
      delivery.timer = null;
      void this.attempt(delivery);
    }, delayMs);
    delivery.timer.unref();
  }

  private attempt(delivery: Delivery): Promise<void> {
    if (delivery.running) return delivery.running;
    delivery.running = this.send(delivery).finally(() => {
      delivery.running = null;
    });
    return delivery.running;
  }

  private async send(delivery: Delivery): Promise<void> {
    if (this.stopped) return;
    const { record, message } = delivery;
    const counters = this.options.counters();
    record.state = 'in-flight';
    record.nextAttemptAt = null;
    record.attempts += 1;
    counters.sent += 1;
    if (record.attempts > 1) counters.retried += 1;
    const sentAt = new Date();
    try {
      const response = await fetch(record.url, {
        method: 'POST',
        headers: {
          'content-type': message.contentType,
          'webhook-id': message.messageId,
          'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
          'webhook-signature': this.signers.map((s) => s.sign(message.messageId, sentAt, message.body)).join(' '),
        },
        body: message.body,
        redirect: 'manual',
        signal: AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.aborter.signal]),
      });
      await response.body?.cancel().catch(() => undefined);
      record.lastStatus = response.status;
      record.lastError = response.ok ? null : `HTTP ${response.status}`;
      if (response.ok) {
        record.state = 'delivered';
        record.finishedAt = new Date().toISOString();
        counters.delivered += 1;
        return;
      }
    } catch (error) {
      record.lastStatus = null;
      record.lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    }
    if (this.stopped) return;
    counters.failedAttempts += 1;
    const waitMs = this.options.scheduleMs[record.attempts - 1];
    if (waitMs === undefined) {
      record.state = 'given-up';
      record.finishedAt = new Date().toISOString();
      counters.givenUp += 1;
      return;
    }
    this.schedule(delivery, Math.round(waitMs * this.options.factor));
  }

  private trimHistory(): void {
    if (this.deliveries.size <= this.options.historyLimit) return;
    for (const [id, d] of this.deliveries) {
      if (this.deliveries.size <= this.options.historyLimit) break;
      if (d.record.state === 'delivered' || d.record.state === 'given-up') this.deliveries.delete(id);
    }
  }
}

import type { AlertCounters } from './counters.js';
import type { TenantFaults } from './faults.js';

/**
 * The queue alert (docs/talentlink.md §5): each time an element is added to a queue, the tenant POSTs
 * `{"queueName": …}` as JSON, unsigned, to every alert URL, fire-and-forget with a short time-out
 * and no retry (A: the vendor publishes neither). An alert is a poke: it may be dropped or sent
 * twice by fault injection, and the tenant never waits for it.
 */

export interface AlertRecord {
  url: string;
  queueName: string;
  /** The receiver's HTTP status; null when none came (time-out, network). */
  status: number | null;
}

const HISTORY = 200;

export class AlertSender {
  private readonly inFlight = new Set<Promise<void>>();
  private history: AlertRecord[] = [];

  constructor(
    private readonly urls: readonly string[],
    private readonly timeoutMs: number,
    private readonly faults: TenantFaults,
    private readonly counters: () => AlertCounters,
  ) {}

  /** An element was added to `queueName`. */
  alert(queueName: string): void {
    if (this.urls.length === 0) return;
    const fate = this.faults.alertFate();
    const counters = this.counters();
    if (fate.drop) {
      counters.dropped += 1;
      return;
    }
    if (fate.repeat) counters.repeated += 1;
    for (const url of this.urls) {
      this.send(url, queueName);
      if (fate.repeat) this.send(url, queueName);
    }
  }

  private send(url: string, queueName: string): void {
    this.counters().sent += 1;
    const attempt = (async () => {
      let status: number | null = null;
      try {
        const response = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ queueName }),
          signal: AbortSignal.timeout(this.timeoutMs),
          redirect: 'manual',
        });
        status = response.status;
        await response.body?.cancel();
      } catch {
        // A lost alert costs the receiver only latency: it is counted, never retried.
      }
      const ok = status !== null && status >= 200 && status < 300;
      this.counters()[ok ? 'delivered' : 'failed'] += 1;
      this.history.push({ url, queueName, status });
      if (this.history.length > HISTORY) this.history = this.history.slice(-HISTORY);
    })();
    this.inFlight.add(attempt);
    void attempt.finally(() => this.inFlight.delete(attempt));
  }

  /** Resolves once every alert sent so far has been answered or has failed. */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** The last alerts sent, oldest first. */
  recent(): AlertRecord[] {
    return this.history.map((r) => ({ ...r }));
  }

  clear(): void {
    this.history = [];
  }
}

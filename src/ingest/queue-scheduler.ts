import type { QueueRef } from '../../connectors/ats-port.js';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { DrainReport } from './queue-drain.js';

/**
 * When the queues are drained: on an alert (a poke, `request`), and on a timer (a lost alert
 * costs only latency). Requests are coalesced per queue so that a flood of pokes, forged or
 * repeated, cannot spend the call budget:
 * - while a queue's run is going on, any number of requests set one "again" flag: one more run;
 * - two runs of one queue are at least `minGapMs` apart (a request in between waits for it);
 * - after a run that stopped on a transient or throttled failure, nothing runs before the
 *   failure's `retryAfterMs`, else a wait that doubles with each failed run in a row, from
 *   `minGapMs` up to `backoffMs`, whatever the pokes (one failed call of many must not hold a
 *   premature posting's element for long).
 * A run that ended on its bound (more elements may remain) is followed by another.
 */

export type DrainRun = (queue: QueueRef, signal: AbortSignal) => Promise<DrainReport>;

export interface QueueSchedulerOptions {
  queues: readonly QueueRef[];
  drain: DrainRun;
  clock: Clock;
  log: Logger;
  /** Every queue is drained this often, alerts or not. */
  intervalMs: number;
  /** Least time between the end of a run and the start of the next, per queue; default 1 s. */
  minGapMs?: number;
  /**
   * The longest wait after failed runs whose failure gave no `retryAfterMs`, and the wait after a refusal or a thrown
   * error; default 30 s.
   */
  backoffMs?: number;
  /** After every run, for the metrics. Must not throw. */
  onRun?: (report: DrainReport) => void;
}

/** What became of a request: a run started, folded into one already due, or waiting for the gap or a back-off. */
export type RequestOutcome = 'started' | 'coalesced' | 'deferred' | 'stopped';

interface QueueState {
  queue: QueueRef;
  running: Promise<void> | null;
  again: boolean;
  /** Epoch ms before which no run starts. */
  notBefore: number;
  /** Runs in a row that ended on a transient failure. */
  failures: number;
  timer: NodeJS.Timeout | null;
}

export class QueueScheduler {
  private readonly states = new Map<string, QueueState>();
  private readonly controller = new AbortController();
  private interval: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly minGapMs: number;
  private readonly backoffMs: number;

  constructor(private readonly options: QueueSchedulerOptions) {
    if (options.queues.length === 0) throw new Error('queue scheduler: no queue configured');
    if (!(options.intervalMs > 0))
      throw new Error(`queue scheduler: intervalMs must be positive, got ${options.intervalMs}`);
    for (const queue of options.queues) {
      if (this.states.has(queue.name))
        throw new Error(`queue scheduler: queue ${JSON.stringify(queue.name)} is configured twice`);
      this.states.set(queue.name, { queue, running: null, again: false, notBefore: 0, failures: 0, timer: null });
    }
    this.minGapMs = options.minGapMs ?? 1000;
    this.backoffMs = options.backoffMs ?? 30_000;
  }

  get queueNames(): string[] {
    return [...this.states.keys()];
  }

  /** What each queue is doing, for the dashboard and the metrics; `timer` says whether the periodic timer is armed. */
  status(): {
    timer: boolean;
    queues: { name: string; running: boolean; again: boolean; waiting: boolean; notBefore: string | null }[];
  } {
    return {
      timer: this.interval !== null,
      queues: [...this.states.values()].map((s) => ({
        name: s.queue.name,
        running: s.running !== null,
        again: s.again,
        waiting: s.timer !== null,
        notBefore: s.notBefore > 0 ? new Date(s.notBefore).toISOString() : null,
      })),
    };
  }

  /** Drains every queue now, then every `intervalMs`. */
  start(): void {
    if (this.stopped || this.interval) return;
    this.requestAll();
    this.interval = setInterval(() => this.requestAll(), this.options.intervalMs);
  }

  /** Asks for a drain of one configured queue; undefined for a name that is not one. */
  request(queueName: string): RequestOutcome | undefined {
    const state = this.states.get(queueName);
    return state ? this.requestState(state) : undefined;
  }

  requestAll(): RequestOutcome[] {
    return [...this.states.values()].map((state) => this.requestState(state));
  }

  /** Stops the timers, asks running drains to stop after their current element, and waits for them. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.interval) clearInterval(this.interval);
    this.interval = null;
    for (const state of this.states.values()) {
      if (state.timer) clearTimeout(state.timer);
      state.timer = null;
      state.again = false;
    }
    this.controller.abort();
    await Promise.all([...this.states.values()].map((state) => state.running));
  }

  /** Resolves once no run is going on nor waiting (tests, and a CLI that drains once). */
  async idle(): Promise<void> {
    for (;;) {
      const busy = [...this.states.values()].filter((s) => s.running || s.timer);
      if (busy.length === 0) return;
      await Promise.all(busy.map((s) => s.running ?? new Promise((resolve) => setTimeout(resolve, 5))));
    }
  }

  private requestState(state: QueueState): RequestOutcome {
    if (this.stopped) return 'stopped';
    if (state.running) {
      state.again = true;
      return 'coalesced';
    }
    if (state.timer) return 'coalesced';
    const wait = state.notBefore - this.options.clock.now().getTime();
    if (wait > 0) {
      // The timer fires when the wait is over: it starts the run itself, whatever the clock says.
      state.timer = setTimeout(() => {
        state.timer = null;
        if (!this.stopped && !state.running) state.running = this.run(state);
      }, wait);
      return 'deferred';
    }
    state.running = this.run(state);
    return 'started';
  }

  private async run(state: QueueState): Promise<void> {
    const { queue } = state;
    let waitMs = this.minGapMs;
    try {
      const report = await this.options.drain(queue, this.controller.signal);
      try {
        this.options.onRun?.(report);
      } catch (error) {
        this.options.log.error('queue scheduler hook failed', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      if (report.end === 'bound') state.again = true;
      state.failures = report.end === 'failed' ? state.failures + 1 : 0;
      if (
        report.end === 'failed' &&
        report.failure &&
        (report.failure.kind === 'transient' || report.failure.kind === 'throttled')
      ) {
        const doubling = Math.min(this.backoffMs, this.minGapMs * 2 ** (state.failures - 1));
        waitMs = Math.max(waitMs, report.failure.retryAfterMs ?? doubling);
      } else if (report.end === 'failed') {
        // A refusal or an unknown queue: running again at once cannot help; the timer tries later.
        waitMs = Math.max(waitMs, this.backoffMs);
      }
    } catch (error) {
      // A bug or the store: logged, and the queue waits before the next try (the element stays in it).
      this.options.log.error('queue drain failed', {
        queueName: queue.name,
        error: error instanceof Error ? error.message : String(error),
      });
      state.failures += 1;
      waitMs = Math.max(waitMs, this.backoffMs);
    }
    state.notBefore = this.options.clock.now().getTime() + waitMs;
    state.running = null;
    // Requests that came during the run make one more, after the gap or the back-off.
    if (state.again && !this.stopped) {
      state.again = false;
      this.requestState(state);
    }
  }
}

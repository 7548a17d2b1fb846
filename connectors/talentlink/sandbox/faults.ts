import { faultOptionsSchema, type FaultOptions, type FaultOptionsInput } from './options.js';
import { createPrng, deriveSeed, type Prng } from './prng.js';

/**
 * Fault injection for chaos tests: failed API calls (answered 500/503 before anything is applied),
 * added latency, and notifications dropped, duplicated or held back. Each kind of fault draws
 * from its own seeded stream, re-seeded whenever the faults are configured, so the same seed and
 * the same sequence of calls give the same faults.
 */

export interface NotificationFate {
  drop: boolean;
  duplicate: boolean;
  /** Milliseconds to hold the first push back (0: at once). */
  delayMs: number;
}

export interface FaultDescription extends FaultOptions {
  seed: number;
  dropNextPending: number;
}

export class FaultInjector {
  private options!: FaultOptions;
  private seed!: number;
  private api!: Prng;
  private latency!: Prng;
  private notifications!: Prng;
  private dropNextPending = 0;

  constructor(
    options: FaultOptions,
    private readonly defaultSeed: number,
  ) {
    this.apply(options);
  }

  /** Replaces the fault settings (fields left out take their defaults) and restarts the draws. */
  configure(input: FaultOptionsInput): FaultDescription {
    this.apply(faultOptionsSchema.parse(input));
    return this.describe();
  }

  /** Updates some settings, keeping the others, and restarts the draws. */
  update(input: FaultOptionsInput): FaultDescription {
    this.apply(faultOptionsSchema.parse({ ...this.options, ...input }));
    return this.describe();
  }

  private apply(options: FaultOptions): void {
    if (options.latencyMaxMs < options.latencyMinMs) throw new RangeError('faults.latencyMaxMs must be ≥ latencyMinMs');
    this.options = options;
    this.seed = options.seed ?? this.defaultSeed;
    this.api = createPrng(deriveSeed(this.seed, 'api-faults'));
    this.latency = createPrng(deriveSeed(this.seed, 'latency'));
    this.notifications = createPrng(deriveSeed(this.seed, 'notification-faults'));
  }

  /** The status to fail an API call with, or `null` to let it through. */
  apiFault(): 500 | 502 | 503 | 504 | null {
    const { apiErrorRatio, apiErrorStatuses } = this.options;
    if (apiErrorRatio <= 0) return null;
    const fails = this.api.next() < apiErrorRatio;
    const status = this.api.pick(apiErrorStatuses);
    return fails ? status : null;
  }

  latencyMs(): number {
    const { latencyMinMs, latencyMaxMs } = this.options;
    if (latencyMaxMs <= 0) return 0;
    return this.latency.int(latencyMinMs, latencyMaxMs);
  }

  /** What happens to the push of one notification; always draws the same amount, so streams stay aligned. */
  notificationFate(): NotificationFate {
    const o = this.options;
    const [d, u, r, w] = [this.notifications.next(), this.notifications.next(), this.notifications.next(), this.notifications.next()];
    let drop = d < o.notificationDropRatio;
    if (this.dropNextPending > 0) {
      this.dropNextPending -= 1;
      drop = true;
    }
    const delayMs = o.reorderWindowMs > 0 && r < o.reorderRatio ? Math.floor(w * o.reorderWindowMs) + 1 : 0;
    return { drop, duplicate: !drop && u < o.notificationDuplicateRatio, delayMs: drop ? 0 : delayMs };
  }

  /** Drops the push of the next `count` notifications for good, whatever the ratios. */
  dropNext(count = 1): number {
    this.dropNextPending += count;
    return this.dropNextPending;
  }

  describe(): FaultDescription {
    return { ...this.options, seed: this.seed, dropNextPending: this.dropNextPending };
  }

  /** Back to no fault at all, with the draws restarted. */
  reset(): void {
    this.dropNextPending = 0;
    this.apply(faultOptionsSchema.parse({}));
  }
}

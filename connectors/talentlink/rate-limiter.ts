/**
 * Client-side token bucket in front of the ATS (the contract allows 10 requests per second per
 * tenant). Reservations are taken in call order and may drive the balance below zero, so each
 * caller learns at once how long to wait and waiters are served first come, first served,
 * without polling. The clock is injected so tests run on virtual time.
 */

export interface Clock {
  /** Milliseconds; only differences are used. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export interface RateLimiterOptions {
  requestsPerSecond: number;
  /** Requests allowed at once after a quiet period; defaults to one second's worth. */
  burst?: number;
  clock?: Clock;
}

export class TokenBucket {
  private readonly ratePerMs: number;
  private readonly capacity: number;
  private readonly clock: Clock;
  private tokens: number;
  private updatedAt: number;

  constructor(options: RateLimiterOptions) {
    if (!(options.requestsPerSecond > 0) || !Number.isFinite(options.requestsPerSecond)) {
      throw new RangeError(`requestsPerSecond must be a positive number, got ${String(options.requestsPerSecond)}`);
    }
    this.ratePerMs = options.requestsPerSecond / 1000;
    this.capacity = Math.max(1, options.burst ?? Math.ceil(options.requestsPerSecond));
    this.clock = options.clock ?? systemClock;
    this.tokens = this.capacity;
    this.updatedAt = this.clock.now();
  }

  private refill(): void {
    const now = this.clock.now();
    // A clock that steps backwards must not take tokens away.
    const elapsed = Math.max(0, now - this.updatedAt);
    this.tokens = Math.min(this.capacity, this.tokens + elapsed * this.ratePerMs);
    this.updatedAt = now;
  }

  /** Takes a token and says how many milliseconds the caller must wait before using it (0: now). */
  reserve(): number {
    this.refill();
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil(-this.tokens / this.ratePerMs);
  }

  /** Waits for a token. */
  async acquire(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.clock.sleep(wait);
  }

  /** Tokens available now (negative when callers are already queued), for the dashboard. */
  available(): number {
    this.refill();
    return this.tokens;
  }
}

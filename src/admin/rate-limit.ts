/**
 * Failed logins counted per key (a user name, a client address) over a sliding window, in the
 * memory of the process: a guessing attack is slowed to `limit` tries per window and key. With
 * several instances each keeps its own count, which multiplies the allowance by their number
 * but keeps the order of magnitude. The clock is a parameter (tests move it).
 */

export interface RateDecision {
  allowed: boolean;
  /** When refused: how long until the oldest counted failure leaves the window. */
  retryAfterMs: number;
}

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    /** Keys kept at most; the oldest are forgotten first (bounded memory under a spray of names). */
    private readonly maxKeys = 50_000,
  ) {}

  private recent(key: string, nowMs: number): number[] {
    const list = (this.failures.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (list.length === 0) this.failures.delete(key);
    else this.failures.set(key, list);
    return list;
  }

  check(key: string, nowMs: number): RateDecision {
    const list = this.recent(key, nowMs);
    if (list.length < this.limit) return { allowed: true, retryAfterMs: 0 };
    return { allowed: false, retryAfterMs: Math.max(1000, list[0]! + this.windowMs - nowMs) };
  }

  fail(key: string, nowMs: number): void {
    const list = this.recent(key, nowMs);
    list.push(nowMs);
    this.failures.delete(key);
    this.failures.set(key, list);
    if (this.failures.size > this.maxKeys) {
      const oldest = this.failures.keys().next().value;
      if (oldest !== undefined) this.failures.delete(oldest);
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}

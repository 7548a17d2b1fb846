/**
 * Login attempts counted in the memory of the process, each as it arrives (before its password
 * is checked, so that a burst sent at once is counted in full). With several instances each keeps
 * its own count, which multiplies the allowance by their number but keeps the order of magnitude.
 * The clock is a parameter (tests move it).
 */

export interface RateDecision {
  allowed: boolean;
  /** When refused: how long until an attempt is allowed again. */
  retryAfterMs: number;
}

const ALLOWED: RateDecision = { allowed: true, retryAfterMs: 0 };

/** Keys kept at most; the oldest are forgotten first (bounded memory under a spray of names). */
const MAX_KEYS = 50_000;

function remember<V>(map: Map<string, V>, key: string, value: V, maxKeys: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > maxKeys) {
    const oldest = map.keys().next().value;
    if (oldest !== undefined) map.delete(oldest);
  }
}

/**
 * Attempts per key (a client address) over a sliding window: at most `limit` per window. An
 * attempt that turns out right is given back (`forgive`), so only failures stay counted.
 */
export class FailureLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  private recent(key: string, nowMs: number): number[] {
    const list = (this.attempts.get(key) ?? []).filter((t) => t > nowMs - this.windowMs);
    if (list.length === 0) this.attempts.delete(key);
    else this.attempts.set(key, list);
    return list;
  }

  /** Counts the attempt now, or refuses it (not counted) when the window is full. */
  take(key: string, nowMs: number): RateDecision {
    const list = this.recent(key, nowMs);
    if (list.length >= this.limit)
      return { allowed: false, retryAfterMs: Math.max(1000, list[0]! + this.windowMs - nowMs) };
    remember(this.attempts, key, [...list, nowMs], this.maxKeys);
    return ALLOWED;
  }

  /** Gives back the latest attempt counted for this key (it succeeded, or was never checked). */
  forgive(key: string): void {
    const list = this.attempts.get(key);
    if (!list) return;
    list.pop();
    if (list.length === 0) this.attempts.delete(key);
  }
}

/**
 * Growing delays per key (a user name AND a client address together): the first `free`
 * attempts go through at once, then each one must wait `baseDelayMs`, doubled at every further
 * attempt, up to `maxDelayMs`. A key is forgotten after `forgetAfterMs` without attempts, and at
 * the first success. Keyed by name and address, a guesser slows down only himself: the same
 * name from another address is not held back.
 */
export class AttemptThrottle {
  private readonly keys = new Map<string, { attempts: number; lastMs: number }>();

  constructor(
    private readonly free: number,
    private readonly baseDelayMs: number,
    private readonly maxDelayMs: number,
    private readonly forgetAfterMs: number,
    private readonly maxKeys = MAX_KEYS,
  ) {}

  /** The wait imposed after `attempts` counted attempts. */
  delayAfter(attempts: number): number {
    if (attempts < this.free) return 0;
    return Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** Math.min(attempts - this.free, 30));
  }

  /** Counts the attempt now, or refuses it (not counted) while the key must wait. */
  take(key: string, nowMs: number): RateDecision {
    let state = this.keys.get(key);
    if (state && nowMs - state.lastMs >= this.forgetAfterMs) state = undefined;
    const attempts = state?.attempts ?? 0;
    const readyAt = state ? state.lastMs + this.delayAfter(attempts) : nowMs;
    if (attempts >= this.free && nowMs < readyAt)
      return { allowed: false, retryAfterMs: Math.max(1000, readyAt - nowMs) };
    remember(this.keys, key, { attempts: attempts + 1, lastMs: nowMs }, this.maxKeys);
    return ALLOWED;
  }

  /** Gives back the latest attempt (never checked: the service was busy). */
  forgive(key: string): void {
    const state = this.keys.get(key);
    if (!state) return;
    if (state.attempts <= 1) this.keys.delete(key);
    else state.attempts -= 1;
  }

  reset(key: string): void {
    this.keys.delete(key);
  }
}

/** At most `size` tasks at once; beyond, `tryEnter` says no at once rather than queueing. */
export class Gate {
  private running = 0;

  constructor(private readonly size: number) {}

  tryEnter(): boolean {
    if (this.running >= this.size) return false;
    this.running += 1;
    return true;
  }

  leave(): void {
    this.running = Math.max(0, this.running - 1);
  }
}

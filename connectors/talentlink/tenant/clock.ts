/**
 * The sandbox clock. Everything the sandbox dates (creation, approval, publication, change log,
 * queue visibility) reads this clock, never `Date.now()` directly, so the demo can place the
 * sandbox inside the next EN3S window and tests can move time forward.
 *
 * Two modes: `running` (real time plus an offset, so time keeps flowing) and `frozen` (a fixed
 * instant that only moves when told to).
 */
export interface ClockState {
  mode: 'running' | 'frozen';
  now: string;
  offsetMs: number;
}

export class SandboxClock {
  private offsetMs = 0;
  private frozenAt: number | null = null;

  constructor(private readonly realNow: () => number = Date.now) {}

  now(): Date {
    return new Date(this.nowMs());
  }

  nowMs(): number {
    return this.frozenAt ?? this.realNow() + this.offsetMs;
  }

  nowIso(): string {
    return isoSeconds(this.nowMs());
  }

  /** Places the clock at `instant`; frozen there when `freeze`, else running from there. */
  set(instant: Date, freeze = false): void {
    const target = instant.getTime();
    if (Number.isNaN(target)) throw new RangeError('clock.set: invalid instant');
    if (freeze) {
      this.frozenAt = target;
    } else {
      this.frozenAt = null;
      this.offsetMs = target - this.realNow();
    }
  }

  /** Moves the clock forward (or back, with a negative amount) in either mode. */
  advance(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError('clock.advance: amount must be finite');
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }

  freeze(): void {
    this.frozenAt = this.nowMs();
  }

  /** Lets a frozen clock run again from the instant it shows. */
  resume(): void {
    if (this.frozenAt === null) return;
    this.offsetMs = this.frozenAt - this.realNow();
    this.frozenAt = null;
  }

  /** Back to real time. */
  reset(): void {
    this.frozenAt = null;
    this.offsetMs = 0;
  }

  describe(): ClockState {
    return {
      mode: this.frozenAt === null ? 'running' : 'frozen',
      now: this.nowIso(),
      offsetMs: this.frozenAt === null ? this.offsetMs : this.frozenAt - this.realNow(),
    };
  }
}

/** ISO-8601 in UTC without milliseconds, as the ATS writes its instants (`2027-01-12T10:31:00Z`). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** The calendar date `days` after an instant, in UTC (`YYYY-MM-DD`). */
export function calendarDateAfter(ms: number, days: number): string {
  return new Date(ms + days * 86_400_000).toISOString().slice(0, 10);
}

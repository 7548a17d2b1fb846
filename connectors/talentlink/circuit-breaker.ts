import { type Clock, systemClock } from '../../src/clock.js';

/**
 * Circuit breaker in front of the ATS: after `failureThreshold` consecutive transient failures
 * the circuit opens and calls fail at once (`CIRCUIT_OPEN`) instead of piling up time-outs on an
 * ATS that is down; after `coolDownMs` one trial call is let through (half-open); its success
 * closes the circuit, its failure opens it for another cool-down. Any answer that proves the
 * ATS alive (2xx, 4xx) counts as a success. The transitions are the table below.
 */

export type CircuitState = 'closed' | 'open' | 'half-open';
export type CircuitEvent = 'failure-threshold-reached' | 'cool-down-elapsed' | 'trial-succeeded' | 'trial-failed';

export const circuitTransitions: ReadonlyArray<{ from: CircuitState; on: CircuitEvent; to: CircuitState }> = [
  { from: 'closed', on: 'failure-threshold-reached', to: 'open' },
  { from: 'open', on: 'cool-down-elapsed', to: 'half-open' },
  { from: 'half-open', on: 'trial-succeeded', to: 'closed' },
  { from: 'half-open', on: 'trial-failed', to: 'open' },
];

export interface CircuitBreakerOptions {
  /** Consecutive transient failures that open the circuit (default 5). */
  failureThreshold?: number;
  /** How long the circuit stays open before a trial call (default 30 s). */
  coolDownMs?: number;
  /** Real time by default; injected so that tests run on virtual time. */
  clock?: Clock;
  /** Told of each change of state (to log and show what holds calls back). Must not throw. */
  onChange?: (to: CircuitState) => void;
}

export interface CircuitSnapshot {
  state: CircuitState;
  consecutiveFailures: number;
  /** While open: milliseconds until a trial call is allowed. */
  retryInMs?: number;
}

export class CircuitBreaker {
  readonly failureThreshold: number;
  readonly coolDownMs: number;
  private readonly clock: Clock;
  private current: CircuitState = 'closed';
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  private readonly onChange: ((to: CircuitState) => void) | undefined;

  constructor(options: CircuitBreakerOptions = {}) {
    this.failureThreshold = Math.max(1, options.failureThreshold ?? 5);
    this.coolDownMs = Math.max(0, options.coolDownMs ?? 30_000);
    this.clock = options.clock ?? systemClock;
    this.onChange = options.onChange;
  }

  private move(event: CircuitEvent): void {
    const transition = circuitTransitions.find((t) => t.from === this.current && t.on === event);
    if (!transition) throw new Error(`circuit breaker: no transition from ${this.current} on ${event}`);
    this.current = transition.to;
    if (transition.to === 'open') this.openedAt = this.clock.now().getTime();
    if (transition.to === 'closed') this.failures = 0;
    this.onChange?.(transition.to);
  }

  /** The state as of now: an open circuit whose cool-down is over reads as half-open. */
  state(): CircuitState {
    if (this.current === 'open' && this.clock.now().getTime() - this.openedAt >= this.coolDownMs)
      this.move('cool-down-elapsed');
    return this.current;
  }

  snapshot(): CircuitSnapshot {
    const state = this.state();
    const snapshot: CircuitSnapshot = { state, consecutiveFailures: this.failures };
    if (state === 'open')
      snapshot.retryInMs = Math.max(0, this.openedAt + this.coolDownMs - this.clock.now().getTime());
    return snapshot;
  }

  /**
   * Asks to make a call. `false`: refuse it without touching the network. In half-open only one
   * trial is in flight at a time; the others are refused until it answers.
   */
  tryAcquire(): boolean {
    const state = this.state();
    if (state === 'closed') return true;
    if (state === 'open' || this.trialInFlight) return false;
    this.trialInFlight = true;
    return true;
  }

  /** The ATS answered (2xx or a definite 4xx). */
  recordSuccess(): void {
    this.trialInFlight = false;
    if (this.current === 'half-open') this.move('trial-succeeded');
    this.failures = 0;
  }

  /** A transient failure: 5xx, 429, time-out, network error. */
  recordFailure(): void {
    this.trialInFlight = false;
    this.failures++;
    if (this.current === 'half-open') this.move('trial-failed');
    else if (this.current === 'closed' && this.failures >= this.failureThreshold)
      this.move('failure-threshold-reached');
  }
}

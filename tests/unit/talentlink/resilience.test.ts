import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker, circuitTransitions } from '../../../connectors/talentlink/circuit-breaker.js';
import { createTalentLinkClient } from '../../../connectors/talentlink/client.js';
import { TokenBucket, type Clock } from '../../../connectors/talentlink/rate-limiter.js';

/** Virtual time: a sleeper wakes (on the next microtask) with the clock moved to its wake-up instant. */
class FakeClock implements Clock {
  t = 0;
  readonly sleeps: number[] = [];
  now(): number {
    return this.t;
  }
  async sleep(ms: number): Promise<void> {
    const wakeUp = this.t + ms;
    this.sleeps.push(ms);
    await Promise.resolve();
    this.t = Math.max(this.t, wakeUp);
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

describe('TokenBucket', () => {
  it('lets a burst through, then spaces calls at the configured rate', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ requestsPerSecond: 10, clock });
    const waits = Array.from({ length: 13 }, () => bucket.reserve());
    expect(waits).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 100, 200, 300]);
  });

  it('refills with time, up to the burst size only', () => {
    const clock = new FakeClock();
    const bucket = new TokenBucket({ requestsPerSecond: 4, clock });
    for (let i = 0; i < 4; i++) bucket.reserve();
    expect(bucket.reserve()).toBe(250);
    clock.advance(10_000);
    expect(bucket.available()).toBe(4);
  });

  it('does not lose tokens when the clock steps back', () => {
    const clock = new FakeClock();
    clock.t = 5_000;
    const bucket = new TokenBucket({ requestsPerSecond: 2, clock });
    bucket.reserve();
    clock.t = 1_000;
    expect(bucket.available()).toBe(1);
  });

  it('refuses a nonsensical rate', () => {
    expect(() => new TokenBucket({ requestsPerSecond: 0 })).toThrow(RangeError);
  });
});

describe('CircuitBreaker', () => {
  it('closed → open after N consecutive failures → half-open after the cool-down → closed on success', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ failureThreshold: 3, coolDownMs: 1_000, clock });
    breaker.recordFailure();
    breaker.recordFailure();
    breaker.recordSuccess();
    breaker.recordFailure();
    breaker.recordFailure();
    expect(breaker.state()).toBe('closed');
    breaker.recordFailure();
    expect(breaker.snapshot()).toEqual({ state: 'open', consecutiveFailures: 3, retryInMs: 1_000 });
    expect(breaker.tryAcquire()).toBe(false);
    clock.advance(999);
    expect(breaker.state()).toBe('open');
    clock.advance(1);
    expect(breaker.state()).toBe('half-open');
    expect(breaker.tryAcquire()).toBe(true);
    expect(breaker.tryAcquire()).toBe(false);
    breaker.recordSuccess();
    expect(breaker.snapshot()).toEqual({ state: 'closed', consecutiveFailures: 0 });
  });

  it('a failed trial opens the circuit for another cool-down', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ failureThreshold: 1, coolDownMs: 500, clock });
    breaker.recordFailure();
    clock.advance(500);
    expect(breaker.tryAcquire()).toBe(true);
    breaker.recordFailure();
    expect(breaker.state()).toBe('open');
    clock.advance(499);
    expect(breaker.tryAcquire()).toBe(false);
  });

  it('its transitions are a table covering the three states', () => {
    expect(new Set(circuitTransitions.flatMap((t) => [t.from, t.to]))).toEqual(new Set(['closed', 'open', 'half-open']));
  });
});

describe('the client with its breaker and limiter, against an ATS', () => {
  const BASE = 'https://ats.circuit.test';
  const server = setupServer();
  let received: number[];
  let clock: FakeClock;
  let status: number;

  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());
  beforeEach(() => {
    clock = new FakeClock();
    received = [];
    status = 200;
    server.resetHandlers(
      http.get(`${BASE}/tlk/rest/jobs/:id`, () => {
        received.push(clock.now());
        return status === 200
          ? HttpResponse.json({ code: 'NOT_FOUND', message: 'gone' }, { status: 404 })
          : HttpResponse.json({ code: 'DOWN', message: 'down' }, { status });
      }),
    );
  });

  const make = (requestsPerSecond = 1000) =>
    createTalentLinkClient({
      baseUrl: BASE,
      user: 'C:u:BO',
      password: 'pw',
      apiKey: 'k',
      requestsPerSecond,
      clock,
      circuitBreaker: { failureThreshold: 3, coolDownMs: 60_000 },
    });

  it('opens after 3 transient failures, answers CIRCUIT_OPEN without reaching the network, closes after a good trial', async () => {
    const client = make();
    status = 503;
    for (let i = 0; i < 3; i++) expect((await client.getJob('1')).ok).toBe(false);
    expect(client.circuitBreaker.state()).toBe('open');
    const refused = await client.getJob('1');
    expect(refused).toMatchObject({ ok: false, error: { kind: 'transient', code: 'CIRCUIT_OPEN' } });
    expect(received).toHaveLength(3);
    clock.advance(60_000);
    expect(client.circuitBreaker.state()).toBe('half-open');
    status = 200;
    // A 404 proves the ATS is answering: the trial succeeds and the circuit closes.
    expect(await client.getJob('1')).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'NOT_FOUND' } });
    expect(client.circuitBreaker.state()).toBe('closed');
    expect(received).toHaveLength(4);
  });

  it('marks as an outage the failure that opens the circuit and a failed trial, not the ones before', async () => {
    const client = make();
    status = 503;
    const failures = [];
    for (let i = 0; i < 3; i++) failures.push(await client.getJob('1'));
    expect(failures.map((f) => (f.ok ? 'ok' : (f.error.outage ?? false)))).toEqual([false, false, true]);
    clock.advance(60_000);
    expect(await client.getJob('1')).toMatchObject({ ok: false, error: { code: 'DOWN', status: 503, outage: true } });
    expect(client.circuitBreaker.state()).toBe('open');
  });

  it('permanent answers do not open the circuit', async () => {
    const client = make();
    for (let i = 0; i < 10; i++) await client.getJob('1');
    expect(client.circuitBreaker.state()).toBe('closed');
    expect(received).toHaveLength(10);
  });

  it('spaces requests at requestsPerSecond on virtual time, without real sleeping', async () => {
    const client = make(5);
    const started = Date.now();
    await Promise.all(Array.from({ length: 15 }, () => client.getJob('1')));
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(received).toHaveLength(15);
    expect(clock.sleeps).toEqual([200, 400, 600, 800, 1000, 1200, 1400, 1600, 1800, 2000]);
    // Token bucket bound: by instant t, at most burst + rate × t requests have gone out.
    const sorted = [...received].sort((a, b) => a - b);
    sorted.forEach((at, index) => expect(index + 1).toBeLessThanOrEqual(5 + (5 * at) / 1000));
  });
});

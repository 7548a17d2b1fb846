import { describe, expect, it } from 'vitest';
import { HoldRegister } from '../../../src/pipeline/holds.js';

/** What holds commands back is logged once when it starts and once when it ends, not once per command. */

function register() {
  const lines: { message: string; meta: Record<string, unknown> | undefined }[] = [];
  const clock = { ms: Date.parse('2027-01-12T08:00:00.000Z') };
  const holds = new HoldRegister({ warn: (message, meta) => lines.push({ message, meta }) }, () => new Date(clock.ms));
  return { holds, lines, clock };
}

const overQps = {
  kind: 'throttled',
  code: 'OVER_QPS',
  message: 'listQueues: HTTP 403',
  status: 403,
  retryAfterMs: 1_000,
} as const;

describe('holds on commands', () => {
  it('a burst of over-limit refusals is one episode: one warn when it starts, one when it ends', () => {
    const { holds, lines, clock } = register();
    for (let i = 0; i < 40; i++) {
      holds.fromFailure(overQps);
      clock.ms += 20;
    }
    expect(lines.map((l) => l.message)).toEqual(['commands held back']);
    expect(lines[0]!.meta).toMatchObject({
      hold: 'over-qps',
      since: '2027-01-12T08:00:00.000Z',
      until: '2027-01-12T08:00:01.000Z',
    });
    expect(holds.view().current).toHaveLength(1);
    clock.ms = Date.parse('2027-01-12T08:00:02.000Z');
    holds.expire();
    expect(lines.map((l) => l.message)).toEqual(['commands held back', 'commands no longer held back']);
    expect(lines[1]!.meta).toEqual({
      hold: 'over-qps',
      since: '2027-01-12T08:00:00.000Z',
      ended: '2027-01-12T08:00:01.780Z',
    });
    expect(holds.view()).toMatchObject({
      current: [],
      recent: [{ kind: 'over-qps', ended: '2027-01-12T08:00:01.780Z' }],
    });
  });

  it('the circuit is held until it is released, whatever its expected trial time', () => {
    const { holds, lines, clock } = register();
    holds.hold('circuit-open', { forMs: 30_000, cause: 'circuit opened', endsByItself: false });
    clock.ms += 120_000;
    holds.expire();
    expect(holds.view().current.map((e) => e.kind)).toEqual(['circuit-open']);
    holds.release('circuit-open');
    holds.release('circuit-open');
    expect(lines.map((l) => `${l.message} ${String(l.meta?.hold)}`)).toEqual([
      'commands held back circuit-open',
      'commands no longer held back circuit-open',
    ]);
  });

  it('quota stop, budget refusal and mails held by another sender are told apart; other failures hold nothing', () => {
    const { holds } = register();
    holds.fromFailure({
      kind: 'throttled',
      code: 'OVER_QUOTA',
      message: 'gateway',
      status: 403,
      retryAfterMs: 3_600_000,
    });
    holds.fromFailure({ kind: 'throttled', code: 'MAIL_PENDING', message: 'mail', retryAfterMs: 5_000 });
    holds.fromFailure({ kind: 'transient', code: 'HTTP_503', message: 'down', status: 503 });
    holds.fromFailure({ kind: 'transient', code: 'CIRCUIT_OPEN', message: 'open' });
    const current = holds.view().current;
    expect(current.map((e) => [e.kind, e.cause, e.until])).toEqual([
      ['quota', 'OVER_QUOTA (gateway)', '2027-01-12T09:00:00.000Z'],
      ['mail-pending', 'MAIL_PENDING', '2027-01-12T08:00:05.000Z'],
    ]);
  });
});

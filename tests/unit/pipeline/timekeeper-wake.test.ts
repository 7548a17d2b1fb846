import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../../src/logger.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import { Timekeeper } from '../../../src/pipeline/timekeeper.js';
import { data } from '../../support/domain.js';

/**
 * The timekeeper sleeps 30 s between looks at the clock, except when a boundary (a window opening
 * or closing, in any of the bodies' time zones) comes sooner: it then wakes just after it, so that
 * on 1 January every concerned job is evaluated again at midnight, not up to 30 s later.
 */

/** Reads the loop's sleep after an idle batch at the instant given. */
class Probe extends Timekeeper {
  idleAt(): number {
    return this.idleDelayMs();
  }
}

const probeAt = (iso: string) =>
  new Probe({ domain: data, clock: { now: () => new Date(iso) }, log: silentLogger } as unknown as PipelineContext, {
    idleMs: 30_000,
  });

describe('the timekeeper wakes at the next boundary', () => {
  it('5 s before the window opens in Paris (1 January 00:00, 23:00 UTC), it sleeps 5 s and 1 ms', () => {
    expect(probeAt('2026-12-31T22:59:55.000Z').idleAt()).toBe(5_001);
  });

  it('before the opening in Guadeloupe (UTC−4), the next boundary is there', () => {
    expect(probeAt('2027-01-01T03:59:50.000Z').idleAt()).toBe(10_001);
  });

  it('far from any boundary, it sleeps its whole idle period', () => {
    expect(probeAt('2027-02-03T09:00:00.000Z').idleAt()).toBe(30_000);
  });
});

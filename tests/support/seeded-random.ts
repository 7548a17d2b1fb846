import { createPrng } from '../../connectors/talentlink/tenant/prng.js';

/**
 * A seeded pseudo-random generator (mulberry32) for tests that must be random and repeatable:
 * fault injection, shuffles, kill moments. The same seed gives the same draws.
 */
export interface SeededRandom {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `ratio`. */
  chance(ratio: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy (Fisher–Yates). */
  shuffle<T>(items: readonly T[]): T[];
}

export function seededRandom(seed: number): SeededRandom {
  // The same mulberry32 as the sandbox's fault injection, with a shuffle on top.
  const prng = createPrng(seed);
  return {
    next: prng.next,
    int: prng.int,
    chance: prng.chance,
    pick: prng.pick,
    shuffle: <T>(items: readonly T[]): T[] => {
      const out = [...items];
      for (let i = out.length - 1; i > 0; i--) {
        const j = prng.int(0, i);
        [out[i], out[j]] = [out[j]!, out[i]!];
      }
      return out;
    },
  };
}

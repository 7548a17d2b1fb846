/**
 * A small seeded pseudo-random generator (mulberry32). The sandbox draws every random choice
 * (faults, latencies, demo data, EN3S answers) from one of these so that a run started with the
 * same seed and driven by the same calls behaves the same way.
 */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both included. */
  int(min: number, max: number): number;
  /** True with probability `ratio` (0 never draws true, 1 always does). */
  chance(ratio: number): boolean;
  pick<T>(items: readonly T[]): T;
}

export function createPrng(seed: number): Prng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (ratio) => ratio > 0 && next() < ratio,
    pick: <T>(items: readonly T[]): T => {
      if (items.length === 0) throw new Error('prng.pick: cannot pick from an empty list');
      return items[Math.floor(next() * items.length)] as T;
    },
  };
}

/** A stable 32-bit hash of a string (FNV-1a), to derive independent seeds and stable ids. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A seed for one purpose ("api-faults", "demo"…) derived from the run's seed. */
export function deriveSeed(seed: number, purpose: string): number {
  return hashString(`${seed >>> 0}:${purpose}`);
}

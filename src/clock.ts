import type { Config } from './config.js';

/** The instant the connector acts at: the pipeline, the reports and the breaker read it from here. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock running from a chosen instant at real speed (the demo places it inside a window). */
export function offsetClock(startAt: Date, realStart = Date.now()): Clock {
  const offset = startAt.getTime() - realStart;
  return { now: () => new Date(Date.now() + offset) };
}

/**
 * The business clock the settings ask for, the same in every process reading them (the service
 * and the CLI): placed at `clockStart` when this process starts, or moved by `clockOffsetMs`
 * from the real time; the real time otherwise.
 */
export function businessClock(settings: Pick<Config, 'clockStart' | 'clockOffsetMs'>): Clock {
  if (settings.clockStart) return offsetClock(new Date(settings.clockStart));
  return settings.clockOffsetMs !== 0 ? offsetClock(new Date(Date.now() + settings.clockOffsetMs)) : systemClock;
}

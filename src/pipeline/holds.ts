import type { AtsFailure } from '../../connectors/ats-port.js';
import type { Logger } from '../logger.js';

/**
 * What holds commands back, as episodes: the circuit to the ATS open, the API key's monthly
 * quota spent (the gateway said so, or the call budget refuses), the gateway's calls-per-second
 * limit, e-mails held by another sender. Each cause is logged at warn once when its episode
 * starts and once when it ends, whatever the number of commands it holds back; the dashboard
 * shows the current episodes with since and until when, and the last ended ones. This
 * instance's view, in memory: it starts empty at each start.
 */

export type HoldKind = 'circuit-open' | 'quota' | 'over-qps' | 'mail-pending';

export interface HoldEpisode {
  kind: HoldKind;
  /** ISO instant the episode started. */
  since: string;
  /** ISO instant it is expected to end (a wait's end, the circuit's next trial), or null when unknown. */
  until: string | null;
  /** ISO instant it ended, for a past episode. */
  ended: string | null;
  /** A wait ends by itself once `until` passes without a new refusal; the circuit only when it closes. */
  endsByItself: boolean;
  /** Short English cause for the log (e.g. the failure's code). */
  cause: string;
}

export interface HoldsView {
  current: HoldEpisode[];
  /** Ended episodes, the latest first. */
  recent: HoldEpisode[];
}

/** How many ended episodes are kept for the dashboard. */
export const RECENT_HOLDS = 10;

export class HoldRegister {
  private readonly current = new Map<HoldKind, HoldEpisode>();
  private readonly past: HoldEpisode[] = [];

  constructor(
    private readonly log: Pick<Logger, 'warn'>,
    private readonly now: () => Date,
  ) {}

  /** A cause seen now, expected to last `forMs` (null: unknown). Starts an episode, or extends the one under way. */
  hold(kind: HoldKind, options: { forMs: number | null; cause: string; endsByItself: boolean }): void {
    this.expire();
    const at = this.now().getTime();
    const until = options.forMs === null ? null : new Date(at + Math.max(0, options.forMs)).toISOString();
    const episode = this.current.get(kind);
    if (episode) {
      if (until !== null && (episode.until === null || until > episode.until)) episode.until = until;
      return;
    }
    const started: HoldEpisode = {
      kind,
      since: new Date(at).toISOString(),
      until,
      ended: null,
      endsByItself: options.endsByItself,
      cause: options.cause,
    };
    this.current.set(kind, started);
    this.log.warn('commands held back', { hold: kind, cause: options.cause, since: started.since, until });
  }

  /** The cause is gone now (the circuit closed). */
  release(kind: HoldKind): void {
    const episode = this.current.get(kind);
    if (episode) this.end(episode, this.now().toISOString());
  }

  /** Ends the waits whose expected end has passed without a new refusal; the service calls it every second. */
  expire(): void {
    const now = this.now().toISOString();
    for (const episode of [...this.current.values()]) {
      if (episode.endsByItself && episode.until !== null && episode.until <= now) this.end(episode, episode.until);
    }
  }

  view(): HoldsView {
    this.expire();
    return { current: [...this.current.values()].map((e) => ({ ...e })), recent: this.past.map((e) => ({ ...e })) };
  }

  /** Records the hold a not-sent failure tells of, if any (the circuit is followed through its own changes). */
  fromFailure(error: AtsFailure): void {
    const forMs = error.retryAfterMs ?? null;
    if (error.code === 'OVER_QPS')
      this.hold('over-qps', { forMs: forMs ?? 1_000, cause: error.code, endsByItself: true });
    else if (error.code === 'OVER_QUOTA')
      this.hold('quota', {
        forMs,
        cause: error.status === undefined ? 'OVER_QUOTA (call budget)' : 'OVER_QUOTA (gateway)',
        endsByItself: forMs !== null,
      });
    else if (error.code === 'MAIL_PENDING')
      this.hold('mail-pending', { forMs: forMs ?? 5_000, cause: error.code, endsByItself: true });
  }

  private end(episode: HoldEpisode, at: string): void {
    this.current.delete(episode.kind);
    const ended = { ...episode, ended: at };
    this.past.unshift(ended);
    this.past.splice(RECENT_HOLDS);
    this.log.warn('commands no longer held back', { hold: episode.kind, since: episode.since, ended: at });
  }
}

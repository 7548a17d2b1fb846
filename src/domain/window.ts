import { DateTime } from 'luxon';
import type { Reason } from './decision.js';

/**
 * The yearly window of the période EN3S (1 January 00:00 → 30 April 24:00), in a body's own
 * legal time. Windows are computed once per (time zone, year) and cached: evaluating an offer
 * reads a cache, it never formats or parses a date.
 */

export interface MonthDay {
  month: number;
  day: number;
}

export interface CampaignWindow {
  campaign: number;
  startMs: number;
  /** Exclusive: the first instant after the last day of the window. */
  endMs: number;
  /** What a decision shows: ISO instants with the body's offset, end exclusive. */
  view: { campaign: number; start: string; end: string; timeZone: string };
  /** Reasons citing this window, built on first use by the engine (open, closed). */
  reasons: { open?: Reason; closed?: Reason };
  /**
   * Only for the window of a body that may be in several zones (`spanningAt`): the zone where it
   * opens first; `view.timeZone` is then the zone where it closes last.
   */
  opensIn?: string;
}

function localMidnight(year: number, month: number, day: number, timeZone: string): DateTime {
  const dt = DateTime.fromObject({ year, month, day }, { zone: timeZone });
  if (!dt.isValid)
    throw new Error(`invalid window date ${year}-${month}-${day} in zone ${timeZone}: ${dt.invalidExplanation}`);
  return dt;
}

export function isValidTimeZone(timeZone: string): boolean {
  return DateTime.now().setZone(timeZone).isValid;
}

export class WindowCalendar {
  private readonly cache = new Map<string, Map<number, CampaignWindow>>();

  constructor(
    private readonly from: MonthDay,
    /** Inclusive last day. */
    private readonly to: MonthDay,
  ) {}

  /** The window of one campaign year in one zone. */
  window(campaign: number, timeZone: string): CampaignWindow {
    let byYear = this.cache.get(timeZone);
    if (!byYear) {
      byYear = new Map();
      this.cache.set(timeZone, byYear);
    }
    let window = byYear.get(campaign);
    if (!window) {
      const start = localMidnight(campaign, this.from.month, this.from.day, timeZone);
      const end = localMidnight(campaign, this.to.month, this.to.day, timeZone).plus({ days: 1 });
      window = {
        campaign,
        startMs: start.toMillis(),
        endMs: end.toMillis(),
        view: Object.freeze({ campaign, start: start.toISO()!, end: end.toISO()!, timeZone }),
        reasons: {},
      };
      byYear.set(campaign, window);
    }
    return window;
  }

  /** The window of the campaign whose year is the instant's local year in that zone. */
  windowAt(instantMs: number, timeZone: string): CampaignWindow {
    let zone = this.zones.get(timeZone);
    if (!zone) {
      zone = { years: new Map(), last: undefined };
      this.zones.set(timeZone, zone);
    }
    // Hot path: a run of decisions often stays in one local year of a zone.
    const last = zone.last;
    if (last !== undefined && instantMs >= last.startMs && instantMs < last.nextStartMs) return last.window;
    // The mean Gregorian year gives the year to within one; the local year starts settle it.
    let year = this.localYear(zone, timeZone, 1970 + Math.floor(instantMs / MEAN_YEAR_MS));
    while (instantMs < year.startMs) year = this.localYear(zone, timeZone, year.year - 1);
    while (instantMs >= year.nextStartMs) year = this.localYear(zone, timeZone, year.year + 1);
    zone.last = year;
    return year.window;
  }

  /**
   * The window of a body whose legal time is one of `zones`, unknown which: from the first opening
   * to the last closing of the campaign of the instant, so that it is never open too late nor
   * closed too early in any of them. The campaign is the latest local year among the zones (on
   * 31 December at 21:00 UTC, 2028 has begun in La Réunion: its window is open there).
   */
  spanningAt(instantMs: number, zones: readonly string[]): CampaignWindow {
    if (zones.length === 0) throw new Error('spanningAt needs at least one time zone');
    let campaign = Number.NEGATIVE_INFINITY;
    for (const zone of zones) campaign = Math.max(campaign, this.windowAt(instantMs, zone).campaign);
    const key = `${campaign} ${zones.join(' ')}`;
    let window = this.spans.get(key);
    if (!window) {
      let first = this.window(campaign, zones[0]!);
      let last = first;
      for (const zone of zones) {
        const w = this.window(campaign, zone);
        if (w.startMs < first.startMs) first = w;
        if (w.endMs > last.endMs) last = w;
      }
      window = {
        campaign,
        startMs: first.startMs,
        endMs: last.endMs,
        view: Object.freeze({ campaign, start: first.view.start, end: last.view.end, timeZone: last.view.timeZone }),
        reasons: {},
        opensIn: first.view.timeZone,
      };
      this.spans.set(key, window);
    }
    return window;
  }

  private readonly spans = new Map<string, CampaignWindow>();

  /** Per zone: its local years met so far, keyed by number, and the last one used. */
  private readonly zones = new Map<string, { years: Map<number, LocalYear>; last: LocalYear | undefined }>();

  private localYear(zone: { years: Map<number, LocalYear> }, timeZone: string, year: number): LocalYear {
    let entry = zone.years.get(year);
    if (entry === undefined) {
      entry = {
        year,
        startMs: localMidnight(year, 1, 1, timeZone).toMillis(),
        nextStartMs: localMidnight(year + 1, 1, 1, timeZone).toMillis(),
        window: this.window(year, timeZone),
      };
      zone.years.set(year, entry);
    }
    return entry;
  }
}

/** 365.2425 days. */
const MEAN_YEAR_MS = 31_556_952_000;

/** One calendar year in a zone's local time: [startMs, nextStartMs). */
interface LocalYear {
  year: number;
  startMs: number;
  nextStartMs: number;
  window: CampaignWindow;
}

/** Start of a calendar day (`YYYY-MM-DD`) in a zone, in epoch milliseconds. */
export function startOfDayMs(isoDate: string, timeZone: string, plusDays = 0): number {
  const dt = DateTime.fromISO(isoDate, { zone: timeZone }).startOf('day').plus({ days: plusDays });
  if (!dt.isValid) throw new Error(`invalid date ${isoDate} in zone ${timeZone}`);
  return dt.toMillis();
}

/** `jj/mm/aaaa` of an instant in a zone, for administrators. */
export function frenchDate(ms: number, timeZone: string): string {
  return DateTime.fromMillis(ms, { zone: timeZone }).toFormat('dd/LL/yyyy');
}

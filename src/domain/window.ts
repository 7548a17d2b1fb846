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
}

function localMidnight(year: number, month: number, day: number, timeZone: string): DateTime {
  const dt = DateTime.fromObject({ year, month, day }, { zone: timeZone });
  if (!dt.isValid) throw new Error(`invalid window date ${year}-${month}-${day} in zone ${timeZone}: ${dt.invalidExplanation}`);
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
    // Hot path: most decisions fall in the same local year as the previous one in that zone.
    const last = this.lastYear.get(timeZone);
    if (last && instantMs >= last.startMs && instantMs < last.nextStartMs) return last.window;
    const utcYear = new Date(instantMs).getUTCFullYear();
    // Offsets stay within a day, so the local year is the UTC year or one of its neighbours.
    let year = utcYear;
    if (instantMs < this.yearStartMs(utcYear, timeZone)) year = utcYear - 1;
    else if (instantMs >= this.yearStartMs(utcYear + 1, timeZone)) year = utcYear + 1;
    const entry = { startMs: this.yearStartMs(year, timeZone), nextStartMs: this.yearStartMs(year + 1, timeZone), window: this.window(year, timeZone) };
    this.lastYear.set(timeZone, entry);
    return entry.window;
  }

  private readonly lastYear = new Map<string, { startMs: number; nextStartMs: number; window: CampaignWindow }>();
  private readonly yearStarts = new Map<string, number>();

  private yearStartMs(year: number, timeZone: string): number {
    const key = `${timeZone}|${year}`;
    let ms = this.yearStarts.get(key);
    if (ms === undefined) {
      ms = localMidnight(year, 1, 1, timeZone).toMillis();
      this.yearStarts.set(key, ms);
    }
    return ms;
  }
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

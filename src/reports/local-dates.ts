import { DateTime } from 'luxon';

/**
 * Calendar dates of instants in a body's legal time, for a million rows: luxon per date costs
 * microseconds, so the zone's UTC offset is cached per hour. Offsets change on whole hours in
 * every zone the bodies live in; an hour where the offset differs at its two ends (the hour of a
 * change) is never cached and goes through luxon, so the result is always exact.
 */

const HOUR_MS = 3_600_000;

export class LocalDates {
  private readonly offsets = new Map<string, Map<number, number>>();
  /** Local day number (days since 1970-01-01) → `YYYY-MM-DD`. */
  private readonly days = new Map<number, string>();

  /** Offset of the zone from UTC at `ms`, in milliseconds. */
  private offsetMs(ms: number, zone: string): number {
    let byHour = this.offsets.get(zone);
    if (!byHour) {
      byHour = new Map();
      this.offsets.set(zone, byHour);
    }
    const hour = Math.floor(ms / HOUR_MS);
    const cached = byHour.get(hour);
    if (cached !== undefined) return cached;
    const atStart = DateTime.fromMillis(hour * HOUR_MS, { zone }).offset;
    const atEnd = DateTime.fromMillis(hour * HOUR_MS + HOUR_MS - 1, { zone }).offset;
    if (atStart !== atEnd) return DateTime.fromMillis(ms, { zone }).offset * 60_000;
    byHour.set(hour, atStart * 60_000);
    return atStart * 60_000;
  }

  /** `YYYY-MM-DD` of the instant in the zone. */
  isoDate(instant: string | number, zone: string): string {
    const ms = typeof instant === 'number' ? instant : Date.parse(instant);
    const day = Math.floor((ms + this.offsetMs(ms, zone)) / 86_400_000);
    let text = this.days.get(day);
    if (text === undefined) {
      text = new Date(day * 86_400_000).toISOString().slice(0, 10);
      this.days.set(day, text);
    }
    return text;
  }
}

const frenchDays = new Map<string, string>();

/** `jj/mm/aaaa` of a calendar date `YYYY-MM-DD` (memoised: a report of a million rows shows a few hundred days). */
export function frenchDay(isoDate: string): string {
  let text = frenchDays.get(isoDate);
  if (text === undefined) {
    text = `${isoDate.slice(8, 10)}/${isoDate.slice(5, 7)}/${isoDate.slice(0, 4)}`;
    if (frenchDays.size >= 100_000) frenchDays.clear();
    frenchDays.set(isoDate, text);
  }
  return text;
}

/** Monday of the ISO week of a calendar date, `YYYY-MM-DD`. */
export function mondayOf(isoDate: string): string {
  const ms = Date.parse(`${isoDate}T00:00:00Z`);
  const weekday = (new Date(ms).getUTCDay() + 6) % 7;
  return new Date(ms - weekday * 86_400_000).toISOString().slice(0, 10);
}

const dayEnds = new Map<string, number>();

/** The first instant after the calendar date `YYYY-MM-DD` ends in the zone (memoised: few distinct days). */
export function endOfDayMs(isoDate: string, zone: string): number {
  const key = `${zone}|${isoDate}`;
  let ms = dayEnds.get(key);
  if (ms === undefined) {
    ms = DateTime.fromISO(isoDate, { zone }).plus({ days: 1 }).startOf('day').toMillis();
    if (dayEnds.size > 100_000) dayEnds.clear();
    dayEnds.set(key, ms);
  }
  return ms;
}

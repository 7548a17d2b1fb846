/**
 * Instants in the store are ISO-8601 UTC strings with milliseconds, `YYYY-MM-DDTHH:mm:ss.sssZ`:
 * with a fixed width they sort and compare as text, identically on SQLite and PostgreSQL.
 * A differently written instant would silently break that order, so it is refused here.
 */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

export function assertInstant(value: string, what: string): string {
  if (!ISO_INSTANT.test(value) || Number.isNaN(Date.parse(value))) {
    throw new TypeError(
      `${what}: expected an ISO-8601 UTC instant YYYY-MM-DDTHH:mm:ss.sssZ, got ${JSON.stringify(value)}`,
    );
  }
  return value;
}

/** `instant` plus `ms` milliseconds, in the same format. */
export function addMs(instant: string, ms: number): string {
  return new Date(Date.parse(instant) + ms).toISOString();
}

/** Milliseconds from `earlier` to `later`. */
export function msBetween(earlier: string, later: string): number {
  return Date.parse(later) - Date.parse(earlier);
}

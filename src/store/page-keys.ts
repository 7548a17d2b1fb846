/**
 * The key of a list's next page as a client holds it: base64url of a JSON array, opaque and
 * URL-safe, handed out as `next` and read back as `?cursor=` (or the dashboard's `after`). The
 * offer list keys its pages by (sort value, source, identifier); the API's other lists by one
 * number (a ledger entry, a command, a report run).
 */

export function encodePageKey(values: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** The array a key holds, or null when the text is not one (the caller refuses it). */
function decodePageKey(text: string): unknown[] | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    return Array.isArray(value) ? value : null;
  } catch {
    return null;
  }
}

/** A page key of three strings (the offer list's), or null. */
export function decodeTextKey(text: string): [string, string, string] | null {
  const value = decodePageKey(text);
  return value?.length === 3 && value.every((v) => typeof v === 'string' && v.length <= 1000)
    ? (value as [string, string, string])
    : null;
}

/** A page key of one positive number, or null. */
export function decodeNumberKey(text: string): number | null {
  const value = decodePageKey(text);
  return value?.length === 1 && Number.isSafeInteger(value[0]) && (value[0] as number) > 0
    ? (value[0] as number)
    : null;
}

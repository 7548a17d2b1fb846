/**
 * The `cursor` of the API's lists: an opaque, URL-safe key of the next page (base64url of a JSON
 * array), handed out as `next` and read back as `?cursor=`. Lists keyed by one number (a ledger
 * entry, a command, a report run) use `numberCursor`; the offer list its own three-part key.
 */

export function encodeNumberCursor(value: number): string {
  return Buffer.from(JSON.stringify([value])).toString('base64url');
}

/** The number of a cursor, or null when the text is not one. */
export function decodeNumberCursor(text: string): number | null {
  try {
    const value: unknown = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 1 && Number.isSafeInteger(value[0]) && value[0] > 0) return value[0];
  } catch {
    // Not base64url JSON: the caller refuses it.
  }
  return null;
}

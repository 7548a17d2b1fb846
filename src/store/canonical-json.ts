import { createHash } from 'node:crypto';

/**
 * JSON with object keys sorted at every depth and no whitespace: the same value always gives the
 * same text, whatever the order its keys were built in. Values first go through JSON itself, so
 * what is hashed is exactly what a reader gets back after parsing the stored text
 * (`undefined` members dropped, dates as their ISO text, non-finite numbers as null).
 */
export function canonicalJson(value: unknown): string {
  const plain: unknown = value === undefined ? null : JSON.parse(JSON.stringify(value));
  return write(plain);
}

function write(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(write).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${write(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function sha256hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

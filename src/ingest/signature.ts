import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks verification (spec §2): `webhook-signature` holds one or more `v1,<base64>`
 * entries, each an HMAC-SHA256 of `{webhook-id}.{webhook-timestamp}.{raw body}` under one of the
 * shared secrets (`whsec_<base64 key>`). Several entries and several secrets exist during a
 * rotation; one match is enough.
 *
 * Written on node:crypto rather than with the `standardwebhooks` package's `verify`: the package
 * reads `Date.now()` (we need an injected clock), signs `payload.toString()` (two different
 * invalid UTF-8 bodies would share a signature; here the raw bytes are signed) and throws instead
 * of answering with a reason. The signed text is the same, so its `sign` produces signatures this
 * module accepts.
 */

export const signatureFailureCodes = ['SIGNATURE_MISSING', 'SIGNATURE_INVALID', 'TIMESTAMP_OUT_OF_TOLERANCE', 'TIMESTAMP_INVALID'] as const;
export type SignatureFailureCode = (typeof signatureFailureCodes)[number];

export type SignatureCheck =
  | { ok: true; id: string; timestamp: number }
  | { ok: false; code: SignatureFailureCode; message: string };

/** Header values as node gives them, or any record with names in any case. */
export type HeaderBag = Record<string, string | string[] | undefined>;

export interface SignatureVerifierOptions {
  /** `whsec_<base64 key>` (the prefix may be omitted). At least one. */
  secrets: readonly string[];
  /** Largest accepted gap, either way, between the timestamp and `now`; default 300 s. */
  toleranceSeconds?: number;
}

export interface SignatureVerifier {
  verify(headers: HeaderBag, body: Buffer, now: Date): SignatureCheck;
}

export const DEFAULT_TOLERANCE_SECONDS = 5 * 60;
const HEADERS = ['webhook-id', 'webhook-timestamp', 'webhook-signature'] as const;
const SIGNATURE_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
// Unix seconds: digits only (no sign, exponent or fraction), at most 12 of them (year ≤ 33658).
const UNIX_SECONDS = /^\d{1,12}$/;

/** The key bytes of a `whsec_` secret; throws on a secret that cannot be a key (a configuration bug). */
export function decodeSecret(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  const key = BASE64.test(encoded) ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
  if (key.length === 0) throw new Error('webhook secret: expected whsec_<base64 key> with a non-empty key');
  return key;
}

export function createSignatureVerifier(options: SignatureVerifierOptions): SignatureVerifier {
  if (options.secrets.length === 0) throw new Error('webhook signature: at least one secret is required');
  const keys = options.secrets.map(decodeSecret);
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;

  return {
    verify(headers, body, now) {
      const lower = normaliseHeaders(headers);
      const missing = HEADERS.filter((name) => (lower[name] ?? '').trim() === '');
      if (missing.length > 0) {
        return failure('SIGNATURE_MISSING', `en-tête${missing.length > 1 ? 's' : ''} manquant${missing.length > 1 ? 's' : ''} : ${missing.join(', ')} (schéma Standard Webhooks)`);
      }
      const id = (lower['webhook-id'] ?? '').trim();
      const rawTimestamp = (lower['webhook-timestamp'] ?? '').trim();
      if (!UNIX_SECONDS.test(rawTimestamp)) {
        return failure('TIMESTAMP_INVALID', `webhook-timestamp ${quote(rawTimestamp)} invalide : un nombre de secondes Unix était attendu`);
      }
      const timestamp = Number(rawTimestamp);
      const gap = Math.floor(now.getTime() / 1000) - timestamp;
      if (Math.abs(gap) > tolerance) {
        const side = gap > 0 ? 'dans le passé' : 'dans le futur';
        return failure(
          'TIMESTAMP_OUT_OF_TOLERANCE',
          `webhook-timestamp ${timestamp} est ${Math.abs(gap)} s ${side} par rapport à l’horloge du service ; écart admis : ${tolerance} s`,
        );
      }
      const candidates = signaturesOf(lower['webhook-signature'] ?? '');
      if (candidates.length === 0) {
        return failure('SIGNATURE_INVALID', 'webhook-signature ne contient aucune signature « v1,<base64> » de 32 octets');
      }
      // The signed text uses the timestamp as a number, as the reference implementation does.
      const prefix = Buffer.from(`${id}.${timestamp}.`, 'utf8');
      for (const key of keys) {
        const expected = createHmac('sha256', key).update(prefix).update(body).digest();
        if (candidates.some((candidate) => timingSafeEqual(candidate, expected))) return { ok: true, id, timestamp };
      }
      return failure(
        'SIGNATURE_INVALID',
        `aucune des ${candidates.length} signature(s) v1 ne correspond au corps reçu avec les ${keys.length} secret(s) configuré(s)`,
      );
    },
  };
}

function normaliseHeaders(headers: HeaderBag): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(' ') : value;
  }
  return out;
}

/**
 * The decoded `v1` signatures of the right length; other versions (e.g. `v1a`) are skipped.
 * A header sent on several lines reaches us joined with ", " (node's rule for repeated
 * headers): the comma left at the end of an entry is that separator, not part of the signature.
 */
function signaturesOf(header: string): Buffer[] {
  const out: Buffer[] = [];
  for (const raw of header.split(/\s+/)) {
    const entry = raw.endsWith(',') ? raw.slice(0, -1) : raw;
    const comma = entry.indexOf(',');
    if (comma < 0 || entry.slice(0, comma) !== 'v1') continue;
    const encoded = entry.slice(comma + 1);
    if (!BASE64.test(encoded)) continue;
    const decoded = Buffer.from(encoded, 'base64');
    if (decoded.length === SIGNATURE_BYTES) out.push(decoded);
  }
  return out;
}

function failure(code: SignatureFailureCode, message: string): SignatureCheck {
  return { ok: false, code, message };
}

/** A header value quoted for a message, cut short: it comes from the sender. */
function quote(value: string): string {
  return `« ${value.length > 40 ? `${value.slice(0, 40)}…` : value} »`;
}

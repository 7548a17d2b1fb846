import { isAxiosError } from 'axios';
import type { AtsError } from '../ats-connector.js';

/**
 * How an HTTP exchange with the ATS becomes an `AtsError` (spec §3): which answers are worth a
 * retry, which are final, which mean "already done". Messages are built here from known parts
 * only (method, path, status, the ATS's own code and message), then passed through a redactor,
 * so that no credential can travel into a log through an error.
 */

const MAX_ATS_MESSAGE = 300;

/** `Retry-After` in seconds or as an HTTP date, in milliseconds from `nowMs`; never negative. */
export function parseRetryAfter(header: unknown, nowMs: number): number | undefined {
  if (typeof header !== 'string' || header.trim() === '') return undefined;
  const value = header.trim();
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/** Replaces every occurrence of the given secrets by `***`. */
export function createRedactor(secrets: ReadonlyArray<string>): (text: string) => string {
  const present = [...new Set(secrets.filter((s) => s.length > 0))].sort((a, b) => b.length - a.length);
  return (text) => present.reduce((out, secret) => out.split(secret).join('***'), text);
}

/** The ATS's `{code, message}` when the body holds one. */
export function atsErrorBody(body: Buffer | undefined): { code?: string; message?: string } {
  if (!body || body.byteLength === 0) return {};
  try {
    const parsed: unknown = JSON.parse(body.toString('utf8'));
    if (typeof parsed !== 'object' || parsed === null) return {};
    const { code, message } = parsed as Record<string, unknown>;
    return {
      ...(typeof code === 'string' && code !== '' ? { code: code.slice(0, 64) } : {}),
      ...(typeof message === 'string' ? { message: message.slice(0, MAX_ATS_MESSAGE) } : {}),
    };
  } catch {
    return {};
  }
}

/** A non-2xx answer. `alreadyAppliedCodes`: the codes of a 4xx that mean the effect already holds. */
export function errorFromStatus(
  call: string,
  status: number,
  body: Buffer | undefined,
  retryAfterMs: number | undefined,
  alreadyAppliedCodes: ReadonlyArray<string>,
): AtsError {
  const ats = atsErrorBody(body);
  const code = ats.code ?? `HTTP_${status}`;
  const message = `${call}: HTTP ${status} ${code}${ats.message ? `: ${ats.message}` : ''}`;
  const base = { code, message, status };
  if (status === 429 || status === 408 || status >= 500) {
    return retryAfterMs === undefined ? { kind: 'transient', ...base } : { kind: 'transient', ...base, retryAfterMs };
  }
  if (alreadyAppliedCodes.includes(code)) return { kind: 'already-applied', ...base };
  return { kind: 'permanent', ...base };
}

/** A call that got no HTTP answer: time-out, refused connection, reset, DNS failure. */
export function errorFromException(call: string, error: unknown, timeoutMs: number, timedOut: boolean): AtsError | undefined {
  if (!isAxiosError(error)) return undefined;
  const code = error.code ?? '';
  if (timedOut || code === 'ECONNABORTED' || code === 'ETIMEDOUT') {
    return { kind: 'transient', code: 'TIMEOUT', message: `${call}: no answer within ${timeoutMs} ms` };
  }
  if (code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE') {
    return { kind: 'permanent', code: 'INVALID_RESPONSE', message: `${call}: unusable answer (${code})` };
  }
  const detail = /^[A-Z0-9_]+$/.test(code) ? code : 'no answer';
  return { kind: 'transient', code: 'NETWORK', message: `${call}: network error (${detail})` };
}

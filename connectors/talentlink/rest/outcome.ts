import type { AtsFailure } from '../../ats-port.js';

/**
 * How an answer of the real TalentLink becomes an outcome (docs/talentlink.md §1), without any I/O: the
 * gateway's 403s by their text body, the "try again" statuses, and the 4xx whose
 * `X-Request-Error` header says why. Also the two guards that keep credentials out of what is
 * written: `redactUrl` (the API key rides in every URL's query string) and a scrubber for any
 * text the ATS sends back (it may echo the key, the user or the Basic token).
 */

/** The texts of the gateway's 403 answers (docs/talentlink.md §1), matched case-insensitively inside the body. */
export const gatewayBodies = {
  overQps: 'account over queries per second limit',
  overQuota: 'account over rate limit',
  notAuthorized: 'not authorized',
  forbidden: 'forbidden',
} as const;

const MAX_SHOWN_TEXT = 300;

/**
 * `api_key=…` (in a URL, a query string or free text) becomes `api_key=***`. The value ends at
 * what cannot be in a key nor an unencoded query value, so that a message's `…?api_key=K: HTTP`
 * keeps its colon; the scrubber removes the key itself wherever else it shows.
 */
export function redactUrl(url: string): string {
  return url.replace(/(api_key=)[^&#\s"'<>:;,()]*/gi, '$1***');
}

/**
 * A function that replaces every occurrence of the given secrets by `***`, the longest first
 * (the Basic token contains neither the user nor the password verbatim, so all are listed).
 * Secrets shorter than 3 characters are ignored: scrubbing them would mangle every message.
 */
export function createScrubber(secrets: ReadonlyArray<string>): (text: string) => string {
  const present = [...new Set(secrets.filter((s) => s.length >= 3))].sort((a, b) => b.length - a.length);
  return (text) => redactUrl(present.reduce((out, secret) => out.split(secret).join('***'), text));
}

/** A text from the ATS shown in a message: one line, printable, shortened. */
export function shownText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this removes
  const oneLine = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return oneLine.length > MAX_SHOWN_TEXT ? `${oneLine.slice(0, MAX_SHOWN_TEXT)}…` : oneLine;
}

/** What an operation makes of some statuses, before the general rules (e.g. 404 on a delete). */
export interface StatusRule {
  kind: 'already-applied' | 'permanent';
  code: string;
  why: string;
}

export interface AnswerFacts {
  /** `op: METHOD path` with the URL already redacted, the prefix of every message. */
  call: string;
  status: number;
  body: string;
  /** The `X-Request-Error` header, when present. */
  requestError?: string;
}

export interface ClassifyOptions {
  /** How long the gateway's "over QPS" asks to wait (spec: "a moment"). */
  qpsRetryMs: number;
  /** How long to stop every call after "over rate limit" (the monthly quota is spent). */
  quotaStopMs: number;
  /** Per-status rules of the operation; for 403 they apply only when the body is not a gateway text. */
  rules?: Partial<Record<number, StatusRule>>;
}

/** A non-2xx answer as a failure. Never throws; the message is not yet scrubbed (the caller does). */
export function classifyAnswer(facts: AnswerFacts, options: ClassifyOptions): AtsFailure {
  const { call, status } = facts;
  const detail = facts.requestError ? `: ${shownText(facts.requestError)}` : '';
  const fail = (kind: AtsFailure['kind'], code: string, why: string, extra: Partial<AtsFailure> = {}): AtsFailure => ({
    kind,
    code,
    message: `${call}: HTTP ${status} ${why}${detail}`,
    status,
    ...extra,
  });

  if (status === 403) {
    const body = facts.body.trim().toLowerCase();
    // The gateway's texts first: a throttled or refused call says nothing about the object asked for.
    if (body.includes(gatewayBodies.overQps)) {
      return fail('throttled', 'OVER_QPS', 'over the calls-per-second limit of the API key', {
        retryAfterMs: options.qpsRetryMs,
      });
    }
    if (body.includes(gatewayBodies.overQuota)) {
      return fail('throttled', 'OVER_QUOTA', 'the monthly quota of the API key is spent', {
        retryAfterMs: options.quotaStopMs,
      });
    }
    // The two refusals are matched whole: a queue read's 403 about one object may say "forbidden"
    // in a longer text, and must not pass for a refusal of the key (nor the reverse).
    if (body === gatewayBodies.notAuthorized)
      return fail('permanent', 'NOT_AUTHORIZED', 'the API key is not authorized');
    if (body === gatewayBodies.forbidden)
      return fail('permanent', 'FORBIDDEN', 'the call is forbidden to this API user');
  }
  const rule = options.rules?.[status];
  if (rule) return fail(rule.kind, rule.code, rule.why);
  if (status === 403) return fail('permanent', 'FORBIDDEN', 'the call is forbidden to this API user');
  if (status === 500 || status === 502 || status === 503 || status === 504) {
    return fail('transient', `HTTP_${status}`, 'the ATS failed, worth trying again');
  }
  if (status === 401) return fail('permanent', 'NOT_AUTHORIZED', 'the credentials were refused');
  if (status === 404) return fail('permanent', 'NOT_FOUND', 'not found');
  if (status >= 300 && status < 400) return fail('permanent', `HTTP_${status}`, 'a redirect, not followed');
  return fail('permanent', `HTTP_${status}`, 'refused');
}

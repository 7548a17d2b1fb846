import { type Clock, systemClock } from '../../../src/clock.js';
import axios, { isAxiosError, type AxiosInstance } from 'axios';
import type { AtsFailure, AtsOutcome, CallBudget, CallLane } from '../../ats-port.js';
import { CircuitBreaker, type CircuitBreakerOptions } from '../circuit-breaker.js';
import { classifyAnswer, createScrubber, redactUrl, type StatusRule } from './outcome.js';

/**
 * The HTTP side of the real TalentLink (docs/talentlink.md §1), and the only module of this client that uses
 * axios. Each call goes: circuit breaker (open: refused without a call) → a slot of the shared
 * `CallBudget` (a quota stop: refused without a call) → one request → an outcome. No retries
 * here: the callers own retrying, and a hidden retry would multiply calls against a budget of
 * 8 per second shared with other integrations.
 */

export interface RestHttpOptions {
  /** The tenant's host, e.g. `https://api3.lumesse-talenthub.com`; the API is under `{baseUrl}/tlk/rest`. */
  baseUrl: string;
  /** The API user, `Company:login:BO`. */
  user: string;
  password: string;
  apiKey: string;
  budget: CallBudget;
  /** Time-out of one call, default 10 s. */
  timeoutMs?: number;
  /** Wait after the gateway's "over QPS", default 1,000 ms. */
  qpsRetryMs?: number;
  /** How long every instance stops after "over rate limit", default 1 h. */
  quotaStopMs?: number;
  circuitBreaker?: Omit<CircuitBreakerOptions, 'clock'>;
  /** Propagated as `x-request-id`: a fixed value or a function read at each call. */
  requestId?: string | (() => string | undefined);
  /** Called once per call, e.g. for metrics; carries no URL. Must not throw. */
  onCall?: (info: RestCallInfo) => void;
  /** Real time by default; injected so that tests drive the breaker and the quota stop. */
  clock?: Clock;
}

export interface RestCallInfo {
  op: string;
  lane: CallLane;
  /** Absent when no answer came (not sent, time-out, network). */
  status?: number;
  outcome: 'ok' | AtsFailure['kind'];
  code?: string;
  /**
   * A throttled or refused call: how long to wait before the next (the gateway's limit, the quota stop, the circuit).
   */
  retryAfterMs?: number;
  ms: number;
}

export interface RestRequest {
  /** The operation's name, first word of every message (`positions`, `setTeam`…). */
  op: string;
  lane: CallLane;
  method: 'GET' | 'PUT' | 'PATCH' | 'DELETE';
  /** Under `/tlk/rest`, segments already encoded. */
  path: string;
  /** Query parameters besides `api_key`; `query` (a GraphQL document) is shown as `…` in messages. */
  params?: Record<string, string>;
  body?: unknown;
  rules?: Partial<Record<number, StatusRule>>;
}

export interface RestAnswer {
  status: number;
  body: string;
  /** `op: METHOD path`, redacted: the prefix for the caller's own messages about this answer. */
  call: string;
}

export interface RestHttp {
  request(spec: RestRequest): Promise<AtsOutcome<RestAnswer>>;
  /** Removes the credentials from a text built from an answer (a value shown in a message may echo them). */
  scrub(text: string): string;
  readonly circuitBreaker: CircuitBreaker;
}

const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/** `a=b&c=d` with `%20` for spaces (never `+`, which a queue name could hold literally). */
export function queryString(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([key, value]) => `${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
    .join('&');
}

function checkedBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('TalentLink REST client: baseUrl is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new Error('TalentLink REST client: baseUrl must be http(s)');
  if (url.username !== '' || url.password !== '')
    throw new Error('TalentLink REST client: baseUrl must not hold credentials');
  if (url.search !== '' || url.hash !== '')
    throw new Error('TalentLink REST client: baseUrl must not hold a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/tlk/rest`;
}

/** A call that got no HTTP answer: time-out, refused connection, reset, DNS failure; undefined for a bug. */
function failureFromException(
  call: string,
  thrown: unknown,
  timeoutMs: number,
  timedOut: boolean,
): AtsFailure | undefined {
  if (!isAxiosError(thrown)) return undefined;
  const code = thrown.code ?? '';
  if (timedOut || code === 'ECONNABORTED' || code === 'ETIMEDOUT' || code === 'ERR_CANCELED') {
    return { kind: 'transient', code: 'TIMEOUT', message: `${call}: no answer within ${timeoutMs} ms` };
  }
  if (code === 'ERR_FR_MAX_CONTENT_LENGTH_EXCEEDED' || code === 'ERR_BAD_RESPONSE') {
    return { kind: 'permanent', code: 'INVALID_RESPONSE', message: `${call}: unusable answer (${code})` };
  }
  const detail = /^[A-Z0-9_]+$/.test(code) ? code : 'no answer';
  return { kind: 'transient', code: 'NETWORK', message: `${call}: network error (${detail})` };
}

export function createRestHttp(options: RestHttpOptions): RestHttp {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const classify = { qpsRetryMs: options.qpsRetryMs ?? 1_000, quotaStopMs: options.quotaStopMs ?? 3_600_000 };
  const breaker = new CircuitBreaker({ ...options.circuitBreaker, clock });
  const basicToken = Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64');
  const login = options.user.split(':')[1] ?? '';
  const scrub = createScrubber([options.apiKey, options.password, basicToken, options.user, login]);
  const http: AxiosInstance = axios.create({
    baseURL: checkedBaseUrl(options.baseUrl),
    allowAbsoluteUrls: false,
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    headers: { Authorization: `Basic ${basicToken}`, Accept: 'application/json', 'User-Agent': 'en3s-connector' },
  });

  const report = (spec: RestRequest, started: number, result: AtsOutcome<unknown>, status: number | undefined) => {
    if (!options.onCall) return;
    const info: RestCallInfo = {
      op: spec.op,
      lane: spec.lane,
      outcome: result.ok ? 'ok' : result.error.kind,
      ms: Math.max(0, clock.now().getTime() - started),
    };
    if (status !== undefined) info.status = status;
    if (!result.ok) info.code = result.error.code;
    if (!result.ok && result.error.retryAfterMs !== undefined) info.retryAfterMs = result.error.retryAfterMs;
    options.onCall(info);
  };

  async function send(spec: RestRequest, call: string): Promise<{ result: AtsOutcome<RestAnswer>; status?: number }> {
    const headers: Record<string, string> = {};
    const requestId = typeof options.requestId === 'function' ? options.requestId() : options.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    const url = `${spec.path}?${queryString({ ...spec.params, api_key: options.apiKey })}`;
    const deadline = AbortSignal.timeout(timeoutMs);
    try {
      const response = await http.request<string>({
        method: spec.method,
        url,
        data: spec.body,
        headers,
        timeout: timeoutMs,
        signal: deadline,
      });
      const body = typeof response.data === 'string' ? response.data : '';
      const status = response.status;
      if (status >= 200 && status < 300) return { result: { ok: true, value: { status, body, call } }, status };
      const requestError = response.headers['x-request-error'];
      const facts = { call, status, body, ...(typeof requestError === 'string' ? { requestError } : {}) };
      return { result: { ok: false, error: classifyAnswer(facts, { ...classify, rules: spec.rules ?? {} }) }, status };
    } catch (thrown) {
      const error = failureFromException(call, thrown, timeoutMs, deadline.aborted);
      if (!error) {
        // Release a half-open trial, or the breaker would wait for its answer forever.
        breaker.recordFailure();
        throw new Error(`TalentLink REST client: unexpected failure of ${call}`, { cause: thrown });
      }
      return { result: { ok: false, error } };
    }
  }

  async function request(spec: RestRequest): Promise<AtsOutcome<RestAnswer>> {
    const started = clock.now().getTime();
    // A GraphQL document is long and says nothing a reader needs: it is shown as `query=…`.
    const { query, ...otherParams } = spec.params ?? {};
    const shown = [query === undefined ? '' : 'query=…', queryString({ ...otherParams, api_key: options.apiKey })]
      .filter(Boolean)
      .join('&');
    const call = `${spec.op}: ${spec.method} ${redactUrl(`${spec.path}?${shown}`)}`;
    const done = (result: AtsOutcome<RestAnswer>, status?: number): AtsOutcome<RestAnswer> => {
      const clean: AtsOutcome<RestAnswer> = result.ok
        ? result
        : { ok: false, error: { ...result.error, message: scrub(result.error.message) } };
      report(spec, started, clean, status);
      return clean;
    };
    const circuitOpen = (): AtsOutcome<RestAnswer> => {
      const wait = breaker.snapshot().retryInMs;
      const message = `${call}: not sent, the circuit to the ATS is open after repeated failures`;
      return {
        ok: false,
        error: {
          kind: 'transient',
          code: 'CIRCUIT_OPEN',
          message,
          outage: true,
          ...(wait !== undefined ? { retryAfterMs: wait } : {}),
        },
      };
    };

    // An open circuit refuses before taking a slot of the budget, which other calls can use.
    if (breaker.state() === 'open') return done(circuitOpen());
    const slot = await options.budget.take(spec.lane);
    if (!slot.ok) {
      const message = `${call}: not sent, the monthly quota of the API key is spent (stopped by the call budget)`;
      return done({
        ok: false,
        error: { kind: 'throttled', code: 'OVER_QUOTA', message, retryAfterMs: slot.retryAfterMs },
      });
    }
    if (!breaker.tryAcquire()) return done(circuitOpen());
    const trial = breaker.state() === 'half-open';

    const { result, status } = await send(spec, call);
    if (!result.ok && result.error.kind === 'throttled') {
      // Throttling is the gateway working as meant, not an outage: it never counts as a failure.
      // A half-open trial must still end, or the breaker would wait for it forever; the gateway
      // answered, so it ends as a success.
      if (trial) breaker.recordSuccess();
      if (result.error.code === 'OVER_QUOTA')
        await options.budget.quotaExhausted(clock.now().getTime() + classify.quotaStopMs);
      return done(result, status);
    }
    if (!result.ok && result.error.kind === 'transient') {
      breaker.recordFailure();
      if (breaker.state() !== 'closed') return done({ ok: false, error: { ...result.error, outage: true } }, status);
      return done(result, status);
    }
    // Any other answer (2xx, a definite 4xx, an unusable body) proves the ATS alive.
    breaker.recordSuccess();
    return done(result, status);
  }

  return { request, scrub, circuitBreaker: breaker };
}

import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { z } from 'zod';
import type { AtsConnector, AtsError, AtsErrorKind, AtsResult, ChangedJobsPage, QueueElement, StartApprovalRequest } from '../ats-connector.js';
import { jobDocumentSchema, type JobDocument } from './job-document.js';
import { CircuitBreaker, type CircuitBreakerOptions } from './circuit-breaker.js';
import { createRedactor, errorFromException, errorFromStatus, parseRetryAfter } from './http-outcome.js';
import { extractNotificationId } from './payload.js';
import { systemClock, TokenBucket, type Clock } from './rate-limiter.js';
import { formatIssues, summariseIssues } from './zod-issues.js';

/**
 * The TalentLink REST client (spec §3 and §4) behind the `AtsConnector` interface; the only
 * place axios is used. Each call goes: circuit breaker → rate limiter → one HTTP request →
 * a result value. There are no retries here on purpose: the outbox dispatcher owns retrying
 * (backoff, `retryAfterMs`, giving up), and a retry hidden inside the client would multiply
 * its attempts and blur what the ledger records.
 */

export type TalentLinkOperation =
  | 'getJob'
  | 'listChanged'
  | 'assignApprovalTeam'
  | 'startApproval'
  | 'setPublicationLock'
  | 'withdrawPosting'
  | 'readQueue'
  | 'ackQueue';

export interface TalentLinkCallInfo {
  op: TalentLinkOperation;
  /** HTTP status, absent when no answer came (time-out, network, circuit open). */
  status?: number;
  outcome: 'ok' | AtsErrorKind;
  /** The error code when the outcome is not `ok`. */
  code?: string;
  ms: number;
}

export interface TalentLinkClientOptions {
  /** The tenant's base URL; the REST API is under `{baseUrl}/tlk/rest`. */
  baseUrl: string;
  /** API user name, `Company:user:BO`. */
  user: string;
  password: string;
  apiKey: string;
  /** Time-out of one call, default 10 s. */
  timeoutMs?: number;
  /** Client-side rate limit, default 10 (the contract's limit per tenant). */
  requestsPerSecond?: number;
  circuitBreaker?: Omit<CircuitBreakerOptions, 'clock'>;
  /** Called once per call, after it ended, e.g. for Prometheus metrics. Must not throw. */
  onCall?: (info: TalentLinkCallInfo) => void;
  /** Propagated as `x-request-id`: a fixed value or a function read at each call (e.g. from AsyncLocalStorage). */
  requestId?: string | (() => string | undefined);
  /** Injected in tests; drives the rate limiter, the circuit breaker, `Retry-After` dates and `ms`. */
  clock?: Clock;
}

export interface TalentLinkClient extends AtsConnector {
  /** The breaker's `state()` / `snapshot()` are what the dashboard shows. */
  readonly circuitBreaker: CircuitBreaker;
}

export const MAX_PAGE_SIZE = 200;
const MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

const changedJobsPageSchema = z.object({
  items: z.array(jobDocumentSchema),
  page: z.number().int().min(1),
  pageSize: z.number().int().min(1),
  total: z.number().int().min(0),
});

type Outcome<T> = AtsResult<T>;
const failure = (kind: AtsErrorKind, code: string, message: string): Outcome<never> => ({ ok: false, error: { kind, code, message } });

interface CallSpec<T> {
  op: TalentLinkOperation;
  method: 'GET' | 'PUT' | 'POST' | 'DELETE';
  /** Path under `/tlk/rest`, segments already encoded. */
  path: string;
  params?: Record<string, string | number>;
  body?: unknown;
  idempotencyKey?: string;
  accept?: string;
  alreadyAppliedCodes?: ReadonlyArray<string>;
  /** Reads a 2xx answer. */
  read: (response: AxiosResponse<Buffer>, call: string) => Outcome<T>;
}

/** One path segment from an id; `..` or an empty id would address another resource. */
function segment(value: string): string | undefined {
  if (value === '' || value === '.' || value === '..') return undefined;
  return encodeURIComponent(value);
}

function parseJson(body: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
  } catch {
    return { ok: false };
  }
}

function readValidated<T>(schema: z.ZodType<T>, prefix: string) {
  return (response: AxiosResponse<Buffer>, call: string): Outcome<T> => {
    const json = parseJson(response.data);
    if (!json.ok) return failure('permanent', 'INVALID_RESPONSE', `${call}: the answer is not JSON`);
    const parsed = schema.safeParse(json.value);
    if (parsed.success) return { ok: true, value: parsed.data };
    const issues = formatIssues(parsed.error, json.value, prefix);
    return failure('permanent', 'INVALID_RESPONSE', `${call}: invalid answer: ${summariseIssues(issues)}`);
  };
}

const readJob = readValidated<JobDocument>(jobDocumentSchema, 'job');
const readPage = readValidated<ChangedJobsPage>(changedJobsPageSchema, '');

function checkedBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error('TalentLink client: baseUrl is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('TalentLink client: baseUrl must be http(s)');
  if (url.username !== '' || url.password !== '') throw new Error('TalentLink client: baseUrl must not hold credentials');
  if (url.search !== '' || url.hash !== '') throw new Error('TalentLink client: baseUrl must not hold a query or fragment');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}/tlk/rest`;
}

export function createTalentLinkClient(options: TalentLinkClientOptions): TalentLinkClient {
  const clock = options.clock ?? systemClock;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const limiter = new TokenBucket({ requestsPerSecond: options.requestsPerSecond ?? 10, clock });
  const breaker = new CircuitBreaker({ ...options.circuitBreaker, clock });
  const basicToken = Buffer.from(`${options.user}:${options.password}`, 'utf8').toString('base64');
  const redact = createRedactor([options.password, options.apiKey, basicToken, options.user]);
  const http: AxiosInstance = axios.create({
    baseURL: checkedBaseUrl(options.baseUrl),
    allowAbsoluteUrls: false,
    maxRedirects: 0,
    maxContentLength: MAX_RESPONSE_BYTES,
    responseType: 'arraybuffer',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    headers: { Authorization: `Basic ${basicToken}`, api_key: options.apiKey, 'User-Agent': 'en3s-connector' },
  });

  const report = (op: TalentLinkOperation, started: number, result: Outcome<unknown>, status: number | undefined) => {
    if (!options.onCall) return;
    const info: TalentLinkCallInfo = { op, outcome: result.ok ? 'ok' : result.error.kind, ms: Math.max(0, clock.now() - started) };
    if (status !== undefined) info.status = status;
    if (!result.ok) info.code = result.error.code;
    options.onCall(info);
  };

  const sanitised = <T>(result: Outcome<T>): Outcome<T> =>
    result.ok ? result : { ok: false, error: { ...result.error, message: redact(result.error.message) } };

  async function call<T>(spec: CallSpec<T>): Promise<Outcome<T>> {
    const started = clock.now();
    const name = `${spec.method} ${spec.path}`;
    if (!breaker.tryAcquire()) {
      const wait = breaker.snapshot().retryInMs;
      const result: Outcome<T> = {
        ok: false,
        // When the breaker lets a trial through: a caller waits for it instead of guessing.
        error: { kind: 'transient', code: 'CIRCUIT_OPEN', message: `${name}: not sent, the circuit to the ATS is open after repeated failures`, ...(wait !== undefined ? { retryAfterMs: wait } : {}) },
      };
      report(spec.op, started, result, undefined);
      return result;
    }
    await limiter.acquire();
    const headers: Record<string, string> = { Accept: spec.accept ?? 'application/json' };
    if (spec.idempotencyKey !== undefined) headers['Idempotency-Key'] = spec.idempotencyKey;
    const requestId = typeof options.requestId === 'function' ? options.requestId() : options.requestId;
    if (requestId) headers['x-request-id'] = requestId;
    const deadline = AbortSignal.timeout(timeoutMs);
    let result: Outcome<T>;
    let status: number | undefined;
    try {
      const response = await http.request<Buffer>({
        method: spec.method,
        url: spec.path,
        params: spec.params,
        data: spec.body,
        headers,
        timeout: timeoutMs,
        signal: deadline,
      });
      status = response.status;
      const body = Buffer.isBuffer(response.data) ? response.data : Buffer.from(response.data ?? '');
      if (status >= 200 && status < 300) {
        result = spec.read({ ...response, data: body }, name);
      } else {
        const retryAfterMs = parseRetryAfter(response.headers['retry-after'], clock.now());
        const error: AtsError = errorFromStatus(name, status, body, retryAfterMs, spec.alreadyAppliedCodes ?? []);
        result = { ok: false, error };
      }
    } catch (thrown) {
      const error = errorFromException(name, thrown, timeoutMs, deadline.aborted);
      if (!error) {
        // Release a half-open trial, or the breaker would wait for its answer forever.
        breaker.recordFailure();
        throw new Error(`TalentLink client: unexpected failure of ${name}`, { cause: thrown });
      }
      result = { ok: false, error };
    }
    if (!result.ok && result.error.kind === 'transient') {
      breaker.recordFailure();
      if (breaker.state() !== 'closed') result = { ok: false, error: { ...result.error, outage: true } };
    } else breaker.recordSuccess();
    result = sanitised(result);
    report(spec.op, started, result, status);
    return result;
  }

  const invalidArgument = (what: string): Outcome<never> => failure('permanent', 'INVALID_ARGUMENT', what);
  const jobPath = (jobId: string, rest = ''): string | undefined => {
    const id = segment(jobId);
    return id === undefined ? undefined : `/jobs/${id}${rest}`;
  };

  return {
    name: 'talentlink',
    circuitBreaker: breaker,

    async getJob(jobId) {
      const path = jobPath(jobId);
      if (!path) return invalidArgument(`getJob: invalid job id ${JSON.stringify(jobId)}`);
      return call({ op: 'getJob', method: 'GET', path, read: readJob });
    },

    async listChanged(sinceIso, page, pageSize) {
      if (!z.iso.datetime({ offset: true }).safeParse(sinceIso).success) {
        return invalidArgument(`listChanged: modifiedSince must be an ISO-8601 instant, got ${JSON.stringify(sinceIso)}`);
      }
      if (!Number.isInteger(page) || page < 1) return invalidArgument(`listChanged: page must be an integer ≥ 1, got ${page}`);
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        return invalidArgument(`listChanged: pageSize must be an integer from 1 to ${MAX_PAGE_SIZE}, got ${pageSize}`);
      }
      return call({ op: 'listChanged', method: 'GET', path: '/jobs', params: { modifiedSince: sinceIso, page, pageSize }, read: readPage });
    },

    async assignApprovalTeam(jobId, teamName, idempotencyKey) {
      const path = jobPath(jobId, '/teams/approval');
      if (!path) return invalidArgument(`assignApprovalTeam: invalid job id ${JSON.stringify(jobId)}`);
      return call({ op: 'assignApprovalTeam', method: 'PUT', path, body: { name: teamName }, idempotencyKey, read: readJob });
    },

    async startApproval(jobId, request: StartApprovalRequest, idempotencyKey) {
      const path = jobPath(jobId, '/approval-process');
      if (!path) return invalidArgument(`startApproval: invalid job id ${JSON.stringify(jobId)}`);
      const body = { processName: request.processName, message: request.message, dueDate: request.dueDate, alertOnAction: request.alertOnAction };
      return call({ op: 'startApproval', method: 'POST', path, body, idempotencyKey, alreadyAppliedCodes: ['ALREADY_STARTED'], read: readJob });
    },

    async setPublicationLock(jobId, locked, reason, idempotencyKey) {
      const path = jobPath(jobId, '/publication-lock');
      if (!path) return invalidArgument(`setPublicationLock: invalid job id ${JSON.stringify(jobId)}`);
      return call({ op: 'setPublicationLock', method: 'PUT', path, body: { locked, reason }, idempotencyKey, read: readJob });
    },

    async withdrawPosting(jobId, postingId, reason, idempotencyKey) {
      const posting = segment(postingId);
      const path = posting === undefined ? undefined : jobPath(jobId, `/postings/${posting}/withdraw`);
      if (!path) return invalidArgument(`withdrawPosting: invalid job or posting id ${JSON.stringify([jobId, postingId])}`);
      return call({ op: 'withdrawPosting', method: 'POST', path, body: { reason }, idempotencyKey, read: readJob });
    },

    async readQueue(queueName) {
      const queue = segment(queueName);
      if (!queue) return invalidArgument(`readQueue: invalid queue name ${JSON.stringify(queueName)}`);
      return call<QueueElement | null>({
        op: 'readQueue',
        method: 'GET',
        path: `/queues/job-events/${queue}/oldest-element`,
        accept: 'application/xml, application/json',
        read: (response, name) => {
          if (response.status === 204) return { ok: true, value: null };
          const contentType = String(response.headers['content-type'] ?? '');
          const id = extractNotificationId(response.data, contentType);
          if (!id.ok) return failure('permanent', 'INVALID_RESPONSE', `${name}: queue element without a usable id: ${id.error.message}`);
          return { ok: true, value: { notificationId: id.id, contentType, body: response.data } };
        },
      });
    },

    async ackQueue(queueName, notificationId) {
      const queue = segment(queueName);
      const id = segment(notificationId);
      if (!queue || !id) return invalidArgument(`ackQueue: invalid queue name or notification id ${JSON.stringify([queueName, notificationId])}`);
      return call<void>({
        op: 'ackQueue',
        method: 'DELETE',
        path: `/queues/job-events/${queue}/elements/${id}`,
        // The element is gone already: another reader acknowledged it, which is the effect wanted.
        alreadyAppliedCodes: ['HTTP_404', 'NOT_FOUND'],
        read: () => ({ ok: true, value: undefined }),
      });
    },
  };
}

import { timingSafeEqual } from 'node:crypto';
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from 'express';
import type { HttpCounters } from './counters.js';
import type { FaultInjector } from './faults.js';
import type { SandboxOptions } from './options.js';

/**
 * The checks in front of the ATS API, in the order the ATS applies them: credentials (HTTP Basic
 * `Company:user:BO` + `api_key`), the per-tenant rate limit, then injected faults (latency and
 * failures answered before any route runs, so a failed call never applies anything).
 */

export function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ code, message });
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function requireAtsCredentials(options: SandboxOptions, counters: () => HttpCounters): RequestHandler {
  return (req, res, next) => {
    counters().requests += 1;
    const header = req.get('authorization') ?? '';
    const match = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec(header.trim());
    const decoded = match ? Buffer.from(match[1]!, 'base64').toString('utf8') : '';
    const cut = decoded.lastIndexOf(':');
    const user = cut > 0 ? decoded.slice(0, cut) : '';
    const password = cut > 0 ? decoded.slice(cut + 1) : '';
    const apiKey = req.get('api_key') ?? req.get('api-key') ?? '';
    let problem: string | null = null;
    if (!match) problem = 'missing or malformed Authorization header (expected Basic base64("Company:user:BO:password"))';
    else if (!sameSecret(user, options.user) || !sameSecret(password, options.password)) problem = 'invalid user name or password';
    else if (!apiKey) problem = 'missing api_key header';
    else if (!sameSecret(apiKey, options.apiKey)) problem = 'invalid api_key';
    if (problem) {
      counters().unauthorized += 1;
      res.set('WWW-Authenticate', 'Basic realm="TalentLink"');
      sendError(res, 401, 'UNAUTHORIZED', problem);
      return;
    }
    res.locals.tenant = user.split(':')[0];
    next();
  };
}

/** Token bucket per tenant: `perSecond` tokens, refilled continuously; real time, not sandbox time. */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Takes one token; answers the seconds to wait when there is none. */
  take(key: string): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (this.perSecond <= 0) return { ok: true };
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.perSecond)) };
  }

  reset(): void {
    this.buckets.clear();
  }
}

export function rateLimit(limiter: RateLimiter, counters: () => HttpCounters): RequestHandler {
  return (_req, res, next) => {
    const verdict = limiter.take(String(res.locals.tenant ?? ''));
    if (verdict.ok) return next();
    counters().rateLimited += 1;
    res.set('Retry-After', String(verdict.retryAfterSeconds));
    sendError(res, 429, 'RATE_LIMITED', `more than the allowed requests per second for this tenant; retry after ${verdict.retryAfterSeconds} s`);
  };
}

export function injectFaults(faults: FaultInjector, counters: () => HttpCounters): RequestHandler {
  return (_req, res, next) => {
    const delay = faults.latencyMs();
    const status = faults.apiFault();
    const go = (): void => {
      if (status === null) return next();
      counters().faultsInjected += 1;
      if (status === 503) res.set('Retry-After', '1');
      sendError(res, status, status === 503 ? 'SERVICE_UNAVAILABLE' : 'INTERNAL_ERROR', 'the ATS could not handle the request (injected fault); nothing was applied');
    };
    if (delay > 0) setTimeout(go, delay);
    else go();
  };
}

/** The driver API answers loopback clients only: it can do anything to the tenant. */
export function loopbackOnly(): RequestHandler {
  return (req, res, next) => {
    const address = req.socket.remoteAddress ?? '';
    if (address === '127.0.0.1' || address === '::1' || address.startsWith('::ffff:127.') || address.startsWith('127.')) return next();
    sendError(res, 403, 'FORBIDDEN', 'the sandbox driver API answers loopback clients only');
  };
}

export function notFoundRoute(counters?: () => HttpCounters): RequestHandler {
  return (req, res) => {
    if (counters) counters().notFound += 1;
    sendError(res, 404, 'NOT_FOUND', `no route ${req.method} ${req.originalUrl.split('?')[0]}`);
  };
}

/** Body parser failures and anything unexpected, as JSON `{code, message}`; never a stack trace. */
export function jsonErrors(): ErrorRequestHandler {
  return (error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const e = error as { type?: string; status?: number; message?: string };
    if (e.type === 'entity.parse.failed') return sendError(res, 400, 'BAD_JSON', `request body is not valid JSON: ${e.message ?? ''}`.trim());
    if (e.type === 'entity.too.large') return sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'request body too large');
    if (typeof e.status === 'number' && e.status >= 400 && e.status < 500) return sendError(res, e.status, 'BAD_REQUEST', e.message ?? 'bad request');
    sendError(res, 500, 'INTERNAL_ERROR', 'unexpected sandbox error');
  };
}

import { timingSafeEqual } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { countCall, operationOf, type TenantCounters } from './counters.js';
import type { TenantFaults } from './faults.js';

/**
 * What stands in front of the API, in the order the vendor's gateway (Mashery) and then the
 * back office apply it (docs/talentlink.md §1): the API key in the query string (none: 401; unknown: 403
 * `Not Authorized`), the calls per second in a sliding window of 1,000 ms on arrival time (the
 * ninth: 403 `Account Over Queries Per Second Limit`), the monthly quota over a rolling 30 days
 * (403 `Account Over Rate Limit`), then the user (HTTP Basic or `username`/`password` headers:
 * 401), then injected faults. Never 429, never Retry-After; every 4xx carries `X-Request-Error`.
 */

export const gatewayTexts = {
  overQps: 'Account Over Queries Per Second Limit',
  overQuota: 'Account Over Rate Limit',
  notAuthorized: 'Not Authorized',
} as const;

/** A 4xx of the tenant: the reason in `X-Request-Error` (docs/talentlink.md §1 (E)) and as a plain-text body. */
export function sendRequestError(res: Response, status: number, reason: string, body: string = reason): void {
  // A header value must be plain ASCII here: a queue name or a value echoed may not be.
  res
    .status(status)
    .set('X-Request-Error', reason.replace(/[^\x20-\x7e]/g, '?'))
    .type('text/plain')
    .send(body);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Calls counted by arrival time in the last `windowMs`. Refused calls are not counted (A): a
 * client that keeps calling too fast is refused only for the calls over the limit, never locked
 * out by its own refusals. A limit of 0 refuses nothing but still measures the busiest window.
 */
export class SlidingWindow {
  private arrivals: number[] = [];

  constructor(
    private readonly limit: number,
    private readonly now: () => number,
    private readonly windowMs = 1_000,
  ) {}

  /** Admits one call and answers how many the window now holds, or null when it is refused. */
  admit(): number | null {
    const t = this.now();
    while (this.arrivals.length > 0 && t - this.arrivals[0]! >= this.windowMs) this.arrivals.shift();
    if (this.limit > 0 && this.arrivals.length >= this.limit) return null;
    this.arrivals.push(t);
    return this.arrivals.length;
  }

  reset(): void {
    this.arrivals = [];
  }
}

/** Calls served over a rolling 30 days of the tenant's clock. */
export class RollingQuota {
  private served: number[] = [];
  static readonly periodMs = 30 * 86_400_000;

  constructor(
    private readonly quota: number | null,
    private readonly now: () => number,
  ) {}

  /** Takes one call of the quota; false when it is spent. */
  take(): boolean {
    if (this.quota === null) return true;
    const t = this.now();
    this.served = this.served.filter((at) => t - at < RollingQuota.periodMs);
    if (this.served.length >= this.quota) return false;
    this.served.push(t);
    return true;
  }

  reset(): void {
    this.served = [];
  }
}

export interface GatewayDeps {
  apiKey: string;
  user: string;
  password: string;
  window: SlidingWindow;
  quota: RollingQuota;
  faults: TenantFaults;
  counters(): TenantCounters;
}

/** Counts every call under its operation and final status, whoever answers it. */
export function countCalls(counters: () => TenantCounters): RequestHandler {
  return (req, res, next) => {
    const operation = operationOf(req.method, req.path);
    res.locals.operation = operation;
    res.on('finish', () => countCall(counters(), operation, res.statusCode));
    next();
  };
}

export function gateway(deps: GatewayDeps): RequestHandler {
  return (req, res, next) => {
    const refused = deps.counters().refused;
    const key = typeof req.query.api_key === 'string' ? req.query.api_key : '';
    if (key === '') {
      refused.unauthorized += 1;
      return sendRequestError(res, 401, 'Missing api_key query parameter');
    }
    if (!sameSecret(key, deps.apiKey)) {
      refused.notAuthorized += 1;
      return sendRequestError(res, 403, 'Unknown API key', gatewayTexts.notAuthorized);
    }
    const inWindow = deps.faults.storm() ? null : deps.window.admit();
    if (inWindow === null) {
      refused.overQps += 1;
      return sendRequestError(res, 403, 'Over the calls-per-second limit of the API key', gatewayTexts.overQps);
    }
    const counters = deps.counters();
    counters.maxCallsInWindow = Math.max(counters.maxCallsInWindow, inWindow);
    if (deps.faults.quotaExhausted() || !deps.quota.take()) {
      refused.overQuota += 1;
      return sendRequestError(res, 403, 'The monthly quota of the API key is spent', gatewayTexts.overQuota);
    }
    next();
  };
}

/** The back office's own check of the user: `Company:login:BO` and its password. */
export function backOfficeUser(deps: Pick<GatewayDeps, 'user' | 'password' | 'counters'>): RequestHandler {
  return (req, res, next) => {
    let user = req.get('username') ?? '';
    let password = req.get('password') ?? '';
    const basic = /^Basic\s+([A-Za-z0-9+/=]+)$/i.exec((req.get('authorization') ?? '').trim());
    if (basic) {
      const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
      const cut = decoded.lastIndexOf(':');
      if (cut > 0) [user, password] = [decoded.slice(0, cut), decoded.slice(cut + 1)];
    }
    if (user === '' || password === '') {
      deps.counters().refused.unauthorized += 1;
      return sendRequestError(
        res,
        401,
        'Missing user: HTTP Basic Company:login:BO or the username and password headers',
      );
    }
    if (!sameSecret(user, deps.user) || !sameSecret(password, deps.password)) {
      deps.counters().refused.unauthorized += 1;
      return sendRequestError(res, 401, 'Invalid user name or password');
    }
    next();
  };
}

/** Injected latency and 5xx, per operation, before the operation runs (so nothing is applied). */
export function injectedFaults(faults: TenantFaults, counters: () => TenantCounters): RequestHandler {
  return (_req, res, next) => {
    const operation = String(res.locals.operation ?? 'unknown');
    const delay = faults.callLatencyMs(operation);
    const status = faults.callError(operation);
    const go = () => {
      if (status === null) return next();
      counters().faults.errors += 1;
      res
        .status(status)
        .type('text/plain')
        .send(status === 500 ? 'Internal Server Error' : status === 503 ? 'Service Unavailable' : 'Gateway Timeout');
    };
    if (delay <= 0) return go();
    counters().faults.delayed += 1;
    setTimeout(go, delay);
  };
}

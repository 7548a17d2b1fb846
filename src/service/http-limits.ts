import type { Server } from 'node:http';
import type { RequestHandler } from 'express';
import { AdminError, sendJsonError } from '../admin/errors.js';
import type { Config } from '../config.js';

/**
 * The limits every connection of the service gets, whatever its route: time-outs for the
 * headers, the whole request and idle keep-alives, a cap on open connections, and a 413 for a
 * body declared too large before a byte of it is read. Slow or oversized requests then hold no
 * memory for long. The values are settings (`httpHeadersTimeoutMs`…).
 */

export type HttpLimits = Pick<
  Config,
  'httpHeadersTimeoutMs' | 'httpRequestTimeoutMs' | 'httpKeepAliveTimeoutMs' | 'httpMaxConnections' | 'httpMaxBodyBytes'
>;

/** The settings that contradict each other, in French; empty when they agree. */
export function httpLimitsProblems(limits: HttpLimits): string[] {
  return limits.httpHeadersTimeoutMs > limits.httpRequestTimeoutMs
    ? [
        `EN3S_HTTP_HEADERS_TIMEOUT_MS (${limits.httpHeadersTimeoutMs}) : au plus ` +
          `EN3S_HTTP_REQUEST_TIMEOUT_MS (${limits.httpRequestTimeoutMs}), les en-têtes faisant partie ` +
          `de la requête`,
      ]
    : [];
}

/** Options of `http.createServer`: node checks the time-outs every `connectionsCheckingInterval`. */
export function serverOptions(limits: HttpLimits) {
  return {
    headersTimeout: limits.httpHeadersTimeoutMs,
    requestTimeout: limits.httpRequestTimeoutMs,
    keepAliveTimeout: limits.httpKeepAliveTimeoutMs,
    // Node's default (30 s) would let a time-out run up to 30 s late.
    connectionsCheckingInterval: Math.min(1000, Math.floor(limits.httpHeadersTimeoutMs / 2)),
  };
}

export function capConnections(server: Server, limits: HttpLimits): void {
  server.maxConnections = limits.httpMaxConnections;
}

/** 413 before the body is read when its declared length is over the limit; the connection is then closed. */
export function refuseLargeBodies(limits: HttpLimits): RequestHandler {
  return (req, res, next) => {
    const declared = req.headers['content-length'];
    if (declared === undefined || !/^\d+$/.test(declared) || Number(declared) <= limits.httpMaxBodyBytes) return next();
    res.setHeader('Connection', 'close');
    // The admin API's refusal shape (problem+json, with `code` and `message`), for every route alike.
    const message =
      `corps de la requête trop volumineux (${declared.slice(0, 20)} octets annoncés) : ` +
      `la limite est de ${limits.httpMaxBodyBytes} octets`;
    sendJsonError(res, new AdminError(413, 'PAYLOAD_TOO_LARGE', message));
  };
}

import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import { sha256Hex } from './access-config.js';
import { sameToken } from './cookies.js';

/**
 * `/metrics` is open by default: Prometheus scrapes it from the private network and the
 * service listens on 127.0.0.1 unless told otherwise; the counters hold no offer data and no
 * personal data. When `metricsTokenHash` is set, the scraper must send
 * `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`).
 * Mount it in front of the metrics handler: `app.get('/metrics', metricsGuard(config), handler)`.
 */
export function metricsGuard(config: Pick<Config, 'metricsTokenHash'>): RequestHandler {
  const expected = config.metricsTokenHash === '' ? null : config.metricsTokenHash;
  return (req, res, next) => {
    if (expected === null) return next();
    const match = /^Bearer\s+(\S{1,512})\s*$/.exec(req.headers.authorization ?? '');
    if (match && sameToken(sha256Hex(match[1]!), expected)) return next();
    res.status(401).setHeader('WWW-Authenticate', 'Bearer').json({ code: 'UNAUTHENTICATED', message: 'jeton requis pour /metrics (Authorization: Bearer …)' });
  };
}

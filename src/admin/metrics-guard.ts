import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import { isLoopback, sha256Hex } from './access-config.js';
import { sameToken } from './cookies.js';

/**
 * `/metrics` is open without a token only while the service listens on a loopback address (the
 * counters hold no offer data and no personal data, but say a lot about the service); on any
 * other address the service refuses to start without `metricsTokenHash` (see
 * `metricsExposureProblem`). When it is set, the scraper must send
 * `Authorization: Bearer <token>` (Prometheus: `authorization: { credentials: … }`).
 * Mount it in front of the metrics handler: `app.get('/metrics', metricsGuard(config), handler)`.
 */

/** Why the service must not start with these settings, in French; null when it may. */
export function metricsExposureProblem(config: Pick<Config, 'httpHost' | 'metricsTokenHash'>): string | null {
  if (config.metricsTokenHash !== '' || isLoopback(config.httpHost)) return null;
  return (
    `EN3S_METRICS_TOKEN_HASH : requis quand le service écoute sur une autre adresse que la ` +
    `boucle locale (EN3S_HTTP_HOST=${config.httpHost || '(toutes)'}), sinon /metrics serait ` +
    `ouvert à tous ; créez un jeton avec « en3s admin new-token prometheus » et indiquez son ` +
    `empreinte sha256 (ce qui suit « prometheus: »)`
  );
}
export function metricsGuard(config: Pick<Config, 'metricsTokenHash'>): RequestHandler {
  const expected = config.metricsTokenHash === '' ? null : config.metricsTokenHash;
  return (req, res, next) => {
    if (expected === null) return next();
    const match = /^Bearer\s+(\S{1,512})\s*$/.exec(req.headers.authorization ?? '');
    if (match && sameToken(sha256Hex(match[1]!), expected)) return next();
    res
      .status(401)
      .setHeader('WWW-Authenticate', 'Bearer')
      .json({ code: 'UNAUTHENTICATED', message: 'jeton requis pour /metrics (Authorization: Bearer …)' });
  };
}

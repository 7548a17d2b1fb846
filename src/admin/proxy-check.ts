import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';
import type { AccessSettings } from './access-config.js';
import { AdminError } from './errors.js';

/**
 * The administrators' surface refuses to serve behind a reverse proxy nobody declared. Behind
 * such a proxy every client has the proxy's address, so the login limit per address would hold
 * back every administrator at once. Nothing at start-up tells that a proxy stands in front, so
 * the first request that carries `X-Forwarded-For` while `adminTrustedProxies` is empty says it:
 * 503 `PROXY_NOT_DECLARED` (a French message for the page or the API) and one error log line
 * naming the setting. Once proxies are declared, a header from any other peer is ignored (the
 * peer's own address counts): a client cannot choose its address. The alert route, `/healthz`,
 * `/readyz` and `/metrics` are not concerned (no address is read there).
 */
export function refuseUndeclaredProxy(access: AccessSettings, log: Logger): RequestHandler {
  let told = false;
  return (req, _res, next) => {
    if (access.trustedProxies.size > 0 || req.headers['x-forwarded-for'] === undefined) return next();
    if (!told) {
      told = true;
      log.error(
        'admin request through an undeclared reverse proxy (X-Forwarded-For): set ' +
          'EN3S_ADMIN_TRUSTED_PROXIES to its addresses; such requests are refused until then',
      );
    }
    next(
      new AdminError(
        503,
        'PROXY_NOT_DECLARED',
        'le service reçoit cette demande par un proxy inverse non déclaré (en-tête ' +
          'X-Forwarded-For) : l’exploitant doit indiquer l’adresse du proxy dans ' +
          'EN3S_ADMIN_TRUSTED_PROXIES',
      ),
    );
  };
}

import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/database.js';
import { normaliseAddress, sha256Hex, type AccessSettings } from './access-config.js';
import { sameToken, type CookieJar } from './cookies.js';
import { AdminError } from './errors.js';
import { createSession, deleteSession, findSession, type AdminSession } from './session-store.js';

/**
 * Who is asking. Three ways in, checked in this order:
 * 1. `Authorization: Bearer <token>` (scripts): a configured API token, or 401 at once;
 * 2. the reverse proxy's user header, only from a trusted proxy address, which opens (or
 *    continues) a session for that name so that forms still carry a CSRF token;
 * 3. the session cookie set at login.
 * Unsafe requests of cookie sessions must carry the session's CSRF token (form field `_csrf`
 * or header `X-CSRF-Token`); bearer requests need none (a browser never adds that header by itself).
 */

export interface Principal {
  name: string;
  via: 'session' | 'token' | 'proxy';
  session: AdminSession | null;
}

export const SESSION_COOKIE = 'en3s_session';
export const USER_NAME = /^[A-Za-z0-9._@-]{1,64}$/;

export interface AuthDeps {
  access: AccessSettings;
  jar: CookieJar;
  store: Store;
  clock: Clock;
  log: Logger;
}

export function principalOf(res: Response): Principal | null {
  return (res.locals.admin as Principal | undefined) ?? null;
}

export function requirePrincipal(res: Response): Principal {
  const principal = principalOf(res);
  if (!principal) throw new AdminError(401, 'UNAUTHENTICATED', 'authentification requise');
  return principal;
}

/** The client's address: the peer, or what a trusted proxy says in X-Forwarded-For. */
export function clientAddress(req: Request, access: AccessSettings): string {
  const peer = normaliseAddress(req.socket.remoteAddress ?? 'inconnue');
  const forwarded = req.headers['x-forwarded-for'];
  if (!access.trustedProxies.has(peer) || typeof forwarded !== 'string') return peer;
  // The rightmost address not of a trusted proxy is the one the proxies saw.
  const hops = forwarded
    .split(',')
    .map((h) => normaliseAddress(h.trim()))
    .filter(Boolean);
  for (let i = hops.length - 1; i >= 0; i--) if (!access.trustedProxies.has(hops[i]!)) return hops[i]!;
  return peer;
}

function proxyUser(req: Request, access: AccessSettings): string | null {
  if (!access.proxyHeader) return null;
  const peer = normaliseAddress(req.socket.remoteAddress ?? '');
  if (!access.trustedProxies.has(peer)) return null;
  const value = req.headers[access.proxyHeader];
  return typeof value === 'string' && USER_NAME.test(value.trim()) ? value.trim() : null;
}

export function authenticate(deps: AuthDeps): RequestHandler {
  const { access, jar, store, clock } = deps;
  const times = { idleMs: access.idleMs, absoluteMs: access.absoluteMs };
  return (req: Request, res: Response, next: NextFunction) => {
    void (async () => {
      const authorization = req.headers.authorization;
      if (authorization !== undefined) {
        const match = /^Bearer\s+([A-Za-z0-9._~+/=-]{16,512})\s*$/.exec(authorization);
        const name = match ? access.tokens.get(sha256Hex(match[1]!)) : undefined;
        if (!name)
          throw new AdminError(401, 'INVALID_TOKEN', 'jeton d’API inconnu ou mal formé', {
            'WWW-Authenticate': 'Bearer',
          });
        res.locals.admin = { name, via: 'token', session: null } satisfies Principal;
        return;
      }
      const now = clock.now();
      const cookie = jar.read(req, SESSION_COOKIE);
      let session = cookie ? await findSession(store.db, cookie, now, times) : null;
      const fromProxy = proxyUser(req, access);
      if (session?.via === 'proxy' && session.user !== fromProxy) {
        // The proxy no longer vouches for this user (logged out there, or another user).
        await deleteSession(store.db, session.idHash);
        session = null;
      }
      if (!session && fromProxy) {
        const created = await createSession(store.db, fromProxy, 'proxy', now, times);
        jar.write(res, SESSION_COOKIE, created.id);
        session = created.session;
      }
      if (session)
        res.locals.admin = {
          name: session.user,
          via: session.via === 'proxy' ? 'proxy' : 'session',
          session,
        } satisfies Principal;
    })().then(() => next(), next);
  };
}

/** Refuses anonymous requests: the API with 401 JSON, pages by sending to the login page. */
export function requireAdmin(kind: 'api' | 'page'): RequestHandler {
  return (req, res, next) => {
    if (principalOf(res)) return next();
    if (kind === 'page' && (req.method === 'GET' || req.method === 'HEAD')) {
      const target = req.originalUrl.length <= 1000 ? req.originalUrl : '/admin';
      res.redirect(303, `/login?suite=${encodeURIComponent(target)}`);
      return;
    }
    next(
      new AdminError(
        401,
        'UNAUTHENTICATED',
        'authentification requise : session ou jeton d’API',
        kind === 'api' ? { 'WWW-Authenticate': 'Bearer' } : {},
      ),
    );
  };
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function requireCsrf(): RequestHandler {
  return (req, res, next) => {
    const principal = principalOf(res);
    if (SAFE_METHODS.has(req.method) || !principal || principal.via === 'token') return next();
    const body = req.body as Record<string, unknown> | undefined;
    const given = typeof body?._csrf === 'string' ? body._csrf : req.headers['x-csrf-token'];
    if (typeof given === 'string' && principal.session && sameToken(given, principal.session.csrfToken)) return next();
    next(
      new AdminError(
        403,
        'CSRF_TOKEN_INVALID',
        'jeton anti-CSRF absent ou invalide : rechargez la page et recommencez',
      ),
    );
  };
}

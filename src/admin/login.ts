import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { AccessSettings } from './access-config.js';
import { clientAddress, SESSION_COOKIE, USER_NAME, type AuthDeps } from './auth.js';
import { sameToken, type CookieJar } from './cookies.js';
import { AdminError } from './errors.js';
import { html } from './html.js';
import { page, sendPage } from './layout.js';
import { PasswordChecker } from './passwords.js';
import { AttemptThrottle, FailureLimiter, Gate } from './rate-limit.js';
import { createSession, deleteSession, hashSessionId } from './session-store.js';

/**
 * `GET /login`, `POST /login`, `POST /logout`. Every attempt is counted as it arrives, before its
 * password is checked: per user name and client address together (`adminLoginAttempts` at once,
 * then growing delays), and per client address (four times as many per quarter hour, whatever
 * the name). A refused attempt answers 429 before any password is checked; a name is never
 * locked for everyone, since another address is not held back. At most `PASSWORD_CHECKS_AT_ONCE`
 * bcrypt checks run at once, on worker threads (the event loop serves on): beyond, 503 at once. The login
 * form carries its own CSRF token (a signed cookie matched by the form field), so nobody can log
 * a browser in under another account. A successful login gets a new session id (no fixation) and
 * ends the session the browser had before.
 */

/** bcrypt checks running at once, each on its own worker thread (beyond: 503 at once). */
export const PASSWORD_CHECKS_AT_ONCE = 2;
/** After the free attempts of a name and address, the first wait; doubled at each further attempt. */
export const LOGIN_FIRST_DELAY_MS = 30_000;
/** A name and address are forgotten after a day without attempts (and at the first success). */
const LOGIN_FORGET_AFTER_MS = 24 * 3600_000;

const LOGIN_COOKIE = 'en3s_login';
const LOGIN_COOKIE_MS = 30 * 60_000;

/** Only paths of the dashboard itself: a login never sends the browser elsewhere. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' &&
    /^\/admin(\/[^\\]*)?(\?[^\\]*)?$/.test(value) &&
    !value.startsWith('//') &&
    value.length <= 1000
    ? value
    : '/admin';
}

function loginPage(
  res: Response,
  jar: CookieJar,
  access: AccessSettings,
  options: { status: number; next: string; user?: string; error?: string },
) {
  const token = randomBytes(24).toString('base64url');
  jar.write(res, LOGIN_COOKIE, token, LOGIN_COOKIE_MS);
  const none = access.users.size === 0;
  const viaProxy = access.proxyHeader ? ' : passez par le proxy de l’organisation' : '';
  const noAdministrator = none
    ? html`<p class="error" role="alert">Aucun administrateur n’est configuré (EN3S_ADMIN_USERS)${viaProxy}.</p>`
    : '';
  const body = html`<div class="login">
  ${noAdministrator}
  <form method="post" action="/login">
    <input type="hidden" name="_csrf" value="${token}">
    <input type="hidden" name="suite" value="${options.next}">
    <div><label for="user">Identifiant</label><input
      type="text" id="user" name="user" autocomplete="username" required maxlength="64"
      value="${options.user ?? ''}" autofocus></div>
    <div><label for="password">Mot de passe</label><input
      type="password" id="password" name="password" autocomplete="current-password" required maxlength="200"></div>
    <div><button type="submit">Se connecter</button></div>
  </form>
</div>`;
  sendPage(
    res,
    options.status,
    page({ title: 'Connexion', section: null, principal: null, body, error: options.error }),
  );
}

export interface LoginDeps extends AuthDeps {
  jar: CookieJar;
  /** Called at each password check (the metric of checks). */
  onPasswordCheck?: () => void;
}

export function createLoginRouter(deps: LoginDeps): Router {
  const { access, jar, store, clock, log } = deps;
  const passwords = new PasswordChecker(access.users, PASSWORD_CHECKS_AT_ONCE);
  const perUser = new AttemptThrottle(
    access.loginAttempts,
    LOGIN_FIRST_DELAY_MS,
    access.loginWindowMs,
    LOGIN_FORGET_AFTER_MS,
  );
  const perAddress = new FailureLimiter(access.loginAttempts * 4, access.loginWindowMs);
  const checks = new Gate(PASSWORD_CHECKS_AT_ONCE);
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 });

  router.get('/login', (req, res) => loginPage(res, jar, access, { status: 200, next: safeNext(req.query.suite) }));

  router.post('/login', form, async (req: Request, res: Response) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.suite);
    const user = typeof body.user === 'string' ? body.user.trim() : '';
    const password = typeof body.password === 'string' ? body.password : '';
    const expected = jar.read(req, LOGIN_COOKIE);
    if (typeof body._csrf !== 'string' || !expected || !sameToken(body._csrf, expected)) {
      return loginPage(res, jar, access, {
        status: 403,
        next,
        user,
        error: 'Le formulaire a expiré : saisissez de nouveau vos identifiants.',
      });
    }
    const nowMs = clock.now().getTime();
    const address = `ip:${clientAddress(req, access)}`;
    const userKey = `user:${user.toLowerCase()}|${address}`;
    const byAddress = perAddress.take(address, nowMs);
    const byUser = byAddress.allowed ? perUser.take(userKey, nowMs) : byAddress;
    if (!byUser.allowed) {
      if (byAddress.allowed) perAddress.forgive(address);
      const seconds = Math.ceil(byUser.retryAfterMs / 1000);
      res.setHeader('Retry-After', String(seconds));
      // Neither the name tried nor the address is logged: both can identify a person.
      log.warn('admin login rate-limited');
      const wait = seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
      return loginPage(res, jar, access, {
        status: 429,
        next,
        user,
        error: `Trop de tentatives de connexion : réessayez dans ${wait}.`,
      });
    }
    if (!checks.tryEnter()) {
      // Never checked: the attempt is given back.
      perAddress.forgive(address);
      perUser.forgive(userKey);
      res.setHeader('Retry-After', '1');
      log.warn('admin login refused: password checks busy');
      return loginPage(res, jar, access, {
        status: 503,
        next,
        user,
        error: 'Trop de connexions en cours : réessayez dans quelques secondes.',
      });
    }
    let ok: boolean;
    try {
      deps.onPasswordCheck?.();
      ok = USER_NAME.test(user) && (await passwords.check(user, password));
    } finally {
      checks.leave();
    }
    if (!ok) {
      log.warn('admin login refused');
      return loginPage(res, jar, access, { status: 401, next, user, error: 'Identifiant ou mot de passe incorrect.' });
    }
    perAddress.forgive(address);
    perUser.reset(userKey);
    // The session this browser had before ends here: one browser, one live session.
    const previous = jar.read(req, SESSION_COOKIE);
    if (previous) await deleteSession(store.db, hashSessionId(previous));
    const { id } = await createSession(store.db, user, 'password', clock.now(), {
      idleMs: access.idleMs,
      absoluteMs: access.absoluteMs,
    });
    jar.clear(res, LOGIN_COOKIE);
    jar.write(res, SESSION_COOKIE, id);
    log.info('admin logged in', { via: 'password' });
    res.redirect(303, next);
  });

  router.post('/logout', form, async (req: Request, res: Response) => {
    const principal = res.locals.admin as { session?: { idHash: string; csrfToken: string } | null } | undefined;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const session = principal?.session;
    if (!session || typeof body._csrf !== 'string' || !sameToken(body._csrf, session.csrfToken)) {
      throw new AdminError(403, 'CSRF_TOKEN_INVALID', 'déconnexion refusée : jeton anti-CSRF absent ou invalide');
    }
    await deleteSession(store.db, session.idHash);
    jar.clear(res, SESSION_COOKIE);
    res.redirect(303, '/login');
  });

  return router;
}

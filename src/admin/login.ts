import { randomBytes } from 'node:crypto';
import express, { type Request, type Response, type Router } from 'express';
import type { AccessSettings } from './access-config.js';
import { clientAddress, SESSION_COOKIE, USER_NAME, type AuthDeps } from './auth.js';
import { sameToken, type CookieJar } from './cookies.js';
import { AdminError } from './errors.js';
import { html } from './html.js';
import { page, sendPage } from './layout.js';
import { PasswordChecker } from './passwords.js';
import { FailureLimiter } from './rate-limit.js';
import { createSession, deleteSession } from './session-store.js';

/**
 * `GET /login`, `POST /login`, `POST /logout`. Failed logins are counted per user name and per
 * client address (`adminLoginAttempts` per quarter hour, four times as many per address); a
 * refused attempt answers 429 before any password is checked. The login form carries its own
 * CSRF token (a signed cookie matched by the form field), so nobody can log a browser in under
 * another account. A successful login gets a new session id (no fixation).
 */

const LOGIN_COOKIE = 'en3s_login';
const LOGIN_COOKIE_MS = 30 * 60_000;

/** Only paths of the dashboard itself: a login never sends the browser elsewhere. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/admin(\/[^\\]*)?(\?[^\\]*)?$/.test(value) && !value.startsWith('//') && value.length <= 1000 ? value : '/admin';
}

function loginPage(res: Response, jar: CookieJar, access: AccessSettings, options: { status: number; next: string; user?: string; error?: string }) {
  const token = randomBytes(24).toString('base64url');
  jar.write(res, LOGIN_COOKIE, token, LOGIN_COOKIE_MS);
  const none = access.users.size === 0;
  const body = html`<div class="login">
  ${none ? html`<p class="error" role="alert">Aucun administrateur n’est configuré (EN3S_ADMIN_USERS)${access.proxyHeader ? ' : passez par le proxy de l’organisation' : ''}.</p>` : ''}
  <form method="post" action="/login">
    <input type="hidden" name="_csrf" value="${token}">
    <input type="hidden" name="suite" value="${options.next}">
    <div><label for="user">Identifiant</label><input type="text" id="user" name="user" autocomplete="username" required maxlength="64" value="${options.user ?? ''}" autofocus></div>
    <div><label for="password">Mot de passe</label><input type="password" id="password" name="password" autocomplete="current-password" required maxlength="200"></div>
    <div><button type="submit">Se connecter</button></div>
  </form>
</div>`;
  sendPage(res, options.status, page({ title: 'Connexion', section: null, principal: null, body, error: options.error }));
}

export function createLoginRouter(deps: AuthDeps & { jar: CookieJar }): Router {
  const { access, jar, store, clock, log } = deps;
  const passwords = new PasswordChecker(access.users);
  const perUser = new FailureLimiter(access.loginAttempts, access.loginWindowMs);
  const perAddress = new FailureLimiter(access.loginAttempts * 4, access.loginWindowMs);
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
      return loginPage(res, jar, access, { status: 403, next, user, error: 'Le formulaire a expiré : saisissez de nouveau vos identifiants.' });
    }
    const nowMs = clock.now().getTime();
    const address = `ip:${clientAddress(req, access)}`;
    const userKey = `user:${user.toLowerCase()}`;
    const limited = [perUser.check(userKey, nowMs), perAddress.check(address, nowMs)].find((d) => !d.allowed);
    if (limited) {
      const seconds = Math.ceil(limited.retryAfterMs / 1000);
      res.setHeader('Retry-After', String(seconds));
      // Neither the name tried nor the address is logged: both can identify a person.
      log.warn('admin login rate-limited');
      return loginPage(res, jar, access, { status: 429, next, user, error: `Trop de tentatives de connexion : réessayez dans ${Math.ceil(seconds / 60)} min.` });
    }
    const ok = USER_NAME.test(user) && (await passwords.check(user, password));
    if (!ok) {
      perUser.fail(userKey, nowMs);
      perAddress.fail(address, nowMs);
      log.warn('admin login refused');
      return loginPage(res, jar, access, { status: 401, next, user, error: 'Identifiant ou mot de passe incorrect.' });
    }
    perUser.reset(userKey);
    const { id } = await createSession(store.db, user, 'password', clock.now(), { idleMs: access.idleMs, absoluteMs: access.absoluteMs });
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

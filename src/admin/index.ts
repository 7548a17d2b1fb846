import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import express, { type ErrorRequestHandler, type RequestHandler, type Router } from 'express';
import type { Config } from '../config.js';
import type { PipelineContext } from '../pipeline/context.js';
import { packageRoot } from '../paths.js';
import type { ReportFormat } from '../reports/index.js';
import { accessSettings } from './access-config.js';
import type { HoldsView } from '../pipeline/holds.js';
import type { ReconcileOutcome } from './actions.js';
import { createApiRouter, createPublicApiRouter } from './api-routes.js';
import { redirectToCurrentVersion } from './api-versions.js';
import { authenticate, principalOf, requireAdmin, requireCsrf, type AuthDeps } from './auth.js';
import { createCookieJar } from './cookies.js';
import { AdminError, sendJsonError, toAdminError } from './errors.js';
import { html } from './html.js';
import { createPageRouter } from './html-routes.js';
import { page, sendPage } from './layout.js';
import { createLoginRouter } from './login.js';
import { API_BASE, openApiDocument } from './openapi.js';
import { refuseUndeclaredProxy } from './proxy-check.js';
import type { RouteDeps } from './route-deps.js';

/**
 * The administrators' surface: the dashboard under `/admin`, its login at `/login`, and the JSON
 * API under `/api/v1` (the unversioned `/api/…` paths redirect there). Mount the router at `/`
 * after the webhook route (whose raw body must not be parsed first); it only answers its own
 * paths and leaves `/healthz`, `/readyz`, `/metrics` and the webhook alone. Anything under
 * `/admin` or `/api/v1` but the OpenAPI document needs a session or an API token before
 * anything else happens, so an anonymous URL guess learns nothing, not even whether an offer exists.
 */

export interface AdminDeps {
  ctx: PipelineContext;
  config: Config;
  /** Runs a reconciliation now (the service's, shared with its schedule). */
  reconcileNow: () => Promise<unknown>;
  reports?: { dir?: string; onRun?: (run: { format: ReportFormat; trigger: 'api' }) => void };
  /** The ATS client's circuit breaker state (`CircuitBreaker.snapshot`). */
  circuit?: () => unknown;
  /** Called at each password check of the login form (a metric). */
  onPasswordCheck?: () => void;
  /** What holds commands back, this instance's view (`HoldRegister.view`). */
  holds?: () => HoldsView;
}

export { metricsExposureProblem, metricsGuard } from './metrics-guard.js';
export type { Principal } from './auth.js';

const securityHeaders: RequestHandler = (_req, res, next) => {
  res.setHeader(
    'Content-Security-Policy',
    "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  );
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  res.setHeader('Cache-Control', 'no-store');
  next();
};

export function createAdminRouter(deps: AdminDeps): Router {
  const { ctx, config } = deps;
  const access = accessSettings(config);
  if (access.ephemeralKey)
    ctx.log.warn(
      'admin sessions are signed with a random key: set EN3S_ADMIN_SESSION_SECRET to keep them ' +
        'across restarts and instances',
    );
  const jar = createCookieJar(access.sessionKey, access.secureCookie);
  let lastReconcile: ReconcileOutcome | null = null;
  const routeDeps: RouteDeps = {
    ctx,
    config,
    access,
    actions: { ctx, reconcileNow: deps.reconcileNow, onReconciled: (outcome) => (lastReconcile = outcome) },
    operations: {
      ctx,
      ...(deps.circuit ? { circuit: deps.circuit } : {}),
      ...(deps.holds ? { holds: deps.holds } : {}),
      lastReconcile: () => lastReconcile,
    },
    reports: {
      ctx,
      config,
      dir: deps.reports?.dir ?? config.reportsDir,
      ...(deps.reports?.onRun ? { onRun: deps.reports.onRun } : {}),
    },
  };
  const authDeps: AuthDeps = { access, jar, store: ctx.store, clock: ctx.clock, log: ctx.log };
  const css = readFileSync(join(packageRoot(), 'src', 'admin', 'admin.css'));

  const apiErrors: ErrorRequestHandler = (error, _req, res, _next) => {
    const known = toAdminError(error);
    if (known) return sendJsonError(res, known);
    ctx.log.error('admin API error', { error: error instanceof Error ? error.message : String(error) });
    sendJsonError(res, new AdminError(500, 'INTERNAL_ERROR', 'erreur interne du service (voir ses journaux)'));
  };
  const pageErrors: ErrorRequestHandler = (error, _req, res, _next) => {
    const known = toAdminError(error);
    if (!known) ctx.log.error('admin page error', { error: error instanceof Error ? error.message : String(error) });
    const status = known?.status ?? 500;
    for (const [name, value] of Object.entries(known?.headers ?? {})) res.setHeader(name, value);
    const principal = principalOf(res);
    const body =
      status === 401
        ? html`<p><a href="/login">Se connecter</a></p>`
        : html`<p><a href="/admin">Retour à la vue d’ensemble</a></p>`;
    sendPage(
      res,
      status,
      page({
        title: status === 404 ? 'Page introuvable' : 'Demande refusée',
        section: null,
        principal,
        body,
        error: known?.message ?? 'Erreur interne du service.',
      }),
    );
  };

  const router = express.Router();
  router.use(['/admin', '/api', '/login', '/logout'], securityHeaders, refuseUndeclaredProxy(access, ctx.log));
  router.get('/', (_req, res) => res.redirect(303, '/admin'));
  router.get('/admin/static/admin.css', (_req, res) => {
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.type('text/css').send(css);
  });
  router.use('/logout', authenticate(authDeps));
  router.use(
    createLoginRouter({ ...authDeps, ...(deps.onPasswordCheck ? { onPasswordCheck: deps.onPasswordCheck } : {}) }),
  );
  // The OpenAPI document needs no sign-in (it holds no data), also at a path that outlives versions.
  router.use(API_BASE, createPublicApiRouter(), apiErrors);
  router.get('/api/openapi.json', (_req, res) => {
    res.json(openApiDocument());
  });
  router.use('/api', redirectToCurrentVersion, apiErrors);
  router.use(
    API_BASE,
    authenticate(authDeps),
    requireAdmin('api'),
    express.json({ limit: '64kb' }),
    requireCsrf(),
    createApiRouter(routeDeps),
    ((req, _res, next) =>
      next(
        new AdminError(404, 'NOT_FOUND', `aucune route ${req.method} ${API_BASE}${req.path.slice(0, 200)}`),
      )) as RequestHandler,
    apiErrors,
  );
  router.use(
    '/admin',
    authenticate(authDeps),
    requireAdmin('page'),
    express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }),
    requireCsrf(),
    createPageRouter(routeDeps),
    ((_req, _res, next) => next(new AdminError(404, 'NOT_FOUND', 'Cette page n’existe pas.'))) as RequestHandler,
    pageErrors,
  );
  router.use(['/login', '/logout'], pageErrors);
  return router;
}

import express, { Router, type ErrorRequestHandler, type RequestHandler, type Response } from 'express';
import type { SandboxClock } from './clock.js';
import type { AlertRecord } from './alerts.js';
import type { DemoCampaign } from './demo-campaign.js';
import type { TenantCounters } from './counters.js';
import type { TenantDriver } from './driver.js';
import type { FaultPlan, FaultPlanInput } from './faults.js';
import type { QueueElementRecord } from './queues.js';
import type { ActionErrorCode, Outcome } from './tenant-context.js';

/**
 * The driver over HTTP, under `/sandbox` (docs/talentlink.md §7): loopback clients only, JSON in and out,
 * errors `{code, message}` in French. Not part of the TalentLink contract.
 */

export interface DriverHost {
  driver: TenantDriver;
  clock: SandboxClock;
  counters(): TenantCounters;
  configureFaults(plan: FaultPlanInput): FaultPlan;
  faults(): FaultPlan;
  queueElements(name: string): QueueElementRecord[] | null;
  recentAlerts(): AlertRecord[];
  seedDemo(now?: Date): DemoCampaign;
  reset(): void;
}

const statusOf: Record<ActionErrorCode, number> = {
  INVALID_INPUT: 400,
  UNKNOWN_USER: 400,
  UNKNOWN_DEPARTMENT: 400,
  JOB_NOT_FOUND: 404,
  POSTING_NOT_FOUND: 404,
  UNKNOWN_QUEUE: 404,
  NO_APPROVERS: 409,
  NOT_PENDING: 409,
  NOT_AN_APPROVER: 409,
  ALREADY_DECIDED: 409,
  JOB_CLOSED: 409,
  PUBLICATION_REFUSED: 409,
};

const sendError = (res: Response, status: number, code: string, message: string) =>
  res.status(status).json({ code, message });

function answer<T>(res: Response, outcome: Outcome<T>, created = false): void {
  if (outcome.ok) res.status(created ? 201 : 200).json(outcome.value);
  else sendError(res, statusOf[outcome.error.code], outcome.error.code, outcome.error.message);
}

function loopbackOnly(): RequestHandler {
  return (req, res, next) => {
    const address = req.socket.remoteAddress ?? '';
    if (address === '::1' || address.startsWith('127.') || address.startsWith('::ffff:127.')) return next();
    sendError(res, 403, 'FORBIDDEN', 'Le pilotage du bac à sable ne répond qu’aux clients locaux');
  };
}

/** A positive integer from the path or the body, or null. */
const int = (value: unknown): number | null => {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^[0-9]{1,16}$/.test(value)
        ? Number(value)
        : Number.NaN;
  return Number.isSafeInteger(n) && n > 0 ? n : null;
};

export function driverRoutes(host: DriverHost): Router {
  const router = Router();
  const d = host.driver;
  router.use(loopbackOnly(), express.json({ limit: '1mb' }));

  const withJob =
    (run: (jobId: number, body: Record<string, unknown>) => Outcome<unknown>, created = false): RequestHandler =>
    (req, res) => {
      const jobId = int(req.params.id);
      if (jobId === null)
        return void sendError(res, 400, 'INVALID_INPUT', `Identifiant d'offre invalide : ${String(req.params.id)}`);
      answer(res, run(jobId, (req.body ?? {}) as Record<string, unknown>), created);
    };
  const withUser = (act: (jobId: number, userId: number) => Outcome<unknown>) =>
    withJob((jobId, body) => {
      const userId = int(body.userId);
      return userId === null
        ? {
            ok: false,
            error: { code: 'INVALID_INPUT', message: 'Entrée invalide : userId attendu (identifiant numérique)' },
          }
        : act(jobId, userId);
    });

  router.post('/jobs', (req, res) => answer(res, d.createJob(req.body ?? {}), true));
  router.get(
    '/jobs/:id',
    withJob((id) => d.job(id)),
  );
  router.patch(
    '/jobs/:id',
    withJob((id, body) => d.editJob(id, body)),
  );
  router.put('/jobs/:id/team', (req, res, next) => {
    const mode = req.query.mode === 'merge' ? 'merge' : req.query.mode === 'replace' ? 'replace' : undefined;
    withJob((id, body) => d.setTeam(id, body, mode))(req, res, next);
  });
  router.post(
    '/jobs/:id/submit',
    withJob((id) => d.submitForApproval(id)),
  );
  router.post(
    '/jobs/:id/approve',
    withUser((id, userId) => d.approve(id, userId)),
  );
  router.post(
    '/jobs/:id/refuse',
    withUser((id, userId) => d.refuse(id, userId)),
  );
  router.post(
    '/jobs/:id/publish',
    withJob((id) => d.publish(id), true),
  );
  router.post(
    '/jobs/:id/close',
    withJob((id) => d.close(id)),
  );
  router.post(
    '/jobs/:id/cancel',
    withJob((id) => d.cancel(id)),
  );
  router.post(
    '/jobs/:id/restrict',
    withJob((id, body) => d.restrictJob(id, body.restricted !== false)),
  );
  router.delete(
    '/jobs/:id',
    withJob((id) => d.deleteJob(id)),
  );
  router.post('/postings/unpost', (req, res) => {
    const ids = Array.isArray(req.body?.postingIds) ? (req.body.postingIds as unknown[]).map(int) : [];
    if (ids.length === 0 || ids.some((i) => i === null))
      return void sendError(
        res,
        400,
        'INVALID_INPUT',
        'Entrée invalide : postingIds attendu (liste d’identifiants numériques)',
      );
    answer(res, d.unpost(ids as number[]));
  });

  router.get('/queues/:name/elements', (req, res) => {
    const elements = host.queueElements(req.params.name);
    if (elements === null)
      return void sendError(res, 404, 'UNKNOWN_QUEUE', `File « ${req.params.name} » inconnue du bac à sable`);
    res.json(elements);
  });
  router.post('/queues/:name/poison', (req, res) => {
    const kind = req.body?.kind;
    if (kind !== 'gone' && kind !== 'forbidden')
      return void sendError(
        res,
        400,
        'INVALID_INPUT',
        'Entrée invalide : kind attendu, « gone » (404 à la lecture) ou « forbidden » (403)',
      );
    answer(res, d.injectPoison(req.params.name, kind), true);
  });

  router.get('/counters', (_req, res) => res.json(host.counters()));
  router.get('/alerts', (_req, res) => res.json(host.recentAlerts()));
  router.get('/faults', (_req, res) => res.json(host.faults()));
  router.put('/faults', (req, res) => {
    try {
      res.json(host.configureFaults(req.body ?? {}));
    } catch (error) {
      const issues = (error as { issues?: Array<{ path: unknown[]; message: string }> }).issues;
      if (!issues) throw error;
      sendError(
        res,
        400,
        'INVALID_INPUT',
        `Entrée invalide : ${issues.map((i) => `${i.path.map(String).join('.')} : ${i.message}`).join(' ; ')}`,
      );
    }
  });
  router.get('/clock', (_req, res) => res.json(host.clock.describe()));
  router.post('/clock', (req, res) => {
    const { at, frozen, advanceMs } = (req.body ?? {}) as { at?: unknown; frozen?: unknown; advanceMs?: unknown };
    if (at !== undefined && (typeof at !== 'string' || Number.isNaN(Date.parse(at))))
      return void sendError(res, 400, 'INVALID_INPUT', 'Entrée invalide : at attendu, un instant ISO 8601');
    if (advanceMs !== undefined && (typeof advanceMs !== 'number' || !Number.isFinite(advanceMs)))
      return void sendError(
        res,
        400,
        'INVALID_INPUT',
        'Entrée invalide : advanceMs attendu, un nombre de millisecondes',
      );
    if (typeof at === 'string') host.clock.set(new Date(at), frozen === true);
    else if (frozen === true) host.clock.freeze();
    else if (frozen === false) host.clock.resume();
    if (typeof advanceMs === 'number') host.clock.advance(advanceMs);
    res.json(host.clock.describe());
  });
  router.post('/demo-campaign', (req, res) => {
    const now = req.body?.now;
    if (now !== undefined && (typeof now !== 'string' || Number.isNaN(Date.parse(now))))
      return void sendError(res, 400, 'INVALID_INPUT', 'Entrée invalide : now attendu, un instant ISO 8601');
    res.status(201).json(host.seedDemo(typeof now === 'string' ? new Date(now) : undefined));
  });
  router.post('/reset', (_req, res) => {
    host.reset();
    res.status(204).end();
  });
  router.use((req, res) =>
    sendError(
      res,
      404,
      'NOT_FOUND',
      `Aucune route ${req.method} ${req.baseUrl}${req.path} dans le pilotage du bac à sable`,
    ),
  );
  router.use(((error, _req, res, next) => {
    if (res.headersSent) return next(error);
    const type = (error as { type?: string }).type;
    if (type === 'entity.parse.failed')
      return sendError(res, 400, 'BAD_JSON', 'Le corps de la requête n’est pas du JSON valide');
    sendError(res, 500, 'INTERNAL_ERROR', 'Erreur inattendue du bac à sable');
  }) as ErrorRequestHandler);
  return router;
}

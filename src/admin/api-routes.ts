import express, { type Request, type Router } from 'express';
import { describeConfig } from '../config.js';
import { getReportRun } from '../reports/index.js';
import { readLedger } from '../store/ledger.js';
import { getOffer } from '../store/offers.js';
import { listDeadLetters, listOfferCommands } from '../store/outbox.js';
import { getBoardEntry, type BoardEntry } from '../store/en3s-board.js';
import {
  markChecked,
  offerKeyOf,
  overrideScope,
  parseBoardEntry,
  parseReason,
  reconcileNow,
  recordBoardEntry,
  reevaluate,
  retryDeadLetter,
} from './actions.js';
import { requirePrincipal } from './auth.js';
import { currentCampaign } from './campaign.js';
import { AdminError, badRequest, notFound } from './errors.js';
import { TIMELINE_LIMIT } from './html-routes.js';
import { parseOfferQuery } from './offer-filters.js';
import { countAdminOffers, listAdminOffers } from '../store/offer-list.js';
import { parseReportRequest } from './report-request.js';
import { generateFromRequest, listRuns, parseRunId, runFilePath, sendRunFile } from './reports.js';
import type { RouteDeps } from './route-deps.js';
import { operations, overview } from './status.js';
import { timelineLine } from './timeline.js';

/**
 * The admin JSON API (`/api/…`), for scripts, with the rights of the dashboard: a session (and
 * its CSRF token in `X-CSRF-Token` for writes) or `Authorization: Bearer <token>`. Refusals are
 * `{code, message}` with a 4xx status. Documented in docs/admin-api.md.
 */

function body(req: Request): Record<string, unknown> {
  const value: unknown = req.body;
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw badRequest('corps de la requête : un objet JSON était attendu');
  return value as Record<string, unknown>;
}

/** An entry on EN3S's board as the API shows it. */
function boardJson(entry: BoardEntry | null) {
  return (
    entry && {
      enteredOn: entry.entered_on,
      note: entry.note,
      recordedBy: entry.recorded_by,
      recordedAt: entry.recorded_at,
      revision: entry.revision,
      ledgerSeq: entry.ledger_seq,
    }
  );
}

function intParam(req: Request, name: string, min: number, max: number, fallback: number): number {
  const text = req.query[name];
  if (text === undefined) return fallback;
  if (typeof text !== 'string' || !/^\d{1,9}$/.test(text) || Number(text) < min || Number(text) > max) {
    throw badRequest(`paramètre « ${name} » : entier de ${min} à ${max} attendu`);
  }
  return Number(text);
}

export function createApiRouter(deps: RouteDeps): Router {
  const router = express.Router();
  const { ctx } = deps;
  const key = (req: Request) =>
    offerKeyOf(String(req.params.source), String(req.params.atsId), String(req.params.campaign));

  router.get('/overview', async (req, res) => {
    const campaignText = req.query.campaign;
    if (campaignText !== undefined && (typeof campaignText !== 'string' || !/^\d{4}$/.test(campaignText)))
      throw badRequest('paramètre « campaign » : une année sur quatre chiffres attendue');
    const data = await overview(
      deps.operations,
      campaignText ? Number(campaignText) : currentCampaign(ctx.domain, ctx.clock.now()),
    );
    const rs = data.campaign.ruleSetNow;
    res.json({
      ...data,
      campaign: {
        ...data.campaign,
        ruleSetNow: rs
          ? { id: rs.id, citation: rs.citation, title: rs.title, from: rs.file.inForce.from, to: rs.file.inForce.to }
          : null,
      },
    });
  });

  router.get('/offers', async (req, res) => {
    const query = parseOfferQuery(req.query as Record<string, unknown>, ctx.domain, ctx.clock.now());
    const page = await listAdminOffers(ctx.store.db, query.filter, {
      sort: query.sort,
      limit: query.limit,
      after: query.after,
    });
    const total = await countAdminOffers(ctx.store.db, query.filter);
    res.json({ campaign: query.filter.campaign, total, items: page.items, next: page.next });
  });

  router.get('/offers/:source/:atsId/:campaign', async (req, res) => {
    const k = key(req);
    const offer = await getOffer(ctx.store.db, k);
    if (!offer) throw notFound(`aucune offre ${k.ats_id} (${k.source}) pour la campagne ${k.campaign}`);
    const entries = await readLedger(ctx.store.db, { offer: k, limit: TIMELINE_LIMIT });
    res.json({
      offer,
      commands: await listOfferCommands(ctx.store.db, k),
      en3sBoard: boardJson(await getBoardEntry(ctx.store.db, k)),
      timeline: entries.map((e) => ({ ...e, description: timelineLine(e).what })),
    });
  });

  router.get('/offers/:source/:atsId/:campaign/timeline', async (req, res) => {
    const k = key(req);
    const fromSeq = intParam(req, 'fromSeq', 1, Number.MAX_SAFE_INTEGER, 1);
    const limit = intParam(req, 'limit', 1, TIMELINE_LIMIT, 1000);
    if (!(await getOffer(ctx.store.db, k)))
      throw notFound(`aucune offre ${k.ats_id} (${k.source}) pour la campagne ${k.campaign}`);
    const entries = await readLedger(ctx.store.db, { offer: k, fromSeq, limit });
    res.json({ entries: entries.map((e) => ({ ...e, description: timelineLine(e).what })) });
  });

  router.post('/offers/:source/:atsId/:campaign/override', async (req, res) => {
    const b = body(req);
    if (!('concerned' in b) || !(b.concerned === true || b.concerned === false || b.concerned === null)) {
      throw badRequest('« concerned » : true (concernée), false (non concernée) ou null (retirer le forçage) attendu');
    }
    res.json(await overrideScope(deps.actions, key(req), b.concerned, parseReason(b.reason), requirePrincipal(res)));
  });

  router.post('/offers/:source/:atsId/:campaign/reevaluate', async (req, res) => {
    res.json(await reevaluate(deps.actions, key(req), parseReason(body(req).reason), requirePrincipal(res)));
  });

  // The administrator looked at an offer flagged "à vérifier": the flag goes until a newer version of the job raises it
  // (409 if not flagged).
  router.post('/offers/:source/:atsId/:campaign/checked', async (req, res) => {
    res.json(await markChecked(deps.actions, key(req), parseReason(body(req).reason), requirePrincipal(res)));
  });

  // The post was entered on EN3S's online job board: 201 the first time, 200 when it replaces the entry in force (or
  // repeats it).
  router.post('/offers/:source/:atsId/:campaign/en3s-board', async (req, res) => {
    const done = await recordBoardEntry(deps.actions, key(req), parseBoardEntry(body(req)), requirePrincipal(res));
    res
      .status(done.outcome === 'created' ? 201 : 200)
      .json({ outcome: done.outcome, entry: boardJson(done.entry), supersedes: boardJson(done.supersedes) });
  });

  router.get('/outbox/dead', async (req, res) => {
    const limit = intParam(req, 'limit', 1, 500, 50);
    const offset = intParam(req, 'offset', 0, 10_000_000, 0);
    res.json({ items: await listDeadLetters(ctx.store.db, { limit, offset }) });
  });

  router.post('/outbox/:id/retry', async (req, res) => {
    const id = req.params.id!;
    if (!/^\d{1,12}$/.test(id)) throw badRequest(`numéro de commande : entier attendu, reçu « ${id.slice(0, 50)} »`);
    res.json(await retryDeadLetter(deps.actions, Number(id), parseReason(body(req).reason), requirePrincipal(res)));
  });

  router.post('/reconcile', async (req, res) => {
    const outcome = await reconcileNow(deps.actions, parseReason(body(req).reason), requirePrincipal(res));
    if (!outcome.ok)
      throw new AdminError(502, 'ATS_UNAVAILABLE', `réconciliation impossible : ${outcome.error ?? 'ATS injoignable'}`);
    res.json(outcome);
  });

  router.get('/status', async (_req, res) => {
    res.json({ operations: await operations(deps.operations), settings: describeConfig(deps.config) });
  });

  router.get('/reports/runs', async (req, res) => {
    const campaignText = req.query.campaign;
    if (campaignText !== undefined && (typeof campaignText !== 'string' || !/^\d{4}$/.test(campaignText)))
      throw badRequest('paramètre « campaign » : une année sur quatre chiffres attendue');
    const runs = await listRuns(
      deps.reports,
      campaignText ? Number(campaignText) : undefined,
      intParam(req, 'limit', 1, 500, 50),
    );
    res.json({
      items: runs.map(({ run, available }) => ({
        ...run,
        download: available ? `/api/reports/runs/${run.id}/file` : null,
      })),
    });
  });

  router.post('/reports', async (req, res) => {
    const run = await generateFromRequest(deps.reports, parseReportRequest(body(req)), requirePrincipal(res));
    res.status(201).json({ ...run, download: `/api/reports/runs/${run.id}/file` });
  });

  router.get('/reports/runs/:id', async (req, res) => {
    const run = await getReportRun(ctx.store.db, parseRunId(req.params.id!));
    if (!run) throw notFound(`aucun rapport n° ${req.params.id!}`);
    res.json({ ...run, download: (await runFilePath(deps.reports, run)) ? `/api/reports/runs/${run.id}/file` : null });
  });

  router.get('/reports/runs/:id/file', async (req, res) => {
    await sendRunFile(deps.reports, req.params.id!, res);
  });

  return router;
}

import express, { type Request, type Response, type Router } from 'express';
import { z } from 'zod';
import { describeConfig } from '../config.js';
import { getReportRun } from '../reports/index.js';
import { readLedger } from '../store/ledger.js';
import { getOffer, type OfferKey } from '../store/offers.js';
import { listDeadLetters, listOfferCommands } from '../store/outbox.js';
import { getBoardEntry, type BoardEntry } from '../store/en3s-board.js';
import { markChecked, overrideScope, reconcileNow, recordBoardEntry, reevaluate, retryDeadLetter } from './actions.js';
import { apiOperations, expressPath, type ApiOperation } from './api-contract.js';
import { requirePrincipal } from './auth.js';
import { currentCampaign } from './campaign.js';
import { AdminError, notFound } from './errors.js';
import { TIMELINE_LIMIT } from './html-routes.js';
import { parseInput } from './input-problems.js';
import { offerQueryOf } from './offer-filters.js';
import { countAdminOffers, decodeKey, listAdminOffers } from '../store/offer-list.js';
import { encodePageKey } from '../store/page-keys.js';
import { API_BASE, openApiDocument } from './openapi.js';
import { generateFromRequest, listRuns, runFilePath, sendRunFile } from './reports.js';
import type { RouteDeps } from './route-deps.js';
import { operations, overview } from './status.js';
import { timelineLine } from './timeline.js';

/**
 * The admin JSON API (`/api/v1/…`), for scripts, with the rights of the dashboard: a session (and
 * its CSRF token in `X-CSRF-Token` for writes) or `Authorization: Bearer <token>`. Each route is
 * an operation of `api-contract.ts`, whose schemas check its input here and document it in the
 * OpenAPI document. Refusals are `application/problem+json`. Documented in docs/admin-api.md.
 */

type Out<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;
type Input<O extends ApiOperation> = { params: Out<O['params']>; query: Out<O['query']>; body: Out<O['body']> };

/** Mounts one operation: its input checked by its schemas (400 naming what is wrong), then the handler. */
function mount<O extends ApiOperation>(
  router: Router,
  op: O,
  handler: (input: Input<O>, res: Response, req: Request) => Promise<void> | void,
): void {
  router[op.method](expressPath(op.path), async (req, res) => {
    const input = {
      params: op.params ? parseInput('params', op.params, req.params) : {},
      query: parseInput('query', op.query ?? emptyQuery, { ...req.query }),
      body: op.body ? parseInput('body', op.body, req.body) : {},
    } as Input<O>;
    await handler(input, res, req);
  });
}

const emptyQuery = z.strictObject({});

const downloadOf = (id: number) => `${API_BASE}/reports/runs/${id}/file`;
const noOffer = (k: OfferKey) => notFound(`aucune offre ${k.ats_id} (${k.source}) pour la campagne ${k.campaign}`);
const keyOf = (p: { source: string; atsId: string; campaign: number }): OfferKey => ({
  source: p.source,
  ats_id: p.atsId,
  campaign: p.campaign,
});

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

/** The `{items, next}` page of a list read with one row more than asked. */
function pageOf<T>(rows: T[], limit: number, keyAfter: (last: T, extra: T) => number) {
  const items = rows.slice(0, limit);
  const next = rows.length > limit ? encodePageKey([keyAfter(items[items.length - 1]!, rows[limit]!)]) : null;
  return { items, next };
}

/** The operations answered without signing in, mounted before authentication: the document itself. */
export function createPublicApiRouter(): Router {
  const router = express.Router();
  mount(router, apiOperations.openapi, (_input, res) => {
    res.json(openApiDocument());
  });
  return router;
}

export function createApiRouter(deps: RouteDeps): Router {
  const router = express.Router();
  const { ctx } = deps;
  const ops = apiOperations;

  mount(router, ops.overview, async ({ query }, res) => {
    const data = await overview(deps.operations, query.campaign ?? currentCampaign(ctx.domain, ctx.clock.now()));
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

  mount(router, ops.listOffers, async ({ query }, res) => {
    const { cursor, ...values } = query;
    const parsed = offerQueryOf(
      { ...values, after: cursor === undefined ? null : decodeKey(cursor) },
      ctx.domain,
      ctx.clock.now(),
    );
    const page = await listAdminOffers(ctx.store.db, parsed.filter, {
      sort: parsed.sort,
      limit: parsed.limit,
      after: parsed.after,
    });
    const total = await countAdminOffers(ctx.store.db, parsed.filter);
    res.json({ campaign: parsed.filter.campaign, total, items: page.items, next: page.next });
  });

  mount(router, ops.getOffer, async ({ params }, res) => {
    const k = keyOf(params);
    const offer = await getOffer(ctx.store.db, k);
    if (!offer) throw noOffer(k);
    const entries = await readLedger(ctx.store.db, { offer: k, limit: TIMELINE_LIMIT });
    res.json({
      offer,
      commands: await listOfferCommands(ctx.store.db, k),
      en3sBoard: boardJson(await getBoardEntry(ctx.store.db, k)),
      timeline: entries.map((e) => ({ ...e, description: timelineLine(e).what })),
    });
  });

  mount(router, ops.offerTimeline, async ({ params, query }, res) => {
    const k = keyOf(params);
    if (!(await getOffer(ctx.store.db, k))) throw noOffer(k);
    const entries = await readLedger(ctx.store.db, {
      offer: k,
      ...(query.cursor !== undefined ? { fromSeq: query.cursor } : {}),
      limit: query.limit + 1,
    });
    const described = entries.map((e) => ({ ...e, description: timelineLine(e).what }));
    res.json(pageOf(described, query.limit, (_last, extra) => extra.seq));
  });

  mount(router, ops.overrideScope, async ({ params, body }, res) => {
    res.json(await overrideScope(deps.actions, keyOf(params), body.concerned, body.reason, requirePrincipal(res)));
  });

  mount(router, ops.reevaluate, async ({ params, body }, res) => {
    res.json(await reevaluate(deps.actions, keyOf(params), body.reason, requirePrincipal(res)));
  });

  // The administrator looked at an offer flagged "à vérifier": the flag goes until a newer version of the job raises it
  // (409 if not flagged).
  mount(router, ops.markChecked, async ({ params, body }, res) => {
    res.json(await markChecked(deps.actions, keyOf(params), body.reason, requirePrincipal(res)));
  });

  // The post was entered on EN3S's online job board: 201 the first time, 200 when it replaces the entry in force (or
  // repeats it).
  mount(router, ops.recordBoardEntry, async ({ params, body }, res) => {
    const done = await recordBoardEntry(deps.actions, keyOf(params), body, requirePrincipal(res));
    res
      .status(done.outcome === 'created' ? 201 : 200)
      .json({ outcome: done.outcome, entry: boardJson(done.entry), supersedes: boardJson(done.supersedes) });
  });

  mount(router, ops.listDeadLetters, async ({ query }, res) => {
    const rows = await listDeadLetters(ctx.store.db, {
      limit: query.limit + 1,
      ...(query.cursor !== undefined ? { beforeId: query.cursor } : {}),
    });
    res.json(pageOf(rows, query.limit, (last) => Number(last.id)));
  });

  mount(router, ops.retryCommand, async ({ params, body }, res) => {
    res.json(await retryDeadLetter(deps.actions, params.id, body.reason, requirePrincipal(res)));
  });

  mount(router, ops.reconcile, async ({ body }, res) => {
    const outcome = await reconcileNow(deps.actions, body.reason, requirePrincipal(res));
    if (!outcome.ok)
      throw new AdminError(502, 'ATS_UNAVAILABLE', `réconciliation impossible : ${outcome.error ?? 'ATS injoignable'}`);
    res.json(outcome);
  });

  mount(router, ops.status, async (_input, res) => {
    res.json({ operations: await operations(deps.operations), settings: describeConfig(deps.config) });
  });

  mount(router, ops.listReportRuns, async ({ query }, res) => {
    const runs = await listRuns(deps.reports, {
      ...(query.campaign !== undefined ? { campaign: query.campaign } : {}),
      ...(query.cursor !== undefined ? { beforeId: query.cursor } : {}),
      limit: query.limit + 1,
    });
    const described = runs.map(({ run, available }) => ({ ...run, download: available ? downloadOf(run.id) : null }));
    res.json(pageOf(described, query.limit, (last) => last.id));
  });

  mount(router, ops.createReport, async ({ body }, res) => {
    const run = await generateFromRequest(deps.reports, body, requirePrincipal(res));
    res.status(201).json({ ...run, download: downloadOf(run.id) });
  });

  mount(router, ops.getReportRun, async ({ params }, res) => {
    const run = await getReportRun(ctx.store.db, params.id);
    if (!run) throw notFound(`aucun rapport n° ${params.id}`);
    res.json({ ...run, download: (await runFilePath(deps.reports, run)) ? downloadOf(run.id) : null });
  });

  mount(router, ops.getReportFile, async ({ params }, res) => {
    await sendRunFile(deps.reports, params.id, res);
  });

  return router;
}

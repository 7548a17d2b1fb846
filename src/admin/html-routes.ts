import express, { type Request, type Response, type Router } from 'express';
import { listDeadLetters, listOfferCommands } from '../store/outbox.js';
import { getOffer, type OfferKey } from '../store/offers.js';
import { readLedger } from '../store/ledger.js';
import { getBoardEntry } from '../store/en3s-board.js';
import {
  boardToday,
  markChecked,
  offerKeyOf,
  overrideScope,
  parseBoardEntry,
  parseReason,
  reconcileNow,
  recordBoardEntry,
  reevaluate,
  retryDeadLetter,
  commandIdInput,
} from './actions.js';
import { requirePrincipal } from './auth.js';
import { currentCampaign } from './campaign.js';
import { AdminError, badRequest, notFound } from './errors.js';
import { pathOf } from './html.js';
import { page, sendPage, type Section } from './layout.js';
import type { SafeHtml } from './html.js';
import { parseOfferQuery } from './offer-filters.js';
import { campaignsWithOffers, countAdminOffers, listAdminOffers } from '../store/offer-list.js';
import { commandsBody, COMMANDS_PAGE_SIZE } from './page-commands.js';
import { mailsBody, poisonBody, POISON_PAGE_SIZE } from './page-ingest.js';
import { listRecentMails } from '../store/recruiter-mails.js';
import { listPoisonElements } from '../store/queue-drains.js';
import { listMailboxMessages } from '../store/mailbox.js';
import { offerBody } from './page-offer.js';
import { parseFamilies } from './page-offer-timeline.js';
import { reconcileNotice, reconcileParams } from './reconcile-notice.js';
import { offersBody } from './page-offers.js';
import { overviewBody } from './page-overview.js';
import { reportsBody } from './page-reports.js';
import { settingsBody } from './page-settings.js';
import { generateFromRequest, listRuns, parseRunId, sendRunFile } from './reports.js';
import { parseInput } from './input-problems.js';
import type { RouteDeps } from './route-deps.js';
import { operations, overview } from './status.js';
import { timelineLine } from './timeline.js';

/**
 * The pages under `/admin` (mounted behind authentication and the CSRF check). Forms post to
 * the same paths and answer with a redirect (303) to the page, whose message is chosen by a code.
 */

export const TIMELINE_LIMIT = 5000;

function done(req: Request): string | undefined {
  return typeof req.query.done === 'string' ? req.query.done : undefined;
}

function campaignParam(req: Request, deps: RouteDeps): number {
  const text = req.query.campaign;
  if (text === undefined || text === '') return currentCampaign(deps.ctx.domain, deps.ctx.clock.now());
  if (typeof text !== 'string' || !/^\d{4}$/.test(text))
    throw badRequest(`paramètre « campaign » : une année sur quatre chiffres attendue`);
  return Number(text);
}

const scopes: Record<string, boolean | null> = { concerned: true, not_concerned: false, remove: null };

export function createPageRouter(deps: RouteDeps): Router {
  const router = express.Router();
  const { ctx } = deps;
  const show = (req: Request, res: Response, title: string, section: Section | null, body: SafeHtml) =>
    sendPage(res, 200, page({ title, section, principal: requirePrincipal(res), body, done: done(req) }));

  router.get('/', async (req, res) => {
    const campaign = campaignParam(req, deps);
    const data = await overview(deps.operations, campaign);
    show(req, res, 'Vue d’ensemble', 'overview', overviewBody(data, await campaignsWithOffers(ctx.store.db)));
  });

  router.get('/offres', async (req, res) => {
    const query = parseOfferQuery(req.query as Record<string, unknown>, ctx.domain, ctx.clock.now());
    const [list, total, campaigns] = [
      await listAdminOffers(ctx.store.db, query.filter, { sort: query.sort, limit: query.limit, after: query.after }),
      await countAdminOffers(ctx.store.db, query.filter),
      await campaignsWithOffers(ctx.store.db),
    ];
    show(req, res, 'Offres', 'offers', offersBody(ctx.domain, query, list, total, campaigns));
  });

  /** The offer page; with `refusal`, the action refused shown above it, with its status. */
  async function showOffer(req: Request, res: Response, key: OfferKey, refusal: AdminError | null = null) {
    const record = await getOffer(ctx.store.db, key);
    if (!record) throw notFound(`aucune offre ${key.ats_id} pour la campagne ${key.campaign}`);
    const commands = await listOfferCommands(ctx.store.db, key);
    const entries = await readLedger(ctx.store.db, { offer: key, limit: TIMELINE_LIMIT });
    const principal = requirePrincipal(res);
    const board = { entry: await getBoardEntry(ctx.store.db, key), today: boardToday(record, ctx.clock.now()) };
    const families = parseFamilies(req.query.famille);
    const body = offerBody(
      ctx.domain,
      record,
      commands,
      entries.map(timelineLine),
      principal,
      ctx.policy.en3s.userId,
      board,
      families,
    );
    const title = `Offre ${record.job_number} — ${record.title}`;
    if (!refusal) return show(req, res, title, 'offers', body);
    sendPage(
      res,
      refusal.status,
      page({ title, section: 'offers', principal, body, error: `Action refusée : ${refusal.message}` }),
    );
  }

  /**
   * Runs an action of the offer page. Refused (bad input, or not possible in the offer's
   * state), the offer page comes back with the reason shown and the refusal's status, rather
   * than a page with nowhere to go.
   */
  async function offerAction(req: Request, res: Response, act: (key: OfferKey) => Promise<string>) {
    const params = req.params as Record<string, string>;
    const key = offerKeyOf(params.source!, params.atsId!, params.campaign!);
    let next: string;
    try {
      next = await act(key);
    } catch (error) {
      if (error instanceof AdminError && (error.status === 400 || error.status === 409))
        return showOffer(req, res, key, error);
      throw error;
    }
    res.redirect(303, `${pathOf('/admin/offres', key.source, key.ats_id, key.campaign)}${next}`);
  }

  router.get('/offres/:source/:atsId/:campaign', async (req, res) => {
    await showOffer(req, res, offerKeyOf(req.params.source!, req.params.atsId!, req.params.campaign!));
  });

  router.post('/offres/:source/:atsId/:campaign/bourse-en3s', (req, res) =>
    offerAction(req, res, async (key) => {
      const body = req.body as Record<string, unknown>;
      await recordBoardEntry(
        deps.actions,
        key,
        parseBoardEntry({ enteredOn: body.enteredOn, note: body.note }),
        requirePrincipal(res),
      );
      return '?done=board-entry#bourse-en3s';
    }),
  );

  router.post('/offres/:source/:atsId/:campaign/perimetre', (req, res) =>
    offerAction(req, res, async (key) => {
      const body = req.body as Record<string, unknown>;
      const scope =
        typeof body.scope === 'string' && Object.hasOwn(scopes, body.scope) ? scopes[body.scope]! : undefined;
      if (scope === undefined)
        throw badRequest('périmètre : choisissez « concernée », « non concernée » ou « retirer le forçage »');
      await overrideScope(deps.actions, key, scope, parseReason(body.reason), requirePrincipal(res));
      return `?done=${scope === null ? 'override-removed' : 'override'}#historique`;
    }),
  );

  router.post('/offres/:source/:atsId/:campaign/reevaluer', (req, res) =>
    offerAction(req, res, async (key) => {
      await reevaluate(
        deps.actions,
        key,
        parseReason((req.body as Record<string, unknown>).reason),
        requirePrincipal(res),
      );
      return '?done=reevaluate#historique';
    }),
  );

  router.post('/offres/:source/:atsId/:campaign/verifiee', (req, res) =>
    offerAction(req, res, async (key) => {
      await markChecked(
        deps.actions,
        key,
        parseReason((req.body as Record<string, unknown>).reason),
        requirePrincipal(res),
      );
      return '?done=review-checked#historique';
    }),
  );

  router.get('/commandes', async (req, res) => {
    const pageText = typeof req.query.page === 'string' ? req.query.page : '1';
    if (!/^\d{1,6}$/.test(pageText) || Number(pageText) < 1)
      throw badRequest('paramètre « page » : entier positif attendu');
    const n = Number(pageText);
    const commands = await listDeadLetters(ctx.store.db, {
      limit: COMMANDS_PAGE_SIZE + 1,
      offset: (n - 1) * COMMANDS_PAGE_SIZE,
    });
    show(req, res, 'Commandes en échec', 'commands', commandsBody(commands, n, requirePrincipal(res)));
  });

  router.get('/files', async (req, res) => {
    show(
      req,
      res,
      'Files de l’ATS',
      'queues',
      poisonBody(await listPoisonElements(ctx.store.db, { limit: POISON_PAGE_SIZE })),
    );
  });

  router.get('/courriels', async (req, res) => {
    const mailbox = deps.config.mailMode === 'mailbox' ? await listMailboxMessages(ctx.store.db, { limit: 200 }) : null;
    show(req, res, 'E-mails', 'mailbox', mailsBody(await listRecentMails(ctx.store.db, 200), mailbox));
  });

  router.post('/commandes/:id/relancer', async (req, res) => {
    const { id } = parseInput('params', commandIdInput, req.params);
    await retryDeadLetter(
      deps.actions,
      id,
      parseReason((req.body as Record<string, unknown>).reason),
      requirePrincipal(res),
    );
    res.redirect(303, '/admin/commandes?done=retry');
  });

  router.post('/reconciliation', async (req, res) => {
    const outcome = await reconcileNow(
      deps.actions,
      parseReason((req.body as Record<string, unknown>).reason),
      requirePrincipal(res),
    );
    // The counts come first: `done` stays the last parameter, before the fragment.
    res.redirect(
      303,
      `/admin/parametres?${reconcileParams(outcome)}done=${outcome.ok ? 'reconcile' : 'reconcile-failed'}#connecteur`,
    );
  });

  router.get('/rapports', async (req, res) => {
    const campaign = campaignParam(req, deps);
    show(
      req,
      res,
      'Rapports',
      'reports',
      reportsBody(ctx.domain, campaign, await listRuns(deps.reports, {}), requirePrincipal(res)),
    );
  });

  router.post('/rapports', async (req, res) => {
    const run = await generateFromRequest(deps.reports, req.body as Record<string, unknown>, requirePrincipal(res));
    res.redirect(303, `/admin/rapports?done=report#run-${run.id}`);
  });

  router.get('/rapports/:id/fichier', async (req, res) => {
    await sendRunFile(deps.reports, parseRunId(req.params.id!), res);
  });

  router.get('/parametres', async (req, res) => {
    const ops = await operations(deps.operations);
    const principal = requirePrincipal(res);
    const body = settingsBody(deps.config, deps.access, ctx.domain, ops, principal);
    const found =
      typeof req.query.done === 'string' && req.query.done.startsWith('reconcile')
        ? reconcileNotice(req.query as Record<string, unknown>)
        : undefined;
    sendPage(
      res,
      200,
      page({
        title: 'Paramètres',
        section: 'settings',
        principal,
        body,
        done: done(req),
        ...(found ? { doneDetail: found } : {}),
      }),
    );
  });

  return router;
}

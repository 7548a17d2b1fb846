import { jobProcessStates } from '../domain/job-process-states.js';
import type { PipelineContext } from '../pipeline/context.js';
import type { HoldsView } from '../pipeline/holds.js';
import { RECONCILE_CURSOR } from '../pipeline/reconciler.js';
import { getCursorUpdatedAt } from '../store/cursors.js';
import { inboxStats, type InboxStats } from '../store/inbox.js';
import { countByState } from '../store/offers.js';
import { outboxStats, type OutboxStats } from '../store/outbox.js';
import type { ReconcileOutcome } from './actions.js';
import { campaignView, type CampaignView } from './campaign.js';
import { unansweredSinceOf } from './offer-filters.js';
import { countAdminOffers, listAdminOffers, type AdminOfferFilter, type OfferListItem } from '../store/offer-list.js';

/**
 * What the overview and the status pages show: the campaign, counts per state, and the alerts
 * that need an administrator, each with the list filter it links to. Counts are read from the
 * database (true across instances); the circuit breaker and the last reconciliation are this
 * instance's view.
 */

export interface CircuitView {
  state: string;
  consecutiveFailures?: number;
  retryInMs?: number;
}

export interface OperationsDeps {
  ctx: PipelineContext;
  circuit?: () => unknown;
  holds?: () => HoldsView;
  lastReconcile: () => ReconcileOutcome | null;
}

export interface Alert {
  key:
    | 'published_without_approval'
    | 'violations'
    | 'undetermined'
    | 'awaiting_submission'
    | 'unanswered'
    | 'dead_letters'
    | 'ats_unreachable';
  label: string;
  count: number;
  /** Link to the filtered list (or the page that deals with it). */
  href: string;
  /** For the API: the filter of the offer list behind the link, when it is one. */
  filter: Record<string, string> | null;
}

export interface Overview {
  campaign: CampaignView;
  counts: Record<string, number>;
  total: number;
  alerts: Alert[];
  /** The offers the recruiter has not submitted yet (EN3S approver set), the least recently changed first. */
  awaitingSubmission: { items: OfferListItem[]; total: number; href: string };
  operations: Operations;
}

/**
 * Days after which a submission still unanswered is shown to administrators. No text sets EN3S a
 * deadline: this is only when a wait becomes worth a follow-up, never "late".
 */
export const UNANSWERED_DAYS = 15;
/** How many offers awaiting submission the overview lists (the rest are a link away). */
export const AWAITING_SUBMISSION_SHOWN = 20;

export interface Operations {
  circuit: CircuitView | null;
  atsUnreachable: boolean;
  lastReconcile: ReconcileOutcome | null;
  /** When the reconciliation last completed (its cursor's write), from the database. */
  reconcileCursorAt: string | null;
  inbox: InboxStats;
  outbox: OutboxStats;
  /** What holds commands back now and lately (this instance's view), or null when not followed. */
  holds: HoldsView | null;
}

function circuitOf(deps: OperationsDeps): CircuitView | null {
  const raw = deps.circuit?.() as
    | { state?: unknown; consecutiveFailures?: unknown; retryInMs?: unknown }
    | null
    | undefined;
  if (!raw || typeof raw.state !== 'string') return null;
  return {
    state: raw.state,
    ...(typeof raw.consecutiveFailures === 'number' ? { consecutiveFailures: raw.consecutiveFailures } : {}),
    ...(typeof raw.retryInMs === 'number' ? { retryInMs: raw.retryInMs } : {}),
  };
}

export async function operations(deps: OperationsDeps): Promise<Operations> {
  const { store, clock } = deps.ctx;
  const now = clock.now().toISOString();
  const circuit = circuitOf(deps);
  const lastReconcile = deps.lastReconcile();
  const reconcileCursorAt = await getCursorUpdatedAt(store.db, RECONCILE_CURSOR);
  return {
    circuit,
    atsUnreachable: (circuit !== null && circuit.state !== 'closed') || (lastReconcile !== null && !lastReconcile.ok),
    lastReconcile,
    reconcileCursorAt,
    inbox: await inboxStats(store.db, now),
    outbox: await outboxStats(store.db, now),
    holds: deps.holds?.() ?? null,
  };
}

function base(campaign: number): AdminOfferFilter {
  return {
    campaign,
    q: null,
    states: [],
    regime: null,
    types: null,
    concerned: null,
    review: false,
    violation: false,
    unansweredSince: null,
  };
}

export async function overview(deps: OperationsDeps, campaign: number): Promise<Overview> {
  const { ctx } = deps;
  const now = ctx.clock.now();
  const db = ctx.store.db;
  const byState = await countByState(db, campaign);
  const counts: Record<string, number> = {};
  for (const state of jobProcessStates) counts[state] = byState[state] ?? 0;
  const ops = await operations(deps);
  const c = String(campaign);
  const list = (filter: Record<string, string>) => ({
    href: `/admin/offres?${new URLSearchParams({ campaign: c, ...filter }).toString()}`,
    filter: { campaign: c, ...filter },
  });
  const alerts: Alert[] = [
    {
      key: 'published_without_approval',
      label: 'Offres publiées sans accord de l’EN3S',
      count: counts.published_without_approval ?? 0,
      ...list({ state: 'published_without_approval' }),
    },
    {
      key: 'violations',
      label: 'Manquements constatés (publication avant la réponse)',
      count: await countAdminOffers(db, { ...base(campaign), violation: true }),
      ...list({ violation: '1' }),
    },
    {
      key: 'undetermined',
      label: 'Offres à vérifier (données manquantes, pas encore vérifiées par un administrateur)',
      count: await countAdminOffers(db, { ...base(campaign), review: true }),
      ...list({ review: '1' }),
    },
    {
      key: 'awaiting_submission',
      label: 'Offres en attente de soumission par le recruteur',
      count: counts.awaiting_submission ?? 0,
      ...list({ state: 'awaiting_submission' }),
    },
    {
      key: 'unanswered',
      label: `Soumissions à l’EN3S sans réponse observée depuis plus de ${UNANSWERED_DAYS} jours`,
      count: await countAdminOffers(db, {
        ...base(campaign),
        unansweredSince: unansweredSinceOf(now, UNANSWERED_DAYS),
      }),
      ...list({ unansweredDays: String(UNANSWERED_DAYS) }),
    },
    {
      key: 'dead_letters',
      label: 'Commandes à l’ATS en échec',
      count: ops.outbox.byStatus.dead,
      href: '/admin/commandes',
      filter: null,
    },
    {
      key: 'ats_unreachable',
      label: 'ATS injoignable',
      count: ops.atsUnreachable ? 1 : 0,
      href: '/admin/parametres#connecteur',
      filter: null,
    },
  ];
  const awaiting = await listAdminOffers(
    db,
    { ...base(campaign), states: ['awaiting_submission'] },
    { sort: 'oldest', limit: AWAITING_SUBMISSION_SHOWN, after: null },
  );
  return {
    campaign: campaignView(ctx.domain, campaign, now),
    counts,
    total: Object.values(counts).reduce((a, b) => a + b, 0),
    alerts,
    awaitingSubmission: {
      items: awaiting.items,
      total: counts.awaiting_submission ?? 0,
      href: list({ state: 'awaiting_submission', sort: 'oldest' }).href,
    },
    operations: ops,
  };
}

import type { OfferState } from '../domain/workflow-states.js';
import { endOfDayMs } from './local-dates.js';
import type { Concerned, CorrectiveAction, ReportRow } from './model.js';
import type { OfferFacts, OfferSource, Snapshot } from './snapshot.js';

/**
 * One row of the control report from an offer's snapshot at the reference instant (the as-of
 * instant, or the generation instant). Pure: the same snapshot and instant give the same row.
 */

const DAY_MS = 86_400_000;

/** States in which an offer is still waiting for EN3S inside the process. */
const waiting: ReadonlySet<OfferState> = new Set(['awaiting_team', 'team_assigned', 'approval_started', 'published_without_approval']);
const processStates: ReadonlySet<OfferState> = new Set([...waiting, 'approved', 'refused', 'released']);

export interface RowContext {
  referenceMs: number;
  primaryNetworks: 'all' | 'primary';
}

function concernedOf(snapshot: Snapshot): Concerned {
  const concerned = snapshot.override ? snapshot.override.concerned : snapshot.decision.concerned;
  return concerned === null ? 'undetermined' : concerned ? 'yes' : 'no';
}

/** The earliest publication known at the reference instant: a posting's own date, or a breach's. */
function firstPublication(offer: OfferFacts, snapshot: Snapshot, referenceMs: number): { at: string; channel: string } | null {
  let best: { at: string; channel: string } | null = null;
  let bestMs = Number.POSITIVE_INFINITY;
  const candidates: { at: string | null | undefined; channel: string; draft: boolean }[][] = [
    offer.postings.map((p) => ({ at: p.publishedAt, channel: p.channel, draft: p.status === 'DRAFT' })),
    snapshot.violations.map((v) => ({ at: v.publishedAt, channel: v.channel, draft: false })),
  ];
  for (const list of candidates) {
    for (const c of list) {
      if (c.draft || !c.at) continue;
      const ms = Date.parse(c.at);
      if (ms <= referenceMs && ms < bestMs) {
        best = { at: c.at, channel: c.channel };
        bestMs = ms;
      }
    }
  }
  return best;
}

function correction(offer: OfferFacts, snapshot: Snapshot, referenceMs: number): { action: CorrectiveAction; at: string } | null {
  const violation = snapshot.violations[0];
  if (!violation) return null;
  const posting = offer.postings.find((p) => p.id === violation.postingId);
  const withdrawnAt = posting?.withdrawnAt ?? null;
  if (withdrawnAt && Date.parse(withdrawnAt) >= Date.parse(violation.publishedAt) && Date.parse(withdrawnAt) <= referenceMs) {
    return { action: 'withdrawn', at: withdrawnAt };
  }
  return { action: violation.action === 'withdraw' ? 'withdrawal-requested' : 'reported', at: violation.detectedAt };
}

/** Networks of the body, or only its primary one. */
export function networksOf(offer: OfferFacts, rule: 'all' | 'primary'): string[] {
  return rule === 'primary' ? offer.networks.slice(0, 1) : offer.networks;
}

export function buildRow(record: OfferSource, snapshot: Snapshot, ctx: RowContext): ReportRow {
  const offer = record.offer;
  const decision = snapshot.decision;
  const timeZone = decision.window.timeZone;
  const reasons = decision.reasons.filter((r) => r.code !== 'WINDOW_OPEN' && r.code !== 'WINDOW_CLOSED');
  const shown = reasons.length > 0 ? reasons : decision.reasons;
  const en3s = snapshot.en3s;
  const approval = snapshot.approval;
  const answerDays =
    en3s?.at && approval ? Math.round(((Date.parse(en3s.at) - Date.parse(approval.at)) / DAY_MS) * 10) / 10 : null;
  const overdue =
    approval !== null &&
    en3s === null &&
    approval.dueDate !== null &&
    waiting.has(snapshot.state) &&
    ctx.referenceMs >= endOfDayMs(approval.dueDate, timeZone);
  const publication = firstPublication(offer, snapshot, ctx.referenceMs);
  const fix = correction(offer, snapshot, ctx.referenceMs);
  const concerned = concernedOf(snapshot);
  return {
    source: record.source,
    atsId: record.ats_id,
    campaign: record.campaign,
    reference: record.job_number,
    title: record.title,
    organism: record.organism_name ?? offer.organizationName,
    organismType: record.organism_type,
    regime: decision.regime,
    networks: networksOf(offer, ctx.primaryNetworks),
    grid: offer.grid,
    level: offer.level ?? (offer.minesScale !== null ? `échelle ${offer.minesScale}` : null),
    timeZone,
    createdAt: offer.createdAt,
    concerned,
    reason: shown.map((r) => r.message).join(' ; '),
    citedText: [...new Set(shown.map((r) => r.source))].join(' ; '),
    reviewNeeded: concerned === 'undetermined',
    team: snapshot.team ? { at: snapshot.team.at, by: snapshot.team.by } : null,
    approval: approval ? { at: approval.at, by: approval.by } : null,
    dueDate: approval?.dueDate ?? null,
    overdue,
    en3sAnswer: en3s ? (en3s.decision === 'APPROVED' ? 'approved' : 'refused') : approval ? 'none' : null,
    en3sAt: en3s?.at ?? null,
    answerDays,
    published: publication !== null,
    publishedAt: publication?.at ?? null,
    channel: publication?.channel ?? null,
    publishedBeforeDecision: snapshot.violations.length > 0,
    correctiveAction: fix?.action ?? null,
    correctiveActionAt: fix?.at ?? null,
    state: snapshot.state,
    stateSince: snapshot.stateSince,
    released: snapshot.released !== null,
    enteredProcess: processStates.has(snapshot.state) || approval !== null || en3s !== null,
  };
}

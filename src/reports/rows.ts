import type { OfferState } from '../domain/workflow-states.js';
import type { OfferReportTable } from '../store/schema.js';
import { endOfDayMs, type LocalDates } from './local-dates.js';
import type { Actor, Concerned, CorrectiveAction, En3sAnswer, ReportRow, RowMoment } from './model.js';
import type { OfferFacts, OfferSource, Snapshot } from './snapshot.js';

/**
 * One row of the control report, in two steps:
 * - `reportFacts`: what an offer's snapshot says whatever the instant the report shows (the
 *   pipeline stores exactly this as the offer's projection, `offer_report`);
 * - `finishRow`: the row at the reference instant (the as-of instant, or the generation instant),
 *   which only decides whether the overdue date, the first publication and the withdrawal had
 *   come by then.
 * Pure: the same snapshot and instant give the same row, from the projection or from the ledger.
 */

const DAY_MS = 86_400_000;

/** States in which an offer is still waiting for EN3S inside the process. */
const waiting: ReadonlySet<OfferState> = new Set(['awaiting_team', 'team_assigned', 'approval_started', 'published_without_approval']);
const processStates: ReadonlySet<OfferState> = new Set([...waiting, 'approved', 'refused', 'released']);

export type ReportFacts = OfferReportTable;

/** What the row's moment is made of (`RowMoment`): a few of the projection's columns. */
export type MomentFacts = Pick<
  ReportFacts,
  'networks' | 'overdue_from' | 'published_at' | 'published_day' | 'channel' | 'withdrawn_at' | 'withdrawn_day' | 'fix_action' | 'fix_at' | 'fix_day'
>;

function concernedOf(snapshot: Snapshot): Concerned {
  const concerned = snapshot.override ? snapshot.override.concerned : snapshot.decision.concerned;
  return concerned === null ? 'undetermined' : concerned ? 'yes' : 'no';
}

/**
 * The earliest publication known: a posting's own date, or a breach's (the first in that order
 * on a tie). A report shows it when it is not after its instant; every other candidate is later,
 * so none would be shown otherwise.
 */
function firstPublication(offer: OfferFacts, snapshot: Snapshot): { at: string; channel: string } | null {
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
      if (ms < bestMs) {
        best = { at: c.at, channel: c.channel };
        bestMs = ms;
      }
    }
  }
  return best;
}

/** The corrective action of the first breach: the withdrawal when it came after the publication, else what was done. */
function correction(offer: OfferFacts, snapshot: Snapshot): { withdrawnAt: string | null; action: CorrectiveAction; at: string } | null {
  const violation = snapshot.violations[0];
  if (!violation) return null;
  const posting = offer.postings.find((p) => p.id === violation.postingId);
  const withdrawnAt = posting?.withdrawnAt ?? null;
  return {
    withdrawnAt: withdrawnAt && Date.parse(withdrawnAt) >= Date.parse(violation.publishedAt) ? withdrawnAt : null,
    action: violation.action === 'withdraw' ? 'withdrawal-requested' : 'reported',
    at: violation.detectedAt,
  };
}

/** An instant as an ISO text, null when it is not a valid instant. */
function isoInstant(ms: number): string | null {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : null;
}

export function reportFacts(record: OfferSource, snapshot: Snapshot, dates: LocalDates): ReportFacts {
  const offer = record.offer;
  const decision = snapshot.decision;
  const timeZone = decision.window.timeZone;
  const day = (instant: string | null | undefined): string | null => {
    if (!instant || Number.isNaN(Date.parse(instant))) return null;
    return dates.isoDate(instant, timeZone);
  };
  const reasons = decision.reasons.filter((r) => r.code !== 'WINDOW_OPEN' && r.code !== 'WINDOW_CLOSED');
  const shown = reasons.length > 0 ? reasons : decision.reasons;
  const en3s = snapshot.en3s;
  const approval = snapshot.approval;
  const answerDays = en3s?.at && approval ? Math.round(((Date.parse(en3s.at) - Date.parse(approval.at)) / DAY_MS) * 10) / 10 : null;
  const overdueFrom =
    approval !== null && en3s === null && approval.dueDate !== null && waiting.has(snapshot.state) ? isoInstant(endOfDayMs(approval.dueDate, timeZone)) : null;
  const publication = firstPublication(offer, snapshot);
  const fix = correction(offer, snapshot);
  return {
    campaign: record.campaign,
    job_number: record.job_number,
    source: record.source,
    ats_id: record.ats_id,
    title: record.title,
    state: snapshot.state,
    regime: decision.regime,
    organism: record.organism_name ?? offer.organizationName,
    organism_type: record.organism_type,
    networks: JSON.stringify(offer.networks),
    grid: offer.grid,
    level: offer.level ?? (offer.minesScale !== null ? `échelle ${offer.minesScale}` : null),
    time_zone: timeZone,
    concerned: concernedOf(snapshot),
    reason: shown.map((r) => r.message).join(' ; '),
    cited_text: [...new Set(shown.map((r) => r.source))].join(' ; '),
    offer_created_at: offer.createdAt,
    offer_created_day: day(offer.createdAt),
    team_at: snapshot.team?.at ?? null,
    team_day: day(snapshot.team?.at),
    team_by: snapshot.team?.by ?? null,
    approval_at: approval?.at ?? null,
    approval_day: day(approval?.at),
    approval_by: approval?.by ?? null,
    due_date: approval?.dueDate ?? null,
    overdue_from: overdueFrom,
    en3s_answer: en3s ? (en3s.decision === 'APPROVED' ? 'approved' : 'refused') : approval ? 'none' : null,
    en3s_at: en3s?.at ?? null,
    en3s_day: day(en3s?.at),
    answer_days: answerDays !== null && Number.isFinite(answerDays) ? answerDays : null,
    published_at: publication?.at ?? null,
    published_day: day(publication?.at),
    channel: publication?.channel ?? null,
    violation: snapshot.violations.length > 0 ? 1 : 0,
    withdrawn_at: fix?.withdrawnAt ?? null,
    withdrawn_day: day(fix?.withdrawnAt),
    fix_action: fix?.action ?? null,
    fix_at: fix?.at ?? null,
    fix_day: day(fix?.at),
    state_since: snapshot.stateSince,
    state_since_day: day(snapshot.stateSince),
    released: snapshot.released !== null ? 1 : 0,
    entered_process: processStates.has(snapshot.state) || approval !== null || en3s !== null ? 1 : 0,
  };
}

export interface RowContext {
  referenceMs: number;
  primaryNetworks: 'all' | 'primary';
  /** Networks JSON text → the networks reported (a campaign has a handful of distinct lists). */
  networks: Map<string, string[]>;
}

export function rowContext(referenceAt: string, primaryNetworks: 'all' | 'primary'): RowContext {
  return { referenceMs: Date.parse(referenceAt), primaryNetworks, networks: new Map() };
}

/** Networks of the body, or only its primary one. */
export function networksOf(networks: readonly string[], rule: 'all' | 'primary'): string[] {
  return rule === 'primary' ? networks.slice(0, 1) : [...networks];
}

/** The networks a row is reported under, from its networks' JSON text (parsed once per distinct text). */
export function reportedNetworks(text: string, ctx: RowContext): string[] {
  let list = ctx.networks.get(text);
  if (list === undefined) {
    list = networksOf(JSON.parse(text) as string[], ctx.primaryNetworks);
    if (ctx.networks.size >= 10_000) ctx.networks.clear();
    ctx.networks.set(text, list);
  }
  return list;
}

/** Not after the reference instant (an instant that cannot be read never is). */
const byThen = (instant: string | null, ctx: RowContext): boolean => instant !== null && Date.parse(instant) <= ctx.referenceMs;

/** The row's moment: what of the row depends on the reference instant and the networks rule. */
export function momentOf(f: MomentFacts, ctx: RowContext): RowMoment & { publishedAt: string | null; correctiveActionAt: string | null } {
  const published = byThen(f.published_at, ctx);
  const withdrawn = byThen(f.withdrawn_at, ctx);
  return {
    networks: reportedNetworks(f.networks, ctx),
    overdue: f.overdue_from !== null && ctx.referenceMs >= Date.parse(f.overdue_from),
    published,
    publishedAt: published ? f.published_at : null,
    channel: published ? f.channel : null,
    correctiveAction: withdrawn ? 'withdrawn' : (f.fix_action as CorrectiveAction | null),
    correctiveActionAt: withdrawn ? f.withdrawn_at : f.fix_at,
    days: {
      published: published ? f.published_day : null,
      correctiveAction: withdrawn ? f.withdrawn_day : f.fix_day,
    },
  };
}

export function finishRow(f: ReportFacts, ctx: RowContext): ReportRow {
  const moment = momentOf(f, ctx);
  return {
    source: f.source,
    atsId: f.ats_id,
    campaign: f.campaign,
    reference: f.job_number,
    title: f.title,
    organism: f.organism,
    organismType: f.organism_type,
    regime: f.regime,
    networks: moment.networks,
    grid: f.grid,
    level: f.level,
    timeZone: f.time_zone,
    createdAt: f.offer_created_at,
    concerned: f.concerned,
    reason: f.reason,
    citedText: f.cited_text,
    reviewNeeded: f.concerned === 'undetermined',
    team: f.team_at !== null ? { at: f.team_at, by: f.team_by as Actor } : null,
    approval: f.approval_at !== null ? { at: f.approval_at, by: f.approval_by as Actor } : null,
    dueDate: f.due_date,
    overdue: moment.overdue,
    en3sAnswer: f.en3s_answer as En3sAnswer | null,
    en3sAt: f.en3s_at,
    answerDays: f.answer_days,
    published: moment.published,
    publishedAt: moment.publishedAt,
    channel: moment.channel,
    publishedBeforeDecision: f.violation === 1,
    correctiveAction: moment.correctiveAction,
    correctiveActionAt: moment.correctiveActionAt,
    state: f.state as OfferState,
    stateSince: f.state_since,
    released: f.released === 1,
    enteredProcess: f.entered_process === 1,
    days: {
      createdAt: f.offer_created_day,
      team: f.team_day,
      approval: f.approval_day,
      en3s: f.en3s_day,
      published: moment.days.published,
      correctiveAction: moment.days.correctiveAction,
      stateSince: f.state_since_day,
    },
  };
}

/** The row of a snapshot at the context's instant (the as-of path, straight from the ledger's fold). */
export function buildRow(record: OfferSource, snapshot: Snapshot, ctx: RowContext, dates: LocalDates): ReportRow {
  return finishRow(reportFacts(record, snapshot, dates), ctx);
}

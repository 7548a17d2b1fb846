import { scopeOf, scopeWords } from '../domain/scope.js';
import type { JobProcessState } from '../domain/job-process-states.js';
import type { OfferReportTable } from '../store/schema.js';
import type { LocalDates } from './local-dates.js';
import { frenchInstant } from './summary-layout.js';
import type {
  Actor,
  Concerned,
  CorrectiveAction,
  ObservedAnswer,
  ReportRow,
  RowMoment,
  SubmissionApprovers,
} from './model.js';
import type { OfferFacts, OfferSource, Snapshot } from './snapshot.js';

/**
 * One row of the control report, in two steps:
 * - `reportFacts`: what an offer's snapshot says whatever the instant the report shows (the
 *   pipeline stores exactly this as the offer's projection, `offer_report`; `src/store/schema.ts`
 *   says what each column holds);
 * - `finishRow`: the row at the reference instant (the as-of instant, or the generation instant),
 *   which only decides whether the first publication and the take-down had come by then.
 * Pure: the same snapshot and instant give the same row, from the projection or from the ledger.
 */

const DAY_MS = 86_400_000;

/** States in which an offer is in the process, still waiting for EN3S's approval. */
const waiting: ReadonlySet<JobProcessState> = new Set([
  'awaiting_approver',
  'awaiting_submission',
  'submitted',
  'refusal_observed',
  'published_without_approval',
]);
const processStates: ReadonlySet<JobProcessState> = new Set([...waiting, 'approved', 'refused', 'released']);

export type ReportFacts = OfferReportTable;

/** What the row's moment is made of (`RowMoment`): a few of the projection's columns. */
export type MomentFacts = Pick<
  ReportFacts,
  | 'networks'
  | 'published_at'
  | 'published_day'
  | 'channel'
  | 'withdrawn_at'
  | 'withdrawn_day'
  | 'fix_action'
  | 'fix_at'
  | 'fix_day'
>;

/**
 * The answer as stored (`en3s_answer`): its status and whether it is EN3S's own, in one code.
 * `refusal_observed` is a refusal seen while EN3S was one approver among several: the ATS does
 * not say who refused, so it is stored as a refusal not attributed to EN3S.
 */
const answerCodes = {
  approved_by_en3s: { answer: 'approved', byEn3s: true },
  approved_observed: { answer: 'approved', byEn3s: false },
  refused_by_en3s: { answer: 'refused', byEn3s: true },
  refused_observed: { answer: 'refused', byEn3s: false },
  none: { answer: 'none', byEn3s: null },
} as const satisfies Record<string, { answer: ObservedAnswer; byEn3s: boolean | null }>;
type AnswerCode = keyof typeof answerCodes;

function concernedOf(snapshot: Snapshot): Concerned {
  return scopeOf(snapshot.override ? snapshot.override.concerned : snapshot.decision.concerned);
}

/**
 * The reason a row shows. When an administrator forced the scope, it says so first (who, when,
 * their reason) and then what the rules alone had decided and why, so that a forced « concernée »
 * beside the engine's « hors du recensement » reads as what it is, not as a contradiction.
 */
export function reasonText(rulesReason: string, snapshot: Snapshot): string {
  const forced = snapshot.override;
  if (!forced) return rulesReason;
  const who = forced.by ? ` par ${forced.by}` : '';
  const why = forced.reason.trim() !== '' ? forced.reason.trim() : 'non indiqué';
  return (
    `Périmètre forcé « ${scopeWords[scopeOf(forced.concerned)].inSentence} »${who} le ${frenchInstant(forced.at)} ` +
    `(heure de Paris), motif : ${why}. Décision des règles seules : ` +
    `${scopeWords[scopeOf(snapshot.decision.concerned)].inSentence} ` +
    `— ${rulesReason}`
  );
}

/** The submission to EN3S, when one was seen with EN3S among its approvers (others are not EN3S's business). */
function submissionToEn3s(snapshot: Snapshot): Snapshot['submission'] {
  return snapshot.submission?.en3sIncluded === true ? snapshot.submission : null;
}

/** The answer seen, as stored, and when; a refusal seen with other approvers counts from the state that says so. */
function observedAnswer(snapshot: Snapshot, submitted: boolean): { code: AnswerCode; at: string | null } | null {
  const answer = snapshot.answer;
  if (answer)
    return {
      code: `${answer.status === 'APPROVED' ? 'approved' : 'refused'}_${answer.byEn3s ? 'by_en3s' : 'observed'}`,
      at: answer.observedAt,
    };
  if (snapshot.state === 'refusal_observed') return { code: 'refused_observed', at: snapshot.stateSince };
  return submitted ? { code: 'none', at: null } : null;
}

/**
 * The earliest posting known to have gone out: a live one's own date, or a breach's (its posting
 * date, else the instant it was seen). A report shows it when it is not after its instant; every
 * other candidate is later, so none would be shown otherwise.
 */
function firstPublication(offer: OfferFacts, snapshot: Snapshot): { at: string; postingId: string } | null {
  let best: { at: string; postingId: string } | null = null;
  let bestMs = Number.POSITIVE_INFINITY;
  const candidates: { at: string | null; postingId: string }[] = [
    ...offer.postings.map((p) => ({ at: p.postedAt, postingId: p.id })),
    ...snapshot.violations.map((v) => ({ at: v.postedAt ?? v.detectedAt, postingId: v.postingId })),
  ];
  for (const c of candidates) {
    if (!c.at) continue;
    const ms = Date.parse(c.at);
    if (ms < bestMs) {
      best = { at: c.at, postingId: c.postingId };
      bestMs = ms;
    }
  }
  return best;
}

/** What was done about the first breach: its posting seen gone (after it went out), else what the connector did. */
function correction(snapshot: Snapshot): { goneAt: string | null; action: CorrectiveAction; at: string } | null {
  const violation = snapshot.violations[0];
  if (!violation) return null;
  const goneAt = violation.goneAt;
  const postedMs = Date.parse(violation.postedAt ?? violation.detectedAt);
  return {
    goneAt: goneAt && !(Date.parse(goneAt) < postedMs) ? goneAt : null,
    action: violation.action === 'take_down' ? 'take-down-requested' : 'reported',
    at: violation.detectedAt,
  };
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
  const submission = submissionToEn3s(snapshot);
  const answer = observedAnswer(snapshot, submission !== null);
  // An interval between two observations; none when the pending status itself was never seen.
  const answerDays =
    answer?.at && submission && submission.basis === 'seen_pending'
      ? Math.round(((Date.parse(answer.at) - Date.parse(submission.observedAt)) / DAY_MS) * 10) / 10
      : null;
  const publication = firstPublication(offer, snapshot);
  const fix = correction(snapshot);
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
    // A reason resting on a reading of the texts says so (« lecture : … »), in the report too.
    reason: reasonText(shown.map((r) => (r.reading ? `${r.message} (${r.reading})` : r.message)).join(' ; '), snapshot),
    cited_text: [...new Set(shown.map((r) => r.source))].join(' ; '),
    offer_created_at: offer.createdAt,
    offer_created_day: day(offer.createdAt),
    team_at: snapshot.approver?.observedAt ?? null,
    team_day: day(snapshot.approver?.observedAt),
    team_by: snapshot.approver?.by ?? null,
    approval_at: submission?.observedAt ?? null,
    approval_day: day(submission?.observedAt),
    approval_by: submission ? (submission.en3sOnly === true ? 'en3s_only' : 'with_others') : null,
    due_date: null,
    overdue_from: null,
    en3s_answer: answer?.code ?? null,
    en3s_at: answer?.at ?? null,
    en3s_day: day(answer?.at),
    answer_days: answerDays !== null && Number.isFinite(answerDays) ? answerDays : null,
    published_at: publication?.at ?? null,
    published_day: day(publication?.at),
    channel: publication?.postingId ?? null,
    violation: snapshot.violations.length > 0 ? 1 : 0,
    withdrawn_at: fix?.goneAt ?? null,
    withdrawn_day: day(fix?.goneAt),
    fix_action: fix?.action ?? null,
    fix_at: fix?.at ?? null,
    fix_day: day(fix?.at),
    state_since: snapshot.stateSince,
    state_since_day: day(snapshot.stateSince),
    released: snapshot.released !== null ? 1 : 0,
    entered_process: processStates.has(snapshot.state) || submission !== null || snapshot.answer !== null ? 1 : 0,
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
const byThen = (instant: string | null, ctx: RowContext): boolean =>
  instant !== null && Date.parse(instant) <= ctx.referenceMs;

/** The row's moment: what of the row depends on the reference instant and the networks rule. */
export function momentOf(
  f: MomentFacts,
  ctx: RowContext,
): RowMoment & { publishedAt: string | null; correctiveActionAt: string | null } {
  const published = byThen(f.published_at, ctx);
  const takenDown = byThen(f.withdrawn_at, ctx);
  return {
    networks: reportedNetworks(f.networks, ctx),
    published,
    publishedAt: published ? f.published_at : null,
    postingId: published ? f.channel : null,
    correctiveAction: takenDown ? 'taken-down' : (f.fix_action as CorrectiveAction | null),
    correctiveActionAt: takenDown ? f.withdrawn_at : f.fix_at,
    days: {
      published: published ? f.published_day : null,
      correctiveAction: takenDown ? f.withdrawn_day : f.fix_day,
    },
  };
}

export function finishRow(f: ReportFacts, ctx: RowContext): ReportRow {
  const moment = momentOf(f, ctx);
  const answer = f.en3s_answer === null ? null : answerCodes[f.en3s_answer as AnswerCode];
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
    approver: f.team_at !== null ? { at: f.team_at, by: f.team_by as Actor } : null,
    submission: f.approval_at !== null ? { at: f.approval_at, approvers: f.approval_by as SubmissionApprovers } : null,
    answer: answer?.answer ?? null,
    answerAt: f.en3s_at,
    answerByEn3s: answer?.byEn3s ?? null,
    answerDays: f.answer_days,
    published: moment.published,
    publishedAt: moment.publishedAt,
    postingId: moment.postingId,
    publishedWithoutApproval: f.violation === 1,
    correctiveAction: moment.correctiveAction,
    correctiveActionAt: moment.correctiveActionAt,
    state: f.state as JobProcessState,
    stateSince: f.state_since,
    released: f.released === 1,
    enteredProcess: f.entered_process === 1,
    days: {
      createdAt: f.offer_created_day,
      approver: f.team_day,
      submission: f.approval_day,
      answer: f.en3s_day,
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

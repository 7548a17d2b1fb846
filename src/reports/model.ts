import type { ApproverSetter as Actor } from '../domain/job-process.js';
import type { JobProcessState } from '../domain/job-process-states.js';
import type { Concerned } from '../store/schema.js';

/**
 * The report model: what the control report of a campaign says about each offer, its summary,
 * and the recap per network. Values only (ISO instants, calendar dates `YYYY-MM-DD` in the
 * body's legal time, codes); the renderers turn them into French text. Built by `rows.ts` from
 * a snapshot of each offer (`snapshot.ts`), read page by page from the store by `source.ts`.
 */

/** One declaration each: the scope is the store's column, the approver's setter the process's. */
export type { Actor, Concerned };
/** The answer observed to the submission to EN3S; `none` while it is still awaited. */
export type ObservedAnswer = 'approved' | 'refused' | 'none';
/** Who the submission to EN3S went to: EN3S alone, or EN3S among other approvers. */
export type SubmissionApprovers = 'en3s_only' | 'with_others';
/**
 * What was done about a posting live without EN3S's approval: taken down (seen gone), its take-down asked, or only
 * reported (monitor mode).
 */
export type CorrectiveAction = 'taken-down' | 'take-down-requested' | 'reported';

export interface ReportRow {
  source: string;
  atsId: string;
  campaign: number;
  /** Référence (job number). */
  reference: string;
  title: string;
  /** The body as the ATS names it. */
  organism: string;
  /** Body type key (`CARSAT`, `MSA`…), null when the body was not recognised. */
  organismType: string | null;
  /** Régime key (`general`, `agricole`, `mines`, `speciaux`, `ars`, `rsi`), null when unknown. */
  regime: string | null;
  /** The networks the offer is reported under (after the `primaryNetworks` rule). */
  networks: string[];
  grid: string | null;
  level: string | null;
  /** The legal time zone of the body, in which every date of the row is given. */
  timeZone: string;
  /** Creation of the offer in the ATS (ISO instant). */
  createdAt: string;
  concerned: Concerned;
  /** Why (French), and the texts cited for it. */
  reason: string;
  citedText: string;
  reviewNeeded: boolean;
  /** When the EN3S approver was first seen on the job's team, and whose act it was. */
  approver: { at: string; by: Actor } | null;
  /** When a submission with EN3S among its approvers was seen; null when none was. */
  submission: { at: string; approvers: SubmissionApprovers } | null;
  /** `none` when the submission to EN3S was seen and no answer yet; null when it never was. */
  answer: ObservedAnswer | null;
  /** When the connector saw the answer's status (not when the approver acted). */
  answerAt: string | null;
  /** The answer is EN3S's own: EN3S was the only approver of the submission. Null without an answer. */
  answerByEn3s: boolean | null;
  /** Days from the submission seen to the answer seen, one decimal; null when the pending status was never seen. */
  answerDays: number | null;
  published: boolean;
  publishedAt: string | null;
  /** The ATS id of the posting that went out first. */
  postingId: string | null;
  /** A posting live inside the window without EN3S's approval: a breach of the période EN3S. */
  publishedWithoutApproval: boolean;
  correctiveAction: CorrectiveAction | null;
  correctiveActionAt: string | null;
  state: JobProcessState;
  stateSince: string;
  released: boolean;
  /** Went into the process of the période EN3S (approver, submission, answer or release). */
  enteredProcess: boolean;
  /** The calendar dates (`YYYY-MM-DD`, body's legal time) of the row's instants, as the renderers show them. */
  days: RowDays;
}

export interface RowDays {
  createdAt: string | null;
  approver: string | null;
  submission: string | null;
  answer: string | null;
  published: string | null;
  correctiveAction: string | null;
  stateSince: string | null;
}

/**
 * What a row says at the report's instant and under its options: whether the publication and
 * the take-down had come, which networks are shown. Everything else in a row is the same
 * whatever the report's instant.
 */
export interface RowMoment {
  networks: string[];
  published: boolean;
  postingId: string | null;
  correctiveAction: CorrectiveAction | null;
  days: Pick<RowDays, 'published' | 'correctiveAction'>;
}

export interface GroupStats {
  offers: number;
  /** Every state, zeros included, in the order of the state table. */
  byState: Record<JobProcessState, number>;
  concerned: number;
  toVerify: number;
  /** Concerned offers that went into the process during the window. */
  subject: number;
  /** Of those, the ones whose submission to EN3S was seen (or answered). */
  throughProcess: number;
  /** throughProcess / subject (`shareOf`: 1 only when all, 0 only when none), null when subject is 0. */
  throughProcessShare: number | null;
  publishedWithoutApproval: number;
  /** Answers seen (approved or refused) on the `subject` offers, and those attributed to EN3S alone. */
  answered: number;
  answeredByEn3s: number;
  /** Answers seen on offers outside `subject` (now not concerned, or undetermined). */
  answeredElsewhere: number;
  answerDaysMedian: number | null;
  answerDaysP90: number | null;
}

export interface Group {
  key: string;
  label: string;
  stats: GroupStats;
}

export interface WeekCount {
  /** Monday of the week (`YYYY-MM-DD`), null for offers created before the window's first week. */
  week: string | null;
  byState: Partial<Record<JobProcessState, number>>;
}

export interface Summary {
  total: GroupStats;
  byRegime: Group[];
  byNetwork: Group[];
  byBody: Group[];
  /** Offers per week of creation and current state, for the chart. */
  weeks: WeekCount[];
}

export interface RecapLine {
  network: string;
  /** Refused by EN3S (its only approver): posts kept for the students ("postes offerts aux élèves"). */
  offeredToStudents: number;
  /** Status « approuvée » seen for a submission with EN3S among its approvers. */
  approved: number;
  /** Still in the process: approver, submission or answer awaited, or a breach being corrected. */
  pending: number;
  /** The window closed without an answer seen. */
  releasedWithoutAnswer: number;
  total: number;
}

export type RecapStatus = 'refused' | 'approved' | 'pending' | 'released';

export interface RecapOffer {
  reference: string;
  title: string;
  organism: string;
  grid: string | null;
  level: string | null;
  status: RecapStatus;
  /** When the answer was seen. */
  answerAt: string | null;
  timeZone: string;
}

export interface Recap {
  lines: RecapLine[];
  total: RecapLine;
  detail: { network: string; offers: RecapOffer[] }[];
}

export interface ReportHeader {
  kind: 'report' | 'recap' | 'posts';
  campaign: number;
  generatedAt: string;
  /** The instant the report shows: `asOf` when asked, else the generation instant. */
  reference: string;
  asOf: string | null;
  filters: { network: string | null; regime: string | null; body: string | null; states: JobProcessState[] | null };
  primaryNetworks: 'all' | 'primary';
}

/** The whole report in memory, for the dashboard and the admin API (a campaign's few thousand offers). */
export interface BuiltReport {
  header: ReportHeader;
  rows: ReportRow[];
  summary: Summary;
  recap: Recap;
}

/** The entry of a post on EN3S's online job board, as an administrator recorded it. */
export interface BoardEntryView {
  /** The day the post was entered there (`YYYY-MM-DD`, the body's legal time). */
  enteredOn: string;
  note: string | null;
  /** Who recorded it (an administrator's or an API token's name), and when (ISO instant). */
  recordedBy: string;
  recordedAt: string;
}

/**
 * A post to enter on EN3S's online job board (instruction DSS/4B/2026/34 §1.2): a concerned
 * offer of the campaign (or one whose data is missing, never left out), with what a body needs to
 * enter it and whether it was entered.
 */
export interface PostRow
  extends Pick<
    ReportRow,
    | 'source'
    | 'atsId'
    | 'campaign'
    | 'reference'
    | 'title'
    | 'organism'
    | 'organismType'
    | 'regime'
    | 'networks'
    | 'grid'
    | 'level'
    | 'timeZone'
  > {
  concerned: 'yes' | 'undetermined';
  state: JobProcessState;
  /** Creation in the ATS, and the connector's first reading of the job (ISO instants). */
  createdAt: string;
  firstSeenAt: string;
  /** The campaign's window, first and last day, in the body's legal time. */
  window: { start: string; end: string };
  entry: BoardEntryView | null;
  /** Calendar dates (`YYYY-MM-DD`, body's legal time) of the row's instants. */
  days: { createdAt: string | null; firstSeen: string; recordedAt: string | null };
}

/** A body's posts to enter: how many, how many recorded as entered, how many still to enter. */
export interface PostsOfBody {
  organism: string;
  organismType: string | null;
  posts: number;
  entered: number;
  toEnter: number;
}

/** The list of posts, by body (then référence), with the count per body and in all. */
export interface PostsList {
  posts: PostRow[];
  bodies: PostsOfBody[];
  total: Omit<PostsOfBody, 'organism' | 'organismType'>;
}

import type { OfferState } from '../domain/workflow-states.js';

/**
 * The report model: what the control report of a campaign says about each offer, its summary,
 * and the recap per network. Values only (ISO instants, calendar dates `YYYY-MM-DD` in the
 * body's legal time, codes); the renderers turn them into French text. Built by `rows.ts` from
 * a snapshot of each offer (`snapshot.ts`), read page by page from the store by `source.ts`.
 */

export type Concerned = 'yes' | 'no' | 'undetermined';
export type Actor = 'connector' | 'recruiter';
export type En3sAnswer = 'approved' | 'refused' | 'none';
/** The corrective action after a publication without EN3S's answer. */
export type CorrectiveAction = 'withdrawn' | 'withdrawal-requested' | 'reported';

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
  team: { at: string; by: Actor } | null;
  approval: { at: string; by: Actor } | null;
  /** Date d'échéance given to EN3S (`YYYY-MM-DD`). */
  dueDate: string | null;
  /** Approval started, no answer, still waiting, and the due date passed at the reference instant. */
  overdue: boolean;
  /** `none` when the approval was started and EN3S has not answered; null when never submitted. */
  en3sAnswer: En3sAnswer | null;
  en3sAt: string | null;
  /** Days from the start of the approval to EN3S's answer, one decimal. */
  answerDays: number | null;
  published: boolean;
  publishedAt: string | null;
  channel: string | null;
  /** Published inside the window before EN3S's "validé": a breach of the période EN3S. */
  publishedBeforeDecision: boolean;
  correctiveAction: CorrectiveAction | null;
  correctiveActionAt: string | null;
  state: OfferState;
  stateSince: string;
  released: boolean;
  /** Went into the process of the période EN3S (team, approval, EN3S's answer or release). */
  enteredProcess: boolean;
  /** The calendar dates (`YYYY-MM-DD`, body's legal time) of the row's instants, as the renderers show them. */
  days: RowDays;
}

export interface RowDays {
  createdAt: string | null;
  team: string | null;
  approval: string | null;
  en3s: string | null;
  published: string | null;
  correctiveAction: string | null;
  stateSince: string | null;
}

/**
 * What a row says at the report's instant and under its options: whether the due date had
 * passed, the publication and the withdrawal had come, which networks are shown. Everything else
 * in a row is the same whatever the report's instant.
 */
export interface RowMoment {
  networks: string[];
  overdue: boolean;
  published: boolean;
  channel: string | null;
  correctiveAction: CorrectiveAction | null;
  days: Pick<RowDays, 'published' | 'correctiveAction'>;
}

export interface GroupStats {
  offers: number;
  /** Every state, zeros included, in the order of the state table. */
  byState: Record<OfferState, number>;
  concerned: number;
  toVerify: number;
  /** Concerned offers that went into the process during the window. */
  subject: number;
  /** Of those, the ones whose approval process was started (or answered). */
  throughProcess: number;
  /** throughProcess / subject, null when subject is 0. */
  throughProcessShare: number | null;
  publishedWithoutApproval: number;
  overdue: number;
  answered: number;
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
  byState: Partial<Record<OfferState, number>>;
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
  /** Refused dérogations: posts kept for the students ("postes offerts aux élèves"). */
  offeredToStudents: number;
  granted: number;
  pending: number;
  releasedWithoutAnswer: number;
  total: number;
}

export type RecapStatus = 'refused' | 'granted' | 'pending' | 'released';

export interface RecapOffer {
  reference: string;
  title: string;
  organism: string;
  grid: string | null;
  level: string | null;
  status: RecapStatus;
  en3sAt: string | null;
  timeZone: string;
}

export interface Recap {
  lines: RecapLine[];
  total: RecapLine;
  detail: { network: string; offers: RecapOffer[] }[];
}

export interface ReportHeader {
  kind: 'report' | 'recap';
  campaign: number;
  generatedAt: string;
  /** The instant the report shows: `asOf` when asked, else the generation instant. */
  reference: string;
  asOf: string | null;
  filters: { network: string | null; regime: string | null; body: string | null; states: OfferState[] | null };
  primaryNetworks: 'all' | 'primary';
}

/** The whole report in memory, for the dashboard and the admin API (a campaign's few thousand offers). */
export interface BuiltReport {
  header: ReportHeader;
  rows: ReportRow[];
  summary: Summary;
  recap: Recap;
}

import type { Concerned } from '../domain/scope.js';
import type { ColumnType, Generated } from 'kysely';
import type { ProcessCommandKind } from '../domain/job-process.js';
import type { OutboxStatus } from './outbox-status.js';

/**
 * The tables of the store, as Kysely sees them. Table and column names are a contract shared by
 * the pipeline, the reports and the admin API. Types are chosen to read the same on SQLite and
 * PostgreSQL:
 * - instants are ISO-8601 UTC text `YYYY-MM-DDTHH:mm:ss.sssZ`, so they compare and sort as text;
 * - JSON is text (the store parses and serialises it, callers see values);
 * - booleans are integers 0/1;
 * - 64-bit integers are read as JavaScript numbers on both (see `database.ts`).
 */

export const INBOX_STATUSES = ['pending', 'processing', 'done', 'failed'] as const;
export type InboxStatus = (typeof INBOX_STATUSES)[number];
export type { OutboxStatus } from './outbox-status.js';
/** An offer's scope, declared with its French words in the domain. */
export type { Concerned };
export type LedgerActor = 'system' | 'recruiter' | 'en3s' | 'administrator';

export interface InboxTable {
  id: Generated<number>;
  /** Which ATS sent it, e.g. `talentlink`. */
  source: string;
  event_id: string;
  event_type: string;
  /** When the ATS says the change happened, when it says. */
  occurred_at: string | null;
  received_at: string;
  content_type: string;
  /** The raw payload exactly as received (signature checks and replays need the original bytes). */
  body: string;
  job_id: string | null;
  job_version: number | null;
  status: InboxStatus;
  /** Failed processing attempts so far. */
  attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
  processed_at: string | null;
  last_error: string | null;
}

export interface OffersTable {
  source: string;
  ats_id: string;
  campaign: number;
  state: string;
  /** The job's last change in the ATS as of the snapshot kept (ISO 8601); null on rows of the earlier ATS. */
  last_updated_at: string | null;
  job_number: string;
  title: string;
  organism_type: string | null;
  organism_name: string | null;
  regime: string | null;
  /** JSON array of network names. */
  networks: string;
  concerned: Concerned;
  review_needed: number;
  violation: number;
  /** JSON: the canonical Offer. */
  offer: string;
  /** JSON: the last Decision, or null. */
  decision: string | null;
  /** JSON owned by the workflow (deadlines, reminders…), or null. */
  timeline_data: string | null;
  created_at: string;
  updated_at: string;
  /** The number of the row's last write (`offer-changes.ts`); set by `stampOfferChange`, never by the write itself. */
  change_no: ColumnType<number | string | null, never, number>;
}

/**
 * The control report's projection of an offer (one row per offer and campaign), written by the
 * pipeline in the same transaction as the `offers` row it is computed from: the report's columns
 * already taken out of the JSON columns, and every instant also as its calendar date in the
 * body's legal time (`*_day`, `YYYY-MM-DD`). The few facts that depend on the instant a report
 * shows are kept as candidates that the report checks against that instant (`published_at`,
 * `withdrawn_at`). Built by `src/reports/rows.ts`.
 *
 * The columns were named for the earlier, invented ATS (a team, an approval process with a due
 * date); since the switch to the real TalentLink API they keep their names and hold what the
 * connector observes (see each column). Every instant of the process is the one the connector
 * observed the fact at: the ATS does not date approvals.
 */
export interface OfferReportTable {
  campaign: number;
  job_number: string;
  source: string;
  ats_id: string;
  title: string;
  state: string;
  regime: string | null;
  /** The body as the ATS names it. */
  organism: string;
  organism_type: string | null;
  /** JSON array of the body's networks. */
  networks: string;
  grid: string | null;
  /** The level, or `échelle N` for the mines. */
  level: string | null;
  time_zone: string;
  concerned: Concerned;
  reason: string;
  cited_text: string;
  offer_created_at: string;
  offer_created_day: string | null;
  /** When the EN3S approver was first seen on the job's team. */
  team_at: string | null;
  team_day: string | null;
  /** Whose act that was: `connector` (after its team call) or `recruiter`. */
  team_by: string | null;
  /** When a submission with EN3S among its approvers was seen (null when none was). */
  approval_at: string | null;
  approval_day: string | null;
  /** Who that submission went to: `en3s_only` or `with_others`. */
  approval_by: string | null;
  /** Always null since the switch: the real ATS gives EN3S no due date. */
  due_date: string | null;
  /** Always null since the switch (no due date, nothing overdue). */
  overdue_from: string | null;
  /**
   * The answer seen to the submission to EN3S: `approved_by_en3s`, `refused_by_en3s` (EN3S its
   * only approver), `approved_observed`, `refused_observed` (EN3S one approver among several: the
   * status alone does not say who decided), `none` (still awaited); null when never submitted to EN3S.
   */
  en3s_answer: string | null;
  /** When the answer's status was seen. */
  en3s_at: string | null;
  en3s_day: string | null;
  /** Days from the submission seen to the answer seen (null when the pending status was never seen). */
  answer_days: number | null;
  /** The earliest posting known (live, or a breach), shown when it is not after the report's instant. */
  published_at: string | null;
  published_day: string | null;
  /** The ATS id of that posting (the exchange is the only channel). */
  channel: string | null;
  /** A posting live without EN3S's approval was seen (a breach). */
  violation: number;
  /** When the first breach's posting was seen gone, shown when it is not after the report's instant. */
  withdrawn_at: string | null;
  withdrawn_day: string | null;
  /** The corrective action otherwise (`take-down-requested` or `reported`) and when the breach was seen. */
  fix_action: string | null;
  fix_at: string | null;
  fix_day: string | null;
  state_since: string;
  state_since_day: string | null;
  released: number;
  entered_process: number;
}

/**
 * A CSV report's own projection of each offer (migration 0005), beside `offer_report` and
 * written with it: the key, what the report's filters read, and the offer's CSV record ahead of
 * the report. Narrow (about 450 bytes a row, where `offer_report` holds about 1,000), so that a
 * report of a million offers reads few pages.
 */
export interface OfferReportCsvTable {
  campaign: number;
  job_number: string;
  source: string;
  ats_id: string;
  state: string;
  regime: string | null;
  organism_type: string | null;
  organism: string;
  /** JSON array of the body's networks. */
  networks: string;
  /**
   * The text of the runs of columns that do not depend on the report's instant or options,
   * cells already quoted, runs separated by U+001F; null when the row could not be stored ahead
   * (it holds U+001F) or was written before 0005: the report renders it whole.
   */
  csv_cells: string | null;
  /** The values the other columns are made of (publication, take-down, corrective action), separated by U+001F. */
  csv_moment: string | null;
  /** Which rendering wrote the two columns above: a report uses them only when it is its own. */
  csv_version: number | null;
}

export interface LedgerTable {
  seq: number;
  at: string;
  offer_source: string | null;
  offer_ats_id: string | null;
  campaign: number | null;
  actor: LedgerActor;
  actor_name: string | null;
  kind: string;
  /** Canonical JSON text (sorted keys), exactly what the hash covers. */
  data: string;
  prev_hash: string;
  hash: string;
}

export interface OutboxTable {
  id: Generated<number>;
  idempotency_key: string;
  source: string;
  ats_id: string;
  campaign: number;
  kind: ProcessCommandKind;
  /** JSON. */
  payload: string;
  status: OutboxStatus;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_until: string | null;
  last_error: string | null;
  created_at: string;
  done_at: string | null;
  /** JSON, or null. */
  result: string | null;
  request_id: string | null;
}

/** The last change number given to a write of an `offers` row (one row, id 1; see `offer-changes.ts`). */
export interface OfferChangeCounterTable {
  id: number;
  last: number | string;
}

export interface CursorsTable {
  name: string;
  value: string;
  updated_at: string;
}

/** One budget of ATS calls (one per API key), shared by every instance; see `call-budget.ts`. */
export interface AtsCallBudgetTable {
  budget: string;
  /** No call before this instant: the gateway said the monthly quota is spent. */
  stopped_until: string | null;
  /** A take-down waits for a slot until this instant: the other lanes leave it the reserve (migration 0011). */
  reserve_claimed_until: string | null;
}

/** A call granted recently (kept a few seconds past the window, then pruned). */
export interface AtsCallGrantsTable {
  budget: string;
  granted_at: string;
  lane: string;
}

/** Calls granted per UTC day (`YYYY-MM-DD`), for the rolling 30 days of a monthly quota. */
export interface AtsCallDaysTable {
  budget: string;
  day: string;
  calls: number;
}

/**
 * Which e-mail about a job (migration 0007): a request to submit, to submit again, a reminder, the administrators'
 * alert.
 */
export type RecruiterMailKind = 'submit_request' | 'resubmit_request' | 'reminder' | 'admin_alert';
/**
 * `sending` under a lease (claimed, maybe sent), `sent`, or `failed` (tried again from `retry_at`, never when null).
 */
export type RecruiterMailStatus = 'sending' | 'sent' | 'failed';

/**
 * One e-mail the connector decided to send about a job, once per key (job, campaign, reason,
 * turn, kind, reminder number): the ledger of what was asked of people and when. Recipients are
 * ATS user ids, never addresses. See `recruiter-mails.ts`.
 */
export interface RecruiterMailsTable {
  id: Generated<number>;
  /** `source:ats_id:campaign:reason:turn:kind:sequence`, unique. */
  mail_key: string;
  source: string;
  ats_id: string;
  campaign: number;
  kind: RecruiterMailKind;
  /** What the recruiters are asked: `submit`, or `resubmit` (a submission went out without EN3S). */
  reason: 'submit' | 'resubmit';
  /** The workflow's ask turn (the submission turn a re-submission is asked after; 0 for a first one). */
  turn: number;
  /** The reminder's number from 1; 0 for the other kinds. */
  sequence: number;
  audience: 'recruiters' | 'administrators';
  /** JSON array of the ATS user ids written to; `[]` for the administrators (their addresses are settings). */
  recipient_ids: string;
  subject: string;
  status: RecruiterMailStatus;
  /** Sends tried so far (a claim counts as one). */
  attempts: number;
  lease_owner: string | null;
  lease_until: string | null;
  retry_at: string | null;
  /** Which mailer carried it: `smtp` or `mailbox`. */
  mailer: string | null;
  sent_at: string | null;
  /** The Message-ID of the mail sent (joins `mailbox_messages` in the demo). */
  message_id: string | null;
  accepted: number | null;
  rejected: number | null;
  /** The port's failure code (`SMTP_REJECTED`, `TIMEOUT`…), its message (no address), and the SMTP reply code. */
  error_code: string | null;
  error_message: string | null;
  smtp_code: number | null;
  created_at: string;
  updated_at: string;
}

/** The demo's local mailbox: the messages as a mail server would have received them, without one. */
export interface MailboxMessagesTable {
  id: Generated<number>;
  /** Unique: the same message stored twice (a send repeated after a crash) is kept once. */
  message_id: string;
  stored_at: string;
  /** JSON array of the addresses, as a mailbox holds them (demo users of the sandbox). */
  to_addresses: string;
  subject: string;
  text_body: string;
  html_body: string;
}

export interface Database {
  inbox: InboxTable;
  offers: OffersTable;
  offer_report: OfferReportTable;
  offer_report_csv: OfferReportCsvTable;
  ledger: LedgerTable;
  outbox: OutboxTable;
  cursors: CursorsTable;
  offer_change_counter: OfferChangeCounterTable;
  ats_call_budget: AtsCallBudgetTable;
  ats_call_grants: AtsCallGrantsTable;
  ats_call_days: AtsCallDaysTable;
  queue_drain_leases: QueueDrainLeasesTable;
  queue_poison_elements: QueuePoisonElementsTable;
  recruiter_mails: RecruiterMailsTable;
  mailbox_messages: MailboxMessagesTable;
  en3s_board_entries: En3sBoardEntriesTable;
  service_instances: ServiceInstancesTable;
}

/**
 * The entry of a post on EN3S's own online job board (instruction DSS/4B/2026/34 §1.2), as an
 * administrator recorded it (migration 0012): the one in force per offer and campaign. Every
 * recording is also in the ledger (`admin.board_entry`), the replaced ones included.
 */
export interface En3sBoardEntriesTable {
  source: string;
  ats_id: string;
  campaign: number;
  /** The day the post was entered on EN3S's board, `YYYY-MM-DD` in the body's legal time. */
  entered_on: string;
  note: string | null;
  /** The administrator's or the API token's name. */
  recorded_by: string;
  recorded_at: string;
  /** The ledger entry of this recording. */
  ledger_seq: number;
  /** 1 for the first recording, one more at each recording that replaced the previous one. */
  revision: number;
}

/** Who drains a queue of the ATS now (one drain per queue across all instances); see `queue-drains.ts`. */
export interface QueueDrainLeasesTable {
  queue_name: string;
  owner: string;
  /** The lease is free from this instant on, unless renewed. */
  lease_until: string;
  taken_at: string;
  renewed_at: string;
}

/** A queue element that could not be handled, recorded before it was cleared from its queue. */
export interface QueuePoisonElementsTable {
  id: Generated<number>;
  queue_name: string;
  queue_kind: 'job' | 'posting';
  /** Null when the read of the oldest element itself failed (no id is given then). */
  element_id: string | null;
  job_id: string | null;
  posting_id: string | null;
  /** The port's failure code, e.g. `ELEMENT_GONE`, `NOT_FOUND`, `INVALID_RESPONSE`. */
  code: string;
  message: string;
  recorded_at: string;
  last_seen_at: string;
  occurrences: number;
  /** When the element was known gone from the queue; null while not confirmed. */
  cleared_at: string | null;
}

/** A running instance of the service (migration 0016, `service-instances.ts`). */
export interface ServiceInstancesTable {
  instance_id: string;
  started_at: string;
  last_seen_at: string;
  /** JSON: the instance's shared settings, plain values and SHA-256 of secrets (`instance-agreement.ts`). */
  settings: string;
}

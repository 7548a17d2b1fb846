import type { Generated } from 'kysely';

/**
 * The tables of the store, as Kysely sees them. Table and column names are a contract shared by
 * the pipeline, the reports and the admin API. Types are chosen to read the same on SQLite and
 * PostgreSQL:
 * - instants are ISO-8601 UTC text `YYYY-MM-DDTHH:mm:ss.sssZ`, so they compare and sort as text;
 * - JSON is text (the store parses and serialises it, callers see values);
 * - booleans are integers 0/1;
 * - 64-bit integers are read as JavaScript numbers on both (see `database.ts`).
 */

export type InboxStatus = 'pending' | 'processing' | 'done' | 'failed';
export type OutboxStatus = 'pending' | 'in_flight' | 'done' | 'dead';
export type CommandKind = 'assign_team' | 'start_approval' | 'set_lock' | 'withdraw_posting' | 'notify';
export type Concerned = 'yes' | 'no' | 'undetermined';
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
  last_version: number;
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
  kind: CommandKind;
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

export interface CursorsTable {
  name: string;
  value: string;
  updated_at: string;
}

export interface Database {
  inbox: InboxTable;
  offers: OffersTable;
  ledger: LedgerTable;
  outbox: OutboxTable;
  cursors: CursorsTable;
}

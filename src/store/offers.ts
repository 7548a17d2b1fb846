import { sql, type Selectable } from 'kysely';
import type { Decision } from '../domain/decision.js';
import type { ReviewCheck } from '../domain/job-process.js';
import type { JobSnapshot } from '../domain/job-snapshot.js';
import { canonicalJson } from './canonical-json.js';
import { dialectOf, type Db } from './database.js';
import { assertInstant } from './instant.js';
import type { Concerned, OffersTable } from './schema.js';

/**
 * The read model of offers: one row per offer and campaign, with its workflow state and the
 * fields the dashboard filters on. JSON columns are parsed here; callers see values.
 */

export interface OfferKey {
  source: string;
  ats_id: string;
  campaign: number;
}

export interface OfferRecord extends OfferKey {
  state: string;
  last_updated_at: string | null;
  job_number: string;
  title: string;
  organism_type: string | null;
  organism_name: string | null;
  regime: string | null;
  networks: string[];
  concerned: Concerned;
  review_needed: boolean;
  violation: boolean;
  /** The latest snapshot of the job. */
  offer: JobSnapshot;
  decision: Decision | null;
  /** Owned by the workflow (deadlines, reminders…). */
  timeline_data: Record<string, unknown> | null;
  created_at: string;
  updated_at: string;
}

/** The plain columns of an offer row that name the offer and say where it stands. */
export type OfferHeader = Pick<
  OfferRecord,
  'source' | 'ats_id' | 'campaign' | 'state' | 'job_number' | 'title' | 'organism_type' | 'organism_name'
>;

/** Only the header's columns of a row that may hold more. */
export function offerHeader(row: OfferHeader): OfferHeader {
  const { source, ats_id, campaign, state, job_number, title, organism_type, organism_name } = row;
  return { source, ats_id, campaign, state, job_number, title, organism_type, organism_name };
}

/** What `upsertOffer` writes: everything but the instants, which it sets from `now`. */
export type OfferWrite = Omit<OfferRecord, 'created_at' | 'updated_at'>;

export interface OfferFilter {
  campaign?: number;
  state?: string | string[];
  organism_type?: string;
  regime?: string;
  concerned?: Concerned;
  review_needed?: boolean;
  violation?: boolean;
  /** A job number (exact) or part of the title (case-insensitive). */
  search?: string;
  /** Default 50, at most 1000. */
  limit?: number;
  offset?: number;
}

// Arbitrary constant: the first key of the advisory locks taken per offer on PostgreSQL.
const OFFER_LOCK_CLASS = 0x45_4e_33_01;

/**
 * The offer, or null. With `forUpdate` (inside a transaction) the offer is locked until the
 * transaction ends, even when it does not exist yet, so two workers handling events of the same
 * offer apply them one after the other. On PostgreSQL that is an advisory lock on the key; on
 * SQLite the write transaction already excludes every other writer.
 */
export async function getOffer(
  db: Db,
  key: OfferKey,
  options: { forUpdate?: boolean } = {},
): Promise<OfferRecord | null> {
  if (options.forUpdate) {
    if (!db.isTransaction) throw new TypeError('getOffer forUpdate: call it inside a transaction (inTransaction)');
    if (dialectOf(db) === 'postgres') {
      const lockKey = JSON.stringify([key.source, key.ats_id, key.campaign]);
      await sql`select pg_advisory_xact_lock(${sql.lit(OFFER_LOCK_CLASS)}, hashtext(${lockKey}::text))`.execute(db);
    }
  }
  const row = await db
    .selectFrom('offers')
    .selectAll()
    .where('source', '=', key.source)
    .where('ats_id', '=', key.ats_id)
    .where('campaign', '=', key.campaign)
    .executeTakeFirst();
  return row ? parseOffer(row) : null;
}

/** Inserts or replaces the offer; `created_at` is kept from the first write. */
export async function upsertOffer(db: Db, offer: OfferWrite, now: string): Promise<void> {
  assertInstant(now, 'upsertOffer now');
  const values = {
    state: offer.state,
    last_updated_at: offer.last_updated_at,
    job_number: offer.job_number,
    title: offer.title,
    organism_type: offer.organism_type,
    organism_name: offer.organism_name,
    regime: offer.regime,
    networks: canonicalJson(offer.networks),
    concerned: offer.concerned,
    review_needed: offer.review_needed ? 1 : 0,
    violation: offer.violation ? 1 : 0,
    offer: canonicalJson(offer.offer),
    decision: offer.decision === null ? null : canonicalJson(offer.decision),
    timeline_data: offer.timeline_data === null ? null : canonicalJson(offer.timeline_data),
    updated_at: now,
  };
  await db
    .insertInto('offers')
    .values({ source: offer.source, ats_id: offer.ats_id, campaign: offer.campaign, ...values, created_at: now })
    .onConflict((oc) => oc.columns(['source', 'ats_id', 'campaign']).doUpdateSet(values))
    .execute();
}

/** One page of offers, most recently updated first, and how many match in all. */
export async function listOffers(db: Db, filter: OfferFilter = {}): Promise<{ items: OfferRecord[]; total: number }> {
  const limit = Math.min(Math.max(filter.limit ?? 50, 1), 1000);
  let query = db.selectFrom('offers');
  if (filter.campaign !== undefined) query = query.where('campaign', '=', filter.campaign);
  if (typeof filter.state === 'string') query = query.where('state', '=', filter.state);
  else if (filter.state !== undefined && filter.state.length > 0) query = query.where('state', 'in', filter.state);
  if (filter.organism_type !== undefined) query = query.where('organism_type', '=', filter.organism_type);
  if (filter.regime !== undefined) query = query.where('regime', '=', filter.regime);
  if (filter.concerned !== undefined) query = query.where('concerned', '=', filter.concerned);
  if (filter.review_needed !== undefined) query = query.where('review_needed', '=', filter.review_needed ? 1 : 0);
  if (filter.violation !== undefined) query = query.where('violation', '=', filter.violation ? 1 : 0);
  const search = filter.search?.trim();
  if (search) {
    const pattern = `%${search.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    query = query.where((eb) =>
      eb.or([eb('job_number', '=', search), sql<boolean>`lower(title) like ${pattern} escape '\\'`]),
    );
  }
  const rows = await query
    .selectAll()
    .orderBy('updated_at', 'desc')
    .orderBy('source')
    .orderBy('ats_id')
    .orderBy('campaign')
    .limit(limit)
    .offset(filter.offset ?? 0)
    .execute();
  const count = await query.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  return { items: rows.map(parseOffer), total: Number(count.total) };
}

/**
 * Whether the campaign had any offer at `asOf` (first written then or before): a report of it would be empty otherwise.
 */
export async function campaignHasOffers(db: Db, campaign: number, asOf: string): Promise<boolean> {
  const row = await db
    .selectFrom('offers')
    .select('ats_id')
    .where('campaign', '=', campaign)
    .where('created_at', '<=', asOf)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

/** How many offers the campaign has. */
export async function countCampaignOffers(db: Db, campaign: number): Promise<number> {
  const row = await db
    .selectFrom('offers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign', '=', campaign)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many offers of the campaign are in each state. */
export async function countByState(db: Db, campaign: number): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('offers')
    .select((eb) => ['state', eb.fn.countAll<number>().as('count')])
    .where('campaign', '=', campaign)
    .groupBy('state')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.state, Number(r.count)]));
}

export function parseOffer(row: Selectable<OffersTable>): OfferRecord {
  // The change number is the projector's business (`offer-changes.ts`), not the offer's.
  const { change_no: _changeNo, ...columns } = row;
  return {
    ...columns,
    networks: JSON.parse(row.networks) as string[],
    review_needed: row.review_needed === 1,
    violation: row.violation === 1,
    offer: JSON.parse(row.offer) as JobSnapshot,
    decision: row.decision === null ? null : (JSON.parse(row.decision) as Decision),
    timeline_data: row.timeline_data === null ? null : (JSON.parse(row.timeline_data) as Record<string, unknown>),
  };
}

/**
 * Lowers the "à vérifier" flag of an offer and keeps who checked it in its memory
 * (`timeline_data.reviewChecked`), where the process reads it: the flag comes back only for a
 * newer version of the job. Call it under the offer's lock (`getOffer` with `forUpdate`).
 * False when the offer does not exist.
 */
export async function markOfferChecked(db: Db, key: OfferKey, check: ReviewCheck, now: string): Promise<boolean> {
  assertInstant(now, 'markOfferChecked now');
  const row = await db
    .selectFrom('offers')
    .select('timeline_data')
    .where('source', '=', key.source)
    .where('ats_id', '=', key.ats_id)
    .where('campaign', '=', key.campaign)
    .executeTakeFirst();
  if (!row) return false;
  const memory = row.timeline_data === null ? {} : (JSON.parse(row.timeline_data) as Record<string, unknown>);
  await db
    .updateTable('offers')
    .set({ review_needed: 0, timeline_data: canonicalJson({ ...memory, reviewChecked: check }), updated_at: now })
    .where('source', '=', key.source)
    .where('ats_id', '=', key.ats_id)
    .where('campaign', '=', key.campaign)
    .execute();
  return true;
}

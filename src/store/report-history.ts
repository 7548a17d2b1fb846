import { sql, type RawBuilder } from 'kysely';
import { dialectOf, type Db } from './database.js';
import type { OfferReportPosition } from './offer-report.js';

/**
 * What a report as it stood at an instant (`asOf`) reads: the offers of a campaign that existed
 * then, in report order (`offers_report_order` index), and their ledger entries up to the instant.
 */

/**
 * An offer as a report as it stood reads it: its header, and the few fields of its latest job
 * snapshot the report shows (objects and arrays as JSON text; null where the snapshot has none).
 */
export interface OfferAsOfRow {
  source: string;
  ats_id: string;
  campaign: number;
  state: string;
  job_number: string;
  title: string;
  organism_type: string | null;
  organism_name: string | null;
  o_created: string | number | null;
  o_org: string | number | null;
  o_grid: string | number | null;
  o_level: string | number | null;
  o_scale: string | number | null;
  o_networks: string | number | null;
  o_postings: string | number | null;
}

/**
 * Only the few fields of the job snapshot the report shows are taken out of the `offer` JSON,
 * by the database (it reads JSON in C, much faster than parsing the whole snapshot in JavaScript).
 */
function offerField(db: Db, path: string[]): RawBuilder<string | number | null> {
  return dialectOf(db) === 'postgres'
    ? sql`(${sql.ref('offer')}::jsonb #>> ${sql.lit(`{${path.join(',')}}`)})`
    : sql`json_extract(${sql.ref('offer')}, ${sql.lit(`$.${path.join('.')}`)})`;
}

/** One page of the campaign's offers first written at or before `asOf`, after `after` in report order. */
export async function readOffersAsOfPage(
  db: Db,
  campaign: number,
  asOf: string,
  after: OfferReportPosition | null,
  limit: number,
): Promise<OfferAsOfRow[]> {
  let query = db
    .selectFrom('offers')
    .select(['source', 'ats_id', 'campaign', 'state', 'job_number', 'title', 'organism_type', 'organism_name'])
    .select([
      offerField(db, ['createdAt']).as('o_created'),
      offerField(db, ['organization', 'name']).as('o_org'),
      offerField(db, ['classification', 'grid']).as('o_grid'),
      offerField(db, ['classification', 'level']).as('o_level'),
      offerField(db, ['classification', 'minesScale']).as('o_scale'),
      offerField(db, ['organism', 'networks']).as('o_networks'),
      offerField(db, ['postings']).as('o_postings'),
    ])
    .where('campaign', '=', campaign)
    // Offers first written after the instant did not exist then.
    .where('created_at', '<=', asOf);
  if (after)
    query = query.where((eb) =>
      eb(eb.refTuple('job_number', 'source', 'ats_id'), '>', eb.tuple(after[0], after[1], after[2])),
    );
  return query.orderBy('job_number').orderBy('source').orderBy('ats_id').limit(limit).execute();
}

/** A ledger entry of an offer as a report as it stood reads it (`data` as stored: JSON text). */
export interface LedgerEntryAsOf {
  offer_ats_id: string | null;
  at: string;
  kind: string;
  data: string;
  actor_name: string | null;
}

/** The ledger entries of these offers of one source and campaign, of these kinds, up to `asOf`, in seq order. */
export function readLedgerEntriesAsOf(
  db: Db,
  campaign: number,
  source: string,
  atsIds: readonly string[],
  asOf: string,
  kinds: readonly string[],
): Promise<LedgerEntryAsOf[]> {
  return db
    .selectFrom('ledger')
    .select(['offer_ats_id', 'at', 'kind', 'data', 'actor_name'])
    .where('offer_source', '=', source)
    .where('offer_ats_id', 'in', atsIds)
    .where('campaign', '=', campaign)
    .where('at', '<=', asOf)
    .where('kind', 'in', kinds)
    .orderBy('seq')
    .execute();
}

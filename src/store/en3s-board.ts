import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import { assertInstant } from './instant.js';
import type { OfferReportPosition } from './offer-report.js';
import type { OfferKey } from './offers.js';
import type { Concerned, En3sBoardEntriesTable, OfferReportTable } from './schema.js';

/**
 * EN3S's own online job board (instruction DSS/4B/2026/34 §1.2): the entry of each post as an
 * administrator recorded it (`en3s_board_entries`, migration 0012), and the posts of a campaign
 * to enter there, read from the report projection with the offer's first sighting and its
 * entry. The ledger entry of each recording is appended by the caller in the same transaction.
 */

export type BoardEntry = Selectable<En3sBoardEntriesTable>;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function parse(row: BoardEntry): BoardEntry {
  return { ...row, campaign: Number(row.campaign), ledger_seq: Number(row.ledger_seq), revision: Number(row.revision) };
}

/** The entry in force for the offer, or null when none was recorded. */
export async function getBoardEntry(db: Db, key: OfferKey): Promise<BoardEntry | null> {
  const row = await db
    .selectFrom('en3s_board_entries')
    .selectAll()
    .where('source', '=', key.source)
    .where('ats_id', '=', key.ats_id)
    .where('campaign', '=', key.campaign)
    .executeTakeFirst();
  return row ? parse(row) : null;
}

/**
 * Records the entry, replacing the one in force (its revision one more). Call it in the
 * transaction that appends its ledger entry, with the offer locked (`getOffer` forUpdate), so
 * that two recordings of one offer follow each other.
 */
export async function saveBoardEntry(db: Db, entry: BoardEntry): Promise<BoardEntry> {
  assertInstant(entry.recorded_at, 'saveBoardEntry recorded_at');
  if (!DAY.test(entry.entered_on))
    throw new TypeError(`saveBoardEntry: entered_on must be YYYY-MM-DD, got ${JSON.stringify(entry.entered_on)}`);
  const { source, ats_id, campaign, ...values } = entry;
  await db
    .insertInto('en3s_board_entries')
    .values(entry)
    .onConflict((oc) => oc.columns(['source', 'ats_id', 'campaign']).doUpdateSet(values))
    .execute();
  return entry;
}

/** What the posts' list filters in the database: campaign, régime, body type. */
export interface PostsScan {
  campaign: number;
  regime: string | null;
  organismType: string | null;
}

/** A post to enter on EN3S's board: the offer's projection, when it was first seen, and its entry if recorded. */
export type PostToDeclareRow = Pick<
  OfferReportTable,
  | 'campaign'
  | 'job_number'
  | 'source'
  | 'ats_id'
  | 'title'
  | 'state'
  | 'regime'
  | 'organism'
  | 'organism_type'
  | 'networks'
  | 'grid'
  | 'level'
  | 'time_zone'
  | 'offer_created_at'
  | 'offer_created_day'
> & {
  concerned: Exclude<Concerned, 'no'>;
  /** When the connector first wrote the offer (its first reading of the job). */
  first_seen_at: string;
  entry: Omit<BoardEntry, 'source' | 'ats_id' | 'campaign'> | null;
};

/**
 * States whose offers are not to be entered: not concerned, and published before the window
 * (the période EN3S does not touch them). Every other offer concerned, or undetermined (never
 * silently "not concerned"), is listed.
 */
const NOT_LISTED = ['not_concerned', 'published_before_window'];

/** One page of the posts to enter, in report order (référence, then the key), after `after`. */
export async function readPostsToDeclarePage(
  db: Db,
  scan: PostsScan,
  after: OfferReportPosition | null,
  limit: number,
): Promise<{ rows: PostToDeclareRow[]; last: OfferReportPosition | null }> {
  let query = db
    .selectFrom('offer_report as r')
    .innerJoin('offers as o', (join) =>
      join.onRef('o.source', '=', 'r.source').onRef('o.ats_id', '=', 'r.ats_id').onRef('o.campaign', '=', 'r.campaign'),
    )
    .leftJoin('en3s_board_entries as b', (join) =>
      join.onRef('b.source', '=', 'r.source').onRef('b.ats_id', '=', 'r.ats_id').onRef('b.campaign', '=', 'r.campaign'),
    )
    .select([
      'r.campaign',
      'r.job_number',
      'r.source',
      'r.ats_id',
      'r.title',
      'r.state',
      'r.regime',
      'r.organism',
      'r.organism_type',
      'r.networks',
      'r.grid',
      'r.level',
      'r.time_zone',
      'r.concerned',
      'r.offer_created_at',
      'r.offer_created_day',
      'o.created_at as first_seen_at',
      'b.entered_on',
      'b.note',
      'b.recorded_by',
      'b.recorded_at',
      'b.ledger_seq',
      'b.revision',
    ])
    .where('r.campaign', '=', scan.campaign)
    .where('r.concerned', 'in', ['yes', 'undetermined'])
    .where('r.state', 'not in', NOT_LISTED);
  if (scan.regime !== null) query = query.where('r.regime', '=', scan.regime);
  if (scan.organismType !== null) query = query.where('r.organism_type', '=', scan.organismType);
  if (after)
    query = query.where((eb) =>
      eb(eb.refTuple('r.job_number', 'r.source', 'r.ats_id'), '>', eb.tuple(after[0], after[1], after[2])),
    );
  const found = await query.orderBy('r.job_number').orderBy('r.source').orderBy('r.ats_id').limit(limit).execute();
  const rows = found.map(
    ({ entered_on, note, recorded_by, recorded_at, ledger_seq, revision, ...r }): PostToDeclareRow => ({
      ...r,
      campaign: Number(r.campaign),
      concerned: r.concerned as Exclude<Concerned, 'no'>,
      entry:
        entered_on === null || recorded_by === null || recorded_at === null
          ? null
          : { entered_on, note, recorded_by, recorded_at, ledger_seq: Number(ledger_seq), revision: Number(revision) },
    }),
  );
  const last = rows[rows.length - 1];
  return { rows, last: last ? [last.job_number, last.source, last.ats_id] : null };
}

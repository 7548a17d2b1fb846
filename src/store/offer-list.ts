import { sql, type Expression, type ExpressionBuilder, type RawBuilder, type SqlBool } from 'kysely';
import type { JobProcessState } from '../domain/job-process-states.js';
import { dialectOf, type Db } from './database.js';
import type { OfferHeader } from './offers.js';
import { foldedLikePattern, foldedSql } from './search-text.js';
import type { Concerned, Database } from './schema.js';
import { decodeTextKey, encodePageKey } from './page-keys.js';

/**
 * The offer list of the dashboard and the API: filters, sorts and keyset pagination ("the next
 * page starts after this key"), so page 2,000 costs what page 1 costs. Each sort is served by
 * an index of migration `0003_admin` whose last columns are the tie-breakers of the key, and
 * only the columns the list shows are read. Every value is a bound parameter.
 */

export const offerSorts = ['recent', 'oldest', 'reference', 'title'] as const;
export type OfferSort = (typeof offerSorts)[number];

export interface AdminOfferFilter {
  campaign: number;
  /** Part of the référence, of the title or of the body's name (ignoring case and accents). */
  q: string | null;
  states: JobProcessState[];
  regime: string | null;
  /** Body types (the network filter becomes the types of the network). Empty: any. */
  types: string[] | null;
  concerned: Concerned | null;
  review: boolean;
  violation: boolean;
  /**
   * Submitted to EN3S and still unanswered: the submission was observed before this instant (ISO).
   * No text sets EN3S a deadline: this only finds the long waits an administrator may follow up.
   */
  unansweredSince: string | null;
}

export interface OfferPage {
  items: OfferListItem[];
  /** Key of the last item when there are more, to pass as `after`. */
  next: string | null;
}

export interface OfferListItem extends OfferHeader {
  regime: string | null;
  concerned: Concerned;
  review_needed: boolean;
  violation: boolean;
  updated_at: string;
  /** When the connector observed the submission, and when it asked the recruiter (from the process's memory). */
  submitted_at: string | null;
  asked_at: string | null;
  asked_reason: string | null;
}

const sortColumn: Record<OfferSort, 'updated_at' | 'job_number' | 'title'> = {
  recent: 'updated_at',
  oldest: 'updated_at',
  reference: 'job_number',
  title: 'title',
};
const descending: Record<OfferSort, boolean> = { recent: true, oldest: false, reference: false, title: false };

type OffersEb = ExpressionBuilder<Database, 'offers'>;

/**
 * A text value inside a JSON column, the same on both databases (SQL NULL for JSON null). The
 * path is a literal, not a parameter, checked to be plain words.
 */
function jsonText(db: Db, column: 'timeline_data' | 'decision', path: readonly string[]): RawBuilder<string | null> {
  if (!path.every((p) => /^[A-Za-z]+$/.test(p))) throw new TypeError(`jsonText: unexpected path ${path.join('.')}`);
  if (dialectOf(db) === 'postgres')
    return sql<string | null>`(${sql.raw(column)}::json #>> '{${sql.raw(path.join(','))}}')`;
  return sql<string | null>`json_extract(${sql.raw(column)}, '$.${sql.raw(path.join('.'))}')`;
}

const SUBMITTED_AT = ['submission', 'observedAt'] as const;

function conditions(db: Db, filter: AdminOfferFilter) {
  return (eb: OffersEb): Expression<SqlBool> => {
    const all: Expression<SqlBool>[] = [eb('campaign', '=', filter.campaign)];
    if (filter.states.length > 0) all.push(eb('state', 'in', filter.states));
    if (filter.regime !== null) all.push(eb('regime', '=', filter.regime));
    if (filter.types !== null)
      all.push(filter.types.length > 0 ? eb('organism_type', 'in', filter.types) : sql<SqlBool>`1 = 0`);
    if (filter.concerned !== null) all.push(eb('concerned', '=', filter.concerned));
    if (filter.review) all.push(eb('review_needed', '=', 1));
    if (filter.violation) all.push(eb('violation', '=', 1));
    if (filter.q !== null) {
      // One folded text per row (référence, title, body, separated by a newline no search box
      // can hold): a third of the work of three LIKEs, and only columns of the list index.
      const haystack = foldedSql(
        dialectOf(db),
        sql`${sql.ref('job_number')} || ${'\n'} || ${sql.ref('title')} || ${'\n'} ||
            coalesce(${sql.ref('organism_name')}, '')`,
      );
      all.push(sql<SqlBool>`${haystack} like ${foldedLikePattern(filter.q)} escape '\\'`);
    }
    if (filter.unansweredSince !== null) {
      // Few offers wait in `submitted`: the state's index finds them, then only their JSON is read.
      all.push(eb('state', '=', 'submitted'));
      all.push(sql<SqlBool>`${jsonText(db, 'timeline_data', SUBMITTED_AT)} < ${filter.unansweredSince}`);
    }
    return eb.and(all);
  };
}

/** The key of a page link (`page-keys.ts`); null when it is not one (the caller answers 400). */
export const decodeKey = decodeTextKey;

export async function listAdminOffers(
  db: Db,
  filter: AdminOfferFilter,
  page: { sort: OfferSort; limit: number; after: [string, string, string] | null },
): Promise<OfferPage> {
  const column = sortColumn[page.sort];
  const desc = descending[page.sort];
  const direction = desc ? 'desc' : 'asc';
  let query = db.selectFrom('offers').where(conditions(db, filter));
  if (page.after) {
    const [value, source, atsId] = page.after;
    const op = sql.raw(desc ? '<' : '>');
    query = query.where(
      sql<SqlBool>`(${sql.ref(column)}, ${sql.ref('source')}, ${sql.ref('ats_id')}) ${op}
          (${value}, ${source}, ${atsId})`,
    );
  }
  const rows = await query
    .select([
      'source',
      'ats_id',
      'campaign',
      'state',
      'job_number',
      'title',
      'organism_type',
      'organism_name',
      'regime',
      'concerned',
      'review_needed',
      'violation',
      'updated_at',
    ])
    .select(jsonText(db, 'timeline_data', SUBMITTED_AT).as('submitted_at'))
    .select(jsonText(db, 'timeline_data', ['asked', 'at']).as('asked_at'))
    .select(jsonText(db, 'timeline_data', ['asked', 'reason']).as('asked_reason'))
    .orderBy(column, direction)
    .orderBy('source', direction)
    .orderBy('ats_id', direction)
    .limit(page.limit + 1)
    .execute();
  const items = rows
    .slice(0, page.limit)
    .map((r) => ({ ...r, review_needed: r.review_needed === 1, violation: r.violation === 1 }));
  const last = items[items.length - 1];
  return {
    items,
    next: rows.length > page.limit && last ? encodePageKey([last[column], last.source, last.ats_id]) : null,
  };
}

export async function countAdminOffers(db: Db, filter: AdminOfferFilter): Promise<number> {
  const row = await db
    .selectFrom('offers')
    .where(conditions(db, filter))
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The campaigns that have offers, latest first (for the campaign selector). */
export async function campaignsWithOffers(db: Db): Promise<number[]> {
  const rows = await db
    .selectFrom('offers')
    .select('campaign')
    .distinct()
    .orderBy('campaign', 'desc')
    .limit(50)
    .execute();
  return rows.map((r) => Number(r.campaign));
}

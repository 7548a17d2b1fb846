import { sql, type RawBuilder } from 'kysely';
import type { Decision } from '../domain/decision.js';
import type { OrganismsFile } from '../domain/organism-schema.js';
import { dialectOf, type Db } from '../store/database.js';
import type { ReportRow } from './model.js';
import { bodyMatcher, type ReportOptions } from './options.js';
import { buildRow, type RowContext } from './rows.js';
import { snapshotFromLedger, snapshotFromRecord, type LedgerFact, type OfferFacts, type OfferSource, type Snapshot } from './snapshot.js';

/**
 * Reads the rows of a report from the store, one page at a time (keyset pagination on
 * campaign, référence and key, served by the `offers_report_order` index), so memory stays
 * bounded however many offers the campaign holds and the connection is released between pages.
 * Rows come in référence order. With `asOf`, each page's ledger entries up to that instant are
 * read in one query and folded into the offers' snapshots.
 */

const LEDGER_KINDS = ['decision', 'admin.override', 'team.assigned', 'approval.started', 'approval.cancelled', 'en3s.decision', 'violation.detected', 'state.changed'];

export interface ReadOptions {
  /** Offers per page (default 2000). */
  pageSize?: number;
  /** Called after each page with the number of offers read so far. */
  onProgress?: (read: number) => void;
}

type Key = [string, string, string];

interface Page {
  records: OfferSource[];
  last: Key | null;
}

/**
 * Only the few fields of the job document the report shows are taken out of the `offer` JSON,
 * by the database (it reads JSON in C, much faster than parsing the whole document here).
 * Objects and arrays come back as JSON text.
 */
function offerField(db: Db, path: string[]): RawBuilder<string | number | null> {
  return dialectOf(db) === 'postgres'
    ? sql`(${sql.ref('offer')}::jsonb #>> ${sql.lit(`{${path.join(',')}}`)})`
    : sql`json_extract(${sql.ref('offer')}, ${sql.lit(`$.${path.join('.')}`)})`;
}

/**
 * Many offers share the same decision, networks or postings text (same body type, level and
 * window; postings still in draft): each distinct text is parsed once. Bounded, then reset.
 */
class ParseCache {
  private readonly map = new Map<string, unknown>();
  parse<T>(text: string): T {
    let value = this.map.get(text);
    if (value === undefined) {
      value = JSON.parse(text) as unknown;
      if (this.map.size >= 20_000) this.map.clear();
      this.map.set(text, value);
    }
    return value as T;
  }
}

async function readPage(db: Db, options: ReportOptions, after: Key | null, limit: number, typeFilter: string | null, cache: ParseCache): Promise<Page> {
  let query = db
    .selectFrom('offers')
    .select(['source', 'ats_id', 'campaign', 'state', 'job_number', 'title', 'organism_type', 'organism_name', 'decision', 'timeline_data'])
    .select([
      offerField(db, ['createdAt']).as('o_created'),
      offerField(db, ['organization', 'name']).as('o_org'),
      offerField(db, ['classification', 'grid']).as('o_grid'),
      offerField(db, ['classification', 'level']).as('o_level'),
      offerField(db, ['classification', 'minesScale']).as('o_scale'),
      offerField(db, ['organism', 'networks']).as('o_networks'),
      offerField(db, ['postings']).as('o_postings'),
    ])
    .where('campaign', '=', options.campaign);
  if (after) query = query.where((eb) => eb(eb.refTuple('job_number', 'source', 'ats_id'), '>', eb.tuple(after[0], after[1], after[2])));
  if (options.asOf !== null) {
    // Offers first written after the instant did not exist then.
    query = query.where('created_at', '<=', options.asOf);
  } else {
    // As it stands: the filters on stored columns go to the database.
    if (options.regime !== null) query = query.where('regime', '=', options.regime);
    if (options.states !== null) query = query.where('state', 'in', options.states);
    if (typeFilter !== null) query = query.where('organism_type', '=', typeFilter);
  }
  const rows = await query.orderBy('job_number').orderBy('source').orderBy('ats_id').limit(limit).execute();
  const records: OfferSource[] = rows.map((row) => {
    const offer: OfferFacts = {
      createdAt: String(row.o_created),
      organizationName: row.o_org === null ? '' : String(row.o_org),
      grid: row.o_grid === null ? null : String(row.o_grid),
      level: row.o_level === null ? null : String(row.o_level),
      minesScale: row.o_scale === null ? null : Number(row.o_scale),
      networks: row.o_networks === null ? [] : cache.parse<string[]>(String(row.o_networks)),
      postings: row.o_postings === null ? [] : cache.parse<OfferFacts['postings']>(String(row.o_postings)),
    };
    return {
      source: row.source,
      ats_id: row.ats_id,
      campaign: row.campaign,
      state: row.state,
      job_number: row.job_number,
      title: row.title,
      organism_type: row.organism_type,
      organism_name: row.organism_name,
      offer,
      decision: row.decision === null ? null : cache.parse<Decision>(row.decision),
      timeline_data: row.timeline_data === null ? null : (JSON.parse(row.timeline_data) as Record<string, unknown>),
    };
  });
  const lastRow = rows[rows.length - 1];
  return { records, last: lastRow ? [lastRow.job_number, lastRow.source, lastRow.ats_id] : null };
}

/** The ledger entries of a page of offers up to `asOf`, grouped per offer, in seq order. */
async function ledgerFacts(db: Db, campaign: number, records: readonly OfferSource[], asOf: string): Promise<Map<string, LedgerFact[]>> {
  const bySource = new Map<string, string[]>();
  for (const r of records) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r.ats_id]);
  const facts = new Map<string, LedgerFact[]>();
  for (const [source, ids] of bySource) {
    const rows = await db
      .selectFrom('ledger')
      .select(['offer_ats_id', 'at', 'kind', 'data'])
      .where('offer_source', '=', source)
      .where('offer_ats_id', 'in', ids)
      .where('campaign', '=', campaign)
      .where('at', '<=', asOf)
      .where('kind', 'in', LEDGER_KINDS)
      .orderBy('seq')
      .execute();
    for (const row of rows) {
      const key = `${source}\u0000${row.offer_ats_id}`;
      let list = facts.get(key);
      if (!list) facts.set(key, (list = []));
      list.push({ at: row.at, kind: row.kind, data: JSON.parse(row.data) as unknown });
    }
  }
  return facts;
}

/**
 * The report's rows for the options, at the reference instant (`asOf`, or the generation
 * instant when the report shows the present), one page at a time: writers that can handle a
 * page at once (the CSV) save the cost of an asynchronous step per row.
 */
export async function* reportPages(db: Db, options: ReportOptions, referenceAt: string, organisms: OrganismsFile, read: ReadOptions = {}): AsyncGenerator<ReportRow[]> {
  const pageSize = Math.max(1, read.pageSize ?? 2000);
  const ctx: RowContext = { referenceMs: Date.parse(referenceAt), primaryNetworks: options.primaryNetworks };
  const matchBody = bodyMatcher(options.body, organisms);
  const typeFilter = options.body !== null && organisms.types.some((t) => t.key === options.body!.toUpperCase()) ? options.body.toUpperCase() : null;
  const states = options.states === null ? null : new Set<string>(options.states);
  const cache = new ParseCache();
  let after: Key | null = null;
  let count = 0;
  for (;;) {
    const page = await readPage(db, options, after, pageSize, typeFilter, cache);
    if (page.records.length === 0) return;
    const facts = options.asOf === null ? null : await ledgerFacts(db, options.campaign, page.records, options.asOf);
    const rows: ReportRow[] = [];
    for (const record of page.records) {
      const snapshot: Snapshot | null = facts ? snapshotFromLedger(facts.get(`${record.source}\u0000${record.ats_id}`) ?? []) : snapshotFromRecord(record);
      if (!snapshot) continue;
      const row = buildRow(record, snapshot, ctx);
      if (states && !states.has(row.state)) continue;
      if (options.regime !== null && row.regime !== options.regime) continue;
      if (matchBody && !matchBody(row.organismType, row.organism)) continue;
      if (options.network !== null && !row.networks.includes(options.network)) continue;
      rows.push(row);
    }
    if (rows.length > 0) yield rows;
    count += page.records.length;
    read.onProgress?.(count);
    after = page.last;
    if (page.records.length < pageSize) return;
  }
}

/** The same rows, one at a time. */
export async function* reportRows(db: Db, options: ReportOptions, referenceAt: string, organisms: OrganismsFile, read: ReadOptions = {}): AsyncGenerator<ReportRow> {
  for await (const page of reportPages(db, options, referenceAt, organisms, read)) yield* page;
}

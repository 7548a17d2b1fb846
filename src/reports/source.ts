import type { OrganismsFile } from '../domain/organism-schema.js';
import type { Db } from '../store/database.js';
import {
  readOfferReportCsvBlock,
  readOfferReportCsvPage,
  readOfferReportPage,
  type OfferReportPosition,
  type OfferReportRange,
  type OfferReportScan,
} from '../store/offer-report.js';
import { CsvBlockRecordsMaker } from '../store/offer-report-csv-block.js';
import { readLedgerEntriesAsOf, readOffersAsOfPage } from '../store/report-history.js';
import { LocalDates } from './local-dates.js';
import { offerHeader } from '../store/offers.js';
import type { ReportRow } from './model.js';
import { bodyMatcher, type ReportOptions } from './options.js';
import { CSV_CELLS_VERSION, hasCsvAhead, MomentCells, reportCsvPage, type CsvPage } from './render-csv.js';
import { buildRow, finishRow, reportedNetworks, rowContext, type RowContext } from './rows.js';
import {
  SNAPSHOT_FACT_KINDS,
  snapshotFromLedger,
  type LedgerFact,
  type OfferFacts,
  type OfferSource,
} from './snapshot.js';

/**
 * Reads the rows of a report from the store, one page at a time (keyset pagination on
 * campaign, référence and key), so memory stays bounded however many offers the campaign holds
 * and the connection is released between pages. Rows come in référence order.
 * - As it stands: the offers' projections (`offer_report`, written by the pipeline with each
 *   offer, stored in that order), finished at the reference instant; no JSON is parsed.
 * - As it stood (`asOf`): the offers (`offers_report_order` index), each page's ledger entries up
 *   to that instant read in one query and folded into the offers' snapshots. The queries are the
 *   store's (`src/store/offer-report.ts`, `src/store/report-history.ts`).
 */

export interface ReadOptions {
  /** Offers per page (default 250: small pages are garbage-collected young, large ones are promoted and cost more). */
  pageSize?: number;
  /** Called after each page with the number of offers read so far. */
  onProgress?: (read: number) => void;
}

type Key = OfferReportPosition;

interface Page {
  records: OfferSource[];
  last: Key | null;
}

/**
 * Many offers share the same networks or postings text (same body type; no posting yet):
 * each distinct text is parsed once. Bounded, then reset.
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

/**
 * A page of offers for a report as it stood at `asOf`: their snapshots come from the ledger, only the snapshot's fields
 * from here.
 */
async function readPage(
  db: Db,
  campaign: number,
  asOf: string,
  after: Key | null,
  limit: number,
  cache: ParseCache,
): Promise<Page> {
  const rows = await readOffersAsOfPage(db, campaign, asOf, after, limit);
  const records: OfferSource[] = rows.map((row) => {
    const offer: OfferFacts = {
      createdAt: String(row.o_created),
      organizationName: row.o_org === null ? '' : String(row.o_org),
      grid: row.o_grid === null ? null : String(row.o_grid),
      level: row.o_level === null ? null : String(row.o_level),
      minesScale: row.o_scale === null ? null : Number(row.o_scale),
      networks: row.o_networks === null ? [] : cache.parse<string[]>(String(row.o_networks)),
      // Null when the latest snapshot did not read them (JSON null comes back as SQL null).
      postings:
        row.o_postings === null ? [] : (cache.parse<OfferFacts['postings'] | null>(String(row.o_postings)) ?? []),
    };
    return {
      ...offerHeader(row),
      offer,
      decision: null,
      timeline_data: null,
    };
  });
  const lastRow = rows[rows.length - 1];
  return { records, last: lastRow ? [lastRow.job_number, lastRow.source, lastRow.ats_id] : null };
}

/** The ledger entries of a page of offers up to `asOf`, grouped per offer, in seq order. */
async function ledgerFacts(
  db: Db,
  campaign: number,
  records: readonly OfferSource[],
  asOf: string,
): Promise<Map<string, LedgerFact[]>> {
  const bySource = new Map<string, string[]>();
  for (const r of records) bySource.set(r.source, [...(bySource.get(r.source) ?? []), r.ats_id]);
  const facts = new Map<string, LedgerFact[]>();
  for (const [source, ids] of bySource) {
    const rows = await readLedgerEntriesAsOf(db, campaign, source, ids, asOf, SNAPSHOT_FACT_KINDS);
    for (const row of rows) {
      const key = `${source}\u0000${row.offer_ats_id}`;
      let list = facts.get(key);
      if (!list) {
        list = [];
        facts.set(key, list);
      }
      list.push({ at: row.at, kind: row.kind, data: JSON.parse(row.data) as unknown, actorName: row.actor_name });
    }
  }
  return facts;
}

/**
 * Rows of one page, before the filters that need the row: as they stand (projection, `scan` applied by the database) or
 * as they stood (ledger).
 */
async function* unfilteredPages(
  db: Db,
  options: ReportOptions,
  ctx: RowContext,
  pageSize: number,
  range: OfferReportRange,
  scan: OfferReportScan,
): AsyncGenerator<{ rows: ReportRow[]; read: number }> {
  const cache = new ParseCache();
  const dates = new LocalDates();
  let after: OfferReportPosition | null = range.after;
  const until = range.until;
  for (;;) {
    let rows: ReportRow[];
    let read: number;
    let last: OfferReportPosition | null;
    if (options.asOf === null) {
      const facts = await readOfferReportPage(db, scan, { after, until }, pageSize);
      rows = facts.map((f) => finishRow(f, ctx));
      read = facts.length;
      const lastRow = facts[facts.length - 1];
      last = lastRow ? [lastRow.job_number, lastRow.source, lastRow.ats_id] : null;
    } else {
      const page = await readPage(db, options.campaign, options.asOf, after, pageSize, cache);
      const facts = await ledgerFacts(db, options.campaign, page.records, options.asOf);
      rows = [];
      for (const record of page.records) {
        const snapshot = snapshotFromLedger(facts.get(`${record.source}\u0000${record.ats_id}`) ?? []);
        if (snapshot) rows.push(buildRow(record, snapshot, ctx, dates));
      }
      read = page.records.length;
      last = page.last;
    }
    if (read === 0) return;
    yield { rows, read };
    after = last;
    if (read < pageSize) return;
  }
}

/** The body type key the `body` option names, if it names a type (not a body): a filter the database applies. */
function typeFilterOf(options: ReportOptions, organisms: OrganismsFile): string | null {
  const body = options.body?.toUpperCase() ?? null;
  return body !== null && organisms.types.some((t) => t.key === body) ? body : null;
}

/** The filters of a report as it stands that the database applies: campaign, régime, states, body type. */
export function scanOf(options: ReportOptions, organisms: OrganismsFile): OfferReportScan {
  return {
    campaign: options.campaign,
    regime: options.regime,
    states: options.states,
    organismType: typeFilterOf(options, organisms),
  };
}

/** What the filters of the options look at in a row. */
type FilteredView = Pick<ReportRow, 'state' | 'regime' | 'organismType' | 'organism' | 'networks'>;

/** The filters of the options, on a row (the database applied those it can already; they hold). */
function rowFilter(options: ReportOptions, organisms: OrganismsFile): (row: FilteredView) => boolean {
  const matchBody = bodyMatcher(options.body, organisms);
  const states = options.states === null ? null : new Set<string>(options.states);
  return (row) =>
    (!states || states.has(row.state)) &&
    (options.regime === null || row.regime === options.regime) &&
    (!matchBody || matchBody(row.organismType, row.organism)) &&
    (options.network === null || row.networks.includes(options.network));
}

/**
 * The report's rows for the options, at the reference instant (`asOf`, or the generation
 * instant when the report shows the present), one page at a time: writers that can handle a
 * page at once save the cost of an asynchronous step per row. As it stands, the rows
 * come from the offers' projections (`offer_report`); as it stood, from the ledger.
 */
export async function* reportPages(
  db: Db,
  options: ReportOptions,
  referenceAt: string,
  organisms: OrganismsFile,
  read: ReadOptions = {},
): AsyncGenerator<ReportRow[]> {
  const pageSize = Math.max(1, read.pageSize ?? 250);
  const range = { after: null, until: null };
  const ctx = rowContext(referenceAt, options.primaryNetworks);
  const keep = rowFilter(options, organisms);
  let count = 0;
  for await (const page of unfilteredPages(db, options, ctx, pageSize, range, scanOf(options, organisms))) {
    const rows = page.rows.filter(keep);
    if (rows.length > 0) yield rows;
    count += page.read;
    read.onProgress?.(count);
  }
}

/**
 * The report's CSV records, one page of text at a time. As it stands, each offer's record is
 * its projection's text ahead of the report joined with the cells of its moment (`render-csv.ts`;
 * on SQLite from a block of bytes, `src/store/offer-report-csv-block.ts`; the invariants of that
 * path are in `src/store/README.md`); the query applies the filters on régime, states and body
 * type, and only the body's name and the network are checked here. An offer whose projection
 * holds no text of this version (written before, or by another rendering) is read whole and
 * rendered as the other formats are. As it stood, every row is rendered from the ledger's fold.
 */
export async function* reportCsvPages(
  db: Db,
  options: ReportOptions,
  referenceAt: string,
  organisms: OrganismsFile,
  read: ReadOptions = {},
): AsyncGenerator<CsvPage> {
  if (options.asOf !== null) {
    for await (const page of reportPages(db, options, referenceAt, organisms, read))
      yield { text: reportCsvPage(page), rows: page.length };
    return;
  }
  const pageSize = Math.max(1, read.pageSize ?? CSV_PAGE_ROWS);
  const ctx = rowContext(referenceAt, options.primaryNetworks);
  const keep = rowFilter(options, organisms);
  const scan = scanOf(options, organisms);
  // A body named by its type is the query's filter; by its name, it is checked here.
  const matchBody = scan.organismType === null ? bodyMatcher(options.body, organisms) : null;
  const network = options.network;
  const cells = new MomentCells(ctx);
  // On SQLite, a page is read as one block of bytes when it can be (`src/store/offer-report-csv-block.ts`);
  // a body filtered by its name is checked on rows. Blocks refused twice in a row (a database written
  // before the records existed) are not asked for again in this report.
  let blocks = matchBody === null ? new CsvBlockRecordsMaker(cells.layout(), network) : null;
  let refused = 0;
  let after: OfferReportPosition | null = null;
  const until = null;
  let count = 0;
  for (;;) {
    if (blocks !== null) {
      const block = await readOfferReportCsvBlock(db, scan, { after, until }, pageSize, CSV_CELLS_VERSION);
      if (block === null)
        blocks = null; // PostgreSQL
      else if (block.rows === 0) return;
      else {
        const made = blocks.render(block);
        if (made !== null) {
          refused = 0;
          if (made.rows > 0) yield { text: made.bytes, rows: made.rows };
          count += block.rows;
          read.onProgress?.(count);
          if (block.rows < pageSize) return;
          after = made.last;
          continue;
        }
        // This page as rows, below.
        if (++refused >= 2) blocks = null;
      }
    }
    const page = await readOfferReportCsvPage(db, scan, { after, until }, pageSize, matchBody !== null);
    const records: string[] = [];
    let rows = 0;
    const whole: { index: number; source: string; ats_id: string }[] = [];
    for (const row of page) {
      if (matchBody && !matchBody(row.organism_type ?? null, row.organism ?? '')) continue;
      const ahead = hasCsvAhead(row) ? row : null;
      const moment = ahead && cells.moment(ahead);
      const networks = moment ? moment.networks : reportedNetworks(row.networks, ctx);
      if (network !== null && !networks.includes(network)) continue;
      const record = ahead && moment ? cells.record(ahead.csv_cells, moment) : null;
      if (record !== null) {
        records.push(record);
        rows += 1;
      } else {
        whole.push({ index: records.length, source: row.source, ats_id: row.ats_id });
        records.push('');
      }
    }
    const last = page[page.length - 1];
    if (whole.length > 0 && last) {
      // The page again, whole, by its own range of keys (rows changed meanwhile are read as they are now).
      const wholePage = await readOfferReportPage(
        db,
        scan,
        { after, until: [last.job_number, last.source, last.ats_id] },
        WHOLE_PAGE_LIMIT,
      );
      const facts = new Map(wholePage.map((f) => [`${f.source}\u0000${f.ats_id}`, f]));
      for (const w of whole) {
        const f = facts.get(`${w.source}\u0000${w.ats_id}`);
        const row = f && finishRow(f, ctx);
        // Gone or changed since the page was read (no longer in the report): not in it.
        if (!row || !keep(row)) continue;
        records[w.index] = reportCsvPage([row]);
        rows += 1;
      }
    }
    if (rows > 0) yield { text: records.join(''), rows };
    count += page.length;
    read.onProgress?.(count);
    if (!last || page.length < pageSize) return;
    after = [last.job_number, last.source, last.ats_id];
  }
}

/**
 * Rows per page of a CSV report as it stands. A block of 2,000 rows is about 800 KB in and out;
 * each page costs a query (built, then sought in the key), and at 250 rows a page those made a
 * fifth of the CSV of 1,000,000 offers (5.4-7.2 s against 4.0-4.9 s at 1,000-4,000 rows).
 */
const CSV_PAGE_ROWS = 2_000;

/**
 * The most rows a page's range of keys is read with again (it holds the page's rows, and those written into it since).
 */
const WHOLE_PAGE_LIMIT = 100_000;

/** The same rows, one at a time. */
export async function* reportRows(
  db: Db,
  options: ReportOptions,
  referenceAt: string,
  organisms: OrganismsFile,
  read: ReadOptions = {},
): AsyncGenerator<ReportRow> {
  for await (const page of reportPages(db, options, referenceAt, organisms, read)) yield* page;
}

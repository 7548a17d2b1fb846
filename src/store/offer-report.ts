import type BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { sqliteConnectionOf, type Db } from './database.js';
import type { OfferKey } from './offers.js';
import type { OfferReportCsvTable, OfferReportTable } from './schema.js';

/**
 * The control report's projection of each offer (`offer_report`, see `schema.ts`): written with
 * the `offers` row, in the same transaction, so that it always says what the row says.
 */

const keyColumns = new Set(['source', 'ats_id', 'campaign']);

/** The offer's CSV record ahead of the report (`offer_report_csv`). */
export type CsvAheadColumns = Pick<OfferReportCsvTable, 'csv_cells' | 'csv_moment' | 'csv_version'>;

/**
 * Inserts or replaces the offer's projection, and with `ahead` its CSV report's projection
 * (`offer_report_csv`, which migration 0004's backfill, older than that table, leaves out);
 * null removes both (the offer is not reportable).
 */
export async function writeOfferReport(
  db: Db,
  key: OfferKey,
  row: OfferReportTable | null,
  ahead?: CsvAheadColumns,
): Promise<void> {
  if (row === null) {
    for (const table of ['offer_report', 'offer_report_csv'] as const) {
      await db
        .deleteFrom(table)
        .where('source', '=', key.source)
        .where('ats_id', '=', key.ats_id)
        .where('campaign', '=', key.campaign)
        .execute();
    }
    return;
  }
  if (row.source !== key.source || row.ats_id !== key.ats_id || row.campaign !== key.campaign) {
    throw new TypeError(
      `writeOfferReport: the row is for ${row.source}/${row.ats_id}/${row.campaign}, not ` +
        `${key.source}/${key.ats_id}/${key.campaign}`,
    );
  }
  await upsert(db, 'offer_report', row);
  if (ahead) await upsert(db, 'offer_report_csv', csvRowOf(row, ahead));
}

/** The CSV report's projection of an offer: its key, what the filters read, its record ahead. */
export function csvRowOf(row: OfferReportTable, ahead: CsvAheadColumns): OfferReportCsvTable {
  return {
    campaign: row.campaign,
    job_number: row.job_number,
    source: row.source,
    ats_id: row.ats_id,
    state: row.state,
    regime: row.regime,
    organism_type: row.organism_type,
    organism: row.organism,
    networks: row.networks,
    csv_cells: ahead.csv_cells,
    csv_moment: ahead.csv_moment,
    csv_version: ahead.csv_version,
  };
}

async function upsert<T extends 'offer_report' | 'offer_report_csv'>(
  db: Db,
  table: T,
  row: T extends 'offer_report' ? OfferReportTable : OfferReportCsvTable,
): Promise<void> {
  const update = Object.fromEntries(Object.entries(row).filter(([column]) => !keyColumns.has(column)));
  // The key may have a new job number: the conflict is on the offer, not on the primary key.
  await db
    .insertInto(table as 'offer_report')
    .values(row as OfferReportTable)
    .onConflict((oc) => oc.columns(['source', 'ats_id', 'campaign']).doUpdateSet(update))
    .execute();
}

/** What a report as it stands selects, besides its campaign. */
export interface OfferReportScan {
  campaign: number;
  regime: string | null;
  states: readonly string[] | null;
  organismType: string | null;
}

/** Position in report order (référence, then the key). */
export type OfferReportPosition = readonly [jobNumber: string, source: string, atsId: string];

/**
 * The part of the report order a scan covers: after `after` (from the start when null), up to `until` included (to the
 * end when null).
 */
export interface OfferReportRange {
  after: OfferReportPosition | null;
  until: OfferReportPosition | null;
}

/**
 * A scan of `offer_report`, or of `offer_report_csv` (same key and filter columns, in the same order), in report order.
 */
function scanQuery(
  db: Db,
  scan: OfferReportScan,
  range: OfferReportRange,
  table: 'offer_report' | 'offer_report_csv' = 'offer_report',
) {
  let query = db.selectFrom(table as 'offer_report').where('campaign', '=', scan.campaign);
  const { after, until } = range;
  if (after)
    query = query.where((eb) =>
      eb(eb.refTuple('job_number', 'source', 'ats_id'), '>', eb.tuple(after[0], after[1], after[2])),
    );
  if (until)
    query = query.where((eb) =>
      eb(eb.refTuple('job_number', 'source', 'ats_id'), '<=', eb.tuple(until[0], until[1], until[2])),
    );
  if (scan.regime !== null) query = query.where('regime', '=', scan.regime);
  if (scan.states !== null) query = query.where('state', 'in', scan.states);
  if (scan.organismType !== null) query = query.where('organism_type', '=', scan.organismType);
  return query.orderBy('job_number').orderBy('source').orderBy('ats_id');
}

const columns = [
  'campaign',
  'job_number',
  'source',
  'ats_id',
  'title',
  'state',
  'regime',
  'organism',
  'organism_type',
  'networks',
  'grid',
  'level',
  'time_zone',
  'concerned',
  'reason',
  'cited_text',
  'offer_created_at',
  'offer_created_day',
  'team_at',
  'team_day',
  'team_by',
  'approval_at',
  'approval_day',
  'approval_by',
  'due_date',
  'overdue_from',
  'en3s_answer',
  'en3s_at',
  'en3s_day',
  'answer_days',
  'published_at',
  'published_day',
  'channel',
  'violation',
  'withdrawn_at',
  'withdrawn_day',
  'fix_action',
  'fix_at',
  'fix_day',
  'state_since',
  'state_since_day',
  'released',
  'entered_process',
] as const satisfies readonly (keyof OfferReportTable)[];

/**
 * A row read as an array (in `columns` order) as an object. Written out, so that every row gets
 * one and the same shape at once (assigning the keys in a loop would not).
 */
function fromArray(v: unknown[]): OfferReportTable {
  return {
    campaign: v[0],
    job_number: v[1],
    source: v[2],
    ats_id: v[3],
    title: v[4],
    state: v[5],
    regime: v[6],
    organism: v[7],
    organism_type: v[8],
    networks: v[9],
    grid: v[10],
    level: v[11],
    time_zone: v[12],
    concerned: v[13],
    reason: v[14],
    cited_text: v[15],
    offer_created_at: v[16],
    offer_created_day: v[17],
    team_at: v[18],
    team_day: v[19],
    team_by: v[20],
    approval_at: v[21],
    approval_day: v[22],
    approval_by: v[23],
    due_date: v[24],
    overdue_from: v[25],
    en3s_answer: v[26],
    en3s_at: v[27],
    en3s_day: v[28],
    answer_days: v[29],
    published_at: v[30],
    published_day: v[31],
    channel: v[32],
    violation: v[33],
    withdrawn_at: v[34],
    withdrawn_day: v[35],
    fix_action: v[36],
    fix_at: v[37],
    fix_day: v[38],
    state_since: v[39],
    state_since_day: v[40],
    released: v[41],
    entered_process: v[42],
  } as OfferReportTable;
}

/**
 * What a CSV report as it stands reads of an offer (`offer_report_csv`): its key, its networks,
 * its record ahead of the report, and the body (type and name) only when the report is filtered
 * by a body's name. The other filters are the query's.
 */
export type OfferReportCsvRow = Pick<
  OfferReportCsvTable,
  'job_number' | 'source' | 'ats_id' | 'networks' | 'csv_version' | 'csv_cells' | 'csv_moment'
> &
  Partial<Pick<OfferReportCsvTable, 'organism_type' | 'organism'>>;

const csvColumns = [
  'job_number',
  'source',
  'ats_id',
  'networks',
  'csv_version',
  'csv_cells',
  'csv_moment',
] as const satisfies readonly (keyof OfferReportCsvRow)[];
const csvColumnsWithBody = [
  ...csvColumns,
  'organism_type',
  'organism',
] as const satisfies readonly (keyof OfferReportCsvRow)[];

function csvRowFromArray(v: unknown[]): OfferReportCsvRow {
  return {
    job_number: v[0],
    source: v[1],
    ats_id: v[2],
    networks: v[3],
    csv_version: v[4],
    csv_cells: v[5],
    csv_moment: v[6],
    organism_type: v[7],
    organism: v[8],
  } as OfferReportCsvRow;
}

const statements = new WeakMap<BetterSqlite3.Database, Map<string, BetterSqlite3.Statement>>();

/** The raw statement of a query text, prepared once per connection (the filters make a handful of texts). */
function statement(connection: BetterSqlite3.Database, text: string): BetterSqlite3.Statement {
  let cache = statements.get(connection);
  if (!cache) {
    cache = new Map();
    statements.set(connection, cache);
  }
  let prepared = cache.get(text);
  if (!prepared) {
    if (cache.size >= 100) cache.clear();
    prepared = connection.prepare(text).raw(true);
    cache.set(text, prepared);
  }
  return prepared;
}

/**
 * A page of `names` read in report order. On SQLite the rows are read as arrays straight from
 * the connection (objects built by the driver cost more than the read itself), once any
 * transaction in progress on it has ended, and made objects by `fromArray`.
 */
async function readPage<T>(
  db: Db,
  table: 'offer_report' | 'offer_report_csv',
  scan: OfferReportScan,
  range: OfferReportRange,
  limit: number,
  names: readonly (keyof OfferReportTable)[],
  fromArray: (v: unknown[]) => T,
): Promise<T[]> {
  const query = scanQuery(db, scan, range, table).select(names).limit(limit);
  const connection = sqliteConnectionOf(db);
  if (connection === null) return (await query.execute()) as T[];
  const compiled = query.compile();
  const arrays = await db
    .connection()
    .execute(async () => statement(connection, compiled.sql).all(...compiled.parameters) as unknown[][]);
  return arrays.map(fromArray);
}

/** One page of projections in report order (on SQLite, from the clustered primary key). */
export function readOfferReportPage(
  db: Db,
  scan: OfferReportScan,
  range: OfferReportRange,
  limit: number,
): Promise<OfferReportTable[]> {
  return readPage(db, 'offer_report', scan, range, limit, columns, fromArray);
}

/**
 * One page of what a CSV report reads (`offer_report_csv`), in report order; `withBody`: with the body's type and name
 * too.
 */
export function readOfferReportCsvPage(
  db: Db,
  scan: OfferReportScan,
  range: OfferReportRange,
  limit: number,
  withBody: boolean,
): Promise<OfferReportCsvRow[]> {
  return readPage(
    db,
    'offer_report_csv',
    scan,
    range,
    limit,
    (withBody ? csvColumnsWithBody : csvColumns) as readonly (keyof OfferReportTable)[],
    csvRowFromArray,
  );
}

/** Between the rows of a block of `offer_report_csv` (`readOfferReportCsvBlock`). */
export const BLOCK_ROW_END = 0x1d;
/** Between the fields of a row of a block. */
export const BLOCK_FIELD_END = 0x1e;

/**
 * A page of `offer_report_csv` as one piece of bytes: the rows in report order, each
 * `job_number`, `source`, `ats_id`, `networks`, `csv_moment` and `csv_cells` (UTF-8) separated
 * by U+001E, rows separated by U+001D. `rows` counts the page's rows and `ready` those holding
 * their record of the version asked for; the block holds only those, so a page is usable as a
 * block only when both are equal.
 */
export interface OfferReportCsvBlock {
  rows: number;
  ready: number;
  block: Buffer;
}

/**
 * One page of what a CSV report reads, as a block (see `OfferReportCsvBlock`), for the CSV
 * report on SQLite: SQLite joins the page itself, so a page costs one value handed to
 * JavaScript instead of six strings per row (decoding the text into strings was more than half
 * the CPU of a large CSV report). The caller checks the block's shape (a field holding a
 * separator shows as a row of the wrong shape) and its order, and reads the page as rows
 * (`readOfferReportCsvPage`) when it is not usable. Null on PostgreSQL.
 */
export async function readOfferReportCsvBlock(
  db: Db,
  scan: OfferReportScan,
  range: OfferReportRange,
  limit: number,
  version: number,
): Promise<OfferReportCsvBlock | null> {
  const connection = sqliteConnectionOf(db);
  if (connection === null) return null;
  const page = scanQuery(db, scan, range, 'offer_report_csv')
    .select((eb) => [
      sql<number>`csv_version = ${eb.val(version)} and csv_cells is not null and csv_moment is not null`.as('ready'),
      sql<string>`job_number || char(30) || source || char(30) || ats_id || char(30) || networks ||
          char(30) || csv_moment || char(30) || csv_cells`.as('frame'),
    ])
    .limit(limit)
    .compile();
  // SQLite runs the page as a co-routine and joins its rows in the order it gives them; the
  // caller checks that order on the keys all the same (SQL does not promise it).
  const text = `select count(*), coalesce(sum(ready), 0), cast(group_concat(frame, char(29)) as blob)
    from (${page.sql})`;
  const [rows, ready, block] = await db
    .connection()
    .execute(async () => statement(connection, text).get(...page.parameters) as [number, number, Buffer | null]);
  return { rows, ready, block: block ?? Buffer.alloc(0) };
}

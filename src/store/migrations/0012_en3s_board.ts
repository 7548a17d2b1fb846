import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The 2026 procedure (instruction DSS/4B/2026/34):
 * - §1.2: each concerned post is entered on EN3S's own online job board, which has no interface
 *   the connector could call. `en3s_board_entries` holds, per offer and campaign, the entry an
 *   administrator recorded (the day the post was entered there, a note, who recorded it and
 *   when, and the ledger entry that says so). Recording it again replaces the row and appends a
 *   new ledger entry: the ledger keeps every recording, this table the one in force (`revision`
 *   counts them);
 * - the report runs take a third kind, `posts` (the list of the posts to enter on that board):
 *   the check of 0002 knew only `report` and `recap`. PostgreSQL replaces the constraint; SQLite
 *   cannot alter one, so the table is rebuilt from its own stored definition, rows and ids copied,
 *   its indexes made again (as 0010 did for the outbox);
 * - §3: the SGMCAS receives the whole recap, every network, not only the ARS's part. The ARS's
 *   network was named « SGMCAS (ARS) », as if the ARS's line were the SGMCAS's share; it is now
 *   « ARS » (mappings/organismes.yaml), and the rows written under the former name are renamed.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

/** Frozen here: a migration never imports the application's current code. */
const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;
const kindCheck = `kind in ('report', 'recap', 'posts')`;
const FORMER_ARS_NETWORK = 'SGMCAS (ARS)';
const ARS_NETWORK = 'ARS';

export async function up(db: AnyDb): Promise<void> {
  const run = (fn: (trx: AnyDb) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
  await run(async (trx) => {
    await trx.schema
      .createTable('en3s_board_entries')
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('ats_id', 'text', (c) => c.notNull())
      .addColumn('campaign', 'integer', (c) => c.notNull())
      // The calendar day (`YYYY-MM-DD`, the body's legal time) the post was entered on EN3S's board.
      .addColumn('entered_on', 'text', (c) => c.notNull())
      .addColumn('note', 'text')
      // The administrator's (or the API token's) name, and when the entry was recorded (ISO instant).
      .addColumn('recorded_by', 'text', (c) => c.notNull())
      .addColumn('recorded_at', 'text', (c) => c.notNull())
      .addColumn('ledger_seq', isPostgres(trx) ? 'bigint' : 'integer', (c) => c.notNull())
      // 1 for the first recording, then one more at each recording that replaces it.
      .addColumn('revision', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('en3s_board_entries_pk', ['source', 'ats_id', 'campaign'])
      .execute();
    await allowPostsRuns(trx);
    const rename = (table: string, column: string) =>
      sql`update ${sql.table(table)}
          set ${sql.ref(column)} = replace(${sql.ref(column)}, ${`"${FORMER_ARS_NETWORK}"`}, ${`"${ARS_NETWORK}"`})
          where ${sql.ref(column)} like ${`%"${FORMER_ARS_NETWORK}"%`}`.execute(trx);
    await rename('offers', 'networks');
    await rename('offers', 'offer');
    await rename('offer_report', 'networks');
    await rename('offer_report_csv', 'networks');
  });
}

async function allowPostsRuns(trx: AnyDb): Promise<void> {
  if (isPostgres(trx)) {
    await sql`alter table report_runs drop constraint report_runs_kind`.execute(trx);
    await sql`alter table report_runs add constraint report_runs_kind check (${sql.raw(kindCheck)})`.execute(trx);
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'report_runs'`.execute(trx);
  const definition = table.rows[0]?.sql;
  const check = /constraint\s+"?report_runs_kind"?\s+check\s*\(\s*kind\s+in\s*\([^)]*\)\s*\)/i;
  if (!definition || !check.test(definition))
    throw new Error(
      `0012_en3s_board: report_runs's definition has no report_runs_kind check as 0002 wrote ` +
        `it: ${definition ?? '(no table)'}`,
    );
  const rebuilt = definition
    .replace(/^create\s+table\s+"?report_runs"?/i, 'create table "report_runs_0012"')
    .replace(check, `constraint "report_runs_kind" check (${kindCheck})`);
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'report_runs' and sql is not null`.execute(trx);
  await sql.raw(rebuilt).execute(trx);
  await sql`insert into report_runs_0012 select * from report_runs`.execute(trx);
  await sql`drop table report_runs`.execute(trx);
  await sql`alter table report_runs_0012 rename to report_runs`.execute(trx);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
}

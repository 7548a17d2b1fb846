import { sql, type Kysely } from 'kysely';
import { dialectOf, type Db } from '../database.js';
import { withinTransaction } from '../transaction.js';

/**
 * A CSV report's own projection of each offer (`offer_report_csv`, see `schema.ts`): the key,
 * the columns the report's filters read, and the offer's CSV record ahead of the report, written
 * by the pipeline with `offer_report`. Narrow and, on SQLite, stored in report order, so that a
 * CSV report of a million offers reads few pages and copies text instead of quoting every cell.
 * Every projection already there gets its row here without the record (nulls): a report renders
 * such a row whole, with the same bytes, until the offer's next event writes it.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  await withinTransaction(db as Db, async (trx) => {
    const table = trx.schema
      .createTable('offer_report_csv')
      .addColumn('campaign', 'integer', (c) => c.notNull())
      .addColumn('job_number', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('ats_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('regime', 'text')
      .addColumn('organism_type', 'text')
      .addColumn('organism', 'text', (c) => c.notNull())
      .addColumn('networks', 'text', (c) => c.notNull())
      .addColumn('csv_cells', 'text')
      .addColumn('csv_moment', 'text')
      .addColumn('csv_version', 'integer')
      .addPrimaryKeyConstraint('offer_report_csv_pk', ['campaign', 'job_number', 'source', 'ats_id']);
    await (postgres ? table : table.modifyEnd(sql`without rowid`)).execute();
    await trx.schema
      .createIndex('offer_report_csv_offer')
      .unique()
      .on('offer_report_csv')
      .columns(['source', 'ats_id', 'campaign'])
      .execute();
    await sql`insert into offer_report_csv (campaign, job_number, source, ats_id, state, regime,
        organism_type, organism, networks)
      select campaign, job_number, source, ats_id, state, regime, organism_type,
        organism, networks from offer_report`.execute(trx);
  });
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('offer_report_csv').execute();
}

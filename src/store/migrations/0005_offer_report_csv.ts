import type { Kysely } from 'kysely';
import type { Db } from '../database.js';
import { withinTransaction } from '../transaction.js';

/**
 * Each projection's CSV record ahead of the report (`offer_report.csv_version`, `csv_cells`,
 * `csv_moment`, see `schema.ts`), written by the pipeline with the row, so that a CSV report of
 * a million offers copies text and reads two columns instead of quoting every cell of a dozen.
 * The columns start empty: a row without them (written before) is rendered whole, with the same
 * bytes, until the offer's next event writes them.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

const textColumns = ['csv_cells', 'csv_moment'];

export async function up(db: AnyDb): Promise<void> {
  await withinTransaction(db as Db, async (trx) => {
    await trx.schema.alterTable('offer_report').addColumn('csv_version', 'integer').execute();
    for (const column of textColumns) await trx.schema.alterTable('offer_report').addColumn(column, 'text').execute();
  });
}

export async function down(db: AnyDb): Promise<void> {
  await withinTransaction(db as Db, async (trx) => {
    for (const column of ['csv_version', ...textColumns]) await trx.schema.alterTable('offer_report').dropColumn(column).execute();
  });
}

import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../database.js';

/**
 * Reports: every report written (on demand or on schedule) leaves a row in `report_runs` with
 * its options and the SHA-256 of its files, so a file handed to a caisse nationale can be proven
 * to be the one produced. A second index on `offers` serves the report's keyset pagination
 * (campaign, then référence, then the key) without a sort.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  const table = db.schema.createTable('report_runs');
  await (postgres
    ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    // `report` (the control report) or `recap` (the recap per network).
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('campaign', 'integer', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    // Canonical JSON of the options (campaign, as-of, filters, networks rule).
    .addColumn('options', 'text', (c) => c.notNull())
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('file_name', 'text', (c) => c.notNull())
    // JSON array of {name, sha256, bytes}, one per file written.
    .addColumn('files', 'text', (c) => c.notNull())
    .addColumn('row_count', 'integer', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull())
    // Scheduled runs only: the due instant they stand for, and a key that makes them unique.
    .addColumn('due_at', 'text')
    .addColumn('schedule_key', 'text', (c) => c.unique())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addCheckConstraint('report_runs_kind', sql`kind in ('report', 'recap')`)
    .addCheckConstraint('report_runs_format', sql`format in ('csv', 'xlsx', 'json', 'html')`)
    .addCheckConstraint('report_runs_trigger', sql`${sql.ref('trigger')} in ('cli', 'schedule', 'api')`)
    .execute();
  await db.schema.createIndex('report_runs_campaign').on('report_runs').columns(['campaign', 'id']).execute();
  await db.schema.createIndex('report_runs_trigger').on('report_runs').columns(['trigger', 'due_at']).execute();
  await db.schema
    .createIndex('offers_report_order')
    .on('offers')
    .columns(['campaign', 'job_number', 'source', 'ats_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('offers_report_order').execute();
  await db.schema.dropTable('report_runs').execute();
}

import { sql, type Kysely } from 'kysely';
import { dialectOf, type Db } from '../database.js';
import { withinTransaction } from '../transaction.js';

/**
 * The control report's projection of each offer (`offer_report`): the report's columns already
 * taken out of the offer's JSON, so that a report of a million offers reads plain columns. On
 * SQLite the table is stored in report order (campaign, référence, key), so a report reads it
 * front to back. The offers written before this migration are projected by the projector, from a
 * cursor reset to 0 here (a later change of the projection's columns resets it again).
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  // SQLite runs migrations outside a transaction: table and cursor reset commit together or not at all.
  await withinTransaction(db as Db, async (trx) => {
    let table = trx.schema
      .createTable('offer_report')
      .addColumn('campaign', 'integer', (c) => c.notNull())
      .addColumn('job_number', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('ats_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('regime', 'text')
      .addColumn('organism', 'text', (c) => c.notNull())
      .addColumn('organism_type', 'text')
      .addColumn('networks', 'text', (c) => c.notNull())
      .addColumn('grid', 'text')
      .addColumn('level', 'text')
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('concerned', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('cited_text', 'text', (c) => c.notNull())
      .addColumn('offer_created_at', 'text', (c) => c.notNull());
    for (const column of [
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
    ]) {
      table = table.addColumn(column, 'text');
    }
    table = table.addColumn('answer_days', postgres ? 'double precision' : 'real');
    for (const column of ['published_at', 'published_day', 'channel']) table = table.addColumn(column, 'text');
    table = table.addColumn('violation', 'integer', (c) => c.notNull());
    for (const column of ['withdrawn_at', 'withdrawn_day', 'fix_action', 'fix_at', 'fix_day'])
      table = table.addColumn(column, 'text');
    table = table
      .addColumn('state_since', 'text', (c) => c.notNull())
      .addColumn('state_since_day', 'text')
      .addColumn('released', 'integer', (c) => c.notNull())
      .addColumn('entered_process', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('offer_report_pk', ['campaign', 'job_number', 'source', 'ats_id'])
      .addCheckConstraint(
        'offer_report_flags',
        sql`violation in (0, 1) and released in (0, 1) and entered_process in (0, 1)`,
      );
    await (postgres ? table : table.modifyEnd(sql`without rowid`)).execute();
    await trx.schema
      .createIndex('offer_report_offer')
      .unique()
      .on('offer_report')
      .columns(['source', 'ats_id', 'campaign'])
      .execute();
    await resetProjectionCursor(trx);
  });
}

/**
 * The offers already stored are projected by the projector (`src/pipeline/projector.ts`): its
 * cursor starts at 0, before every change (migration 0014 numbers the rows and keeps this 0).
 * Nothing of the application's code is run here.
 */
async function resetProjectionCursor(db: Db): Promise<void> {
  const value = { value: '0', updated_at: new Date().toISOString() };
  await db
    .insertInto('cursors')
    .values({ name: 'offer_report', ...value })
    .onConflict((oc) => oc.column('name').doUpdateSet(value))
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('offer_report').execute();
}

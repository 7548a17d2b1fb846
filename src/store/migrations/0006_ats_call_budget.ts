import type { Kysely } from 'kysely';

/**
 * The shared budget of calls to the ATS (see `src/store/call-budget.ts`): one row per budget
 * (one per API key), locked by every grant so that grants of all instances are serialised; the
 * recent grants, pruned as they age, to count the calls of the sliding window; and one counter
 * per UTC day, to count the calls of the rolling 30 days of a monthly quota.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('ats_call_budget')
    .addColumn('budget', 'text', (c) => c.primaryKey())
    // Set when the ATS's gateway answered "Account Over Rate Limit": no instance calls before it.
    .addColumn('stopped_until', 'text')
    .execute();
  await db.schema
    .createTable('ats_call_grants')
    .addColumn('budget', 'text', (c) => c.notNull())
    .addColumn('granted_at', 'text', (c) => c.notNull())
    .addColumn('lane', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('ats_call_grants_window')
    .on('ats_call_grants')
    .columns(['budget', 'granted_at'])
    .execute();
  await db.schema
    .createTable('ats_call_days')
    .addColumn('budget', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('calls', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('ats_call_days_pk', ['budget', 'day'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('ats_call_days').execute();
  await db.schema.dropTable('ats_call_grants').execute();
  await db.schema.dropTable('ats_call_budget').execute();
}

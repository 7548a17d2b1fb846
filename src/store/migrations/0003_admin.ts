import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../database.js';

/**
 * The dashboard: server-side sessions of administrators (only a hash of the session id is kept,
 * so a copy of the database gives no usable session), and the indexes that keep the offer list
 * of the dashboard fast with 100,000 offers: every sort is an index whose last columns are the
 * keyset tie-breakers (the référence order is `offers_report_order` of migration 0002).
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

const offerIndexes: [string, string[]][] = [
  // A slim copy of the list's columns in the default order: any filter on them with the default
  // sort reads this index alone and stops after one page; a count reads it instead of the rows.
  [
    'offers_admin_list',
    [
      'campaign',
      'updated_at',
      'source',
      'ats_id',
      'state',
      'job_number',
      'title',
      'organism_name',
      'organism_type',
      'regime',
      'concerned',
      'review_needed',
      'violation',
    ],
  ],
  ['offers_admin_title', ['campaign', 'title', 'source', 'ats_id']],
];

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('admin_sessions')
    // sha256 hex of the random session id carried by the cookie.
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_name', 'text', (c) => c.notNull())
    .addColumn('via', 'text', (c) => c.notNull())
    // Synchronizer token of the session's forms.
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addCheckConstraint('admin_sessions_via', sql`via in ('password', 'proxy')`)
    .execute();
  await db.schema.createIndex('admin_sessions_expiry').on('admin_sessions').column('expires_at').execute();
  for (const [name, columns] of offerIndexes) await db.schema.createIndex(name).on('offers').columns(columns).execute();
  // The date d'échéance given to EN3S lives in the workflow's JSON: an expression index lets the
  // "answers overdue" alert count and list without parsing every offer's JSON.
  await sql`create index offers_admin_due on offers (campaign, ${dueDateExpression(db)}, state)`.execute(db);
}

/** Must stay identical to the expression of the overdue filter (`src/store/offer-list.ts`). */
export function dueDateExpression(db: AnyDb) {
  return dialectOf(db) === 'postgres'
    ? sql`(timeline_data::json #>> '{approval,dueDate}')`
    : sql`json_extract(timeline_data, '$.approval.dueDate')`;
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropIndex('offers_admin_due').execute();
  for (const [name] of offerIndexes) await db.schema.dropIndex(name).execute();
  await db.schema.dropTable('admin_sessions').execute();
}

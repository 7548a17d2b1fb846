import { sql, type CreateTableBuilder, type Kysely } from 'kysely';
import { dialectOf } from '../database.js';

/**
 * The first schema: inbox, offers, ledger, outbox, cursors. Written once for both databases;
 * the only differences are the auto-increment ids and the append-only guard of the ledger.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  // Ids are never reused: SQLite's AUTOINCREMENT and PostgreSQL's identity both guarantee it.
  const withId = <T extends string>(table: CreateTableBuilder<T, never>) =>
    postgres
      ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
      : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());

  await withId(db.schema.createTable('inbox'))
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text')
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('job_id', 'text')
    .addColumn('job_version', 'integer')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('processed_at', 'text')
    .addColumn('last_error', 'text')
    .addUniqueConstraint('inbox_source_event_id', ['source', 'event_id'])
    .addCheckConstraint('inbox_status', sql`status in ('pending', 'processing', 'done', 'failed')`)
    .execute();
  await db.schema.createIndex('inbox_claim').on('inbox').columns(['status', 'id']).execute();
  await db.schema.createIndex('inbox_job').on('inbox').columns(['source', 'job_id']).execute();

  await db.schema
    .createTable('offers')
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('ats_id', 'text', (c) => c.notNull())
    .addColumn('campaign', 'integer', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('last_version', 'integer', (c) => c.notNull())
    .addColumn('job_number', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('organism_type', 'text')
    .addColumn('organism_name', 'text')
    .addColumn('regime', 'text')
    .addColumn('networks', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('concerned', 'text', (c) => c.notNull())
    .addColumn('review_needed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('violation', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('offer', 'text', (c) => c.notNull())
    .addColumn('decision', 'text')
    .addColumn('timeline_data', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('offers_pk', ['source', 'ats_id', 'campaign'])
    .addCheckConstraint('offers_concerned', sql`concerned in ('yes', 'no', 'undetermined')`)
    .addCheckConstraint('offers_flags', sql`review_needed in (0, 1) and violation in (0, 1)`)
    .execute();
  await db.schema.createIndex('offers_campaign_state').on('offers').columns(['campaign', 'state']).execute();
  await db.schema.createIndex('offers_campaign_job_number').on('offers').columns(['campaign', 'job_number']).execute();
  await db.schema
    .createIndex('offers_campaign_organism_type')
    .on('offers')
    .columns(['campaign', 'organism_type'])
    .execute();

  await db.schema
    .createTable('ledger')
    .addColumn('seq', postgres ? 'bigint' : 'integer', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('offer_source', 'text')
    .addColumn('offer_ats_id', 'text')
    .addColumn('campaign', 'integer')
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('actor_name', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('prev_hash', 'text', (c) => c.notNull())
    .addColumn('hash', 'text', (c) => c.notNull())
    .addCheckConstraint('ledger_actor', sql`actor in ('system', 'recruiter', 'en3s', 'administrator')`)
    .execute();
  await db.schema.createIndex('ledger_offer').on('ledger').columns(['offer_source', 'offer_ats_id', 'seq']).execute();
  await guardLedger(db, postgres);

  await withId(db.schema.createTable('outbox'))
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('ats_id', 'text', (c) => c.notNull())
    .addColumn('campaign', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('done_at', 'text')
    .addColumn('result', 'text')
    .addColumn('request_id', 'text')
    .addCheckConstraint('outbox_status', sql`status in ('pending', 'in_flight', 'done', 'dead')`)
    .addCheckConstraint(
      'outbox_kind',
      sql`kind in ('assign_team', 'start_approval', 'set_lock', 'withdraw_posting', 'notify')`,
    )
    .execute();
  await db.schema.createIndex('outbox_claim').on('outbox').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('outbox_offer').on('outbox').columns(['source', 'ats_id', 'campaign']).execute();

  await db.schema
    .createTable('cursors')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/**
 * The ledger refuses UPDATE and DELETE, so no code path can rewrite history by mistake. Someone
 * with direct access to the database can drop these triggers; that is what the hash chain and
 * `en3s audit verify` are for.
 */
async function guardLedger(db: AnyDb, postgres: boolean): Promise<void> {
  if (postgres) {
    await sql`create function ledger_append_only() returns trigger language plpgsql as $$
      begin raise exception 'ledger is append-only (% refused)', tg_op; end $$`.execute(db);
    await sql`create trigger ledger_append_only before update or delete on ledger
      for each row execute function ledger_append_only()`.execute(db);
    return;
  }
  for (const operation of ['update', 'delete']) {
    await sql`create trigger ${sql.id(`ledger_no_${operation}`)} before ${sql.raw(operation)} on ledger
      begin select raise(abort, ${sql.lit(`ledger is append-only (${operation} refused)`)}); end`.execute(db);
  }
}

export async function down(db: AnyDb): Promise<void> {
  for (const table of ['cursors', 'outbox', 'ledger', 'offers', 'inbox']) await db.schema.dropTable(table).execute();
  if (dialectOf(db) === 'postgres') await sql`drop function if exists ledger_append_only()`.execute(db);
}

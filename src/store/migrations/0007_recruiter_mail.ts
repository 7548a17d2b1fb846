import type { CreateTableBuilder, Kysely } from 'kysely';
import { dialectOf } from '../database.js';

/**
 * The e-mails asked of people (see `src/store/recruiter-mails.ts`): the real ATS cannot start a
 * job's approval, so the connector writes to the job's recruiters, reminds them and alerts the
 * administrators. One row per mail, unique by its key, so a mail asked twice is sent once; the
 * recipients are ATS user ids, never addresses. Beside it, the demo's local mailbox
 * (`src/store/mailbox.ts`): the messages themselves, for a demo without a mail server.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

function withId(db: AnyDb, table: CreateTableBuilder<string, never>): CreateTableBuilder<string, 'id'> {
  return dialectOf(db) === 'postgres'
    ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement());
}

export async function up(db: AnyDb): Promise<void> {
  await withId(db, db.schema.createTable('recruiter_mails'))
    .addColumn('mail_key', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('ats_id', 'text', (c) => c.notNull())
    .addColumn('campaign', 'integer', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('turn', 'integer', (c) => c.notNull())
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addColumn('audience', 'text', (c) => c.notNull())
    .addColumn('recipient_ids', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('lease_owner', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('retry_at', 'text')
    .addColumn('mailer', 'text')
    .addColumn('sent_at', 'text')
    .addColumn('message_id', 'text')
    .addColumn('accepted', 'integer')
    .addColumn('rejected', 'integer')
    .addColumn('error_code', 'text')
    .addColumn('error_message', 'text')
    .addColumn('smtp_code', 'integer')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('recruiter_mails_key', ['mail_key'])
    .execute();
  // A job's mails, for the workflow's follow-up and the dashboard's timeline.
  await db.schema
    .createIndex('recruiter_mails_job')
    .on('recruiter_mails')
    .columns(['source', 'ats_id', 'campaign'])
    .execute();

  await withId(db, db.schema.createTable('mailbox_messages'))
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('stored_at', 'text', (c) => c.notNull())
    .addColumn('to_addresses', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('text_body', 'text', (c) => c.notNull())
    .addColumn('html_body', 'text', (c) => c.notNull())
    .addUniqueConstraint('mailbox_messages_message_id', ['message_id'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('mailbox_messages').execute();
  await db.schema.dropTable('recruiter_mails').execute();
}

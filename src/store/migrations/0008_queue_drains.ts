import { sql, type Kysely } from 'kysely';
import { dialectOf } from '../database.js';

/**
 * The drains of the ATS's queues (docs/talentlink.md §5; see `src/store/queue-drains.ts`):
 * - one lease per queue, so that one drain alone reads a queue across every instance (clearing
 *   a poison element with "delete the oldest" is safe only then); a lease that is not renewed
 *   expires, so an instance that dies does not hold its queue for good;
 * - the poison elements, recorded before they are cleared from their queue, for the
 *   administrators.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('queue_drain_leases')
    .addColumn('queue_name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('lease_until', 'text', (c) => c.notNull())
    .addColumn('taken_at', 'text', (c) => c.notNull())
    .addColumn('renewed_at', 'text', (c) => c.notNull())
    .execute();

  const table = db.schema.createTable('queue_poison_elements');
  await (dialectOf(db) === 'postgres'
    ? table.addColumn('id', 'bigint', (c) => c.primaryKey().generatedByDefaultAsIdentity())
    : table.addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
  )
    .addColumn('queue_name', 'text', (c) => c.notNull())
    .addColumn('queue_kind', 'text', (c) => c.notNull())
    // Null when the read itself failed (403/404 on the oldest element): there is no id then.
    .addColumn('element_id', 'text')
    .addColumn('job_id', 'text')
    .addColumn('posting_id', 'text')
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    // How many times the element was read as poison (more than once when a run stopped before clearing it).
    .addColumn('occurrences', 'integer', (c) => c.notNull())
    // When the element was known to be gone from its queue; null while that is not confirmed.
    .addColumn('cleared_at', 'text')
    .addCheckConstraint('queue_poison_elements_kind', sql`queue_kind in ('job', 'posting')`)
    .execute();
  // One row per element that has an id: recording it again after a crash finds it.
  await db.schema
    .createIndex('queue_poison_elements_element')
    .on('queue_poison_elements')
    .columns(['queue_name', 'element_id'])
    .unique()
    .execute();
  await db.schema
    .createIndex('queue_poison_elements_open')
    .on('queue_poison_elements')
    .columns(['queue_name', 'cleared_at'])
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('queue_poison_elements').execute();
  await db.schema.dropTable('queue_drain_leases').execute();
}

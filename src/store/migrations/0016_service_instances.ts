import type { Kysely } from 'kysely';

/**
 * The running instances of the service (`service_instances`), so that an instance starting on a
 * database other instances use can check that it agrees with them on the settings they must
 * share (`src/service/instance-agreement.ts`). Each row: the instance's name, when it started and
 * was last seen (it says so every few seconds), and the fingerprint of its shared settings
 * (JSON: plain values, and a SHA-256 for secrets). A stopped instance removes its row; a killed
 * one's row stops being counted once it has not been seen for a minute.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema
    .createTable('service_instances')
    .addColumn('instance_id', 'text', (c) => c.primaryKey())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('settings', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('service_instances').execute();
}

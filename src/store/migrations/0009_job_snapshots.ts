import type { Kysely } from 'kysely';

/**
 * The real ATS has no version number: two snapshots of a job are ordered by the instant of its
 * last change (`updatedAt`). `offers.last_version` gives way to `offers.last_updated_at`.
 * Rows written against the earlier, invented ATS keep their JSON as it was; the pipeline reads
 * such a row as a job not yet seen and writes it anew at its next snapshot (their history stays
 * in the ledger).
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('offers').addColumn('last_updated_at', 'text').execute();
  await db.schema.alterTable('offers').dropColumn('last_version').execute();
}

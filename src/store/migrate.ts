import { Migrator, sql, type MigrationResult } from 'kysely';
import type { Store } from './database.js';
import { migrationProvider } from './migrations/index.js';

export interface MigrationState {
  name: string;
  /** When it was applied (ISO instant), or null when it is still pending. */
  appliedAt: string | null;
}

/** A migration failed; the database is left at the last migration that succeeded. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Applies every pending migration, each in its own transaction. Safe to run from several
 * processes at once: Kysely's migrator takes a lock (an advisory lock on PostgreSQL, a lock row
 * in a write transaction on SQLite). Returns the names it applied, in order (empty when the
 * database was already up to date).
 */
export async function migrateToLatest(store: Store): Promise<string[]> {
  const { error, results } = await (await migratorFor(store)).migrateToLatest();
  const applied = (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
  if (error) {
    const failed = (results ?? []).find((r: MigrationResult) => r.status === 'Error')?.migrationName ?? 'inconnue';
    const cause = error instanceof Error ? error.message : String(error);
    throw new MigrationError(`la migration « ${failed} » a échoué : ${cause}`, { cause: error });
  }
  return applied;
}

/** Every known migration, oldest first, with when it was applied. */
export async function migrationStatus(store: Store): Promise<MigrationState[]> {
  const migrations = await (await migratorFor(store)).getMigrations();
  return migrations.map((m) => ({ name: m.name, appliedAt: m.executedAt ? m.executedAt.toISOString() : null }));
}

async function migratorFor(store: Store): Promise<Migrator> {
  // On PostgreSQL the bookkeeping tables must live in the same schema as the data. Without an
  // explicit schema, Kysely would find another schema's `kysely_migration` in the same database
  // and believe this one migrated.
  const schema =
    store.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  return new Migrator({
    db: store.db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
}

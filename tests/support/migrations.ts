import { Migrator, sql } from 'kysely';
import { migrationProvider } from '../../src/store/migrations/index.js';
import type { TestStore } from './databases.js';

/** Migrates a test database up to `name` only, to write rows as they were before a later migration. */
export async function migrateTestStoreTo(store: TestStore, name: string): Promise<void> {
  const schema =
    store.dialect === 'postgres'
      ? (await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db)).rows[0]?.schema
      : undefined;
  const migrator = new Migrator({
    db: store.db,
    provider: migrationProvider,
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

/** The names of a table's indexes. */
export async function indexNames(store: TestStore, table: string): Promise<string[]> {
  const rows =
    store.dialect === 'postgres'
      ? (
          await sql<{
            name: string;
          }>`select indexname as name from pg_indexes where tablename = ${table} and schemaname =
              current_schema()`.execute(store.db)
        ).rows
      : (
          await sql<{
            name: string;
          }>`select name from sqlite_master where type = 'index' and tbl_name = ${table}`.execute(store.db)
        ).rows;
  return rows.map((r) => r.name);
}

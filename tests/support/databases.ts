import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { openDatabase, type Dialect, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';

/**
 * Real databases for the store and pipeline tests: a fresh SQLite file, or a fresh schema on
 * the PostgreSQL server of the run (see `pg-global-setup.ts`). Use with `describe.each`:
 *
 *   describe.each(testDatabases())('inbox on %s', (dialect) => {
 *     let store: TestStore;
 *     beforeAll(async () => { store = await openTestStore(dialect, 'inbox'); });
 *     afterAll(() => store.cleanup());
 *   });
 */

export interface TestStore extends Store {
  /** The URL of this very database (file or schema), for child processes. */
  url: string;
  /** Closes the store and removes the file or drops the schema. */
  cleanup(): Promise<void>;
}

/** Both databases, always: a PostgreSQL test that cannot reach its server fails, it does not skip. */
export function testDatabases(): Dialect[] {
  return ['sqlite', 'postgres'];
}

/** The URL of the test PostgreSQL server, or an error saying why there is none. */
export function testPostgresUrl(): string {
  const url = process.env.EN3S_TEST_PG_URL ?? inject('en3sTestPgUrl');
  if (url) return url;
  throw new Error(
    inject('en3sTestPgProblem') ??
      'PostgreSQL tests: EN3S_TEST_PG_URL is not set and the global setup ' +
        '(tests/support/pg-global-setup.ts) started no server',
  );
}

/** A new, migrated database of the given dialect. `name` labels the SQLite file's folder. */
export async function openTestStore(
  dialect: Dialect,
  name: string,
  options: { migrate?: boolean } = {},
): Promise<TestStore> {
  const migrate = options.migrate ?? true;
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), `en3s-${name.replace(/[^A-Za-z0-9-]/g, '-')}-`));
    const url = `sqlite:${join(dir, 'store.sqlite')}`;
    const store = await openDatabase(url);
    if (migrate) await migrateToLatest(store);
    return {
      ...store,
      url,
      cleanup: async () => {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const base = testPostgresUrl();
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const url = `${base}${base.includes('?') ? '&' : '?'}schema=${schema}`;
  let store: Store;
  try {
    store = await openDatabase(url);
  } catch (error) {
    throw new Error(
      `PostgreSQL tests: cannot reach the test server (EN3S_TEST_PG_URL): ` +
        `${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (migrate) await migrateToLatest(store);
  return {
    ...store,
    url,
    cleanup: async () => {
      try {
        await sql`drop schema if exists ${sql.id(schema)} cascade`.execute(store.db);
      } finally {
        await store.close();
      }
    },
  };
}

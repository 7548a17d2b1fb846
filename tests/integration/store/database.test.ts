import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DatabaseConnectionError,
  DatabaseUrlError,
  dialectOf,
  openDatabase,
  SQLITE_PAGE_SIZE,
} from '../../../src/store/database.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { openTestStore, testDatabases, testPostgresUrl, type TestStore } from '../../support/databases.js';

describe('openDatabase URLs', () => {
  it('refuses an unknown scheme, naming it and what is expected, without the password', async () => {
    const error = await openDatabase('mysql://admin:s3cret-pw@db.example:3306/en3s').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseUrlError);
    const message = (error as Error).message;
    expect(message).toContain('« mysql: »');
    expect(message).toContain('sqlite:<fichier>');
    expect(message).toContain('postgres://');
    expect(message).not.toContain('s3cret-pw');
  });

  it('refuses a URL without a scheme and a sqlite: URL without a path', async () => {
    await expect(openDatabase('./data/en3s.sqlite')).rejects.toThrow(/sans schéma/);
    await expect(openDatabase('sqlite:')).rejects.toThrow(/sans chemin/);
  });

  it('refuses a schema name that is not a plain identifier', async () => {
    await expect(openDatabase('postgres://u:pw@127.0.0.1:1/db?schema=a;drop')).rejects.toBeInstanceOf(DatabaseUrlError);
  });

  it('reports an unreachable PostgreSQL server without the password', async () => {
    const error = await openDatabase('postgres://u:hidden-pw@127.0.0.1:1/db').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatabaseConnectionError);
    expect((error as Error).message).toContain('127.0.0.1:1/db');
    expect((error as Error).message).not.toContain('hidden-pw');
  });

  it('opens an in-memory SQLite database for quick use', async () => {
    const store = await openDatabase('sqlite::memory:');
    expect(store.dialect).toBe('sqlite');
    expect(await migrateToLatest(store)).toContain('0001_initial');
    expect(await store.db.selectFrom('inbox').selectAll().execute()).toEqual([]);
    await store.close();
    await store.close();
  });
});

describe('SQLite file settings', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-db-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the parent folder and sets WAL, NORMAL sync, busy timeout and foreign keys', async () => {
    const store = await openDatabase(`sqlite:${join(dir, 'nested', 'deeper', 'en3s.sqlite')}`);
    const pragma = async (name: string) =>
      Object.values((await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(store.db)).rows[0] ?? {})[0];
    expect(await pragma('journal_mode')).toBe('wal');
    expect(await pragma('synchronous')).toBe(1);
    expect(await pragma('busy_timeout')).toBe(5000);
    expect(await pragma('foreign_keys')).toBe(1);
    expect(await pragma('page_size')).toBe(SQLITE_PAGE_SIZE);
    expect(dialectOf(store.db)).toBe('sqlite');
    await store.close();
  });

  it('makes a new database with 64 KB pages and leaves an existing one with the size it was made with', async () => {
    const made = join(dir, 'made-with-4k.sqlite');
    const old = new BetterSqlite3(made);
    old.exec('create table kept (id integer primary key); insert into kept values (1)');
    old.close();
    const store = await openDatabase(`sqlite:${made}`);
    await migrateToLatest(store);
    const { rows } = await sql<{ page_size: number }>`pragma page_size`.execute(store.db);
    expect(rows[0]?.page_size).toBe(4096);
    expect((await sql<{ id: number }>`select id from kept`.execute(store.db)).rows).toEqual([{ id: 1 }]);
    await store.close();

    const fresh = await openDatabase(`sqlite:${join(dir, 'fresh.sqlite')}`);
    await migrateToLatest(fresh);
    expect((await sql<{ page_size: number }>`pragma page_size`.execute(fresh.db)).rows[0]?.page_size).toBe(65_536);
    await fresh.close();
  });

  it('starts every transaction with the write lock held (BEGIN IMMEDIATE)', async () => {
    const file = join(dir, 'immediate.sqlite');
    const store = await openDatabase(`sqlite:${file}`);
    await migrateToLatest(store);
    const other = new BetterSqlite3(file, { timeout: 0 });
    try {
      await inTransaction(store, async (trx) => {
        // Nothing written yet: only an immediate transaction already excludes another writer.
        await sql`select count(*) from inbox`.execute(trx);
        expect(() => other.exec('begin immediate')).toThrow(/locked|busy/i);
      });
      other.exec('begin immediate');
      other.exec('rollback');
    } finally {
      other.close();
      await store.close();
    }
  });
});

describe.each(testDatabases())('transactions on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'transactions');
  });
  afterAll(() => store?.cleanup());

  it('commits what the function wrote and returns its result', async () => {
    const result = await inTransaction(store, async (trx) => {
      await trx
        .insertInto('cursors')
        .values({ name: 'tx-ok', value: '1', updated_at: '2026-01-01T00:00:00.000Z' })
        .execute();
      return 'done';
    });
    expect(result).toBe('done');
    expect(await store.db.selectFrom('cursors').select('value').where('name', '=', 'tx-ok').executeTakeFirst()).toEqual(
      { value: '1' },
    );
  });

  it('rolls everything back when the function throws', async () => {
    await expect(
      inTransaction(store, async (trx) => {
        await trx
          .insertInto('cursors')
          .values({ name: 'tx-ko', value: '1', updated_at: '2026-01-01T00:00:00.000Z' })
          .execute();
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(
      await store.db.selectFrom('cursors').selectAll().where('name', '=', 'tx-ko').executeTakeFirst(),
    ).toBeUndefined();
  });
});

describe('PostgreSQL schema from the URL', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('postgres', 'schema');
  });
  afterAll(() => store?.cleanup());

  it('uses the schema given in the URL for every pooled connection', async () => {
    const schemas = await Promise.all(
      Array.from({ length: 5 }, () =>
        inTransaction(
          store,
          async (trx) =>
            (await sql<{ s: string }>`select current_schema() as s, pg_sleep(0.05)`.execute(trx)).rows[0]?.s,
        ),
      ),
    );
    expect(new Set(schemas).size).toBe(1);
    expect(schemas[0]).toMatch(/^t_[0-9a-f]{12}$/);
    expect(testPostgresUrl()).not.toContain('schema=');
  });
});

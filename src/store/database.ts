import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import pg from 'pg';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresDialect,
  SqliteDialect,
  SqliteDriver,
  sql,
  type DatabaseConnection,
  type Driver,
  type SqliteDatabase,
  type SqliteDialectConfig,
  type Transaction,
} from 'kysely';
import { foldForSearch, SQLITE_FOLD_FUNCTION } from './search-text.js';
import type { Database } from './schema.js';

/** The two databases the store runs on. */
export type Dialect = 'sqlite' | 'postgres';

/** An open database: the Kysely handle, which dialect it speaks, and how to close it. */
export interface Store {
  db: Kysely<Database>;
  dialect: Dialect;
  close(): Promise<void>;
}

/** What every query function accepts, so callers can compose several in one transaction. */
export type Db = Kysely<Database> | Transaction<Database>;

/** The database URL cannot be understood (bad scheme, empty path, bad schema name). */
export class DatabaseUrlError extends Error {
  override readonly name = 'DatabaseUrlError';
}

/** The database named by a valid URL could not be opened or reached. */
export class DatabaseConnectionError extends Error {
  override readonly name = 'DatabaseConnectionError';
}

const EXPECTED =
  'attendu « sqlite:<fichier> », « sqlite::memory: » ou « ' +
  'postgres://utilisateur:motdepasse@hôte:port/base[?schema=nom] »';

export interface OpenOptions {
  /**
   * Create what is missing: the SQLite file and its folder, the PostgreSQL schema (default true).
   * Read-only commands pass false, so a mistyped path is reported instead of created.
   */
  create?: boolean;
}

/**
 * Opens the database named by `url`:
 * - `sqlite:<file>` (parent folder created) or `sqlite::memory:`;
 * - `postgres://…` / `postgresql://…`, optionally `?schema=<name>`: every connection then uses
 *   that schema (created when missing) as its search_path.
 * Throws `DatabaseUrlError` for a URL it cannot read (the message names the scheme, never the
 * password) and `DatabaseConnectionError` when the database cannot be opened or reached.
 *
 * On SQLite a store holds one connection: open one store per process and share it (several
 * stores of one process on the same file would block each other's event loop while waiting for
 * the write lock). Several processes on one file are fine.
 */
export async function openDatabase(url: string, options: OpenOptions = {}): Promise<Store> {
  const create = options.create ?? true;
  if (url.startsWith('sqlite:')) return openSqlite(url.slice('sqlite:'.length), create);
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) return openPostgres(url, create);
  const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:/.exec(url)?.[0];
  throw new DatabaseUrlError(
    scheme
      ? `URL de base de données non reconnue (schéma « ${scheme} ») : ${EXPECTED}`
      : `URL de base de données sans schéma : ${EXPECTED}`,
  );
}

/** Which dialect a handle (or a transaction from it) speaks. */
export function dialectOf(db: Pick<Kysely<Database>, 'getExecutor'>): Dialect {
  return db.getExecutor().adapter instanceof PostgresAdapter ? 'postgres' : 'sqlite';
}

/**
 * Kysely's SQLite driver opens transactions with a plain (deferred) BEGIN: a transaction that
 * reads and then writes would then have to upgrade its lock, and two processes doing so at once
 * fail with SQLITE_BUSY at once (the busy handler cannot help a deadlock). Every transaction of
 * the store writes, so they all start with BEGIN IMMEDIATE: the write lock is taken up front and
 * a second process simply waits (busy_timeout) for its turn.
 */
class ImmediateSqliteDriver extends SqliteDriver {
  override async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw('begin immediate'));
  }
}

class ImmediateSqliteDialect extends SqliteDialect {
  readonly #config: SqliteDialectConfig;
  constructor(config: SqliteDialectConfig) {
    super(config);
    this.#config = config;
  }
  override createDriver(): Driver {
    return new ImmediateSqliteDriver(this.#config);
  }
}

/** The page size of a new SQLite database (see `openSqlite`). */
export const SQLITE_PAGE_SIZE = 65_536;

async function openSqlite(location: string, create: boolean): Promise<Store> {
  const path = location.startsWith('//') ? location.slice(2) : location;
  if (path.trim() === '') throw new DatabaseUrlError(`URL SQLite sans chemin de fichier : ${EXPECTED}`);
  const memory = path === ':memory:';
  if (!memory && !create && !existsSync(path)) {
    throw new DatabaseConnectionError(`la base SQLite « ${path} » n'existe pas (fichier introuvable)`);
  }
  let handle: BetterSqlite3.Database;
  try {
    if (!memory && create) mkdirSync(dirname(resolve(path)), { recursive: true });
    handle = new BetterSqlite3(memory ? ':memory:' : path, { timeout: 5000, fileMustExist: !memory && !create });
  } catch (error) {
    throw new DatabaseConnectionError(`impossible d'ouvrir la base SQLite « ${path} » : ${messageOf(error)}`, {
      cause: error,
    });
  }
  // A new database gets 64 KB pages (SQLite's largest) instead of 4 KB. The pipeline writes a
  // ledger entry and the offer's projections in one transaction, so the tables grow side by side
  // in the file and each page of a report's table lies among about fifteen pages of ledger. A
  // report reads its table in key order: one disk read per page. The CSV of a campaign of
  // 1,000,000 offers, with the file out of the page cache, went from 24-45 s to 9-12 s. The price
  // is on the write side, each page a transaction touches being written whole to the WAL: the
  // webhook route's throughput did not change measurably, and end to end at 40 notifications/s
  // the median grew by 1-2 ms. The size can be set only before the first table is created, so an
  // existing database keeps the size it was made with (until `en3s db compact`).
  handle.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
  // WAL lets readers work while one writer commits. synchronous=NORMAL in WAL mode syncs at
  // checkpoints, not at every commit: a committed transaction survives a crash of the process
  // (it is in the WAL file, already handed to the operating system) and the file is never
  // corrupted; only a power cut or an OS crash may lose the last commits. Such a loss is
  // recovered by the reconciliation (jobs changed since its cursor), which is worth commits
  // without an fsync each.
  handle.pragma('journal_mode = WAL');
  handle.pragma('synchronous = NORMAL');
  // Other processes writing the same file wait up to 5 s for the lock instead of failing.
  handle.pragma('busy_timeout = 5000');
  handle.pragma('foreign_keys = ON');
  handle.function(SQLITE_FOLD_FUNCTION, { deterministic: true }, (text: unknown) =>
    typeof text === 'string' ? foldForSearch(text) : text,
  );
  const db = new Kysely<Database>({ dialect: new ImmediateSqliteDialect({ database: cachingStatements(handle) }) });
  sqliteConnections.set(db, handle);
  return { db, dialect: 'sqlite', close: once(() => db.destroy()) };
}

const sqliteConnections = new WeakMap<Kysely<Database>, BetterSqlite3.Database>();

/**
 * The better-sqlite3 connection behind a SQLite store's handle (null on PostgreSQL, or for a
 * transaction's handle), for bulk reads that want rows as arrays. Use it only inside
 * `db.connection().execute(…)`, which waits for any transaction of the store to end first.
 */
export function sqliteConnectionOf(db: Db): BetterSqlite3.Database | null {
  return db.isTransaction ? null : (sqliteConnections.get(db as Kysely<Database>) ?? null);
}

/** Prepared statements kept per connection; the store's queries are a few dozen distinct texts. */
const STATEMENT_CACHE_SIZE = 500;

/**
 * Kysely's SQLite driver prepares every query anew, and preparing costs more than running a
 * small insert (about 125 µs of the 260 µs an inbox insert took). The store's SQL texts repeat
 * (values are parameters), so statements are kept and reused, least recently used dropped
 * first. Reuse is safe: the store holds one connection behind Kysely's mutex and never streams,
 * so a statement is never in use twice at once; SQLite re-prepares a statement by itself when
 * the schema changed under it.
 */
function cachingStatements(handle: BetterSqlite3.Database): SqliteDatabase {
  const statements = new Map<string, BetterSqlite3.Statement>();
  return {
    close: () => handle.close(),
    prepare(text: string) {
      let statement = statements.get(text);
      if (statement) statements.delete(text);
      else statement = handle.prepare(text);
      statements.set(text, statement);
      if (statements.size > STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
      return statement;
    },
  };
}

const SCHEMA_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

async function openPostgres(url: string, create: boolean): Promise<Store> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new DatabaseUrlError(`URL PostgreSQL illisible (schéma « ${url.split(':')[0]}: ») : ${EXPECTED}`);
  }
  const schema = parsed.searchParams.get('schema');
  parsed.searchParams.delete('schema');
  if (schema !== null && !SCHEMA_NAME.test(schema)) {
    throw new DatabaseUrlError(
      `paramètre « schema » invalide dans l'URL PostgreSQL : lettres, chiffres et _ attendus (63 au plus)`,
    );
  }
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    // search_path in the start-up packet applies to every connection the pool ever opens.
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
    types: { getTypeParser: typeParser } as pg.CustomTypesConfig,
  });
  // An idle connection dropped by the server emits 'error' on the pool; without a listener that
  // would crash the process. The pool discards the client and the next query opens a new one.
  pool.on('error', () => undefined);
  // A connection lost while checked out (a statement running, or between two statements of a
  // transaction) emits 'error' on its client, where the pool listens no more: without a listener
  // the whole process would crash. The statement in progress fails with the error anyway, and
  // the pool discards the client when it is released.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  try {
    if (schema && create) await createSchema(db, schema);
    await sql`select 1`.execute(db);
  } catch (error) {
    await db.destroy().catch(() => undefined);
    const where = `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
    throw new DatabaseConnectionError(`impossible de joindre PostgreSQL (${where}) : ${messageOf(error)}`, {
      cause: error,
    });
  }
  return { db, dialect: 'postgres', close: once(() => db.destroy()) };
}

async function createSchema(db: Kysely<Database>, schema: string): Promise<void> {
  try {
    await sql`create schema if not exists ${sql.id(schema)}`.execute(db);
  } catch (error) {
    // Two processes creating the same schema at once: one of them gets a unique violation even
    // with IF NOT EXISTS. The schema exists then, which is all we wanted.
    if ((error as { code?: string }).code !== '23505') throw error;
  }
}

/** bigint (int8) columns and count(*) as numbers: ids and counts stay far below 2^53. */
function typeParser(oid: number, format?: 'text' | 'binary'): unknown {
  if (oid === pg.types.builtins.INT8) return (value: string) => Number(value);
  return format === 'binary' ? pg.types.getTypeParser(oid, 'binary') : pg.types.getTypeParser(oid, 'text');
}

function once(fn: () => Promise<void>): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () => (done ??= fn());
}

function messageOf(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return messageOf(error.errors[0]);
  return error instanceof Error ? error.message : String(error);
}

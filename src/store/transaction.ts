import type { Kysely, Transaction } from 'kysely';
import type { Db, Store } from './database.js';
import type { Database } from './schema.js';

/**
 * Runs `fn` in one transaction and returns its result; rolls back if it throws.
 * On SQLite the transaction starts with BEGIN IMMEDIATE (see `database.ts`): it holds the write
 * lock from the start, so writers of several processes queue up (busy_timeout) instead of
 * failing. On PostgreSQL it is a READ COMMITTED transaction; the queue and ledger functions take
 * the row or advisory locks they need themselves.
 */
export function inTransaction<T>(
  store: Store | Kysely<Database>,
  fn: (trx: Transaction<Database>) => Promise<T>,
): Promise<T> {
  const db = 'db' in store ? store.db : store;
  return db.transaction().execute(fn);
}

/** `fn` in the caller's transaction when there is one, else in a new one. */
export function withinTransaction<T>(db: Db, fn: (trx: Db) => Promise<T>): Promise<T> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

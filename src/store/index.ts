/**
 * The store: one Kysely database (SQLite or PostgreSQL) and one module per table. Every query
 * function takes the database or a transaction first, so the pipeline can do several in one
 * `inTransaction`, and takes the instant as a parameter (`now`, ISO-8601 UTC with milliseconds).
 */
export * from './database.js';
export * from './schema.js';
export * from './transaction.js';
export * from './migrate.js';
export * from './inbox.js';
export * from './outbox.js';
export * from './offers.js';
export * from './cursors.js';
export * from './ledger.js';
export { canonicalJson, sha256hex } from './canonical-json.js';

import type { Kysely } from 'kysely';
import type { Db } from './database.js';
import type { Database } from './schema.js';

/**
 * The rows of `admin_sessions` (migration `0003_admin`): an administrator's session by the
 * sha256 of its cookie id. What a session means (expiry, touches) is the admin's business.
 */

export interface AdminSessionsTable {
  id_hash: string;
  user_name: string;
  via: 'password' | 'proxy';
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
}

type AdminDb = Kysely<Database & { admin_sessions: AdminSessionsTable }>;
const admin = (db: Db) => db as unknown as AdminDb;

export async function insertAdminSession(db: Db, row: AdminSessionsTable): Promise<void> {
  await admin(db).insertInto('admin_sessions').values(row).execute();
}

/** Deletes every session expired at `now` (ISO instant). */
export async function deleteExpiredAdminSessions(db: Db, now: string): Promise<void> {
  await admin(db).deleteFrom('admin_sessions').where('expires_at', '<=', now).execute();
}

export async function getAdminSession(db: Db, idHash: string): Promise<AdminSessionsTable | undefined> {
  return admin(db).selectFrom('admin_sessions').selectAll().where('id_hash', '=', idHash).executeTakeFirst();
}

export async function touchAdminSession(db: Db, idHash: string, lastSeenAt: string, expiresAt: string): Promise<void> {
  await admin(db)
    .updateTable('admin_sessions')
    .set({ last_seen_at: lastSeenAt, expires_at: expiresAt })
    .where('id_hash', '=', idHash)
    .execute();
}

export async function deleteAdminSession(db: Db, idHash: string): Promise<void> {
  await admin(db).deleteFrom('admin_sessions').where('id_hash', '=', idHash).execute();
}

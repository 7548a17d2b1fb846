import { createHash, randomBytes } from 'node:crypto';
import {
  type AdminSessionsTable,
  deleteAdminSession,
  deleteExpiredAdminSessions,
  getAdminSession,
  insertAdminSession,
  touchAdminSession,
} from '../store/admin-sessions.js';
import type { Db } from '../store/database.js';

/**
 * Administrators' sessions, kept in the database (table `admin_sessions`, migration
 * `0003_admin`) so that a logout ends a session at once and several instances share them. The
 * cookie carries a random id; the table keeps only its sha256, with the user name, the CSRF
 * token of the session's forms and its expiry (sliding on activity, capped after the login).
 */

export interface AdminSession {
  idHash: string;
  user: string;
  via: 'password' | 'proxy';
  csrfToken: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
}

export interface SessionTimes {
  idleMs: number;
  absoluteMs: number;
}

/** Touches are written at most this often: a page view is not worth a write each. */
const TOUCH_EVERY_MS = 60_000;

export const hashSessionId = (id: string) => createHash('sha256').update(id).digest('hex');

function expiry(createdAt: string, seenAt: string, times: SessionTimes): string {
  return new Date(Math.min(Date.parse(seenAt) + times.idleMs, Date.parse(createdAt) + times.absoluteMs)).toISOString();
}

/** A new session; returns its id (for the cookie only, never stored) and the session. */
export async function createSession(
  db: Db,
  user: string,
  via: AdminSession['via'],
  now: Date,
  times: SessionTimes,
): Promise<{ id: string; session: AdminSession }> {
  const id = randomBytes(32).toString('base64url');
  const at = now.toISOString();
  const row: AdminSessionsTable = {
    id_hash: hashSessionId(id),
    user_name: user,
    via,
    csrf_token: randomBytes(32).toString('base64url'),
    created_at: at,
    last_seen_at: at,
    expires_at: expiry(at, at, times),
  };
  await insertAdminSession(db, row);
  // Expired sessions of everyone are cleared at each login: the table stays small without a job.
  await deleteExpiredAdminSessions(db, at);
  return { id, session: fromRow(row) };
}

/** The live session with this id, its expiry moved on; null when unknown or expired. */
export async function findSession(db: Db, id: string, now: Date, times: SessionTimes): Promise<AdminSession | null> {
  const at = now.toISOString();
  const row = await getAdminSession(db, hashSessionId(id));
  if (!row) return null;
  if (row.expires_at <= at) {
    await deleteAdminSession(db, row.id_hash);
    return null;
  }
  if (now.getTime() - Date.parse(row.last_seen_at) >= TOUCH_EVERY_MS) {
    row.last_seen_at = at;
    row.expires_at = expiry(row.created_at, at, times);
    await touchAdminSession(db, row.id_hash, row.last_seen_at, row.expires_at);
  }
  return fromRow(row);
}

export async function deleteSession(db: Db, idHash: string): Promise<void> {
  await deleteAdminSession(db, idHash);
}

function fromRow(row: AdminSessionsTable): AdminSession {
  return {
    idHash: row.id_hash,
    user: row.user_name,
    via: row.via,
    csrfToken: row.csrf_token,
    createdAt: row.created_at,
    lastSeenAt: row.last_seen_at,
    expiresAt: row.expires_at,
  };
}

import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sqliteConnectionOf, type Store } from './database.js';

/**
 * A copy of a SQLite database taken while the service runs, with SQLite's online backup API
 * (better-sqlite3's `backup`): pages are copied in steps, other connections go on reading and
 * writing, and a write during the copy makes SQLite copy again what changed, so the copy is one
 * consistent state of the file. The copy is written beside its target under a temporary name and
 * renamed when complete and checked (`PRAGMA quick_check`), so a target path never holds half a
 * copy. PostgreSQL has its own tools (`pg_dump`; see the README).
 */

export type BackupResult =
  | { ok: true; file: string; bytes: number; pages: number; ledgerEntries: number; ms: number }
  | {
      ok: false;
      reason: 'not-sqlite' | 'in-memory' | 'exists' | 'same-file' | 'no-folder' | 'corrupt' | 'failed';
      detail: string;
    };

export async function backupSqlite(store: Store, target: string): Promise<BackupResult> {
  const handle = sqliteConnectionOf(store.db);
  if (handle === null) return { ok: false, reason: 'not-sqlite', detail: store.dialect };
  if (handle.memory) return { ok: false, reason: 'in-memory', detail: handle.name };
  const file = resolve(target);
  if (file === resolve(handle.name)) return { ok: false, reason: 'same-file', detail: file };
  if (existsSync(file)) return { ok: false, reason: 'exists', detail: file };
  if (!existsSync(dirname(file))) return { ok: false, reason: 'no-folder', detail: dirname(file) };
  const partial = join(dirname(file), `.${basename(file)}.${process.pid}.partial`);
  const started = performance.now();
  try {
    // On the store's connection, between its queries (the store serialises them). After a first
    // step, the rest is copied in one: a step reads one snapshot (in WAL mode writers go on), and
    // a write between steps would make SQLite start again, which small steps under a busy service
    // could repeat forever.
    const progress = await store.db
      .connection()
      .execute(() => handle.backup(partial, { progress: ({ totalPages }) => Math.max(totalPages, 100) }));
    const check = quickCheck(partial);
    if (check.problem !== null) {
      rmSync(partial, { force: true });
      return { ok: false, reason: 'corrupt', detail: check.problem };
    }
    renameSync(partial, file);
    return {
      ok: true,
      file,
      bytes: statSync(file).size,
      pages: progress.totalPages,
      ledgerEntries: check.ledgerEntries,
      ms: Math.round(performance.now() - started),
    };
  } catch (error) {
    rmSync(partial, { force: true });
    return { ok: false, reason: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * SQLite's own check of the copy, and the number of ledger entries it holds. The copy is taken
 * out of WAL mode first, so that it is one self-contained file (the service puts it back in WAL
 * mode when it opens it).
 */
function quickCheck(file: string): { problem: string | null; ledgerEntries: number } {
  const copy = new BetterSqlite3(file, { fileMustExist: true });
  try {
    copy.pragma('journal_mode = DELETE');
    const rows = copy.pragma('quick_check') as { quick_check: string }[];
    const problem =
      rows.length === 1 && rows[0]!.quick_check === 'ok' ? null : rows.map((r) => r.quick_check).join('; ');
    const ledger = copy.prepare('select count(*) as n from ledger').get() as { n: number };
    return { problem, ledgerEntries: ledger.n };
  } finally {
    copy.close();
  }
}

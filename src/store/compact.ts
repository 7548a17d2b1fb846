import { statSync } from 'node:fs';
import { SQLITE_PAGE_SIZE, sqliteConnectionOf, type Store } from './database.js';

/**
 * Rebuilds a SQLite file (`VACUUM`) with the page size new databases get. The pipeline writes
 * the ledger and the projections side by side, so after a while each table's pages are spread
 * through the file; rebuilt, each table lies in one stretch and a report reads it with few,
 * large disk reads. It also gives a file made before 64 KB pages the new size, which SQLite can
 * change only by rebuilding outside WAL mode, so no other connection may be open (the service
 * stopped). Needs free disk space about the size of the file; on any failure SQLite leaves the
 * file as it was.
 */

export type CompactResult =
  | {
      ok: true;
      file: string;
      pageSizeBefore: number;
      pageSizeAfter: number;
      bytesBefore: number;
      bytesAfter: number;
      ms: number;
    }
  | { ok: false; reason: 'not-sqlite' | 'in-memory' | 'busy' | 'disk-full'; detail: string };

export async function compactSqlite(store: Store): Promise<CompactResult> {
  const handle = sqliteConnectionOf(store.db);
  if (handle === null) return { ok: false, reason: 'not-sqlite', detail: store.dialect };
  if (handle.memory) return { ok: false, reason: 'in-memory', detail: handle.name };
  const file = handle.name;
  return store.db.connection().execute(async () => {
    const pageSizeBefore = handle.pragma('page_size', { simple: true }) as number;
    const bytesBefore = statSync(file).size;
    const started = performance.now();
    // Another connection would wait for its lock; it never lets go while the service runs.
    const timeout = handle.pragma('busy_timeout', { simple: true }) as number;
    handle.pragma('busy_timeout = 0');
    try {
      // Out of WAL mode, which only this connection can do, and the page size is then free.
      const mode = handle.pragma('journal_mode = DELETE', { simple: true });
      if (mode !== 'delete') return { ok: false, reason: 'busy', detail: `journal_mode ${String(mode)}` };
      handle.pragma(`page_size = ${SQLITE_PAGE_SIZE}`);
      handle.exec('VACUUM');
    } catch (error) {
      const code = (error as { code?: unknown }).code;
      if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED')
        return { ok: false, reason: 'busy', detail: (error as Error).message };
      if (code === 'SQLITE_FULL') return { ok: false, reason: 'disk-full', detail: (error as Error).message };
      throw error;
    } finally {
      handle.pragma('journal_mode = WAL');
      handle.pragma(`busy_timeout = ${timeout}`);
    }
    return {
      ok: true,
      file,
      pageSizeBefore,
      pageSizeAfter: handle.pragma('page_size', { simple: true }) as number,
      bytesBefore,
      bytesAfter: statSync(file).size,
      ms: Math.round(performance.now() - started),
    };
  });
}

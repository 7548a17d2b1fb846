import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { appendLedger, type NewLedgerEntry } from '../../../src/store/ledger.js';
import { migrationStatus } from '../../../src/store/migrate.js';
import { en3sInProcess as en3s } from '../../support/cli.js';
import { openTestStore, testPostgresUrl, type TestStore } from '../../support/databases.js';
import { findBinDir } from '../../support/pg-global-setup.js';

/**
 * `en3s db backup` copies a SQLite database while it is written to, and the copy is a database
 * the connector opens as it was: migrations applied, ledger intact. PostgreSQL is copied with
 * its own tools, by the procedure the README gives (pg_dump, then pg_restore into a new database).
 */

const entries = (from: number, count: number): NewLedgerEntry[] =>
  Array.from({ length: count }, (_, i) => ({
    offer_source: 'talentlink',
    offer_ats_id: `J${from + i}`,
    campaign: 2027,
    actor: 'system' as const,
    kind: 'decision',
    data: { i: from + i, padding: 'x'.repeat(200) },
  }));

const ledgerCount = async (store: { db: TestStore['db'] }) =>
  Number(
    (
      await store.db
        .selectFrom('ledger')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe('en3s db backup (SQLite)', () => {
  let store: TestStore;
  let dir: string;
  beforeAll(async () => {
    store = await openTestStore('sqlite', 'backup');
    dir = mkdtempSync(join(tmpdir(), 'en3s-backup-'));
    // Several megabytes, so that the copy takes more than one step.
    for (let batch = 0; batch < 20; batch += 1)
      await appendLedger(store.db, entries(batch * 1000, 1000), '2027-02-01T10:00:00.000Z');
  });
  afterAll(async () => {
    await store?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('copies the database while it is written to; the copy is restored and its ledger verified', async () => {
    const copy = join(dir, 'copie.sqlite');
    const before = await ledgerCount(store);
    let writing = true;
    let written = 0;
    const writer = (async () => {
      while (writing) {
        await appendLedger(store.db, entries(100_000 + written, 50), '2027-02-01T11:00:00.000Z');
        written += 50;
        await new Promise((resolve) => setImmediate(resolve));
      }
    })();
    const result = await en3s('db', 'backup', copy, '--db', store.url);
    writing = false;
    await writer;
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Copie écrite : ${copy}`);
    expect(result.stdout).toContain('quick_check : ok');
    expect(written).toBeGreaterThan(0);
    // No temporary file left beside the copy.
    expect(readdirSync(dir), 'the folder after the copy').toEqual(['copie.sqlite']);

    // Restored: the copy is opened as the database, as an administrator would after replacing the file.
    const restored = await openDatabase(`sqlite:${copy}`, { create: false });
    try {
      expect((await migrationStatus(restored)).every((m) => m.appliedAt !== null)).toBe(true);
      const inCopy = await ledgerCount(restored);
      // One consistent state: everything written before the copy began, and whole batches after.
      expect(inCopy).toBeGreaterThanOrEqual(before);
      expect(inCopy).toBeLessThanOrEqual(before + written);
      expect((inCopy - before) % 50).toBe(0);
      expect(result.stdout).toContain(`${inCopy} entrées du journal`);
    } finally {
      await restored.close();
    }
    const verified = await en3s('audit', 'verify', '--db', `sqlite:${copy}`);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/^Registre intact : /);
  });

  it('refuses to overwrite a file, and leaves it as it was (exit 2)', async () => {
    const taken = join(dir, 'deja-la.sqlite');
    writeFileSync(taken, 'not a database');
    const result = await en3s('db', 'backup', taken, '--db', store.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('le fichier existe déjà');
    expect(readFileSync(taken, 'utf8')).toBe('not a database');
  });

  it('refuses a missing folder and the database file itself (exit 2)', async () => {
    const nowhere = await en3s('db', 'backup', join(dir, 'absent', 'copie.sqlite'), '--db', store.url);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('dossier introuvable');
    const itself = await en3s('db', 'backup', store.url.slice('sqlite:'.length), '--db', store.url);
    expect(itself.code).toBe(2);
    expect(itself.stderr).toContain('ne peut pas remplacer la base elle-même');
  });
});

describe('PostgreSQL: the README procedure', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('postgres', 'backup-pg');
    await appendLedger(store.db, entries(0, 500), '2027-02-01T10:00:00.000Z');
  });
  afterAll(() => store?.cleanup());

  it('en3s db backup names pg_dump instead (exit 2)', async () => {
    const result = await en3s('db', 'backup', join(tmpdir(), 'never.sqlite'), '--db', store.url);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pg_dump');
  });

  it('pg_dump then pg_restore into a new database gives a database the connector opens, ledger intact', async () => {
    // The suite's PostgreSQL comes from the Debian package, whose tools are beside the server.
    const pgDump = join(findBinDir(), 'pg_dump');
    const pgRestore = join(findBinDir(), 'pg_restore');
    const schema = new URL(store.url).searchParams.get('schema')!;
    const server = new URL(testPostgresUrl());
    const dump = join(mkdtempSync(join(tmpdir(), 'en3s-pgdump-')), 'en3s.dump');
    const dumped = spawnSync(pgDump, ['--format=custom', `--schema=${schema}`, `--file=${dump}`, server.toString()], {
      encoding: 'utf8',
    });
    expect(dumped.status, dumped.stderr).toBe(0);
    const target = `en3s_restore_${schema}`;
    await sql`create database ${sql.id(target)}`.execute(store.db);
    const restoredUrl = new URL(server.toString());
    restoredUrl.pathname = `/${target}`;
    try {
      const restoredRun = spawnSync(pgRestore, ['--no-owner', `--dbname=${restoredUrl.toString()}`, dump], {
        encoding: 'utf8',
      });
      expect(restoredRun.status, restoredRun.stderr).toBe(0);
      restoredUrl.searchParams.set('schema', schema);
      const restored = await openDatabase(restoredUrl.toString(), { create: false });
      try {
        expect((await migrationStatus(restored)).every((m) => m.appliedAt !== null)).toBe(true);
        expect(await ledgerCount(restored)).toBe(500);
      } finally {
        await restored.close();
      }
      const verified = await en3s('audit', 'verify', '--db', restoredUrl.toString());
      expect(verified.code).toBe(0);
      expect(verified.stdout).toContain('Registre intact : 500 entrées');
    } finally {
      await sql`drop database if exists ${sql.id(target)} with (force)`.execute(store.db);
      rmSync(dump, { force: true });
    }
  });
});

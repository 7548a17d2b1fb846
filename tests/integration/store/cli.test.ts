import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../../src/store/database.js';
import { appendLedger } from '../../../src/store/ledger.js';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { migrationProvider } from '../../../src/store/migrations/index.js';
import { en3sInProcess } from '../../support/cli.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

const en3s = en3sInProcess;

afterEach(() => {
  vi.unstubAllEnvs();
});

describe.each(testDatabases())('en3s db and en3s audit on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'cli', { migrate: false });
  });
  afterAll(() => store?.cleanup());

  it('shows pending migrations, applies them once, then shows when they were applied', async () => {
    const names = Object.keys(await migrationProvider.getMigrations());
    const n = names.length;
    const plural = n > 1 ? 's' : '';
    const pending = await en3s('db', 'status', '--db', store.url);
    expect(pending).toMatchObject({ code: 0, stderr: '' });
    expect(pending.stdout).toContain(`${n} migration${plural} en attente : lancez « en3s db migrate ».`);
    expect(pending.stdout).toContain('0001_initial : en attente');

    const refused = await en3s('audit', 'verify', '--db', store.url);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('la base n’est pas initialisée');

    const first = await en3s('db', 'migrate', '--db', store.url);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain(`${n} migration${plural} appliquée${plural} : ${names.join(', ')}.`);
    const again = await en3s('db', 'migrate', '--db', store.url);
    expect(again.stdout).toContain('Base à jour : aucune migration en attente.');

    const status = await en3s('db', 'status', '--db', store.url);
    expect(status.stdout).toContain(
      `Base à jour (${dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}) : ${n} migration${plural} appliquée${plural}.`,
    );
    expect(status.stdout).toMatch(/0001_initial : appliquée le \d{2}\/\d{2}\/\d{4} à \d{2}:\d{2}:\d{2}/);
  });

  it('says the ledger is intact, with the count and the last hash', async () => {
    expect((await en3s('audit', 'verify', '--db', store.url)).stdout).toBe(
      'Registre intact : 0 entrée, registre vide.\n',
    );
    const written = await appendLedger(
      store.db,
      Array.from({ length: 1234 }, (_, i) => ({
        offer_source: 'talentlink',
        offer_ats_id: `J${i}`,
        campaign: 2026,
        actor: 'system' as const,
        kind: 'decision',
        data: { i },
      })),
      '2026-02-01T10:00:00.000Z',
    );
    const result = await en3s('audit', 'verify', '--db', store.url, '--batch-size', '100');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      `Registre intact : 1\u202f234 entrées, dernière empreinte ${written.at(-1)!.hash} (n° 1\u202f234).\n`,
    );
  });

  it('exits 1 naming the first altered entry', async () => {
    if (dialect === 'postgres') await sql`drop trigger ledger_append_only on ledger`.execute(store.db);
    else await sql`drop trigger ledger_no_update`.execute(store.db);
    await sql`update ledger set kind = 'decision.forged' where seq = 777`.execute(store.db);
    const result = await en3s('audit', 'verify', '--db', store.url);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(
      "Registre altéré à l'entrée n° 777 : l'empreinte de l'entrée n° 777 ne correspond pas à " +
        'son contenu : entrée modifiée.\n',
    );
  });

  it('uses the configured database when --db is not given', async () => {
    vi.stubEnv('EN3S_DATABASE_URL', store.url);
    const result = await en3s('audit', 'verify');
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('n° 777');
  });
});

describe('en3s audit verify with a bad database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('exits 2 on an unknown URL scheme, without echoing the password', async () => {
    const result = await en3s('audit', 'verify', '--db', 'mysql://root:pw-123@localhost/en3s');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('schéma « mysql: »');
    expect(result.stderr).not.toContain('pw-123');
    expect(result.stdout).toBe('');
  });

  it('exits 2 on a SQLite file that does not exist, and does not create it', async () => {
    const file = join(dir, 'missing', 'en3s.sqlite');
    const result = await en3s('audit', 'verify', '--db', `sqlite:${file}`);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`en3s : la base SQLite « ${file} » n'existe pas (fichier introuvable)\n`);
    expect(existsSync(join(dir, 'missing'))).toBe(false);
  });

  it('exits 2 on a bad batch size', async () => {
    const result = await en3s('audit', 'verify', '--db', 'sqlite::memory:', '--batch-size', 'zero');
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain('--batch-size : entier de 1 à 100 000 attendu, reçu « zero »');
  });
});

describe('en3s db compact', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-compact-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  /** A database made with 4 KB pages (as before 64 KB pages), migrated, with a ledger. */
  async function oldDatabase(name: string): Promise<{ file: string; hash: string }> {
    const file = join(dir, name);
    const made = new BetterSqlite3(file);
    made.pragma('page_size = 4096');
    made.pragma('journal_mode = WAL');
    made.close();
    const store = await openDatabase(`sqlite:${file}`);
    await migrateToLatest(store);
    const written = await appendLedger(
      store.db,
      Array.from({ length: 3000 }, (_, i) => ({
        offer_source: 'talentlink',
        offer_ats_id: `J${i}`,
        campaign: 2027,
        actor: 'system' as const,
        kind: 'decision',
        data: { i, text: 'x'.repeat(200) },
      })),
      '2027-02-01T10:00:00.000Z',
    );
    await store.close();
    return { file, hash: written.at(-1)!.hash };
  }

  const pragma = (file: string, name: string) => {
    const handle = new BetterSqlite3(file, { readonly: true });
    try {
      return handle.pragma(name, { simple: true });
    } finally {
      handle.close();
    }
  };

  it('rebuilds the file with 64 KB pages, back in WAL mode, the ledger intact', async () => {
    const { file, hash } = await oldDatabase('old.sqlite');
    expect(pragma(file, 'page_size')).toBe(4096);
    const result = await en3s('db', 'compact', '--db', `sqlite:${file}`);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(
      /^Base reconstruite en [\d,]+ s : pages de 4 Ko → 64 Ko, [\d,]+ (Ko|Mo) → [\d,]+ (Ko|Mo)\.\n$/,
    );
    expect(pragma(file, 'page_size')).toBe(65_536);
    expect(pragma(file, 'journal_mode')).toBe('wal');
    const verify = await en3s('audit', 'verify', '--db', `sqlite:${file}`);
    expect(verify).toMatchObject({ code: 0 });
    expect(verify.stdout).toContain(`dernière empreinte ${hash} (n° 3\u202f000)`);
    // Again: already 64 KB, rebuilt all the same (the tables in one stretch each).
    expect((await en3s('db', 'compact', '--db', `sqlite:${file}`)).stdout).toMatch(/: pages de 64 Ko, /);
  });

  it('exits 2 and leaves the file as it was while another process has it open (the service)', async () => {
    const { file } = await oldDatabase('busy.sqlite');
    const service = new BetterSqlite3(file);
    try {
      service.prepare('select count(*) from ledger').get();
      const result = await en3s('db', 'compact', '--db', `sqlite:${file}`);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        'la base est ouverte par un autre processus (le service ?) : arrêtez-le, puis relancez « ' +
          'en3s db compact » ; le fichier est inchangé',
      );
      expect(result.stdout).toBe('');
    } finally {
      service.close();
    }
    expect(pragma(file, 'page_size')).toBe(4096);
    expect(pragma(file, 'journal_mode')).toBe('wal');
    expect((await en3s('audit', 'verify', '--db', `sqlite:${file}`)).code).toBe(0);
  });

  it('exits 2 on a database in memory and on PostgreSQL, saying why', async () => {
    const memory = await en3s('db', 'compact', '--db', 'sqlite::memory:');
    expect(memory.code).toBe(2);
    expect(memory.stderr).toContain('pas une base en mémoire');
    if (testDatabases().includes('postgres')) {
      const store = await openTestStore('postgres', 'cli-compact');
      try {
        const result = await en3s('db', 'compact', '--db', store.url);
        expect(result.code).toBe(2);
        expect(result.stderr).toContain('« en3s db compact » ne concerne que SQLite');
      } finally {
        await store.cleanup();
      }
    }
  });
});

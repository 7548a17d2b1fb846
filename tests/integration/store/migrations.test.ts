import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, migrationStatus } from '../../../src/store/migrate.js';
import { migrationProvider } from '../../../src/store/migrations/index.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

const TABLES = ['cursors', 'inbox', 'ledger', 'offers', 'outbox'];

describe.each(testDatabases())('migrations on %s', (dialect) => {
  let store: TestStore;
  let names: string[];
  beforeAll(async () => {
    store = await openTestStore(dialect, 'migrations', { migrate: false });
    names = Object.keys(await migrationProvider.getMigrations());
  });
  afterAll(() => store?.cleanup());

  it('lists every migration as pending on an empty database, the initial one first', async () => {
    expect(names[0]).toBe('0001_initial');
    expect(await migrationStatus(store)).toEqual(names.map((name) => ({ name, appliedAt: null })));
  });

  it('applies every migration once, then nothing the second time', async () => {
    expect(await migrateToLatest(store)).toEqual(names);
    expect(await migrateToLatest(store)).toEqual([]);
    const status = await migrationStatus(store);
    expect(status.map((s) => s.name)).toEqual(names);
    for (const state of status) expect(state.appliedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('creates the contract tables (in the test schema on PostgreSQL)', async () => {
    const tables = await store.db.introspection.getTables();
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(TABLES));
    if (dialect === 'postgres') {
      // Introspection lists every schema: other test files create theirs at the same time.
      const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(store.db);
      const mine = tables.filter((t) => t.schema === rows[0]?.schema).map((t) => t.name);
      expect(mine).toEqual(expect.arrayContaining(TABLES));
      expect(tables.filter((t) => t.schema === 'public' && TABLES.includes(t.name))).toEqual([]);
    }
    const inbox = tables.find((t) => t.name === 'inbox');
    expect(inbox?.columns.map((c) => c.name)).toEqual([
      'id',
      'source',
      'event_id',
      'event_type',
      'occurred_at',
      'received_at',
      'content_type',
      'body',
      'job_id',
      'job_version',
      'status',
      'attempts',
      'lease_owner',
      'lease_until',
      'processed_at',
      'last_error',
    ]);
  });

  it('refuses values outside the contract (status check)', async () => {
    await expect(
      sql`insert into cursors (name, value, updated_at) values ('a', 'b', 'c')`.execute(store.db),
    ).resolves.toBeDefined();
    await expect(
      sql`insert into outbox (idempotency_key, source, ats_id, campaign, kind, payload, status,
          attempts, next_attempt_at, created_at)
          values ('k', 's', 'a', 2026, 'assign_team', '{}', 'lost', 0, 'x', 'x')`.execute(store.db),
    ).rejects.toThrow(/check/i);
  });
});

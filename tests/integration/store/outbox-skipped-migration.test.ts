import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { listOfferCommands, reviveSkippedCommand } from '../../../src/store/outbox.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { indexNames, migrateTestStoreTo } from '../../support/migrations.js';

/**
 * Migration 0015 on a database written before it (migrated up to 0012): a command the
 * dispatcher skipped, stored `done` with `"skipped":true` in its result, takes the state
 * `skipped` and its result keeps its note; other rows are untouched; the outbox still refuses an
 * unknown state, keeps its indexes and never reuses an id.
 */
describe.each(testDatabases())('migration 0015 (outbox state skipped) on %s', (dialect) => {
  let store: TestStore;
  const now = '2027-01-05T09:00:00.000Z';
  const note = 'no longer wanted by the process: not sent';
  const offer = { source: 'talentlink', ats_id: 'j-1', campaign: 2027 };

  const command = (key: string, status: string, result: string | null) =>
    sql`insert into outbox (idempotency_key, source, ats_id, campaign, kind, payload, status,
        attempts, next_attempt_at, created_at, done_at, result)
        values (${key}, 'talentlink', 'j-1', 2027, 'set_approver', '{}', ${status}, 0, ${now}, ${now},
          ${status === 'done' ? now : null}, ${result})`.execute(store.db);

  beforeAll(async () => {
    store = await openTestStore(dialect, 'outbox-skipped-migration', { migrate: false });
    await migrateTestStoreTo(store, '0012_en3s_board');
    await command('skipped-1', 'done', JSON.stringify({ note, skipped: true }));
    await command('done-1', 'done', JSON.stringify({ note: 'sent' }));
    await command('pending-1', 'pending', null);
    await command('removed', 'pending', null);
    await sql`delete from outbox where idempotency_key = 'removed'`.execute(store.db);
    await expect(command('too-early', 'skipped', null)).rejects.toThrow(/check/i);
    expect(await migrateToLatest(store)).toContain('0015_outbox_skipped_status');
  });
  afterAll(() => store?.cleanup());

  it('gives the skipped command its state and keeps its note, and leaves the other rows as they were', async () => {
    const rows = await listOfferCommands(store.db, offer);
    expect(rows.map((r) => [Number(r.id), r.idempotency_key, r.status, r.result])).toEqual([
      [1, 'skipped-1', 'skipped', { note }],
      [2, 'done-1', 'done', { note: 'sent' }],
      [3, 'pending-1', 'pending', null],
    ]);
  });

  it('takes the new state, still refuses an unknown one, and never reuses an id', async () => {
    await command('after', 'skipped', JSON.stringify({ note }));
    await expect(command('bad', 'skipping', null)).rejects.toThrow(/check/i);
    const after = await store.db
      .selectFrom('outbox')
      .select('id')
      .where('idempotency_key', '=', 'after')
      .executeTakeFirstOrThrow();
    // Id 4 was spent on the row removed before the migration.
    expect(Number(after.id)).toBeGreaterThan(4);
  });

  it('revives the converted command by its state', async () => {
    expect(await reviveSkippedCommand(store.db, 'done-1', now)).toBe(false);
    expect(await reviveSkippedCommand(store.db, 'skipped-1', now)).toBe(true);
    const [revived] = await listOfferCommands(store.db, offer);
    expect(revived).toMatchObject({ idempotency_key: 'skipped-1', status: 'pending', result: null, done_at: null });
  });

  it('keeps the outbox indexes', async () => {
    expect(await indexNames(store, 'outbox')).toEqual(expect.arrayContaining(['outbox_claim', 'outbox_offer']));
  });
});

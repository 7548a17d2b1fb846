import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { migrateTestStoreTo } from '../../support/migrations.js';

/**
 * Migration 0012 on a database written before it (migrated up to 0011): the runs take the kind
 * `posts` (the list of posts to enter on EN3S's board), keep their rows, ids and unique schedule
 * keys, and still refuse an unknown kind; the entries of posts on EN3S's board have their table;
 * the ARS's network, formerly « SGMCAS (ARS) », is « ARS » in every row written under that name.
 */
describe.each(testDatabases())('migration 0012 (EN3S board, ARS network) on %s', (dialect) => {
  let store: TestStore;
  const now = '2027-01-05T09:00:00.000Z';
  const former = '["SGMCAS (ARS)"]';

  const run = (kind: string, scheduleKey: string | null) =>
    sql`insert into report_runs (kind, campaign, format, options, generated_at, file_name, files,
        row_count, ${sql.ref('trigger')}, due_at, schedule_key, recorded_at)
        values (${kind}, 2027, 'csv', '{}', ${now}, 'f.csv', '[]', 0, 'cli', null, ${scheduleKey}, ${now})`.execute(
      store.db,
    );

  beforeAll(async () => {
    store = await openTestStore(dialect, 'en3s-board-migration', { migrate: false });
    await migrateTestStoreTo(store, '0011_budget_reserve_claim');
    await run('report', 'weekly:2027-01-04:report:csv');
    await run('recap', null);
    await expect(run('posts', null)).rejects.toThrow(/check/i);
    await sql`insert into offers (source, ats_id, campaign, state, last_updated_at, job_number, title,
        organism_type, organism_name, regime, networks, concerned,
          review_needed, violation, offer, decision, timeline_data, created_at,
        updated_at)
        values ('talentlink', 'ars-1', 2027, 'submitted', ${now}, 'R-1', 'Responsable du pôle offre de soins',
        'ARS', 'ARS Occitanie', 'ars',
          ${former}, 'yes', 0, 0,
         ${'{"organism":{"networks":["SGMCAS (ARS)"],"type":"ARS"},"title":"Chef \\"SGMCAS (ARS)\\""}'},
        null, null, ${now}, ${now})`.execute(store.db);
    await sql`insert into offer_report (campaign, job_number, source, ats_id, title, state, regime,
        organism, organism_type, networks, time_zone, concerned,
          reason, cited_text, offer_created_at, violation, state_since, released,
        entered_process)
        values (2027, 'R-1', 'talentlink', 'ars-1', 'Chef', 'submitted', 'ars', 'ARS Occitanie',
        'ARS', ${former},
          'Europe/Paris', 'yes', 'r', 't', ${now}, 0, ${now}, 0, 1)`.execute(store.db);
    await sql`insert into offer_report_csv (campaign, job_number, source, ats_id, state, regime,
        organism_type, organism, networks)
        values (2027, 'R-1', 'talentlink', 'ars-1', 'submitted', 'ars', 'ARS', 'ARS Occitanie', ${former})`.execute(
      store.db,
    );
    expect(await migrateToLatest(store)).toContain('0012_en3s_board');
  });
  afterAll(() => store?.cleanup());

  it('takes posts-list runs, keeps earlier runs, ids and unique keys, still refuses an unknown kind', async () => {
    await run('posts', null);
    await expect(run('bilan', null)).rejects.toThrow(/check/i);
    await expect(run('report', 'weekly:2027-01-04:report:csv')).rejects.toThrow(/unique|duplicate/i);
    const rows = await store.db
      .selectFrom('report_runs' as never)
      .select(['id' as never, 'kind' as never])
      .orderBy('id' as never)
      .execute();
    // PostgreSQL's identity spent a number on the run refused before the migration: ids only grow.
    expect(rows.map((r) => [Number((r as { id: number }).id), (r as { kind: string }).kind])).toEqual([
      [1, 'report'],
      [2, 'recap'],
      [expect.any(Number), 'posts'],
    ]);
    expect(Number((rows[2] as { id: number }).id)).toBeGreaterThan(2);
  });

  it('renames the ARS’s network in the offers, their snapshots and their projections, and nothing else', async () => {
    const offer = await store.db.selectFrom('offers').select(['networks', 'offer']).executeTakeFirstOrThrow();
    expect(offer.networks).toBe('["ARS"]');
    expect(JSON.parse(offer.offer)).toEqual({
      organism: { networks: ['ARS'], type: 'ARS' },
      title: 'Chef "SGMCAS (ARS)"',
    });
    expect((await store.db.selectFrom('offer_report').select('networks').executeTakeFirstOrThrow()).networks).toBe(
      '["ARS"]',
    );
    expect((await store.db.selectFrom('offer_report_csv').select('networks').executeTakeFirstOrThrow()).networks).toBe(
      '["ARS"]',
    );
  });

  it('creates the table of the entries on EN3S’s board, one per offer and campaign', async () => {
    const entry = {
      source: 'talentlink',
      ats_id: 'ars-1',
      campaign: 2027,
      entered_on: '2027-01-12',
      note: null,
      recorded_by: 'alice',
      recorded_at: now,
      ledger_seq: 1,
      revision: 1,
    };
    await store.db.insertInto('en3s_board_entries').values(entry).execute();
    await expect(store.db.insertInto('en3s_board_entries').values(entry).execute()).rejects.toThrow(
      /unique|duplicate|primary/i,
    );
  });
});

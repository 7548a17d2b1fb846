import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../../src/store/migrate.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { indexNames, migrateTestStoreTo } from '../../support/migrations.js';

/**
 * Migration 0010 on a database written by the earlier, invented ATS (migrated up to 0009): the
 * outbox then takes the commands of the real ATS's process, keeps its history and still refuses
 * an unknown kind; the report projections of offers rows of the earlier ATS are gone, the others
 * kept.
 */
describe.each(testDatabases())('migration 0010 (the real ATS process) on %s', (dialect) => {
  let store: TestStore;
  const now = '2027-01-05T09:00:00.000Z';

  const command = (key: string, kind: string) =>
    sql`insert into outbox (idempotency_key, source, ats_id, campaign, kind, payload, status,
        attempts, next_attempt_at, created_at)
        values (${key}, 'talentlink', 'j-1', 2027, ${kind}, '{}', 'pending', 0, ${now}, ${now})`.execute(store.db);

  const offer = (atsId: string, lastUpdatedAt: string | null) =>
    sql`insert into offers (source, ats_id, campaign, state, last_updated_at, job_number, title,
        organism_type, organism_name, regime, networks, concerned,
          review_needed, violation, offer, decision, timeline_data, created_at,
        updated_at)
        values ('talentlink', ${atsId}, 2027, 'approved', ${lastUpdatedAt}, ${`R-${atsId}`},
        'Chef de service', 'CPAM', 'CPAM de la Gironde', 'general',
          '["Cnam"]', 'yes', 0, 0, '{}', null, null, ${now}, ${now})`.execute(store.db);

  const projection = async (atsId: string) => {
    await sql`insert into offer_report (campaign, job_number, source, ats_id, title, state, regime,
        organism, organism_type, networks, time_zone, concerned,
          reason, cited_text, offer_created_at, violation, state_since, released,
        entered_process)
        values (2027, ${`R-${atsId}`}, 'talentlink', ${atsId}, 'Chef de service',
        'approved', 'general', 'CPAM de la Gironde', 'CPAM', '["Cnam"]',
          'Europe/Paris', 'yes', 'r', 't', ${now}, 0, ${now}, 0, 1)`.execute(store.db);
    await sql`insert into offer_report_csv (campaign, job_number, source, ats_id, state, regime,
        organism_type, organism, networks)
        values (2027, ${`R-${atsId}`}, 'talentlink', ${atsId}, 'approved', 'general',
        'CPAM', 'CPAM de la Gironde', '["Cnam"]')`.execute(store.db);
  };

  beforeAll(async () => {
    store = await openTestStore(dialect, 'real-ats-migration', { migrate: false });
    await migrateTestStoreTo(store, '0009_job_snapshots');
    await command('old-1', 'assign_team');
    await command('old-2', 'notify');
    await offer('earlier-ats', null);
    await projection('earlier-ats');
    await offer('real-ats', '2027-01-05T08:59:00.000Z');
    await projection('real-ats');
    await expect(command('too-early', 'set_approver')).rejects.toThrow(/check/i);
    expect(await migrateToLatest(store)).toContain('0010_real_ats_process');
  });
  afterAll(() => store?.cleanup());

  it('takes every command kind of the process, keeps earlier rows and ids, still refuses an unknown kind', async () => {
    for (const kind of [
      'set_approver',
      'remove_approver',
      'read_postings',
      'take_down',
      'ask_recruiter',
      'notify_admins',
    ])
      await command(`new-${kind}`, kind);
    await expect(command('bad', 'lock_publication')).rejects.toThrow(/check/i);
    const rows = await store.db.selectFrom('outbox').select(['id', 'idempotency_key', 'kind']).orderBy('id').execute();
    expect(rows.slice(0, 2).map((r) => [Number(r.id), r.idempotency_key, r.kind])).toEqual([
      [1, 'old-1', 'assign_team'],
      [2, 'old-2', 'notify'],
    ]);
    expect(rows).toHaveLength(8);
    // Ids are still never reused, and the key still unique.
    expect(Number(rows[2]!.id)).toBeGreaterThan(2);
    await expect(command('old-1', 'take_down')).rejects.toThrow(/unique|duplicate/i);
  });

  it('keeps the outbox indexes', async () => {
    expect(await indexNames(store, 'outbox')).toEqual(expect.arrayContaining(['outbox_claim', 'outbox_offer']));
  });

  it('removes the report projections of the offers of the earlier ATS only', async () => {
    for (const table of ['offer_report', 'offer_report_csv'] as const) {
      const left = await store.db.selectFrom(table).select('ats_id').execute();
      expect(
        left.map((r) => r.ats_id),
        table,
      ).toEqual(['real-ats']);
    }
  });
});

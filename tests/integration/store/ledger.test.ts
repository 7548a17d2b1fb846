import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openDatabase, type Dialect } from '../../../src/store/database.js';
import {
  appendLedger,
  GENESIS_HASH,
  ledgerHash,
  ledgerHead,
  readLedger,
  verifyLedger,
  type NewLedgerEntry,
} from '../../../src/store/ledger.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

const T0 = '2026-03-02T14:00:00.000Z';

function entry(n: number, overrides: Partial<NewLedgerEntry> = {}): NewLedgerEntry {
  return {
    offer_source: 'talentlink',
    offer_ats_id: `J${n % 3}`,
    campaign: 2026,
    actor: 'system',
    kind: 'event.received',
    data: { n, eventId: `evt-${n}` },
    ...overrides,
  };
}

async function withStore(dialect: Dialect, fn: (store: TestStore) => Promise<void>): Promise<void> {
  const store = await openTestStore(dialect, 'ledger');
  try {
    await fn(store);
  } finally {
    await store.cleanup();
  }
}

/** What someone with write access to the database does first: remove the append-only guard. */
async function dropGuard(store: TestStore): Promise<void> {
  if (store.dialect === 'postgres') await sql`drop trigger ledger_append_only on ledger`.execute(store.db);
  else
    for (const name of ['ledger_no_update', 'ledger_no_delete'])
      await sql`drop trigger ${sql.id(name)}`.execute(store.db);
}

async function appendMany(store: TestStore, count: number): Promise<void> {
  await appendLedger(
    store.db,
    Array.from({ length: count }, (_, i) => entry(i + 1)),
    T0,
  );
}

describe.each(testDatabases())('ledger on %s', (dialect) => {
  it('chains entries from the genesis hash with the documented formula', () =>
    withStore(dialect, async (store) => {
      const written = await appendLedger(
        store.db,
        [
          entry(1, { data: { b: [2, { d: 4, c: 3 }], a: 1 } }),
          entry(2, { actor: 'administrator', actor_name: 'admin.dupont', kind: 'admin.action' }),
        ],
        T0,
      );
      const expectedFirst = createHash('sha256')
        .update(
          `${'0'.repeat(64)}\n{"actor":"system","actor_name":null,"at":"${T0}","campaign":2026,` +
            `"data":{"a":1,"b":[2,{"c":3,"d":4}]},"kind":"event.received",` +
            `"offer_ats_id":"J1","offer_source":"talentlink","seq":1}`,
        )
        .digest('hex');
      expect(written[0]).toMatchObject({ seq: 1, prev_hash: GENESIS_HASH, hash: expectedFirst });
      expect(written[1]).toMatchObject({ seq: 2, prev_hash: expectedFirst, actor_name: 'admin.dupont' });
      const more = await appendLedger(store.db, [entry(3)], '2026-03-02T14:00:01.000Z');
      expect(more[0]).toMatchObject({ seq: 3, prev_hash: written[1]!.hash });
      const stored = await store.db.selectFrom('ledger').select('data').where('seq', '=', 1).executeTakeFirstOrThrow();
      expect(stored.data).toBe('{"a":1,"b":[2,{"c":3,"d":4}]}');
      expect(await verifyLedger(store.db)).toEqual({ ok: true, rows: 3, lastSeq: 3, lastHash: more[0]!.hash });
      expect(await ledgerHead(store.db)).toEqual({ seq: 3, hash: more[0]!.hash });
      // An entry about the whole service (no offer, no campaign) and the hash of an administrator's
      // entry: both equal to the hash of canonical JSON over the whole entry, written out by hand.
      const service = await appendLedger(
        store.db,
        [
          {
            offer_source: null,
            offer_ats_id: null,
            campaign: null,
            actor: 'system',
            kind: 'window.opened',
            data: { zone: 'Europe/Paris', n: 1.5, ok: true, none: null },
          },
        ],
        T0,
      );
      const serviceText =
        `{"actor":"system","actor_name":null,"at":"${T0}","campaign":null,` +
        `"data":{"n":1.5,"none":null,"ok":true,"zone":"Europe/Paris"},` +
        `"kind":"window.opened","offer_ats_id":null,"offer_source":null,"seq":4}`;
      expect(service[0]!.hash).toBe(createHash('sha256').update(`${more[0]!.hash}\n${serviceText}`).digest('hex'));
      const adminText =
        `{"actor":"administrator","actor_name":"admin.dupont","at":"${T0}","campaign":2026,` +
        `"data":{"eventId":"evt-2","n":2},"kind":"admin.action",` +
        `"offer_ats_id":"J2","offer_source":"talentlink","seq":2}`;
      expect(written[1]!.hash).toBe(createHash('sha256').update(`${expectedFirst}\n${adminText}`).digest('hex'));
    }));

  it('verifies an empty ledger and a long one in small batches', () =>
    withStore(dialect, async (store) => {
      expect(await verifyLedger(store.db)).toEqual({ ok: true, rows: 0, lastSeq: 0, lastHash: GENESIS_HASH });
      await appendMany(store, 600);
      const head = await ledgerHead(store.db);
      for (const batchSize of [7, 100, 600, 5000]) {
        expect(await verifyLedger(store.db, { batchSize })).toEqual({
          ok: true,
          rows: 600,
          lastSeq: 600,
          lastHash: head.hash,
        });
      }
    }));

  it('records a name only for administrators', () =>
    withStore(dialect, async (store) => {
      await expect(
        appendLedger(store.db, [entry(1, { actor: 'recruiter', actor_name: 'Jean Martin' })], T0),
      ).rejects.toThrow(/only recorded for administrators/);
      expect(await ledgerHead(store.db)).toEqual({ seq: 0, hash: GENESIS_HASH });
    }));

  it('refuses UPDATE and DELETE through the database itself', () =>
    withStore(dialect, async (store) => {
      await appendMany(store, 2);
      await expect(sql`update ledger set kind = 'x' where seq = 1`.execute(store.db)).rejects.toThrow(/append-only/);
      await expect(sql`delete from ledger where seq = 2`.execute(store.db)).rejects.toThrow(/append-only/);
    }));

  it('finds a changed entry', () =>
    withStore(dialect, async (store) => {
      await appendMany(store, 6);
      await dropGuard(store);
      await sql`update ledger set data = '{"eventId":"evt-3","n":33}' where seq = 3`.execute(store.db);
      expect(await verifyLedger(store.db, { batchSize: 2 })).toMatchObject({
        ok: false,
        seq: 3,
        code: 'hash-mismatch',
      });
    }));

  it('finds a removed entry', () =>
    withStore(dialect, async (store) => {
      await appendMany(store, 6);
      await dropGuard(store);
      await sql`delete from ledger where seq = 4`.execute(store.db);
      const result = await verifyLedger(store.db, { batchSize: 4 });
      expect(result).toMatchObject({ ok: false, seq: 4, code: 'missing-entry' });
      expect(result.ok === false && result.problem).toContain('entrée n° 4 absente');
    }));

  it('finds a forged entry inserted in the middle, even with a correctly computed hash', () =>
    withStore(dialect, async (store) => {
      await appendMany(store, 6);
      await dropGuard(store);
      // Make room after entry 2, as a forger must: entries 3..6 become 4..7.
      await sql`update ledger set seq = seq + 1000000 where seq >= 3`.execute(store.db);
      await sql`update ledger set seq = seq - 999999 where seq >= 1000000`.execute(store.db);
      const two = await store.db.selectFrom('ledger').select('hash').where('seq', '=', 2).executeTakeFirstOrThrow();
      const forged = { ...entry(99), actor_name: null, seq: 3, at: T0, data: { n: 99, forged: true } };
      const insert = (hash: string) =>
        store.db
          .insertInto('ledger')
          .values({ ...forged, data: JSON.stringify(forged.data), prev_hash: two.hash, hash })
          .execute();
      await insert('f'.repeat(64));
      expect(await verifyLedger(store.db)).toMatchObject({ ok: false, seq: 3, code: 'hash-mismatch' });
      await store.db.deleteFrom('ledger').where('seq', '=', 3).execute();
      await insert(ledgerHash(two.hash, forged));
      const result = await verifyLedger(store.db);
      expect(result).toMatchObject({ ok: false, seq: 4, code: 'broken-link' });
      expect(result.ok === false && result.problem).toContain('entrée n° 3 insérée ou remplacée');
    }));

  it('finds a forged entry numbered before the first one', () =>
    withStore(dialect, async (store) => {
      await appendMany(store, 3);
      await store.db
        .insertInto('ledger')
        .values({
          seq: 0,
          at: T0,
          offer_source: null,
          offer_ats_id: null,
          campaign: null,
          actor: 'system',
          actor_name: null,
          kind: 'x',
          data: '{}',
          prev_hash: GENESIS_HASH,
          hash: GENESIS_HASH,
        })
        .execute();
      expect(await verifyLedger(store.db)).toMatchObject({ ok: false, seq: 0, code: 'unexpected-entry' });
    }));

  it('reads the timeline of one offer from a given seq', () =>
    withStore(dialect, async (store) => {
      await appendMany(store, 9);
      await appendLedger(
        store.db,
        [{ offer_source: null, offer_ats_id: null, campaign: 2026, actor: 'system', kind: 'window.opened', data: {} }],
        T0,
      );
      const timeline = await readLedger(store.db, { offer: { source: 'talentlink', ats_id: 'J1' }, limit: 10 });
      expect(timeline.map((e) => e.seq)).toEqual([1, 4, 7]);
      expect(timeline[1]?.data).toEqual({ eventId: 'evt-4', n: 4 });
      expect(
        (
          await readLedger(store.db, {
            offer: { source: 'talentlink', ats_id: 'J1', campaign: 2026 },
            fromSeq: 4,
            limit: 1,
          })
        ).map((e) => e.seq),
      ).toEqual([4]);
      expect((await readLedger(store.db, { fromSeq: 9, limit: 10 })).map((e) => e.kind)).toEqual([
        'event.received',
        'window.opened',
      ]);
    }));

  it('appends in the caller transaction and rolls back with it', () =>
    withStore(dialect, async (store) => {
      await appendMany(store, 1);
      await expect(
        inTransaction(store, async (trx) => {
          await appendLedger(trx, [entry(2)], T0);
          throw new Error('the decision could not be saved');
        }),
      ).rejects.toThrow('could not be saved');
      expect((await ledgerHead(store.db)).seq).toBe(1);
      await appendMany(store, 1);
      expect(await verifyLedger(store.db)).toMatchObject({ ok: true, rows: 2 });
    }));
});

describe('ledger appends from two PostgreSQL connections at once', () => {
  it('stay one chain', () =>
    withStore('postgres', async (store) => {
      const second = await openDatabase(store.url);
      try {
        const writer = (db: typeof store.db, name: string) =>
          Promise.all(
            Array.from({ length: 25 }, (_, i) =>
              inTransaction(db, async (trx) => {
                await appendLedger(trx, [entry(i, { data: { writer: name, i } })], T0);
                await sql`select pg_sleep(0.001)`.execute(trx);
                await appendLedger(trx, [entry(i, { data: { writer: name, i, part: 2 } })], T0);
              }),
            ),
          );
        await Promise.all([writer(store.db, 'a'), writer(second.db, 'b')]);
      } finally {
        await second.close();
      }
      expect(await verifyLedger(store.db, { batchSize: 10 })).toMatchObject({ ok: true, rows: 100 });
    }));
});

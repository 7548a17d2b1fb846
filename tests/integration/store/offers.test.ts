import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src/domain/job-snapshot.js';
import { openDatabase } from '../../../src/store/database.js';
import { getCursor, setCursor } from '../../../src/store/cursors.js';
import { countByState, getOffer, listOffers, upsertOffer, type OfferWrite } from '../../../src/store/offers.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

const T0 = '2026-01-12T10:00:00.000Z';
const T1 = '2026-01-13T10:00:00.000Z';

// The store keeps the job's snapshot as opaque JSON; the exact shape is the domain's business.
function canonical(atsId: string, title: string): JobSnapshot {
  const value = {
    source: 'talentlink',
    atsId,
    updatedAt: T0,
    fetchedAt: T0,
    jobNumber: `UC-${atsId}`,
    requisitionNumber: null,
    title,
    createdAt: T0,
    organization: { atsId: 'O1', name: 'CPAM de Paris', ancestors: [] },
    organism: {
      type: 'CPAM',
      label: "Caisse primaire d'assurance maladie",
      timeZone: 'Europe/Paris',
      territory: null,
      networks: ['Cnam'],
    },
    classification: {
      grid: 'RG',
      level: '9',
      minesScale: null,
      minesCareerStart: null,
      jobFamily: null,
      category: 'CADRE',
      collectiveAgreement: 'CCNT_RG',
    },
    unreadable: [],
    status: 'OPEN',
    atsStatus: 'Ouverte',
    team: { recruiters: [], operationals: [], approvers: [] },
    postings: [],
  };
  return value as unknown as JobSnapshot;
}

function offer(atsId: string, overrides: Partial<OfferWrite> = {}): OfferWrite {
  const title = overrides.title ?? `Directeur adjoint ${atsId}`;
  return {
    source: 'talentlink',
    ats_id: atsId,
    campaign: 2026,
    state: 'submitted',
    last_updated_at: T0,
    job_number: `UC-${atsId}`,
    title,
    organism_type: 'CPAM',
    organism_name: 'CPAM de Paris',
    regime: 'general',
    networks: ['Cnam'],
    concerned: 'yes',
    review_needed: false,
    violation: false,
    offer: canonical(atsId, title),
    decision: null,
    timeline_data: { dueDate: '2026-01-22' },
    ...overrides,
  };
}

describe.each(testDatabases())('offers and cursors on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'offers');
  });
  afterAll(() => store?.cleanup());
  beforeEach(async () => {
    await store.db.deleteFrom('offers').execute();
    await store.db.deleteFrom('cursors').execute();
  });

  it('inserts, reads back with JSON and booleans as values, and updates keeping created_at', async () => {
    const key = { source: 'talentlink', ats_id: 'J1', campaign: 2026 };
    expect(await getOffer(store.db, key)).toBeNull();
    await upsertOffer(store.db, offer('J1'), T0);
    const first = await getOffer(store.db, key);
    expect(first).toEqual({ ...offer('J1'), created_at: T0, updated_at: T0 });
    await upsertOffer(
      store.db,
      offer('J1', { state: 'approved', last_updated_at: T1, review_needed: true, violation: true }),
      T1,
    );
    const second = await getOffer(store.db, key);
    expect(second).toMatchObject({
      state: 'approved',
      last_updated_at: T1,
      review_needed: true,
      violation: true,
      created_at: T0,
      updated_at: T1,
    });
    expect(await getOffer(store.db, { ...key, campaign: 2027 })).toBeNull();
  });

  it('filters by campaign, state, body type, régime and search, with a total for paging', async () => {
    await upsertOffer(store.db, offer('J1', { title: 'Directeur comptable' }), T0);
    await upsertOffer(store.db, offer('J2', { state: 'approved', organism_type: 'CAF', regime: 'general' }), T0);
    await upsertOffer(
      store.db,
      offer('J3', { regime: 'agricole', organism_type: 'MSA', title: 'Sous-directeur 100%_sûr' }),
      T1,
    );
    await upsertOffer(store.db, offer('J4', { campaign: 2025 }), T0);
    const ids = async (filter: Parameters<typeof listOffers>[1]) =>
      (await listOffers(store.db, filter)).items.map((o) => o.ats_id);
    expect(await ids({ campaign: 2026 })).toEqual(['J3', 'J1', 'J2']);
    expect(await ids({ campaign: 2026, state: 'approved' })).toEqual(['J2']);
    expect(await ids({ campaign: 2026, state: ['approved', 'submitted'] })).toEqual(['J3', 'J1', 'J2']);
    expect(await ids({ campaign: 2026, organism_type: 'MSA' })).toEqual(['J3']);
    expect(await ids({ regime: 'general' })).toEqual(['J1', 'J2', 'J4']);
    expect(await ids({ search: 'COMPTABLE' })).toEqual(['J1']);
    expect(await ids({ search: 'UC-J2' })).toEqual(['J2']);
    expect(await ids({ search: '100%_' })).toEqual(['J3']);
    expect(await ids({ search: 'r%' })).toEqual([]);
    const page = await listOffers(store.db, { campaign: 2026, limit: 2, offset: 2 });
    expect(page.items.map((o) => o.ats_id)).toEqual(['J2']);
    expect(page.total).toBe(3);
    expect(await countByState(store.db, 2026)).toEqual({ submitted: 2, approved: 1 });
    expect(await countByState(store.db, 2024)).toEqual({});
  });

  it('locks an offer for update inside a transaction only', async () => {
    const key = { source: 'talentlink', ats_id: 'J9', campaign: 2026 };
    await expect(getOffer(store.db, key, { forUpdate: true })).rejects.toThrow(/inside a transaction/);
    const seen = await inTransaction(store, async (trx) => {
      const current = await getOffer(trx, key, { forUpdate: true });
      await upsertOffer(trx, offer('J9'), T0);
      return current;
    });
    expect(seen).toBeNull();
    expect(await getOffer(store.db, key)).not.toBeNull();
  });

  it('keeps named cursors', async () => {
    expect(await getCursor(store.db, 'reconcile.talentlink')).toBeNull();
    await setCursor(store.db, 'reconcile.talentlink', '2026-01-12T09:59:00.000Z', T0);
    await setCursor(store.db, 'reconcile.talentlink', '2026-01-13T09:59:00.000Z', T1);
    expect(await getCursor(store.db, 'reconcile.talentlink')).toBe('2026-01-13T09:59:00.000Z');
    expect(await store.db.selectFrom('cursors').selectAll().execute()).toEqual([
      { name: 'reconcile.talentlink', value: '2026-01-13T09:59:00.000Z', updated_at: T1 },
    ]);
  });
});

describe('getOffer forUpdate across PostgreSQL connections', () => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore('postgres', 'offers-lock');
  });
  afterAll(() => store?.cleanup());

  it('makes a second transaction on the same offer wait, then see the first one’s write', async () => {
    const other = await openDatabase(store.url);
    const key = { source: 'talentlink', ats_id: 'J42', campaign: 2026 };
    try {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((resolve) => (release = resolve));
      let locked: () => void = () => undefined;
      const firstHasLock = new Promise<void>((resolve) => (locked = resolve));
      const first = inTransaction(store, async (trx) => {
        await getOffer(trx, key, { forUpdate: true });
        locked();
        await gate;
        await upsertOffer(trx, offer('J42', { state: 'first' }), T0);
      });
      await firstHasLock;
      let secondSaw: string | null | undefined;
      const second = inTransaction(other, async (trx) => {
        secondSaw = (await getOffer(trx, key, { forUpdate: true }))?.state ?? null;
      });
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(secondSaw).toBeUndefined();
      release();
      await Promise.all([first, second]);
      expect(secondSaw).toBe('first');
    } finally {
      await other.close();
    }
  });
});

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobSnapshot } from '../../../src/domain/job-snapshot.js';
import { applySnapshot } from '../../../src/pipeline/apply.js';
import { silentLogger } from '../../../src/logger.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import { Projector, resetProjection } from '../../../src/pipeline/projector.js';
import { projectChanges } from '../../../src/reports/projection.js';
import { generateReportFile } from '../../../src/reports/generate.js';
import type { ReportOptions } from '../../../src/reports/options.js';
import { openDatabase, type Store } from '../../../src/store/database.js';
import { projectionCursor } from '../../../src/store/offer-changes.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { JobStory, testPolicy, unreachableAts } from '../../support/job-snapshots.js';
import { wholeCampaign } from '../../support/report-options.js';

/**
 * The report's projection written by the projector from the offers' change numbers: a report
 * reflects every change committed before it, a projector stopped mid-batch resumes without losing
 * or duplicating, and on PostgreSQL two writers get their numbers in commit order.
 */

const AT = '2027-01-11T09:00:00.000Z';
const options: ReportOptions = wholeCampaign(2027);

function contextOf(store: Store): PipelineContext {
  return {
    store,
    domain: data,
    policy: testPolicy,
    clock: { now: () => new Date(AT) },
    log: silentLogger,
    ats: unreachableAts,
  };
}

let jobs = 0;
function newJob(): JobSnapshot {
  const n = ++jobs;
  return new JobStory(
    { id: `p-${n}`, orgName: 'CPAM de la Gironde', grid: 'RG', level: '8', category: 'CADRE', agreement: 'CCNT_RG' },
    AT,
    { jobNumber: `P${String(n).padStart(5, '0')}`, title: `Responsable ${n}` },
  ).snapshot;
}

function see(ctx: PipelineContext, store: Store, snapshot: JobSnapshot) {
  return inTransaction(store, (trx) =>
    applySnapshot(
      ctx,
      trx,
      { snapshot, posting: null, origin: 'queue' },
      { eventId: `e-${snapshot.atsId}`, type: 'job.snapshot' },
      new Date(AT),
    ),
  );
}

async function changeNumberOf(store: Store, atsId: string): Promise<number> {
  const row = await store.db
    .selectFrom('offers')
    .select('change_no')
    .where('ats_id', '=', atsId)
    .executeTakeFirstOrThrow();
  return Number(row.change_no);
}

async function projectedIds(store: Store): Promise<string[]> {
  const rows = await store.db.selectFrom('offer_report').select('ats_id').orderBy('ats_id').execute();
  return rows.map((r) => r.ats_id);
}

describe.each(testDatabases())('projector on %s', (dialect) => {
  let store: TestStore;
  let ctx: PipelineContext;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'projector');
    ctx = contextOf(store);
  });
  afterAll(() => store.cleanup());

  it('the pipeline no longer writes the projection; a report catches up and records its cursor', async () => {
    const job = newJob();
    await see(ctx, store, job);
    expect(await projectedIds(store)).not.toContain(job.atsId);
    const dir = mkdtempSync(join(tmpdir(), 'en3s-projector-'));
    try {
      const result = await generateReportFile(store.db, data.organismsFile, {
        kind: 'report',
        format: 'json',
        options,
        generatedAt: AT,
        out: join(dir, 'r.json'),
        trigger: 'api',
        now: AT,
      });
      expect(readFileSync(join(dir, 'r.json'), 'utf8')).toContain(job.jobNumber);
      expect(result.run?.projectionCursor).toBeGreaterThanOrEqual(await changeNumberOf(store, job.atsId));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(await projectedIds(store)).toContain(job.atsId);
  });

  it('a projector stopped mid-batch resumes without losing or duplicating an offer', async () => {
    const projector = new Projector(ctx, { batchSize: 2 });
    await projector.catchUp();
    const before = await projectedIds(store);
    const added = [newJob(), newJob(), newJob(), newJob(), newJob()];
    for (const job of added) await see(ctx, store, job);
    const start = await projectionCursor(store.db);
    // A batch interrupted before its commit (the process killed): nothing of it stays.
    await expect(
      inTransaction(store, async (trx) => {
        await projectChanges(trx, AT, 2);
        throw new Error('killed mid-batch');
      }),
    ).rejects.toThrow('killed mid-batch');
    expect(await projectionCursor(store.db)).toBe(start);
    expect(await projectedIds(store)).toEqual(before);
    // One batch, then a stop, then a new projector.
    expect(await projector.runOnce()).toBe(2);
    expect(await projectionCursor(store.db)).toBe(await changeNumberOf(store, added[1]!.atsId));
    const cursor = await new Projector(ctx, { batchSize: 2 }).catchUp();
    expect(cursor).toBe(await changeNumberOf(store, added[4]!.atsId));
    const after = await projectedIds(store);
    expect(after).toEqual([...before, ...added.map((j) => j.atsId)].sort());
    expect(new Set(after).size).toBe(after.length);
  });

  it('a reset (en3s db reproject) projects every offer again and is recorded in the ledger', async () => {
    await store.db.deleteFrom('offer_report').execute();
    const { ledgerSeq, lastChange } = await resetProjection(store, new Date(AT));
    expect(await projectionCursor(store.db)).toBe(0);
    const entry = await store.db
      .selectFrom('ledger')
      .select(['kind', 'data'])
      .where('seq', '=', ledgerSeq)
      .executeTakeFirstOrThrow();
    expect(entry.kind).toBe('projection.reset');
    expect(await new Projector(ctx).catchUp()).toBe(lastChange);
    const offers = await store.db.selectFrom('offers').select('ats_id').orderBy('ats_id').execute();
    expect(await projectedIds(store)).toEqual(offers.map((o) => o.ats_id));
  });
});

describe('change numbers on postgres with two writers', () => {
  let store: TestStore;
  let other: Store;
  beforeAll(async () => {
    store = await openTestStore('postgres', 'projector-writers');
    other = await openDatabase(store.url);
  });
  afterAll(async () => {
    await other.close();
    await store.cleanup();
  });

  it('a writer stamping second waits for the first to commit: numbers follow commit order, none skipped', async () => {
    const ctxA = contextOf(store);
    const ctxB = contextOf(other);
    const projector = new Projector(ctxA);
    await projector.catchUp();
    const [jobA, jobB] = [newJob(), newJob()];
    let releaseA!: () => void;
    const holdA = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    let stampedA!: () => void;
    const aStamped = new Promise<void>((resolve) => {
      stampedA = resolve;
    });
    // A: applies its event (its last statement takes the number), then stays open.
    const writerA = inTransaction(store, async (trx) => {
      await applySnapshot(
        ctxA,
        trx,
        { snapshot: jobA, posting: null, origin: 'queue' },
        { eventId: 'a', type: 'job.snapshot' },
        new Date(AT),
      );
      stampedA();
      await holdA;
    });
    await aStamped;
    let bDone = false;
    const writerB = see(ctxB, other, jobB).then(() => {
      bDone = true;
    });
    // B cannot take a number while A holds the counter; a projector meanwhile sees neither.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(bDone).toBe(false);
    expect(await projector.runOnce()).toBe(0);
    releaseA();
    await Promise.all([writerA, writerB]);
    const [a, b] = [await changeNumberOf(store, jobA.atsId), await changeNumberOf(store, jobB.atsId)];
    expect(b).toBe(a + 1);
    expect(await projector.catchUp()).toBe(b);
    expect(await projectedIds(store)).toEqual(expect.arrayContaining([jobA.atsId, jobB.atsId]));
  });
});

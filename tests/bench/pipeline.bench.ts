import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobSnapshot } from '../../src/domain/job-snapshot.js';
import { loadDomainData } from '../../src/mappings/load.js';
import { applySnapshot } from '../../src/pipeline/apply.js';
import { silentLogger } from '../../src/logger.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { inTransaction } from '../../src/store/transaction.js';
import { JobStory, testPolicy, unreachableAts } from '../support/job-snapshots.js';
import { describeMachine, fmt, loadAverage } from './bench-machine.js';

/**
 * Pipeline bench (`npm run build && npm run bench:pipeline`): the CPU the pipeline spends per
 * offer from the job seen to its commands committed. Each offer's life (first read, the EN3S
 * approver set, submitted: three snapshots) goes through `applySnapshot`, each snapshot in its own
 * transaction as the inbox worker applies one event, on a fresh SQLite file. Measured: the
 * process's CPU time (user + system, `process.cpuUsage`) and the wall time, per offer. The
 * snapshots are built before the clock starts. The last line is one JSON object for tooling.
 * Env: EN3S_BENCH_OFFERS (2000).
 */

const envInt = (name: string, fallback: number) => {
  const raw = process.env[name];
  if (!raw) return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1)
    throw new Error(`${name}: expected a positive integer, got ${JSON.stringify(raw)}`);
  return Number(raw);
};

const OFFERS = envInt('EN3S_BENCH_OFFERS', 2000);
const WARMUP_OFFERS = 100;
const START = Date.parse('2027-01-11T08:00:00.000Z');

const bodies = ['CPAM de la Gironde', 'CAF du Nord', 'URSSAF Île-de-France', 'CARSAT Alsace-Moselle'];

/** The snapshots of offer `n`'s life, in the order the pipeline sees them. */
function lifeOf(n: number): JobSnapshot[] {
  const at = (minutes: number) => new Date(START + n * 60_000 + minutes * 60_000).toISOString();
  const job = new JobStory(
    {
      id: `bench-${n}`,
      orgName: bodies[n % bodies.length]!,
      grid: 'RG',
      level: String(7 + (n % 3)),
      category: 'CADRE',
      agreement: 'CCNT_RG',
      creationDate: at(0),
    },
    at(1),
    { jobNumber: `B${String(n).padStart(7, '0')}`, title: `Responsable ${n}` },
  );
  return [job.snapshot, job.addEn3s(at(2)), job.submit(at(3))];
}

async function applyAll(ctx: PipelineContext, lives: JobSnapshot[][], first: number): Promise<void> {
  for (const [i, life] of lives.entries()) {
    for (const [step, snapshot] of life.entries()) {
      const at = new Date(snapshot.fetchedAt);
      await inTransaction(ctx.store, (trx) =>
        applySnapshot(
          ctx,
          trx,
          { snapshot, posting: null, origin: 'queue' },
          { eventId: `bench-${first + i}-${step}`, type: 'job.snapshot' },
          at,
        ),
      );
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'en3s-bench-pipeline-'));
  const store = await openDatabase(`sqlite:${join(dir, 'store.sqlite')}`);
  try {
    await migrateToLatest(store);
    let now = new Date(START);
    const ctx: PipelineContext = {
      store,
      domain: loadDomainData(),
      policy: testPolicy,
      clock: { now: () => now },
      log: silentLogger,
      ats: unreachableAts,
    };
    const warmup = Array.from({ length: WARMUP_OFFERS }, (_, n) => lifeOf(n));
    const lives = Array.from({ length: OFFERS }, (_, n) => lifeOf(WARMUP_OFFERS + n));
    now = new Date(START + 60_000 * (WARMUP_OFFERS + OFFERS + 10));
    await applyAll(ctx, warmup, 0);
    const cpu0 = process.cpuUsage();
    const wall0 = process.hrtime.bigint();
    await applyAll(ctx, lives, WARMUP_OFFERS);
    const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const events = OFFERS * 3;
    const summary = {
      bench: 'pipeline',
      database: 'sqlite',
      offers: OFFERS,
      events,
      cpuMsPerOffer: Number((cpuMs / OFFERS).toFixed(3)),
      wallMsPerOffer: Number((wallMs / OFFERS).toFixed(3)),
      cpuMsPerEvent: Number((cpuMs / events).toFixed(3)),
    };
    console.log(`Machine: ${describeMachine()}; load ${loadAverage()}`);
    console.log(
      `${OFFERS} offers (${events} snapshots, one transaction each) on SQLite: ` +
        `${fmt(cpuMs / OFFERS, 3)} ms CPU and ${fmt(wallMs / OFFERS, 3)} ms wall per offer`,
    );
    console.log(JSON.stringify(summary));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();

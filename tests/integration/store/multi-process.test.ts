import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertEvent } from '../../../src/store/inbox.js';
import { readLedger, verifyLedger } from '../../../src/store/ledger.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { compileStore, type CompiledStore } from '../../support/compile-store.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

/**
 * Several processes on one database, as in production (several service instances on
 * PostgreSQL, or the service and a CLI command on one SQLite file). The workers run the real
 * store code, compiled from the sources (see tests/support/compile-store.ts).
 */

const workerScript = fileURLToPath(new URL('../../support/store-worker.mjs', import.meta.url));

interface Worker {
  ready: Promise<void>;
  result: Promise<Record<string, unknown>>;
  go(): void;
}

function startWorker(compiled: CompiledStore, url: string, owner: string, batchSize: number): Worker {
  const child = spawn(process.execPath, [workerScript, compiled.dir, url, owner, String(batchSize)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    if (stdout.startsWith('ready\n')) markReady();
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const result = new Promise<Record<string, unknown>>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code) => {
      markReady();
      const last = stdout.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as Record<string, unknown>);
      else reject(new Error(`worker ${owner} exited with ${code}: ${stderr || stdout}`));
    });
  });
  return { ready, result, go: () => child.stdin.end('go\n') };
}

async function runTogether(workers: Worker[]): Promise<Record<string, unknown>[]> {
  await Promise.all(workers.map((w) => w.ready));
  for (const w of workers) w.go();
  return Promise.all(workers.map((w) => w.result));
}

let compiled: CompiledStore;
beforeAll(() => {
  compiled = compileStore();
});
afterAll(() => compiled?.cleanup());

describe.each(testDatabases())('two processes on one %s database', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'multi-process');
  });
  afterAll(() => store?.cleanup());

  it('claim the inbox together: each event processed once, none handed twice, one ledger chain from both', async () => {
    const total = 120;
    await inTransaction(store, async (trx) => {
      for (let n = 1; n <= total; n++) {
        await insertEvent(trx, {
          source: 'talentlink',
          event_id: `mp-${n}`,
          event_type: 'JOB_UPDATED',
          occurred_at: null,
          received_at: '2026-01-20T08:00:00.000Z',
          content_type: 'application/json',
          body: '{}',
          job_id: `J${n % 17}`,
        });
      }
    });
    const results = await runTogether(['P1', 'P2'].map((owner) => startWorker(compiled, store.url, owner, 5)));
    const claimed = results.map((r) => r.claimed as number[]);
    const all = claimed.flat();
    expect(new Set(all).size).toBe(all.length);
    expect(all).toHaveLength(total);
    for (const ids of claimed) expect(ids.length).toBeGreaterThan(0);
    const statuses = await store.db.selectFrom('inbox').select('status').distinct().execute();
    expect(statuses).toEqual([{ status: 'done' }]);
    expect(await verifyLedger(store.db, { batchSize: 64 })).toMatchObject({ ok: true, rows: total });
    const entries = (await readLedger(store.db, { limit: 1000 })).map(
      (e) => e.data as { eventId: string; owner: string },
    );
    expect(new Set(entries.map((e) => e.eventId)).size).toBe(total);
    expect(entries.filter((e) => e.owner === 'P1')).toHaveLength(claimed[0]!.length);
  });
});

// A worker process for the multi-process store tests: it runs the real store (compiled from the
// sources by tests/support/compile-store.ts) against a database shared with other workers.
//   node store-worker.mjs <store dir> <database url> <owner> <batch size>
// It claims inbox events until none is left; for each one it completes the event and appends a
// ledger entry in one transaction, then prints {"owner", "claimed": [ids]}. It prints "ready"
// once connected and starts on a "go" line on stdin, so that the workers of a test start together.
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';

const [storeDir, url, owner, batchSize] = process.argv.slice(2);
const store = await import(pathToFileURL(join(storeDir, 'index.js')).href);
const db = await store.openDatabase(url);
const now = () => new Date().toISOString();

const lines = createInterface({ input: process.stdin });
const go = new Promise((resolve) => lines.once('line', resolve));
process.stdout.write('ready\n');
await go;
lines.close();

try {
  const claimed = [];
  for (;;) {
    const rows = await store.claimEvents(db.db, { owner, leaseMs: 60_000, limit: Number(batchSize), now: now() });
    if (rows.length === 0) break;
    for (const row of rows) {
      await store.inTransaction(db, async (trx) => {
        if (!(await store.completeEvent(trx, row.id, owner, now()))) throw new Error(`lease of event ${row.id} lost`);
        const data = { eventId: row.event_id, owner };
        await store.appendLedger(
          trx,
          [
            {
              offer_source: row.source,
              offer_ats_id: row.job_id,
              campaign: 2026,
              actor: 'system',
              kind: 'event.processed',
              data,
            },
          ],
          now(),
        );
      });
      claimed.push(row.id);
      // Work outside the transaction (an ATS call, say) lets the other workers in.
      await sleep(1);
    }
  }
  process.stdout.write(`${JSON.stringify({ owner, claimed })}\n`);
} finally {
  await db.close();
}

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../../connectors/registry.js';
import { loadConfig } from '../../../src/config.js';
import { offsetClock } from '../../../src/clock.js';
import { silentLogger } from '../../../src/logger.js';
import { startService, type RunningService } from '../../../src/service/service.js';
import { insertEvent } from '../../../src/store/inbox.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

/**
 * The service purges personal data past its retention on its own, once a day: two instances
 * started on one database, each running the day's purge at start-up, purge once and write one
 * ledger entry between them.
 */

describe.each(testDatabases())('the daily purge of two instances on %s', (dialect) => {
  let store: TestStore;
  let sandbox: RunningSandbox;
  let dir: string;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'retention-service');
    sandbox = await startSandbox({ callsPerSecond: 0, seed: 7 });
    dir = mkdtempSync(join(tmpdir(), 'en3s-retention-service-'));
    await insertEvent(store.db, {
      source: 'talentlink',
      event_id: 'old-snapshot',
      event_type: 'job.snapshot',
      occurred_at: '2025-02-10T10:00:00.000Z',
      received_at: '2025-02-10T10:00:00.000Z',
      content_type: 'application/json',
      body: JSON.stringify({ document: { team: [{ login: 'mdurand', fullName: 'Marie Durand' }] } }),
      job_id: 'J-old',
    });
    await store.db
      .updateTable('inbox')
      .set({ status: 'done', processed_at: '2025-02-10T10:00:01.000Z' })
      .where('event_id', '=', 'old-snapshot')
      .execute();
  });
  afterAll(async () => {
    await sandbox?.stop();
    await store?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('runs at start-up on one instance only, and records it once', async () => {
    const config = loadConfig(
      {},
      {
        databaseUrl: store.url,
        httpHost: '127.0.0.1',
        httpPort: 0,
        alertTokens: ['retention-alert-token-0123456789abcdef'],
        atsBaseUrl: sandbox.url,
        atsUser: 'demo:demo:BO',
        atsPassword: 'demo',
        atsApiKey: 'demo',
        reportsDir: join(dir, 'reports'),
        reportsSchedule: false,
        // Instances on one database share their administrators' sessions (checked at start-up).
        adminSessionSecret: 'retention-session-secret-of-32-characters',
      },
    );
    const clock = offsetClock(new Date('2028-02-01T09:00:00.000Z'));
    const services: RunningService[] = [];
    try {
      for (const instanceId of ['instance-a', 'instance-b'])
        services.push(await startService({ config, clock, logger: silentLogger, instanceId }));
      await vi.waitFor(
        async () => {
          const row = await store.db
            .selectFrom('inbox')
            .select('body')
            .where('event_id', '=', 'old-snapshot')
            .executeTakeFirstOrThrow();
          expect(row.body).toBe('');
        },
        { timeout: 30_000, interval: 100 },
      );
    } finally {
      // A stop waits for a purge under way: after it, both instances have had their turn.
      for (const service of services) await service.stop();
    }
    const purges = await store.db.selectFrom('ledger').selectAll().where('kind', '=', 'retention.purge').execute();
    expect(purges).toHaveLength(1);
    expect(JSON.parse(purges[0]!.data)).toMatchObject({ trigger: 'schedule', lastCampaign: 2026, inboxBodies: 1 });
    const claimed = await store.db
      .selectFrom('cursors')
      .select('value')
      .where('name', '=', 'retention.purge.day')
      .execute();
    expect(claimed).toEqual([{ value: '2028-02-01' }]);
  });
});

import type { Dialect } from '../../src/store/database.js';
import { getOffer, type OfferRecord } from '../../src/store/offers.js';
import { readLedger, type LedgerEntry } from '../../src/store/ledger.js';
import { openTestStore, type TestStore } from './databases.js';
import { freePort } from './e2e-processes.js';
import { startSandboxProcess, type SandboxProcess } from './e2e-sandbox.js';
import { startServiceProcess, type ServiceProcess } from './e2e-service.js';

/**
 * One end-to-end world: the sandbox ATS and `en3s serve` as two processes talking over HTTP
 * (signed webhooks one way, the REST API the other), the service on a fresh SQLite file or a
 * fresh PostgreSQL schema, and the test reading that database beside it. Both clocks start at
 * the same instant inside the window (`campaignInstant`): the real date may be outside it.
 */

/** Inside the EN3S window of 2027 (1 January – 30 April), whatever the real date. */
export const campaignInstant = '2027-02-03T09:00:00.000Z';
export const CAMPAIGN = 2027;

export interface World {
  sandbox: SandboxProcess;
  service: ServiceProcess;
  db: TestStore;
  offer(jobId: string): Promise<OfferRecord | null>;
  ledger(jobId: string): Promise<LedgerEntry[]>;
  commands(jobId: string): Promise<{ kind: string; status: string; attempts: number }[]>;
  stop(): Promise<{ service: number | null; sandbox: number | null }>;
}

export async function startWorld(dialect: Dialect, name: string, options: { serviceEnv?: Record<string, string> } = {}): Promise<World> {
  // The schema or file is created here, empty: the service migrates it at start, as in production.
  const db = await openTestStore(dialect, `e2e-${name}`, { migrate: false });
  let sandbox: SandboxProcess | undefined;
  try {
    const servicePort = await freePort();
    sandbox = await startSandboxProcess({ webhookUrl: `http://127.0.0.1:${servicePort}/webhooks/talentlink`, clock: campaignInstant });
    const service = await startServiceProcess({
      databaseUrl: db.url,
      port: servicePort,
      atsBaseUrl: sandbox.url,
      clockStart: campaignInstant,
      ...(options.serviceEnv ? { env: options.serviceEnv } : {}),
    });
    const started = sandbox;
    return {
      sandbox: started,
      service,
      db,
      offer: (jobId) => getOffer(db.db, { source: 'talentlink', ats_id: jobId, campaign: CAMPAIGN }),
      ledger: (jobId) => readLedger(db.db, { offer: { source: 'talentlink', ats_id: jobId }, limit: 10_000 }),
      commands: (jobId) => db.db.selectFrom('outbox').select(['kind', 'status', 'attempts']).where('ats_id', '=', jobId).orderBy('id').execute(),
      async stop() {
        const serviceCode = await service.stop();
        const sandboxCode = await started.stop();
        await db.cleanup();
        return { service: serviceCode, sandbox: sandboxCode };
      },
    };
  } catch (error) {
    await sandbox?.stop();
    await db.cleanup();
    throw error;
  }
}

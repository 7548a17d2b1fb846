import type { Dialect } from '../../src/store/database.js';
import { getOffer, type OfferRecord } from '../../src/store/offers.js';
import { readLedger, type LedgerEntry } from '../../src/store/ledger.js';
import { openTestStore, type TestStore } from './databases.js';
import { e2eAlertToken, freePort, waitFor } from './e2e-processes.js';
import { startTenantProcess, type TenantProcess } from './e2e-tenant.js';
import { startServiceProcess, type ServiceProcess } from './e2e-service.js';

/**
 * One end-to-end world: the sandbox TalentLink tenant (`en3s sandbox serve`) and `en3s serve` as
 * two processes talking over HTTP (the tenant's unsigned queue alerts one way, the REST API and
 * its queues the other), the service on a fresh SQLite file or a fresh PostgreSQL schema, and the
 * test reading that database beside it. The tenant's clock starts inside the window
 * (`campaignInstant`: the real date may be outside it), and the service's business clock runs at
 * the tenant's offset from the real time (EN3S_CLOCK_OFFSET_MS). The service's clock is placed
 * once, at its start, so `advanceClock` moves the tenant's clock and starts the service again
 * on it, as an administrator's service stopped meanwhile would come back.
 */

/** Inside the EN3S window of 2027 (1 January – 30 April), whatever the real date. */
export const campaignInstant = '2027-02-03T09:00:00.000Z';
export const CAMPAIGN = 2027;

export interface World {
  tenant: TenantProcess;
  /** The running service (a new process after each `advanceClock`). */
  readonly service: ServiceProcess;
  db: TestStore;
  offer(jobId: number): Promise<OfferRecord | null>;
  offerInState(jobId: number, state: string, timeoutMs?: number): Promise<OfferRecord>;
  ledger(jobId: number): Promise<LedgerEntry[]>;
  commands(jobId: number): Promise<{ kind: string; status: string; attempts: number }[]>;
  /** The mails of a job in the service's mail ledger, oldest first. */
  mails(
    jobId: number,
  ): Promise<{ kind: string; status: string; audience: string; recipient_ids: string; subject: string }[]>;
  /**
   * Moves both clocks `ms` forward: the service is stopped, the tenant's clock moved through its
   * driver, and the service started again on the same database and port with the tenant's new
   * offset from the real time (EN3S_CLOCK_OFFSET_MS), so both show the same instant however long
   * the start takes. Answers the tenant's instant.
   */
  advanceClock(ms: number): Promise<string>;
  stop(): Promise<{ service: number | null; tenant: number | null }>;
}

export interface WorldOptions {
  serviceEnv?: Record<string, string>;
  /** The tenant gateway's limit (and the service's own budget): the real 8 unless relaxed. */
  callsPerSecond?: number;
}

export async function startWorld(dialect: Dialect, name: string, options: WorldOptions = {}): Promise<World> {
  // The schema or file is created here, empty: the service migrates it at start, as in production.
  const db = await openTestStore(dialect, `e2e-${name}`, { migrate: false });
  let tenant: TenantProcess | undefined;
  try {
    const servicePort = await freePort();
    const callsPerSecond = options.callsPerSecond ?? 8;
    tenant = await startTenantProcess({
      alertUrl: `http://127.0.0.1:${servicePort}/webhooks/talentlink/${e2eAlertToken}`,
      clock: campaignInstant,
      callsPerSecond,
    });
    const start = {
      databaseUrl: db.url,
      port: servicePort,
      atsBaseUrl: tenant.url,
      env: { EN3S_ATS_CALLS_PER_SECOND: String(Math.min(callsPerSecond, 100)), ...options.serviceEnv },
    };
    // The service's clock is the tenant's, to the millisecond: the tenant's own offset from the real time.
    const clock = await tenant.driver('GET', '/clock');
    if (clock.status !== 200) throw new Error(`sandbox GET /clock: ${clock.status} ${JSON.stringify(clock.body)}`);
    let service = await startServiceProcess({
      ...start,
      env: { ...start.env, EN3S_CLOCK_OFFSET_MS: String((clock.body as { offsetMs: number }).offsetMs) },
    });
    const started = tenant;
    const offer = (jobId: number) =>
      getOffer(db.db, { source: 'talentlink', ats_id: String(jobId), campaign: CAMPAIGN });
    return {
      tenant: started,
      get service() {
        return service;
      },
      db,
      offer,
      offerInState: (jobId, state, timeoutMs = 20_000) =>
        waitFor(
          async () => {
            const found = await offer(jobId);
            return found?.state === state ? found : null;
          },
          timeoutMs,
          `job ${jobId} in state ${state}`,
          200,
        ),
      ledger: (jobId) => readLedger(db.db, { offer: { source: 'talentlink', ats_id: String(jobId) }, limit: 10_000 }),
      commands: (jobId) =>
        db.db
          .selectFrom('outbox')
          .select(['kind', 'status', 'attempts'])
          .where('ats_id', '=', String(jobId))
          .orderBy('id')
          .execute(),
      mails: (jobId) =>
        db.db
          .selectFrom('recruiter_mails')
          .select(['kind', 'status', 'audience', 'recipient_ids', 'subject'])
          .where('ats_id', '=', String(jobId))
          .orderBy('id')
          .execute(),
      async advanceClock(ms) {
        // Stopped first: the service never sees the tenant ahead of its own clock.
        const code = await service.stop();
        if (code !== 0)
          throw new Error(
            `the service exited with ${code} when stopped to move its clock: ${service.process.stderr().slice(-2000)}`,
          );
        const moved = await started.driver('POST', '/clock', { advanceMs: ms });
        if (moved.status !== 200) throw new Error(`sandbox POST /clock: ${moved.status} ${JSON.stringify(moved.body)}`);
        const { now, offsetMs } = moved.body as { now: string; offsetMs: number };
        service = await startServiceProcess({
          ...start,
          env: { ...start.env, EN3S_CLOCK_OFFSET_MS: String(offsetMs) },
        });
        return now;
      },
      async stop() {
        const serviceCode = await service.stop();
        const tenantCode = await started.stop();
        await db.cleanup();
        return { service: serviceCode, tenant: tenantCode };
      },
    };
  } catch (error) {
    await tenant?.stop();
    await db.cleanup();
    throw error;
  }
}

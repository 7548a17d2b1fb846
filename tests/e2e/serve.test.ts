import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testPostgresUrl, type TestStore } from '../support/databases.js';
import { e2eAlertToken, en3sBin, freePort, startProcess, waitFor, type Running } from '../support/e2e-processes.js';
import { concernedJob, POSITION_QUEUE, startTenantProcess, type TenantProcess } from '../support/e2e-tenant.js';
import { serviceEnv, startServiceProcess, type ServiceProcess } from '../support/e2e-service.js';
import { startTcpProxy } from '../support/e2e-tcp-proxy.js';

/**
 * `en3s serve` as an administrator runs it: configured by its environment only, refusing to
 * start with a clear list of what is wrong, telling a load balancer whether it is alive and
 * ready, exposing its metrics, and stopping on SIGTERM (or dying on SIGKILL) without losing a
 * change: a queue element is deleted only once its job is in the inbox.
 */

/** A business clock outside the window (November), set explicitly so the test does not depend on the real date. */
const NOVEMBER = '2026-11-20T10:00:00.000Z';
const STACK_LINE = /^\s+at /m;
/** The serve tests relax the tenant's gateway so a burst of jobs drains quickly (the campaign test keeps 8). */
const CALLS_PER_SECOND = 50;

async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

function serveWith(env: Record<string, string>, cwd?: string): Running {
  return startProcess(en3sBin(), ['serve'], { env, ...(cwd ? { cwd } : {}) });
}

// Independent refusals: run side by side.
describe.concurrent('en3s serve refuses to start', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-e2e-serve-refuse-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('without an alert token and ATS credentials: exit 2, every problem listed, nothing created', async () => {
    const run = serveWith({ EN3S_DATABASE_URL: `sqlite:${join(dir, 'never.sqlite')}` }, dir);
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    expect(err).toContain('configuration incomplète');
    for (const variable of [
      'EN3S_ALERT_TOKEN',
      'EN3S_ATS_BASE_URL',
      'EN3S_ATS_USER',
      'EN3S_ATS_PASSWORD',
      'EN3S_ATS_API_KEY',
    ])
      expect(err).toContain(variable);
    expect(err).not.toMatch(STACK_LINE);
    expect(run.stdout()).toBe('');
    expect(existsSync(join(dir, 'never.sqlite'))).toBe(false);
  });

  it('with invalid settings: exit 2, each one named with what was expected', async () => {
    const env = {
      ...serviceEnv({ databaseUrl: `sqlite:${join(dir, 'never.sqlite')}`, port: 1, atsBaseUrl: 'http://127.0.0.1:9' }),
      EN3S_HTTP_PORT: 'trois mille',
      EN3S_RECONCILE_CRON: 'toutes les 5 minutes',
      EN3S_CLOCK_START: 'demain matin',
      EN3S_ALERT_TOKEN: 'court',
    };
    const run = serveWith(env, dir);
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    // zod's own message, in French too.
    expect(err).toContain('EN3S_HTTP_PORT : Entrée invalide : nombre attendu');
    expect(err).toContain('EN3S_RECONCILE_CRON : expression cron attendue');
    expect(err).toContain('EN3S_CLOCK_START : instant ISO 8601 attendu');
    expect(err).toContain('EN3S_ALERT_TOKEN : jeton attendu : de 24 à 200');
    expect(err).not.toMatch(STACK_LINE);
    expect(existsSync(join(dir, 'never.sqlite'))).toBe(false);
  });

  it('on a non-loopback address without a metrics token: exit 2, the setting named, nothing created', async () => {
    const env = {
      ...serviceEnv({
        databaseUrl: `sqlite:${join(dir, 'never-exposed.sqlite')}`,
        port: 0,
        atsBaseUrl: 'http://127.0.0.1:9',
      }),
      EN3S_HTTP_HOST: '0.0.0.0',
    };
    const run = serveWith(env, dir);
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    expect(err).toContain(
      'EN3S_METRICS_TOKEN_HASH : requis quand le service écoute sur une autre adresse que la ' +
        'boucle locale (EN3S_HTTP_HOST=0.0.0.0)',
    );
    expect(err).not.toMatch(STACK_LINE);
    expect(existsSync(join(dir, 'never-exposed.sqlite'))).toBe(false);
  });

  it('when the database cannot be reached: exit 2 and a clear message, without the password', async () => {
    const closed = await freePort();
    const env = serviceEnv({
      databaseUrl: `postgres://en3s:mot-de-passe-secret@127.0.0.1:${closed}/en3s`,
      port: 0,
      atsBaseUrl: 'http://127.0.0.1:9',
    });
    const run = serveWith(env, dir);
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    expect(err).toContain(`base de données : impossible de joindre PostgreSQL (127.0.0.1:${closed}/en3s)`);
    expect(err + run.stdout()).not.toContain('mot-de-passe-secret');
    expect(err).not.toMatch(STACK_LINE);
  });
});

describe('en3s serve running (SQLite; business clock in November, outside the window)', () => {
  let dir: string;
  let tenant: TenantProcess;
  let service: ServiceProcess;
  let db: TestStore;
  let port: number;
  let realStart: number;
  const start = (clockStart: string) =>
    startServiceProcess({
      databaseUrl: db.url,
      port,
      atsBaseUrl: tenant.url,
      clockStart,
      cwd: dir,
      env: { EN3S_ATS_CALLS_PER_SECOND: String(CALLS_PER_SECOND) },
    });
  /** The business clock goes on from where it was, as it would in real time (plus `aheadMs`). */
  const clockNow = (aheadMs = 0) => new Date(Date.parse(NOVEMBER) + (Date.now() - realStart) + aheadMs).toISOString();
  const offersOf = (ids: number[]) =>
    db.db.selectFrom('offers').select(['ats_id', 'state']).where('ats_id', 'in', ids.map(String)).execute();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-e2e-serve-'));
    db = await openTestStore('sqlite', 'e2e-serve', { migrate: false });
    port = await freePort();
    tenant = await startTenantProcess({
      alertUrl: `http://127.0.0.1:${port}/webhooks/talentlink/${e2eAlertToken}`,
      clock: NOVEMBER,
      callsPerSecond: CALLS_PER_SECOND,
    });
    realStart = Date.now();
    service = await start(NOVEMBER);
  });
  afterAll(async () => {
    await service?.stop();
    await tenant?.stop();
    await db?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says it is alive on /healthz and ready on /readyz once migrated and running', async () => {
    expect(await getJson(`${service.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    // The loops start once the EN3S approver is found in the tenant (the instance is ready meanwhile).
    await waitFor(
      async () => (await getJson(`${service.url}/readyz`)).body.checks.approver === 'trouvé',
      10_000,
      'the EN3S approver found',
    );
    const ready = await getJson(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({
      ready: true,
      checks: { database: true, migrations: true, worker: true, dispatcher: true, approver: 'trouvé' },
    });
    const started = service.process.logs().find((l) => l.message === 'service started')!;
    expect(String(started.businessTime).slice(0, 10)).toBe('2026-11-20');
  });

  it('records a concerned job created in November as outside the window and changes nothing in the ATS', async () => {
    const id = await tenant.createJob(concernedJob('Responsable du service contentieux', 'CARSAT', '8'));
    const row = await waitFor(
      async () =>
        db.db
          .selectFrom('offers')
          .select(['state', 'concerned', 'campaign'])
          .where('ats_id', '=', String(id))
          .executeTakeFirst(),
      15_000,
      'the job in the service',
    );
    expect(row).toMatchObject({ state: 'outside_window', concerned: 'yes' });
    expect(await db.db.selectFrom('outbox').select('kind').where('ats_id', '=', String(id)).execute()).toEqual([]);
    const counters = await tenant.counters();
    expect(counters.calls.patchPosition ?? {}).toEqual({});
    expect(counters.calls.unpost ?? {}).toEqual({});
    // The alert reached the service and was accepted.
    expect((await tenant.alerts()).some((a) => a.status === 202)).toBe(true);
    // No personal data of the recruiter in the service's log, and never the API key.
    expect(service.process.stdout()).not.toContain('Marchand');
    expect(service.process.stdout()).not.toContain('recruteur1@exemple.fr');
    expect(service.process.stdout()).not.toMatch(/api_key=demo/);
  });

  it('exposes its counters on /metrics', async () => {
    // Under load the first jobs may still be on their way through the inbox: wait for them.
    const text = await waitFor(
      async () => {
        const response = await fetch(`${service.url}/metrics`);
        expect(response.status).toBe(200);
        const body = await response.text();
        const counted = [
          /^en3s_queue_depth\{queue="inbox",status="done"\} [1-9]/m,
          /^en3s_notifications_total\{outcome="queue:(committed|duplicate)"\} [1-9]/m,
          /^en3s_ats_calls_total\{op="listChangedJobs",outcome="ok"\} [1-9]/m,
        ];
        return counted.every((pattern) => pattern.test(body)) ? body : null;
      },
      15_000,
      'the counters of the jobs read',
    );
    expect(text).toMatch(/^en3s_ats_calls_total\{op="listChangedJobs",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^en3s_queue_depth\{queue="inbox",status="done"\} [1-9]/m);
    expect(text).toMatch(/^en3s_scrape_ok 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes /m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(text).not.toMatch(/^en3s_(process|nodejs)_/m);
  });

  it('stops cleanly on SIGTERM mid-drain, and the jobs still queued are read at the next start', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 40; i += 1)
      ids.push(await tenant.createJob(concernedJob(`Responsable de secteur ${i}`, 'CPAM', '7')));
    await waitFor(async () => (await offersOf(ids)).length >= 1, 15_000, 'the first job read');
    const code = await service.stop();
    expect(code).toBe(0);
    expect(service.process.stderr()).toContain('SIGTERM reçu');
    expect(service.process.logs().at(-1)?.message).toBe('service stopped');
    const atStop = (await offersOf(ids)).length;
    const queued = await tenant.queueLength(POSITION_QUEUE);
    console.info(`SIGTERM during a drain: ${atStop} of ${ids.length} jobs read, ${queued} elements left in the queue`);
    // Every job is either read or still in the queue: nothing was deleted before its commit.
    expect(atStop + queued).toBeGreaterThanOrEqual(ids.length);

    const restartedAt = Date.now();
    service = await start(clockNow());
    await waitFor(async () => (await offersOf(ids)).length === ids.length, 30_000, 'every job read after the restart');
    console.info(`all read ${Date.now() - restartedAt} ms after the restart began`);
  }, 60_000);

  it('loses no change even when killed outright (SIGKILL) in the middle of a drain', async () => {
    const ids: number[] = [];
    for (let i = 0; i < 40; i += 1)
      ids.push(await tenant.createJob(concernedJob(`Chargé de mission ${i}`, 'URSSAF', '7')));
    await waitFor(async () => (await offersOf(ids)).length >= 5, 15_000, 'five jobs read');
    service.process.child.kill('SIGKILL');
    await service.process.exited;
    const atKill = (await offersOf(ids)).length;
    console.info(
      `SIGKILL during a drain: ${atKill} of ${ids.length} jobs read, ${await tenant.queueLength(POSITION_QUEUE)} ` +
        `elements left`,
    );

    // The dead process's leases (drain and inbox rows) run out before another instance may take
    // them: restart as if 2 minutes had passed instead of waiting for them.
    service = await start(clockNow(120_000));
    await waitFor(async () => (await offersOf(ids)).length === ids.length, 30_000, 'every job read after the restart');
    await waitFor(async () => (await tenant.queueLength(POSITION_QUEUE)) === 0, 30_000, 'the queue drained');
  }, 90_000);
});

/** A service on a fresh SQLite database whose ATS does not answer (the discard port): enough for its probes. */
async function serviceWithoutAts(name: string, env: Record<string, string>) {
  const db = await openTestStore('sqlite', name, { migrate: false });
  const service = await startServiceProcess({
    databaseUrl: db.url,
    port: await freePort(),
    atsBaseUrl: 'http://127.0.0.1:9',
    clockStart: NOVEMBER,
    env,
  });
  return { db, service };
}

describe.concurrent('/readyz answers 503 when the service cannot do its job', () => {
  it('on SIGTERM first: 503 at once while the service still serves, then it drains and stops', async () => {
    const { db, service } = await serviceWithoutAts('e2e-leaving', { EN3S_SHUTDOWN_DELAY_MS: '3000' });
    try {
      expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
      service.process.child.kill('SIGTERM');
      const leaving = await waitFor(
        async () => {
          const r = await getJson(`${service.url}/readyz`);
          return r.status === 503 ? r : null;
        },
        2_000,
        '/readyz 503 after SIGTERM',
      );
      expect(leaving.body).toMatchObject({ ready: false, checks: { stopping: true, database: true } });
      // Still serving meanwhile: liveness, and the alert route takes an alert.
      expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
      const alert = await fetch(`${service.url}/webhooks/talentlink/${e2eAlertToken}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ queueName: POSITION_QUEUE }),
      });
      expect(alert.status).toBe(202);
      expect(service.process.logs().some((l) => l.message === 'service stopping')).toBe(false);
      expect(await service.process.exited).toBe(0);
      const messages = service.process.logs().map((l) => l.message);
      const order = [
        'service leaving: /readyz answers 503, requests are still served',
        'service stopping',
        'service stopped',
      ];
      expect(
        order.map((m) => messages.indexOf(m)).every((at, i, all) => at >= 0 && (i === 0 || at > all[i - 1]!)),
      ).toBe(true);
    } finally {
      await service.stop();
      await db.cleanup();
    }
  });

  it('while migrations are not applied (EN3S_MIGRATE_ON_START=false), and 200 once `en3s db migrate` ran', async () => {
    const { db, service } = await serviceWithoutAts('e2e-readyz', { EN3S_MIGRATE_ON_START: 'false' });
    try {
      const before = await getJson(`${service.url}/readyz`);
      expect(before.status).toBe(503);
      expect(before.body).toMatchObject({ ready: false, checks: { database: true, migrations: false } });
      expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
      const migrate = startProcess(en3sBin(), ['db', 'migrate', '--db', db.url]);
      expect(await migrate.exited, migrate.stderr()).toBe(0);
      await waitFor(
        async () => (await getJson(`${service.url}/readyz`)).status === 200,
        10_000,
        '/readyz 200 after the migration',
      );
    } finally {
      expect(await service.stop()).toBe(0);
      await db.cleanup();
    }
  });

  it('while PostgreSQL is unreachable, and 200 again once it is back', async () => {
    const server = new URL(testPostgresUrl());
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    const db = await openTestStore('postgres', 'e2e-readyz-pg', { migrate: false });
    const schema = new URL(db.url).searchParams.get('schema')!;
    const viaProxy = new URL(testPostgresUrl());
    viaProxy.port = String(proxy.port);
    viaProxy.searchParams.set('schema', schema);
    const port = await freePort();
    const service = await startServiceProcess({
      databaseUrl: viaProxy.toString(),
      port,
      atsBaseUrl: 'http://127.0.0.1:9',
      clockStart: NOVEMBER,
    });
    try {
      expect((await getJson(`${service.url}/readyz`)).status).toBe(200);
      await proxy.cut();
      const down = await getJson(`${service.url}/readyz`);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ready: false, checks: { database: false } });
      expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
      await proxy.restore();
      await waitFor(
        async () => (await getJson(`${service.url}/readyz`)).status === 200,
        10_000,
        '/readyz 200 once PostgreSQL is back',
      );
    } finally {
      const code = await service.stop();
      expect(code, service.process.stderr()).toBe(0);
      await proxy.close();
      await db.cleanup();
    }
  });
});

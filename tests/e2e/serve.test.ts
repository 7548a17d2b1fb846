import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, testPostgresUrl, type TestStore } from '../support/databases.js';
import { e2eSecret, en3sBin, freePort, startProcess, waitFor, type Running } from '../support/e2e-processes.js';
import { concernedOffer, startSandboxProcess, type SandboxProcess } from '../support/e2e-sandbox.js';
import { serviceEnv, startServiceProcess, type ServiceProcess } from '../support/e2e-service.js';
import { startTcpProxy } from '../support/e2e-tcp-proxy.js';

/**
 * `en3s serve` as an administrator runs it: configured by its environment only, refusing to
 * start with a clear list of what is wrong, telling a load balancer whether it is alive and
 * ready, exposing its metrics, and stopping on SIGTERM without losing what it accepted.
 */

/** A business clock outside the window (November), set explicitly so the test does not depend on the real date. */
const NOVEMBER = '2026-11-20T10:00:00.000Z';
const STACK_LINE = /^\s+at /m;

const createdJson = readFileSync(fileURLToPath(new URL('../fixtures/talentlink/job.created--cpam-val-de-marne.json', import.meta.url)), 'utf8');

/** The fixture's `job.created`, made unique (event and job ids) and dated at the business clock. */
function notification(n: number): { id: string; body: string } {
  const doc = JSON.parse(createdJson);
  const id = `evt-e2e-stop-${n}`;
  const jobId = String(70_000 + n);
  doc.id = id;
  doc.occurredAt = NOVEMBER;
  doc.job.id = jobId;
  doc.job.jobNumber = `KCPE2E${String(n).padStart(5, '0')}`;
  doc.job.creationDate = NOVEMBER;
  doc.job.postings[0].id = `p-${jobId}-1`;
  return { id, body: JSON.stringify(doc) };
}

async function postSigned(url: string, message: { id: string; body: string }): Promise<number> {
  const now = new Date();
  const response = await fetch(`${url}/webhooks/talentlink`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'webhook-id': message.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': new Webhook(e2eSecret).sign(message.id, now, message.body),
    },
    body: message.body,
  });
  await response.arrayBuffer();
  return response.status;
}

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

  it('without webhook secrets and ATS credentials: exit 2, every problem listed, nothing created', async () => {
    const run = serveWith({ EN3S_DATABASE_URL: `sqlite:${join(dir, 'never.sqlite')}` }, dir);
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    expect(err).toContain('configuration incomplète');
    for (const variable of ['EN3S_WEBHOOK_SECRETS', 'EN3S_ATS_BASE_URL', 'EN3S_ATS_USER', 'EN3S_ATS_PASSWORD', 'EN3S_ATS_API_KEY']) expect(err).toContain(variable);
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
      EN3S_WEBHOOK_SECRETS: 'pas-un-secret',
    };
    const run = serveWith(env, dir);
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    expect(err).toContain('EN3S_HTTP_PORT');
    expect(err).toContain('EN3S_RECONCILE_CRON : expected a cron expression');
    expect(err).toContain('EN3S_CLOCK_START : expected an ISO-8601 instant');
    expect(err).toContain('EN3S_WEBHOOK_SECRETS : expected whsec_');
    expect(err).not.toMatch(STACK_LINE);
    expect(existsSync(join(dir, 'never.sqlite'))).toBe(false);
  });

  it('when the database cannot be reached: exit 2 and a clear message, without the password', async () => {
    const closed = await freePort();
    const env = serviceEnv({ databaseUrl: `postgres://en3s:mot-de-passe-secret@127.0.0.1:${closed}/en3s`, port: 0, atsBaseUrl: 'http://127.0.0.1:9' });
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
  let sandbox: SandboxProcess;
  let service: ServiceProcess;
  let db: TestStore;
  let port: number;
  let realStart: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-e2e-serve-'));
    db = await openTestStore('sqlite', 'e2e-serve', { migrate: false });
    port = await freePort();
    sandbox = await startSandboxProcess({ webhookUrl: `http://127.0.0.1:${port}/webhooks/talentlink`, clock: NOVEMBER });
    realStart = Date.now();
    service = await startServiceProcess({ databaseUrl: db.url, port, atsBaseUrl: sandbox.url, clockStart: NOVEMBER, cwd: dir });
  });
  afterAll(async () => {
    await service?.stop();
    await sandbox?.stop();
    await db?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('says it is alive on /healthz and ready on /readyz once migrated and running', async () => {
    expect(await getJson(`${service.url}/healthz`)).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await getJson(`${service.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(ready.body).toEqual({ ready: true, checks: { database: true, migrations: true, worker: true, dispatcher: true } });
    const started = service.process.logs().find((l) => l.message === 'service started')!;
    expect(String(started.businessTime).slice(0, 10)).toBe('2026-11-20');
  });

  it('records a concerned offer created in November as outside the window and asks nothing of the ATS', async () => {
    const job = await sandbox.createJob(concernedOffer('Responsable du service contentieux', 'CARSAT', '8'));
    const row = await waitFor(
      async () => db.db.selectFrom('offers').select(['state', 'concerned', 'campaign']).where('ats_id', '=', job.id).executeTakeFirst(),
      15_000,
      'the offer in the service',
    );
    expect(row).toMatchObject({ state: 'outside_window', concerned: 'yes' });
    expect(await db.db.selectFrom('outbox').select('kind').where('ats_id', '=', job.id).execute()).toEqual([]);
    expect((await sandbox.counters()).overall).toMatchObject({ teamAssignmentsApplied: 0, approvalsStarted: 0, locksApplied: 0, withdrawalsApplied: 0 });
    // No personal data of the recruiter in the service's log.
    expect(service.process.stdout()).not.toContain('Dujardin');
    expect(service.process.stdout()).not.toContain('carsat-am.example');
  });

  it('exposes its counters on /metrics', async () => {
    const response = await fetch(`${service.url}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/^en3s_notifications_total\{outcome="accepted"\} [1-9]/m);
    expect(text).toMatch(/^en3s_ats_calls_total\{op="listChanged",outcome="ok"\} [1-9]/m);
    expect(text).toMatch(/^en3s_queue_depth\{queue="inbox",status="done"\} [1-9]/m);
    expect(text).toMatch(/^en3s_scrape_ok 1$/m);
    expect(text).toMatch(/^en3s_process_resident_memory_bytes /m);
  });

  it('stops cleanly on SIGTERM, and the events it accepted just before are processed at the next start', async () => {
    // A burst of notifications, and SIGTERM as soon as the first ones are accepted: the stop
    // falls in the middle of the burst. Whatever got its 202 must not be lost.
    const messages = Array.from({ length: 150 }, (_, i) => notification(i + 1));
    let answered = 0;
    const sent = messages.map(async (m) => {
      try {
        return { id: m.id, status: await postSigned(service.url, m) };
      } catch {
        return { id: m.id, status: 0 };
      } finally {
        answered += 1;
      }
    });
    await waitFor(() => answered >= 1, 10_000, 'the first answer');
    const code = await service.stop();
    const results = await Promise.all(sent);
    expect(code).toBe(0);
    expect(service.process.stderr()).toContain('SIGTERM reçu');
    expect(service.process.logs().at(-1)?.message).toBe('service stopped');
    expect(results.every((r) => r.status === 202 || r.status === 0), JSON.stringify(results.filter((r) => r.status !== 202 && r.status !== 0))).toBe(true);
    const accepted = results.filter((r) => r.status === 202).map((r) => r.id);
    expect(accepted.length).toBeGreaterThanOrEqual(1);

    const atStop = await db.db.selectFrom('inbox').select(['event_id', 'status']).where('event_id', 'in', accepted).execute();
    expect(atStop).toHaveLength(accepted.length);
    const waiting = atStop.filter((r) => r.status !== 'done').length;
    console.info(`SIGTERM during a burst: ${accepted.length} of ${messages.length} accepted, ${waiting} of them not yet processed at the stop`);

    // The business clock goes on from where it was, as it would in real time.
    const clockStart = new Date(Date.parse(NOVEMBER) + (Date.now() - realStart)).toISOString();
    const restartedAt = Date.now();
    service = await startServiceProcess({ databaseUrl: db.url, port, atsBaseUrl: sandbox.url, clockStart, cwd: dir });
    await waitFor(
      async () => {
        const rows = await db.db.selectFrom('inbox').select('status').where('event_id', 'in', accepted).execute();
        return rows.every((r) => r.status === 'done');
      },
      10_000,
      'every accepted event processed after the restart',
    );
    console.info(`all processed ${Date.now() - restartedAt} ms after the restart began`);
    const jobIds = accepted.map((id) => String(70_000 + Number(id.split('-').at(-1))));
    const offers = await db.db.selectFrom('offers').select('ats_id').where('ats_id', 'in', jobIds).execute();
    expect(offers).toHaveLength(accepted.length);
  });

  it('loses no accepted event even when killed outright (SIGKILL) in the middle of a burst', async () => {
    const messages = Array.from({ length: 150 }, (_, i) => notification(1000 + i));
    let accepted: string[] = [];
    const sent = messages.map(async (m) => {
      try {
        if ((await postSigned(service.url, m)) === 202) accepted = [...accepted, m.id];
      } catch {
        // Cut by the kill: not acknowledged, the ATS would deliver it again.
      }
    });
    await waitFor(() => accepted.length >= 30, 10_000, 'thirty accepted');
    service.process.child.kill('SIGKILL');
    await service.process.exited;
    await Promise.all(sent);
    const atKill = await db.db.selectFrom('inbox').select(['event_id', 'status']).where('event_id', 'in', accepted).execute();
    expect(atKill.map((r) => r.event_id).sort()).toEqual([...accepted].sort());
    const unfinished = atKill.filter((r) => r.status !== 'done').length;
    console.info(`SIGKILL during a burst: ${accepted.length} accepted, ${unfinished} of them unfinished at the kill`);

    // Rows the dead process had claimed keep its lease (30 s) before another worker may take
    // them: restart as if 35 s had passed instead of waiting for them.
    const clockStart = new Date(Date.parse(NOVEMBER) + (Date.now() - realStart) + 35_000).toISOString();
    service = await startServiceProcess({ databaseUrl: db.url, port, atsBaseUrl: sandbox.url, clockStart, cwd: dir });
    await waitFor(
      async () => (await db.db.selectFrom('inbox').select('status').where('event_id', 'in', accepted).execute()).every((r) => r.status === 'done'),
      10_000,
      'every accepted event processed after the restart',
    );
  });
});

describe.concurrent('/readyz answers 503 when the service cannot do its job', () => {
  it('while the migrations are not applied (EN3S_MIGRATE_ON_START=false), and 200 once `en3s db migrate` ran', async () => {
    const db = await openTestStore('sqlite', 'e2e-readyz', { migrate: false });
    const port = await freePort();
    const service = await startServiceProcess({ databaseUrl: db.url, port, atsBaseUrl: 'http://127.0.0.1:9', clockStart: NOVEMBER, env: { EN3S_MIGRATE_ON_START: 'false' } });
    try {
      const before = await getJson(`${service.url}/readyz`);
      expect(before.status).toBe(503);
      expect(before.body).toMatchObject({ ready: false, checks: { database: true, migrations: false } });
      expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
      const migrate = startProcess(en3sBin(), ['db', 'migrate', '--db', db.url]);
      expect(await migrate.exited, migrate.stderr()).toBe(0);
      await waitFor(async () => (await getJson(`${service.url}/readyz`)).status === 200, 10_000, '/readyz 200 after the migration');
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
    const service = await startServiceProcess({ databaseUrl: viaProxy.toString(), port, atsBaseUrl: 'http://127.0.0.1:9', clockStart: NOVEMBER });
    try {
      expect((await getJson(`${service.url}/readyz`)).status).toBe(200);
      await proxy.cut();
      const down = await getJson(`${service.url}/readyz`);
      expect(down.status).toBe(503);
      expect(down.body).toMatchObject({ ready: false, checks: { database: false } });
      expect((await getJson(`${service.url}/healthz`)).status).toBe(200);
      await proxy.restore();
      await waitFor(async () => (await getJson(`${service.url}/readyz`)).status === 200, 10_000, '/readyz 200 once PostgreSQL is back');
    } finally {
      const code = await service.stop();
      expect(code, service.process.stderr()).toBe(0);
      await proxy.close();
      await db.cleanup();
    }
  });
});

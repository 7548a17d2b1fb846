import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../../src/config.js';
import { startService, type RunningService } from '../../../src/service/service.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { waitFor } from '../../support/e2e-processes.js';

/**
 * Instances of the service on one database must agree on what they share (the tenant, the call
 * budget, the schedules, the administrators' sessions): one starting with other values is
 * refused at start-up, in French, naming each setting, secrets never shown.
 */

const SECRET = 's'.repeat(40);
const API_TOKEN = 'jeton-du-script-0123456789abcdef';
const API_TOKENS = [`script:${createHash('sha256').update(API_TOKEN).digest('hex')}`];
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');
const configOn = (databaseUrl: string, overrides: Partial<Config>) =>
  loadConfig(
    {},
    {
      databaseUrl,
      httpPort: 0,
      reportsSchedule: false,
      atsBaseUrl: 'http://127.0.0.1:9',
      alertTokens: ['jeton-des-alertes-0123456789'],
      adminSessionSecret: SECRET,
      ...overrides,
    },
  );

describe.each(testDatabases())('instances on one %s database', (dialect) => {
  let db: TestStore;
  const running: RunningService[] = [];
  beforeAll(async () => {
    db = await openTestStore(dialect, 'instance-agreement');
  });
  afterAll(async () => {
    for (const service of running) await service.stop();
    await db?.cleanup();
  });

  const configWith = (overrides: Partial<Config>) => configOn(db.url, overrides);
  const start = async (overrides: Partial<Config>, instanceId: string) => {
    const service = await startService({ config: configWith(overrides), instanceId });
    running.push(service);
    return service;
  };
  const refusal = (overrides: Partial<Config>, instanceId: string) =>
    startService({ config: configWith(overrides), instanceId }).then(
      async (service) => {
        await service.stop();
        return null;
      },
      (error: unknown) => error,
    );

  it('a second instance with the same settings joins; one with another budget or token is refused', async () => {
    await start({ atsCallsPerSecond: 8 }, 'instance-a');
    await start({ atsCallsPerSecond: 8 }, 'instance-b');

    const failure = await refusal({ atsCallsPerSecond: 10, alertTokens: ['un-autre-jeton-0123456789'] }, 'instance-c');
    expect(failure).toBeInstanceOf(ConfigError);
    const message = (failure as Error).message;
    expect(message).toMatch(
      /EN3S_ATS_CALLS_PER_SECOND : « 10 » ici, « 8 » sur l’instance instance-a, vue à \d\d:\d\d:\d\d/,
    );
    expect(message).toMatch(
      /EN3S_ALERT_TOKEN : différent de celui de l’instance instance-a, .* \(valeur non affichée\)/,
    );
    expect(message).toContain('toutes les instances d’une même base doivent partager ces réglages');
    expect(message).not.toContain('un-autre-jeton');
    expect(message).not.toContain('jeton-des-alertes');
    // The refused instance left no trace; the two others are recorded.
    const ids = await db.db.selectFrom('service_instances').select('instance_id').orderBy('instance_id').execute();
    expect(ids.map((r) => r.instance_id)).toEqual(['instance-a', 'instance-b']);
  });

  it('without a session secret, an instance is refused when others run, with the reason', async () => {
    const failure = await refusal({ atsCallsPerSecond: 8, adminSessionSecret: '' }, 'instance-d');
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain(
      'EN3S_ADMIN_SESSION_SECRET : non défini, alors que d’autres instances utilisent la base (instance-a, instance-b)',
    );
  });

  it('once the others have stopped, or stopped being seen, new settings are taken', async () => {
    // instance-b stops cleanly: its row goes. instance-a is taken as killed: not seen for two minutes.
    await running.pop()!.stop();
    await sql`update service_instances set last_seen_at = ${new Date(Date.now() - 120_000).toISOString()}`.execute(
      db.db,
    );
    await start({ atsCallsPerSecond: 10 }, 'instance-e');
    const ids = await db.db.selectFrom('service_instances').select('instance_id').orderBy('instance_id').execute();
    expect(ids.map((r) => r.instance_id)).toContain('instance-e');
    expect(ids.map((r) => r.instance_id)).not.toContain('instance-b');
  });
});

describe.each(testDatabases())('report files of instances on one %s database', (dialect) => {
  let db: TestStore;
  const shared = mkdtempSync(join(tmpdir(), 'en3s-shared-reports-'));
  const elsewhere = mkdtempSync(join(tmpdir(), 'en3s-own-reports-'));
  const running: RunningService[] = [];
  beforeAll(async () => {
    db = await openTestStore(dialect, 'instance-reports');
  });
  afterAll(async () => {
    for (const service of running) await service.stop();
    await db?.cleanup();
    rmSync(shared, { recursive: true, force: true });
    rmSync(elsewhere, { recursive: true, force: true });
  });
  const configIn = (reportsDir: string) =>
    loadConfig(
      {},
      {
        databaseUrl: db.url,
        httpPort: 0,
        reportsSchedule: false,
        reportsDir,
        atsBaseUrl: 'http://127.0.0.1:9',
        adminSessionSecret: SECRET,
        adminApiTokens: API_TOKENS,
      },
    );
  const authorization = { authorization: `Bearer ${API_TOKEN}` };

  it('a report made on one instance is downloaded from the other, byte for byte', async () => {
    const a = await startService({ config: configIn(shared), instanceId: 'instance-a' });
    running.push(a);
    const b = await startService({ config: configIn(shared), instanceId: 'instance-b' });
    running.push(b);
    const made = await fetch(`${a.url}/api/v1/reports`, {
      method: 'POST',
      headers: { ...authorization, 'content-type': 'application/json' },
      body: JSON.stringify({ kind: 'report', format: 'csv', campaign: 2027 }),
    });
    expect(made.status).toBe(201);
    const run = (await made.json()) as { id: number; download: string; files: { sha256: string }[] };
    const fromB = await fetch(`${b.url}${run.download}`, { headers: authorization });
    expect(fromB.status).toBe(200);
    expect(sha256(Buffer.from(await fromB.arrayBuffer()))).toBe(run.files[0]!.sha256);
    // Each running instance's mark is in the folder; the report list does not show them.
    expect(readdirSync(shared).filter((f) => f.startsWith('.en3s-instance-'))).toHaveLength(2);
  });

  it('an instance whose reports folder is not the others’ is refused, naming the setting', async () => {
    const failure = await startService({ config: configIn(elsewhere), instanceId: 'instance-c' }).then(
      async (service) => {
        await service.stop();
        return null;
      },
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toContain(
      `EN3S_REPORTS_DIR : le dossier ${elsewhere} n’est pas celui de l’instance instance-a`,
    );
    // The refused instance took its mark back.
    expect(readdirSync(elsewhere)).toEqual([]);
  });
});

describe.each(testDatabases())('an instance that joins late on one %s database', (dialect) => {
  let db: TestStore;
  const running: RunningService[] = [];
  beforeAll(async () => {
    db = await openTestStore(dialect, 'instance-late', { migrate: false });
  });
  afterAll(async () => {
    for (const service of running) await service.stop();
    await db?.cleanup();
  });
  const configWith = (overrides: Partial<Config>) => configOn(db.url, overrides);

  it('started unmigrated, it stops once migrated if the others disagree, refused as at start-up', async () => {
    let refused: ConfigError | null = null;
    const late = await startService({
      config: configWith({ atsCallsPerSecond: 10, migrateOnStart: false }),
      instanceId: 'instance-late',
      onRefused: (error) => {
        refused = error;
      },
    });
    running.push(late);
    expect((await late.readiness()).checks.migrations).toBe(false);

    // Another instance migrates the database and joins: nobody else is recorded yet.
    running.push(await startService({ config: configWith({ atsCallsPerSecond: 8 }), instanceId: 'instance-first' }));
    const error = await waitFor(() => refused, 40_000, 'the late instance refused');
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(
      /EN3S_ATS_CALLS_PER_SECOND : « 10 » ici, « 8 » sur l’instance instance-first, vue à \d\d:\d\d:\d\d/,
    );
    // It has stopped taking requests, and left no trace among the instances.
    await expect(fetch(`${late.url}/healthz`)).rejects.toThrow();
    const ids = await db.db.selectFrom('service_instances').select('instance_id').execute();
    expect(ids.map((r) => r.instance_id)).toEqual(['instance-first']);
  }, 60_000);
});

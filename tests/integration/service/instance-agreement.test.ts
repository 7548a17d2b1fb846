import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, type Config } from '../../../src/config.js';
import { startService, type RunningService } from '../../../src/service/service.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

/**
 * Instances of the service on one database must agree on what they share (the tenant, the call
 * budget, the schedules, the administrators' sessions): one starting with other values is
 * refused at start-up, in French, naming each setting, secrets never shown.
 */

const SECRET = 's'.repeat(40);

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

  const configWith = (overrides: Partial<Config>) =>
    loadConfig(
      {},
      {
        databaseUrl: db.url,
        httpPort: 0,
        reportsSchedule: false,
        atsBaseUrl: 'http://127.0.0.1:9',
        alertTokens: ['jeton-des-alertes-0123456789'],
        adminSessionSecret: SECRET,
        ...overrides,
      },
    );
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

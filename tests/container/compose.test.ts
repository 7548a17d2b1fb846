import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../src/paths.js';
import { freePort, waitFor } from '../support/e2e-processes.js';
import {
  APP_IMAGE,
  buildImage,
  POSTGRES_IMAGE,
  probeContainers,
  type BuiltImage,
  type Engine,
} from '../support/container-engine.js';

/**
 * The image and the compose project as an operations team runs them: the base image made from
 * Debian packages, the connector's and PostgreSQL's images built FROM it, `compose.yaml` started
 * with podman-compose (PostgreSQL, the sandbox tenant and two instances of the connector on one
 * database and one reports volume). A report made through instance A is downloaded from instance
 * B; the images' HEALTHCHECKs pass; the service runs as an unprivileged user with production
 * dependencies only. Skipped, with the reason, where containers cannot run. Images are tagged by
 * a hash of their inputs and kept, so a second run builds nothing.
 */

const probe = probeContainers();
if (probe.problem) console.warn(`container test skipped: ${probe.problem}`);

const sha256 = (text: string | Buffer) => createHash('sha256').update(text).digest('hex');

/** The `--retries` of both images' HEALTHCHECK: failures in a row before a container is unhealthy. */
const HEALTHCHECK_RETRIES = 3;

const APP_INPUTS = [
  'Containerfile',
  '.containerignore',
  'package.json',
  'package-lock.json',
  'tsconfig.json',
  'tsconfig.build.json',
  'bin',
  'src',
  'connectors',
  'mappings',
];

describe.skipIf(probe.problem !== undefined)('the container image and the compose project', () => {
  const engine = probe.engine as Engine;
  const project = `en3s-test-${process.pid}`;
  const apiToken = randomBytes(32).toString('base64url');
  let app: BuiltImage;
  let postgres: BuiltImage;
  let ports: { a: number; b: number };
  // A copy of compose.yaml in a folder of its own: podman-compose reads a `.env` beside the file,
  // and a developer's own must not override the test's settings.
  let folder: string;
  const compose = (...args: string[]) =>
    engine.run('podman-compose', ['--project-name', project, '--file', join(folder, 'compose.yaml'), ...args]);
  const container = (service: string) => `${project}_${service}_1`;
  const url = (instance: 'a' | 'b', path: string) => `http://127.0.0.1:${ports[instance]}${path}`;
  const api = (instance: 'a' | 'b', path: string, init: RequestInit = {}) =>
    fetch(url(instance, path), {
      ...init,
      headers: { authorization: `Bearer ${apiToken}`, 'content-type': 'application/json' },
    });
  const logsOf = async (service: string) =>
    engine.run('podman', ['logs', '--tail', '40', container(service)]).catch((e: Error) => e.message);

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'en3s-compose-'));
    copyFileSync(join(packageRoot(), 'compose.yaml'), join(folder, 'compose.yaml'));
    app = await buildImage(engine, APP_IMAGE, '.', APP_INPUTS);
    postgres = await buildImage(engine, POSTGRES_IMAGE, 'containers/postgres', ['containers/postgres']);
    ports = { a: await freePort(), b: await freePort() };
    Object.assign(engine.env, {
      EN3S_IMAGE_TAG: app.tag,
      EN3S_POSTGRES_TAG: postgres.tag,
      EN3S_A_PORT: String(ports.a),
      EN3S_B_PORT: String(ports.b),
      EN3S_DB_PASSWORD: randomBytes(16).toString('hex'),
      EN3S_ALERT_TOKEN: randomBytes(24).toString('hex'),
      EN3S_ADMIN_SESSION_SECRET: randomBytes(32).toString('hex'),
      EN3S_METRICS_TOKEN_HASH: sha256(randomBytes(32)),
      EN3S_ADMIN_API_TOKENS: `compose-test:${sha256(apiToken)}`,
    });
    await compose('up', '--detach');
    // The instances may start before PostgreSQL accepts connections: they exit 2 and the
    // engine starts them again (restart: on-failure) until the database answers.
    for (const instance of ['a', 'b'] as const)
      await waitFor(
        async () => (await fetch(url(instance, '/readyz'))).status === 200,
        5 * 60_000,
        `instance ${instance}'s /readyz to answer 200`,
        1000,
      ).catch(async (error: Error) => {
        throw new Error(`${error.message}; its log:\n${await logsOf(`en3s-${instance}`)}`);
      });
  }, 60 * 60_000);

  afterAll(async () => {
    if (!engine || !folder) return;
    await compose('down', '--volumes').catch(() => undefined);
    // Whatever `down` left (a container it did not know of, a volume still in use): by label.
    const label = `label=io.podman.compose.project=${project}`;
    const left = await engine.run('podman', ['ps', '--all', '--quiet', '--filter', label]).catch(() => '');
    const ids = left.split('\n').filter(Boolean);
    if (ids.length > 0) await engine.run('podman', ['rm', '--force', ...ids]).catch(() => undefined);
    await engine.run('podman', ['volume', 'prune', '--force', '--filter', label]).catch(() => undefined);
    await engine.run('podman', ['network', 'rm', '--force', `${project}_default`]).catch(() => undefined);
    rmSync(folder, { recursive: true, force: true });
  }, 5 * 60_000);

  it('serves from instance B the report made through instance A, on one database and one volume', async () => {
    const made = await api('a', '/api/v1/reports', {
      method: 'POST',
      body: JSON.stringify({ kind: 'report', format: 'csv', campaign: 2027 }),
    });
    const run: any = await made.json();
    expect(made.status, JSON.stringify(run)).toBe(201);
    const file = await api('b', run.download);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('text/csv');
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(sha256(bytes)).toBe(run.files[0].sha256);
    const listed: any = await (await api('b', '/api/v1/reports/runs?campaign=2027')).json();
    expect(listed.items.map((r: { id: number }) => r.id)).toContain(run.id);
  });

  it('passes the HEALTHCHECKs of both images, the connector’s on /readyz', async () => {
    const image = JSON.parse(await engine.run('podman', ['image', 'inspect', app.reference]))[0];
    expect((image.Healthcheck ?? image.Config.Healthcheck).Test.join(' ')).toContain('/readyz');
    for (const service of ['db', 'en3s-a', 'en3s-b']) {
      // Without systemd nobody runs the checks on a timer: run them as the timer would, the
      // image's number of retries at most (a check that times out on a busy machine is a retry).
      for (let attempt = 1; ; attempt++) {
        const passed = await engine.run('podman', ['healthcheck', 'run', container(service)]).then(
          () => true,
          (error: Error) => {
            if (attempt === HEALTHCHECK_RETRIES) throw error;
            return false;
          },
        );
        if (passed) break;
      }
      const state = JSON.parse(await engine.run('podman', ['inspect', container(service)]))[0].State;
      expect((state.Health ?? state.Healthcheck).Status, service).toBe('healthy');
    }
  });

  it('runs the service as an unprivileged user, with the production dependencies only', async () => {
    const status = await engine.run('podman', ['exec', container('en3s-a'), 'cat', '/proc/1/status']);
    expect(status).toMatch(/^Name:\s+node$/m);
    const uids = /^Uid:\s+(.*)$/m.exec(status)![1]!.trim().split(/\s+/);
    expect(new Set(uids)).toEqual(new Set(['10001']));
    // Installed packages, by their package.json (npm leaves a pruned scope's empty folder behind).
    const manifests = await engine.run('podman', [
      'exec',
      container('en3s-a'),
      'find',
      '/app/node_modules',
      '-mindepth',
      '2',
      '-maxdepth',
      '3',
      '-name',
      'package.json',
    ]);
    const installed = manifests
      .split('\n')
      .filter(Boolean)
      .map((file) => file.slice('/app/node_modules/'.length, -'/package.json'.length));
    expect(installed).toEqual(expect.arrayContaining(['express', 'better-sqlite3', 'pg', 'kysely']));
    for (const dev of ['vitest', 'typescript', '@biomejs/biome', 'playwright-core', 'msw'])
      expect(installed).not.toContain(dev);
  });
});

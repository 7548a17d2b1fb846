import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * Vitest global setup: the PostgreSQL server the store tests run against.
 * - `EN3S_TEST_PG_URL` set: that server is used as it is.
 * - otherwise: a throw-away server is created (initdb in a temporary folder, started with
 *   pg_ctl on a free port of 127.0.0.1, fsync off) and removed at the end of the run.
 * The URL reaches the test workers through `inject('en3sTestPgUrl')` and the environment.
 * When no server can be had, the PostgreSQL tests fail with the reason (`en3sTestPgProblem`):
 * they never silently skip.
 */

declare module 'vitest' {
  export interface ProvidedContext {
    en3sTestPgUrl: string;
    en3sTestPgProblem: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const given = process.env.EN3S_TEST_PG_URL;
  if (given) {
    project.provide('en3sTestPgUrl', given);
    return () => undefined;
  }
  try {
    const server = await startServer();
    process.env.EN3S_TEST_PG_URL = server.url;
    project.provide('en3sTestPgUrl', server.url);
    // Also on a hard exit of the runner, so no server is left behind.
    process.once('exit', server.stop);
    return server.stop;
  } catch (error) {
    project.provide('en3sTestPgProblem', error instanceof Error ? error.message : String(error));
    return () => undefined;
  }
}

interface Server {
  url: string;
  stop: () => void;
}

async function startServer(): Promise<Server> {
  const bin = findBinDir();
  const dir = mkdtempSync(join(tmpdir(), 'en3s-pg-'));
  const data = join(dir, 'data');
  const log = join(dir, 'server.log');
  // PostgreSQL refuses to run as root: as root, its binaries run as the `postgres` user.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const ids = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
    if (ids.status !== 0)
      throw new Error('PostgreSQL tests: running as root and there is no `postgres` user to run the server as');
    chownSync(dir, Number(ids.stdout.trim()), Number(gid.stdout.trim()));
  }
  const run = (tool: string, args: string[]) => {
    const command = asRoot ? ['runuser', '-u', 'postgres', '--', join(bin, tool), ...args] : [join(bin, tool), ...args];
    const result = spawnSync(command[0]!, command.slice(1), {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
    if (result.status !== 0) {
      const serverLog = existsSync(log) ? readFileSync(log, 'utf8').slice(-2000) : '';
      throw new Error(
        `PostgreSQL tests: \`${tool}\` failed (${result.error?.message ?? `exit ${result.status}`}): ` +
          `${result.stderr}${serverLog}`,
      );
    }
  };
  let started = false;
  const stop = () => {
    if (started) {
      started = false;
      try {
        run('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']);
      } catch {
        // Already stopped: nothing left to do but remove the folder.
      }
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync']);
    const port = await freePort();
    const options = [
      `-p ${port}`,
      `-k ${dir}`,
      '-c listen_addresses=127.0.0.1',
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=200',
    ].join(' ');
    run('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '60', '-o', options, 'start']);
    started = true;
    return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
  } catch (error) {
    stop();
    throw error;
  }
}

/** The binaries of the newest PostgreSQL of the Debian package (server and tools: pg_dump, pg_restore…). */
export function findBinDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, 'bin', 'pg_ctl')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0) {
    throw new Error(
      'PostgreSQL tests: no server to test against. Install the Debian package `postgresql` ' +
        '(its binaries are looked for in /usr/lib/postgresql/<version>/bin) or set EN3S_TEST_PG_URL.',
    );
  }
  return join(root, versions[0]!, 'bin');
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port')),
      );
    });
  });
}

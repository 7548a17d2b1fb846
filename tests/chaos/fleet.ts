import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { en3sBin } from '../support/e2e-processes.js';
import { packageRoot } from '../../src/paths.js';
import { seededRandom } from '../support/seeded-random.js';

/**
 * `en3s serve` instances that can be killed with SIGKILL and started again on the same port and
 * database, and the killer that does it every few seconds. Each start places the business clock
 * where the tenant's clock is (EN3S_CLOCK_OFFSET_MS: the tenant's own offset from the real time,
 * exact however long the start takes), so that leases and instants written before a
 * kill mean the same thing after it. Output goes to a log file per instance, kept across restarts.
 */

/** The alert URL's secret token, in the tenant's alert URLs and in EN3S_ALERT_TOKEN. */
export const CHAOS_ALERT_TOKEN = 'chaos-alert-token-0123456789abcdef';

/** `en3s serve`'s environment against the tenant, as an administrator would write it. */
export function serviceEnv(options: {
  databaseUrl: string;
  port: number;
  atsBaseUrl: string;
  clockOffsetMs: number;
}): Record<string, string> {
  return {
    EN3S_DATABASE_URL: options.databaseUrl,
    EN3S_HTTP_PORT: String(options.port),
    EN3S_ALERT_TOKEN: CHAOS_ALERT_TOKEN,
    EN3S_ATS_BASE_URL: options.atsBaseUrl,
    EN3S_ATS_USER: 'demo:demo:BO',
    EN3S_ATS_PASSWORD: 'demo',
    EN3S_ATS_API_KEY: 'demo',
    // Instances on one database share their administrators' sessions (checked at start-up).
    EN3S_ADMIN_SESSION_SECRET: 'chaos-session-secret-of-at-least-32-characters',
    EN3S_CLOCK_OFFSET_MS: String(options.clockOffsetMs),
    // E-mails to the recruiters land in the database's mailbox: the ask commands run for real.
    EN3S_MAIL_MODE: 'mailbox',
    EN3S_MAIL_FROM: 'en3s@en3s.example',
    EN3S_REPORTS_DIR: join(tmpdir(), `en3s-chaos-reports-${process.pid}`),
  };
}

export interface InstanceOptions {
  name: string;
  port: number;
  databaseUrl: string;
  atsBaseUrl: string;
  logFile: string;
  /** The tenant's clock minus the real clock, read at each start. */
  clockOffsetMs: () => Promise<number>;
  env: Record<string, string>;
}

export interface ServiceInstance {
  readonly name: string;
  readonly url: string;
  readonly starts: number;
  /** Milliseconds from spawn to a healthy answer, per start. */
  readonly startMs: number[];
  /** Exits nobody asked for (code or signal), e.g. a crash of the service. */
  readonly unexpectedExits: string[];
  start(): Promise<void>;
  kill(): Promise<void>;
  /** SIGTERM and the exit code (the service's orderly stop). */
  stop(): Promise<number | null>;
  logTail(lines?: number): string;
}

export function serviceInstance(options: InstanceOptions): ServiceInstance {
  const url = `http://127.0.0.1:${options.port}`;
  let child: ChildProcess | null = null;
  let exited: Promise<number | null> = Promise.resolve(null);
  let expectingExit = false;
  let starts = 0;
  const startMs: number[] = [];
  const unexpectedExits: string[] = [];

  const instance: ServiceInstance = {
    name: options.name,
    url,
    get starts() {
      return starts;
    },
    unexpectedExits,
    startMs,
    async start() {
      const spawnedAt = Date.now();
      if (child) throw new Error(`${options.name}: already running`);
      const env = {
        ...serviceEnv({
          databaseUrl: options.databaseUrl,
          port: options.port,
          atsBaseUrl: options.atsBaseUrl,
          clockOffsetMs: await options.clockOffsetMs(),
        }),
        ...options.env,
      };
      const fd = openSync(options.logFile, 'a');
      const proc = spawn(process.execPath, [en3sBin(), 'serve'], {
        cwd: packageRoot(),
        env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...env },
        stdio: ['ignore', fd, fd],
      });
      closeSync(fd);
      child = proc;
      expectingExit = false;
      starts += 1;
      exited = new Promise((resolve) =>
        proc.on('exit', (code, signal) => {
          if (!expectingExit)
            unexpectedExits.push(`${options.name}: exited by itself (code ${code}, signal ${signal})`);
          if (child === proc) child = null;
          resolve(code);
        }),
      );
      const deadline = Date.now() + 30_000;
      for (;;) {
        if (child !== proc) throw new Error(`${options.name} exited while starting:\n${instance.logTail()}`);
        if ((await healthy(options.port)) === 200) {
          startMs.push(Date.now() - spawnedAt);
          return;
        }
        if (Date.now() > deadline) {
          await instance.kill();
          throw new Error(`${options.name} did not answer /healthz within 30 s of its start:\n${instance.logTail()}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    async kill() {
      if (!child) return;
      expectingExit = true;
      child.kill('SIGKILL');
      await exited;
    },
    async stop() {
      if (!child) return exited;
      expectingExit = true;
      const proc = child;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 20_000);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
    logTail(lines = 40) {
      try {
        return readFileSync(options.logFile, 'utf8').split('\n').slice(-lines).join('\n');
      } catch {
        return '(no log)';
      }
    },
  };
  return instance;
}

/**
 * The status of `/healthz`, or 0 when nothing answers within a second. A fresh connection each
 * time (no agent): a pooled one may still point at the process just killed.
 */
function healthy(port: number): Promise<number> {
  return new Promise((resolve) => {
    const req = get({ host: '127.0.0.1', port, path: '/healthz', agent: false, timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(0));
  });
}

export interface Killer {
  readonly kills: number;
  /** Real time (ms) of each kill, to tell a side effect repeated after a kill from a needless one. */
  readonly killTimes: number[];
  /** Starts after a kill that failed (each is a problem of the run). */
  readonly failures: string[];
  /** Set when an instance could not be started again at all: the run cannot go on. */
  readonly dead: Error | null;
  /** Stops killing; resolves once every instance is running again. */
  stop(): Promise<void>;
}

/** Kills each instance with SIGKILL after a random 2–6 s of life (seeded), and starts it again at once. */
export function startKiller(
  instances: ServiceInstance[],
  seed: number,
  lifeMs: [number, number] = [2_000, 6_000],
): Killer {
  let stopping = false;
  let kills = 0;
  const killTimes: number[] = [];
  const failures: string[] = [];
  let dead: Error | null = null;
  const wakes: (() => void)[] = instances.map(() => () => undefined);
  const loops = instances.map(async (instance, i) => {
    const rng = seededRandom(seed + i);
    while (!stopping) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, rng.int(lifeMs[0], lifeMs[1]));
        wakes[i] = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (stopping) break;
      killTimes.push(Date.now());
      await instance.kill();
      kills += 1;
      // A start that fails is a finding, not the end of the killing: say it, and start again.
      for (let tries = 1; ; tries++) {
        try {
          await instance.start();
          break;
        } catch (error) {
          failures.push(
            `${instance.name}: start ${tries} after kill ${kills} failed: ` +
              `${error instanceof Error ? error.message : String(error)}`,
          );
          if (tries >= 3) throw error;
        }
      }
    }
  });
  // Kept for stop(), which rethrows; `dead` tells the drive at once.
  for (const loop of loops)
    loop.catch((error: unknown) => (dead ??= error instanceof Error ? error : new Error(String(error))));
  return {
    get kills() {
      return kills;
    },
    killTimes,
    failures,
    get dead() {
      return dead;
    },
    async stop() {
      stopping = true;
      for (const wake of wakes) wake();
      await Promise.all(loops);
    },
  };
}

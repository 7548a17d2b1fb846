import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

/**
 * The end-to-end tests run the built programs as separate processes, the way an administrator
 * runs them: `node bin/en3s.js serve` and `node bin/en3s.js sandbox serve` (`npm test` builds
 * first). Each process keeps its output; the service's JSON log lines are
 * parsed so that a test can wait for one.
 */

export const en3sBin = (): string => join(packageRoot(), 'bin', 'en3s.js');

/**
 * The secret token of the service's alert URL, shared by the tenant (its alert URL) and the service
 * (`EN3S_ALERT_TOKEN`).
 */
export const e2eAlertToken = 'e2e-alert-token-7f3c9a1b5d2e8f40';

export async function waitFor<T>(
  probe: () => T | Promise<T>,
  timeoutMs: number,
  what: string,
  intervalMs = 100,
): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value as NonNullable<T>;
      last = value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} ` +
          `(last: ${last instanceof Error ? last.message : JSON.stringify(last)})`,
      );
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

export function freePort(): Promise<number> {
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

export type LogLine = Record<string, unknown> & { message?: string; level?: string };

export interface Running {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** The JSON lines of stdout (other lines are skipped). */
  logs(): LogLine[];
  /** Exit code once exited (null while running or when killed by a signal). */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  waitForLog(predicate: (line: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine>;
  /** SIGTERM, then the exit code (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<number | null>;
}

/** Starts `node <script> …args` with exactly `env` (plus PATH), never the test runner's EN3S_… variables. */
export function startProcess(
  script: string,
  args: string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
): Running {
  const child = spawn(process.execPath, [script, ...args], {
    cwd: options.cwd ?? packageRoot(),
    env: { PATH: process.env.PATH ?? '', TZ: 'UTC', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let parsed: LogLine[] = [];
  let parsedUpTo = 0;
  let done = false;
  child.stdout!.on('data', (d: Buffer) => (out += d.toString('utf8')));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      done = true;
      resolve(code);
    }),
  );
  const logs = (): LogLine[] => {
    const end = out.lastIndexOf('\n') + 1;
    if (end > parsedUpTo) {
      for (const line of out.slice(parsedUpTo, end).split('\n')) {
        if (!line.startsWith('{')) continue;
        try {
          parsed.push(JSON.parse(line) as LogLine);
        } catch {
          // A line that merely starts like JSON: not a log record.
        }
      }
      parsedUpTo = end;
    }
    return parsed;
  };
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    logs,
    exited,
    hasExited: () => done,
    async waitForLog(predicate, timeoutMs, what) {
      return waitFor(
        () => {
          const line = logs().find(predicate);
          if (!line && done) throw new Error(`process exited before ${what}; stderr: ${err.slice(-2000)}`);
          return line;
        },
        timeoutMs,
        what,
      );
    },
    async stop(graceMs = 15_000) {
      if (done) return exited;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
        parsed = logs();
      }
    },
  };
}

import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startSandbox, type RunningSandbox } from '../../../connectors/registry.js';
import { loadConfig, type SettingName } from '../../../src/config.js';
import type { Logger } from '../../../src/logger.js';
import { startService, type RunningService } from '../../../src/service/service.js';

/**
 * The hostile-input tests talk to the whole service over real HTTP: `startService` on
 * 127.0.0.1 with a fresh SQLite file, the in-process sandbox tenant as its ATS (so the drains
 * an alert triggers run too), and a raw `node:http` client that sends any bytes and any header
 * spelling to the alert route `POST /webhooks/talentlink/<token>`.
 */

/** The alert URL's secret tokens (two during a rotation). */
export const ALERT_TOKEN = 'hostile-alert-token-current-0123456789';
export const NEXT_ALERT_TOKEN = 'hostile-alert-token-next-9876543210abc';
/** An admin API token and the sha256 to configure (`adminApiTokens: ['name:' + hash]`). */
export const API_TOKEN_HASH_FOR_TESTS = {
  token: 'hostile-api-token-0123456789abcdefghij',
  hash: createHash('sha256').update('hostile-api-token-0123456789abcdefghij').digest('hex'),
};

/** Counts log entries per level and keeps the first few errors (the log itself would grow without bound). */
export interface CountingLogger extends Logger {
  counts: Record<'info' | 'warn' | 'error' | 'debug', number>;
  errors: { message: string; meta?: Record<string, unknown> }[];
}

export function countingLogger(): CountingLogger {
  const counts = { info: 0, warn: 0, error: 0, debug: 0 };
  const errors: CountingLogger['errors'] = [];
  return {
    counts,
    errors,
    info: () => void counts.info++,
    warn: () => void counts.warn++,
    debug: () => void counts.debug++,
    error: (message, meta) => {
      counts.error++;
      if (errors.length < 20) errors.push({ message, ...(meta ? { meta } : {}) });
    },
  };
}

export interface HostileService {
  service: RunningService;
  sandbox: RunningSandbox;
  /** `${service.url}/webhooks/talentlink` (append `/<token>`). */
  alertBase: string;
  log: CountingLogger;
  stop(): Promise<void>;
}

/**
 * The service on an ephemeral port with a fresh SQLite store, its ATS an in-process sandbox tenant without a call
 * limit.
 */
export async function startHostileService(
  name: string,
  overrides: Partial<Record<SettingName, unknown>> = {},
): Promise<HostileService> {
  const dir = mkdtempSync(join(tmpdir(), `en3s-hostile-${name}-`));
  const sandbox = await startSandbox({ callsPerSecond: 0, seed: 7 });
  const config = loadConfig(
    {},
    {
      databaseUrl: `sqlite:${join(dir, 'store.sqlite')}`,
      httpHost: '127.0.0.1',
      httpPort: 0,
      alertTokens: [ALERT_TOKEN, NEXT_ALERT_TOKEN],
      atsBaseUrl: sandbox.url,
      atsUser: 'demo:demo:BO',
      atsPassword: 'demo',
      atsApiKey: 'demo',
      atsCallsPerSecond: 100,
      reportsDir: join(dir, 'reports'),
      reportsSchedule: false,
      ...overrides,
    },
  );
  const log = countingLogger();
  const service = await startService({ config, logger: log });
  return {
    service,
    sandbox,
    alertBase: `${service.url}/webhooks/talentlink`,
    log,
    stop: async () => {
      await service.stop();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface RawAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  json: { code?: unknown; message?: unknown; [key: string]: unknown } | undefined;
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8 });

/**
 * POSTs exactly `body` with exactly these header names and values (node:http keeps their
 * spelling). `content-length` is set unless given. Resolves with the answer and the round trip.
 */
export function rawPost(url: string, body: Buffer, headers: Record<string, string>): Promise<RawAnswer> {
  const hasLength = Object.keys(headers).some((name) => name.toLowerCase() === 'content-length');
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        agent,
        headers: hasLength ? headers : { ...headers, 'content-length': String(body.byteLength) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: RawAnswer['json'];
          try {
            json = text === '' ? undefined : (JSON.parse(text) as RawAnswer['json']);
          } catch {
            json = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json, ms: performance.now() - started });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** A stack trace, a source path or a dependency path in an answer body. */
export const LEAK = /\bat [\w.<>]+ \(|\.(ts|js):\d+|node_modules|Error:/;

/** `gc()` without `--expose-gc` on the command line: the flag can still be set at run time. */
export function exposeGc(): () => void {
  const existing = (globalThis as { gc?: () => void }).gc;
  if (existing) return existing;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

export interface MemorySample {
  heapUsed: number;
  external: number;
  rss: number;
}

export function memorySample(): MemorySample {
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, external: m.external, rss: m.rss };
}

export const mb = (bytes: number): number => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** `812 KB` or `10.4 MB`: sizes as the tables print them. */
export const size = (bytes: number): string =>
  Math.abs(bytes) < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${mb(bytes)} MB`;

/** Prints rows as an aligned table (first row: headers), for the test output. */
export function printTable(title: string, rows: string[][]): void {
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((row) => (row[col] ?? '').length)));
  const lines = rows.map((row) =>
    row.map((cell, col) => (col === 0 ? cell.padEnd(widths[col]!) : cell.padStart(widths[col]!))).join('  '),
  );
  console.log(`\n${title}\n${lines.join('\n')}\n`);
}

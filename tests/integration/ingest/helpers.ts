import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { Express } from 'express';
import { expect } from 'vitest';
import type { Clock } from '../../../src/clock.js';
import type { Logger } from '../../../src/logger.js';
import type { Db } from '../../../src/store/database.js';

/** Shared pieces of the ingest tests: the earlier format's fixtures, a listening app, a recording logger. */

/** The service's clock in these tests: a Monday of the 2027 window. */
export const NOW = new Date('2027-01-18T10:00:00.000Z');
export const fixedClock = (at: Date = NOW): Clock => ({ now: () => new Date(at) });

const fixtures = fileURLToPath(new URL('../../fixtures/', import.meta.url));
export const fixture = (name: string): string => readFileSync(fixtures + name, 'utf8');

/** `job.created` of CPAM Val-de-Marne, id `evt-2027-000107`, in both formats. */
export const createdXml = fixture('talentlink/job.created--cpam-val-de-marne.xml');
export const createdJson = fixture('talentlink/job.created--cpam-val-de-marne.json');
export const CREATED_ID = 'evt-2027-000107';

export interface Listening {
  url: string;
  close(): Promise<void>;
}

export async function listen(app: Express): Promise<Listening> {
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

/** Every answer body seen by a test file, to prove none leaks a stack trace. */
export const answersSeen: string[] = [];

export async function post(url: string, body: string | Buffer, headers: Record<string, string>): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', headers, body });
  return read(response);
}

export async function read(response: Response): Promise<Answer> {
  const text = await response.text();
  answersSeen.push(text);
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export function expectNoStackTraces(): void {
  expect(answersSeen.length).toBeGreaterThan(0);
  for (const text of answersSeen) {
    expect(text).not.toMatch(/\bat [\w.<>]+ \(|\.(ts|js):\d+|node_modules|Error:/);
  }
}

export interface RecordingLogger extends Logger {
  entries: { level: string; message: string; meta?: Record<string, unknown> }[];
  text(): string;
}

export function recordingLogger(): RecordingLogger {
  const entries: RecordingLogger['entries'] = [];
  const at = (level: string) => (message: string, meta?: Record<string, unknown>) =>
    void entries.push({ level, message, ...(meta ? { meta } : {}) });
  return {
    entries,
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    debug: at('debug'),
    text: () => JSON.stringify(entries),
  };
}

export async function inboxRows(db: Db, eventId?: string) {
  let query = db.selectFrom('inbox').selectAll().orderBy('id');
  if (eventId !== undefined) query = query.where('event_id', '=', eventId);
  return query.execute();
}

/** Waits until `check` holds, polling; fails with `what` after `ms`. */
export async function eventually(check: () => Promise<boolean>, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`timed out waiting for ${what}`);
}

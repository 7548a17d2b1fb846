import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import express from 'express';
import { createAdminRouter, type AdminDeps } from '../../../src/admin/index.js';
import { loadConfig, type Config, type SettingName } from '../../../src/config.js';
import type { JobSnapshot } from '../../../src/domain/job-snapshot.js';
import { applySnapshot } from '../../../src/pipeline/apply.js';
import type { Clock } from '../../../src/clock.js';
import { silentLogger, type Logger } from '../../../src/logger.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import type { Dialect } from '../../../src/store/database.js';
import { claimCommands, deadLetterCommand } from '../../../src/store/outbox.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { openTestStore, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { JobStory, testPolicy, unreachableAts } from '../../support/job-snapshots.js';

/**
 * The admin router on a real store (SQLite file or PostgreSQL schema), behind a plain express
 * app listening on 127.0.0.1:0, with jobs brought in as the real pipeline does (`applySnapshot`
 * of their snapshots, read from the queue): one with a posting live before EN3S's answer, one
 * undetermined, one not concerned, one submitted to EN3S alone and unanswered since 21 January,
 * one whose title tries HTML and SQL and whose recruiter has still to submit it, and a
 * dead-lettered command.
 */

export const PASSWORD = 'correct horse battery staple';
export const API_TOKEN = 'test-token-0123456789abcdefghijklmnop';
/** Business time of the tests: inside the 2027 window. */
export const NOW = '2027-02-15T10:00:00.000Z';
export const HOSTILE_TITLE = `<script>alert("x")</script> Chef ' OR 1=1 -- de service`;

export class TestClock implements Clock {
  private ms: number;
  constructor(start: string) {
    this.ms = Date.parse(start);
  }
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface AdminTestApp {
  url: string;
  store: TestStore;
  clock: TestClock;
  ctx: PipelineContext;
  config: Config;
  reportsDir: string;
  offers: { published: string; undetermined: string; notConcerned: string; submitted: string; hostile: string };
  deadCommandId: number;
  reconcileCalls: number;
  reconcileAnswer: unknown;
  close(): Promise<void>;
}

export async function startAdminApp(
  dialect: Dialect,
  name: string,
  overrides: Partial<Record<SettingName, unknown>> = {},
  options: { log?: Logger } & Pick<AdminDeps, 'holds'> = {},
): Promise<AdminTestApp> {
  const store = await openTestStore(dialect, `admin-${name}`);
  const clock = new TestClock(NOW);
  // The ATS is never called: the jobs come as snapshots, and no dispatcher runs.
  const ctx: PipelineContext = {
    store,
    domain: data,
    policy: testPolicy,
    clock,
    log: options.log ?? silentLogger,
    ats: unreachableAts,
  };
  const reportsDir = mkdtempSync(join(tmpdir(), 'en3s-admin-reports-'));
  const hash = bcrypt.hashSync(PASSWORD, 4);
  const config = loadConfig(
    {},
    {
      adminUsers: [`alice:${hash}`, `bob:${hash}`],
      adminApiTokens: [`script-nuit:${createHash('sha256').update(API_TOKEN).digest('hex')}`],
      adminLoginAttempts: 3,
      httpHost: '127.0.0.1',
      reportsDir,
      ...overrides,
    },
  );

  let read = 0;
  const seen = (snapshot: JobSnapshot) =>
    inTransaction(store, (trx) =>
      applySnapshot(
        ctx,
        trx,
        { snapshot, posting: null, origin: 'queue' },
        { eventId: `snap-${++read}`, type: 'job.snapshot' },
        new Date(snapshot.fetchedAt),
      ),
    );
  // A posting goes out the day after the job was first seen: a breach, taken down by the connector.
  const published = new JobStory(
    { id: 'job-published', orgName: 'CPAM de la Gironde', grid: 'RG', level: '8', title: 'Directeur adjoint publié' },
    '2027-02-01T09:00:00.000Z',
  );
  await seen(published.snapshot);
  await seen(published.post('2027-02-02T09:05:00.000Z', '7001', '2027-02-02T09:00:00.000Z', 'OPEN'));
  const undetermined = new JobStory(
    { id: 'job-undetermined', orgName: 'CAF du Nord', grid: 'RG', title: 'Responsable sans niveau' },
    '2027-02-03T09:00:00.000Z',
  );
  await seen(undetermined.snapshot);
  const notConcerned = new JobStory(
    { id: 'job-not-concerned', orgName: 'URSSAF Île-de-France', grid: 'RG', level: '5B', title: 'Gestionnaire' },
    '2027-02-04T09:00:00.000Z',
  );
  await seen(notConcerned.snapshot);
  // EN3S set by the connector, then submitted by the recruiter with EN3S its only approver: no answer since.
  const submitted = new JobStory(
    { id: 'job-submitted', orgName: 'CPAM du Rhône', grid: 'RG', level: '9', title: 'Directeur comptable en attente' },
    '2027-01-20T09:00:00.000Z',
  );
  await seen(submitted.snapshot);
  await seen(submitted.addEn3s('2027-01-20T10:00:00.000Z'));
  await seen(submitted.submit('2027-01-21T09:00:00.000Z'));
  // EN3S set, the recruiter asked to submit, and nothing since.
  const hostile = new JobStory(
    { id: 'job-hostile', orgName: 'CAF du Nord', grid: 'RG', level: '7', title: HOSTILE_TITLE },
    '2027-02-05T09:00:00.000Z',
  );
  await seen(hostile.snapshot);
  await seen(hostile.addEn3s('2027-02-05T09:00:02.000Z'));

  // One command given up by the dispatcher, as an administrator finds it.
  const [claimed] = await claimCommands(store.db, { owner: 'test', leaseMs: 60_000, limit: 1, now: NOW });
  if (!claimed) throw new Error('admin harness: the pipeline wrote no command to dead-letter');
  await deadLetterCommand(
    store.db,
    claimed.id,
    'test',
    'INVALID_TEAM (HTTP 400): user 900 is not an approver of this company',
  );

  const state = { reconcileCalls: 0, reconcileAnswer: { ok: true, listed: 3, inserted: 1, since: NOW } as unknown };
  const app = express();
  app.use(
    createAdminRouter({
      ctx,
      config,
      reconcileNow: async () => {
        state.reconcileCalls += 1;
        return state.reconcileAnswer;
      },
      ...(options.holds ? { holds: options.holds } : {}),
    }),
  );
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  const harness: AdminTestApp = {
    url: `http://127.0.0.1:${port}`,
    store,
    clock,
    ctx,
    config,
    reportsDir,
    offers: {
      published: published.snapshot.atsId,
      undetermined: undetermined.snapshot.atsId,
      notConcerned: notConcerned.snapshot.atsId,
      submitted: submitted.snapshot.atsId,
      hostile: hostile.snapshot.atsId,
    },
    deadCommandId: claimed.id,
    get reconcileCalls() {
      return state.reconcileCalls;
    },
    get reconcileAnswer() {
      return state.reconcileAnswer;
    },
    set reconcileAnswer(value: unknown) {
      state.reconcileAnswer = value;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.cleanup();
      rmSync(reportsDir, { recursive: true, force: true });
    },
  };
  return harness;
}

export function offerPath(id: string, campaign = 2027): string {
  return `talentlink/${encodeURIComponent(id)}/${campaign}`;
}

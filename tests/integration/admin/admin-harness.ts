import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import bcrypt from 'bcryptjs';
import express from 'express';
import type { AtsConnector, AtsResult } from '../../../connectors/ats-connector.js';
import type { JobDocument } from '../../../connectors/talentlink/job-document.js';
import { createAdminRouter } from '../../../src/admin/index.js';
import { loadConfig, type Config, type SettingName } from '../../../src/config.js';
import { applyDocument } from '../../../src/pipeline/apply.js';
import { silentLogger, type Clock, type PipelineContext } from '../../../src/pipeline/context.js';
import type { Dialect } from '../../../src/store/database.js';
import { claimCommands, deadLetterCommand } from '../../../src/store/outbox.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { openTestStore, type TestStore } from '../../support/databases.js';
import { data, talentlink } from '../../support/domain.js';
import { policy, JobStory } from '../../support/workflow.js';

/**
 * The admin router on a real store (SQLite file or PostgreSQL schema), behind a plain express
 * app listening on 127.0.0.1:0, with offers brought in through the real pipeline
 * (`applyDocument`): one published without EN3S's answer, one undetermined, one not concerned,
 * one whose answer is overdue, one whose title tries HTML and SQL, and a dead-lettered command.
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

/** The connector is never called by these tests; any call is a failure they would see. */
const idleAts: AtsConnector = new Proxy({ name: 'unused' } as AtsConnector, {
  get: (target, prop) =>
    prop === 'name' ? target.name : async (): Promise<AtsResult<never>> => ({ ok: false, error: { kind: 'permanent', code: 'NOT_IN_TEST', message: 'no ATS in this test' } }),
});

export interface AdminTestApp {
  url: string;
  store: TestStore;
  clock: TestClock;
  ctx: PipelineContext & { ats: AtsConnector };
  config: Config;
  reportsDir: string;
  offers: { published: string; undetermined: string; notConcerned: string; overdue: string; hostile: string };
  deadCommandId: number;
  reconcileCalls: number;
  reconcileAnswer: unknown;
  close(): Promise<void>;
}

export async function startAdminApp(dialect: Dialect, name: string, overrides: Partial<Record<SettingName, unknown>> = {}): Promise<AdminTestApp> {
  const store = await openTestStore(dialect, `admin-${name}`);
  const clock = new TestClock(NOW);
  const ctx = { store, domain: data, mapping: talentlink, policy, clock, log: silentLogger, ats: idleAts };
  const reportsDir = mkdtempSync(join(tmpdir(), 'en3s-admin-reports-'));
  const hash = bcrypt.hashSync(PASSWORD, 4);
  const config = loadConfig({}, {
    adminUsers: [`alice:${hash}`, `bob:${hash}`],
    adminApiTokens: [`script-nuit:${createHash('sha256').update(API_TOKEN).digest('hex')}`],
    adminLoginAttempts: 3,
    httpHost: '127.0.0.1',
    reportsDir,
    ...overrides,
  });

  const apply = (doc: JobDocument, at: string) => inTransaction(store, (trx) => applyDocument(ctx, trx, doc, { eventId: `t-${doc.id}-v${doc.version}`, type: 'job.updated', origin: 'webhook' }, new Date(at)));
  const published = new JobStory({ id: 'job-published', orgName: 'CPAM de la Gironde', grid: 'RG', level: '8', title: 'Directeur adjoint publié' });
  await apply(published.doc, '2027-02-01T09:00:00Z');
  await apply(published.publish('2027-02-02T09:00:00Z'), '2027-02-02T09:05:00Z');
  const undetermined = new JobStory({ id: 'job-undetermined', orgName: 'CAF du Nord', grid: 'RG', title: 'Responsable sans niveau' });
  await apply(undetermined.doc, '2027-02-03T09:00:00Z');
  const notConcerned = new JobStory({ id: 'job-not-concerned', orgName: 'URSSAF Île-de-France', grid: 'RG', level: '5B', title: 'Gestionnaire' });
  await apply(notConcerned.doc, '2027-02-04T09:00:00Z');
  const overdue = new JobStory({ id: 'job-overdue', orgName: 'CPAM du Rhône', grid: 'RG', level: '9', title: 'Directeur comptable en attente' });
  await apply(overdue.doc, '2027-01-20T09:00:00Z');
  await apply(overdue.addTeam(), '2027-01-20T10:00:00Z');
  await apply(overdue.startApproval('2027-01-21T09:00:00Z'), '2027-01-21T09:00:00Z');
  const hostile = new JobStory({ id: 'job-hostile', orgName: 'CAF du Nord', grid: 'RG', level: '7', title: HOSTILE_TITLE });
  await apply(hostile.doc, '2027-02-05T09:00:00Z');

  // One command given up by the dispatcher, as an administrator finds it.
  const [claimed] = await claimCommands(store.db, { owner: 'test', leaseMs: 60_000, limit: 1, now: NOW });
  if (!claimed) throw new Error('admin harness: the pipeline wrote no command to dead-letter');
  await deadLetterCommand(store.db, claimed.id, 'test', 'UNKNOWN_TEAM (HTTP 422): team not found');

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
    offers: { published: published.doc.id, undetermined: undetermined.doc.id, notConcerned: notConcerned.doc.id, overdue: overdue.doc.id, hostile: hostile.doc.id },
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

import type { Notification } from '../../connectors/talentlink/job-document.js';
import type { Policy } from '../../src/domain/workflow.js';
import type { Clock, Logger, PipelineContext } from '../../src/pipeline/context.js';
import { Dispatcher, type DispatcherOptions } from '../../src/pipeline/dispatcher.js';
import { InboxWorker } from '../../src/pipeline/inbox-worker.js';
import type { Dialect } from '../../src/store/database.js';
import { insertEvent, type NewInboxEvent } from '../../src/store/inbox.js';
import { readLedger, type LedgerEntry } from '../../src/store/ledger.js';
import { getOffer, type OfferRecord } from '../../src/store/offers.js';
import { listOfferCommands, type OutboxCommand } from '../../src/store/outbox.js';
import type { AtsConnector } from '../../connectors/ats-connector.js';
import { openTestStore, type TestStore } from './databases.js';
import { data, talentlink } from './domain.js';
import { AtsActors } from './memory-ats-actors.js';
import { MemoryAts, type MemoryAtsOptions } from './memory-ats.js';
import { policy as defaultPolicy } from './workflow.js';

/**
 * One pipeline on a real database, beside a memory ATS, driven step by step by a test: the
 * ATS's notifications are delivered into the inbox as the webhook would store them, the inbox
 * worker and the dispatcher are drained by hand, and time moves only when the test says so.
 */

/** A clock that moves only when told. */
export class ManualClock implements Clock {
  private ms: number;
  constructor(start: string | Date) {
    this.ms = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.ms);
  }
  set(instant: string | Date): void {
    this.ms = new Date(instant).getTime();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

export interface LogLine {
  level: 'info' | 'warn' | 'error' | 'debug';
  message: string;
  meta?: Record<string, unknown>;
}

export function recordingLogger(lines: LogLine[]): Logger {
  const at = (level: LogLine['level']) => (message: string, meta?: Record<string, unknown>) => void lines.push({ level, message, ...(meta ? { meta } : {}) });
  return { info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

/** The inbox row the webhook route stores for a notification (JSON body, as received). */
export function notificationEvent(n: Notification, receivedAt: string): NewInboxEvent {
  return {
    source: 'talentlink',
    event_id: n.id,
    event_type: n.type,
    occurred_at: new Date(n.occurredAt).toISOString(),
    received_at: receivedAt,
    content_type: 'application/json',
    body: JSON.stringify(n),
    job_id: n.job.id,
    job_version: n.job.version,
  };
}

export interface HarnessOptions {
  start: string;
  ats?: MemoryAtsOptions;
  policy?: Partial<Policy>;
  dispatcher?: Partial<DispatcherOptions>;
}

export class PipelineHarness {
  readonly clock: ManualClock;
  readonly ats: MemoryAts;
  readonly actors: AtsActors;
  readonly logs: LogLine[] = [];
  readonly ctx: PipelineContext & { ats: AtsConnector };
  readonly worker: InboxWorker;
  readonly dispatcher: Dispatcher;
  /** Notifications the ATS pushed that a test chose to lose. */
  readonly lost: Notification[] = [];
  /** Which notifications `settle` loses (none by default): an outage the ATS gave up on. */
  lose: (n: Notification) => boolean = () => false;

  private constructor(
    readonly store: TestStore,
    options: HarnessOptions,
  ) {
    this.clock = new ManualClock(options.start);
    this.ats = new MemoryAts({ now: () => this.clock.now(), ...options.ats });
    this.actors = new AtsActors(this.ats);
    this.ctx = {
      store,
      domain: data,
      mapping: talentlink,
      policy: { ...defaultPolicy, ...options.policy },
      clock: this.clock,
      log: recordingLogger(this.logs),
      ats: this.ats.as('pipeline'),
    };
    this.worker = new InboxWorker(this.ctx, { owner: 'worker-1', leaseMs: 30_000 });
    this.dispatcher = new Dispatcher(this.ctx, { owner: 'dispatcher-1', random: () => 0.5, ...options.dispatcher });
  }

  static async open(dialect: Dialect, name: string, options: HarnessOptions): Promise<PipelineHarness> {
    return new PipelineHarness(await openTestStore(dialect, name), options);
  }

  /** Stores the pending notifications in the inbox, except those `lose` picks; returns how many were new. */
  async deliver(lose: (n: Notification) => boolean = this.lose): Promise<number> {
    let inserted = 0;
    for (const n of this.ats.takeNotifications()) {
      if (lose(n)) {
        this.lost.push(n);
        continue;
      }
      if ((await insertEvent(this.store.db, notificationEvent(n, this.clock.now().toISOString()))) === 'inserted') inserted += 1;
    }
    return inserted;
  }

  /** Delivers, processes the inbox and carries out due commands until nothing moves. */
  async settle(maxRounds = 50): Promise<void> {
    for (let round = 0; round < maxRounds; round++) {
      const moved = (await this.deliver()) + (await this.worker.drain()) + (await this.dispatcher.drain());
      if (moved === 0) return;
    }
    throw new Error(`the pipeline did not settle in ${maxRounds} rounds`);
  }

  async offer(jobId: string, campaign = 2027): Promise<OfferRecord> {
    const record = await getOffer(this.store.db, { source: 'talentlink', ats_id: jobId, campaign });
    if (!record) throw new Error(`no offer ${jobId} for campaign ${campaign} in the store`);
    return record;
  }

  async commands(jobId: string, campaign = 2027): Promise<OutboxCommand[]> {
    return listOfferCommands(this.store.db, { source: 'talentlink', ats_id: jobId, campaign });
  }

  async ledger(jobId?: string): Promise<LedgerEntry[]> {
    return readLedger(this.store.db, { ...(jobId ? { offer: { source: 'talentlink', ats_id: jobId } } : {}), limit: 100_000 });
  }

  async close(): Promise<void> {
    await this.store.cleanup();
  }
}

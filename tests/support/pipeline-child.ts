import { loadTalentLinkMapping } from '../../connectors/talentlink/mapping.js';
import type { Policy } from '../../src/domain/workflow.js';
import { loadDomainData } from '../../src/mappings/load.js';
import { offsetClock, type Logger, type PipelineContext } from '../../src/pipeline/context.js';
import { Dispatcher } from '../../src/pipeline/dispatcher.js';
import { InboxWorker } from '../../src/pipeline/inbox-worker.js';
import { openDatabase } from '../../src/store/database.js';
import { ipcAtsConnector } from './ats-ipc.js';

/**
 * One pipeline instance in a process of its own, for the crash and multi-instance tests: an
 * inbox worker and a dispatcher over a shared database, the ATS reached over the IPC channel.
 * Started by `child_process.fork` with its settings as JSON in argv[2]; says `ready` once both
 * loops run (a standby says `loaded` and waits for `go`), and stops cleanly on a `stop` message.
 * The tests mostly kill it instead.
 */

export interface PipelineChildSettings {
  dbUrl: string;
  /** Unique per process: leases of a killed process must not be taken for its successor's. */
  owner: string;
  mappingsDir: string;
  policy: Policy;
  /** The clock runs at real speed from `clockStartMs`, as of the real instant `realStartMs`. */
  clockStartMs: number;
  realStartMs: number;
  leaseMs: number;
  batchSize: number;
  idleMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  maxAttempts: number;
  /** Load and connect, then wait for a `go` message before taking any work. */
  standby?: boolean;
}

export type ChildMessage =
  | { type: 'loaded' }
  | { type: 'ready' }
  | { type: 'stopped' }
  | { type: 'log'; level: string; message: string; meta?: Record<string, unknown> };

const settings = JSON.parse(process.argv[2] ?? '{}') as PipelineChildSettings;
const report = (message: ChildMessage) => process.send?.(message);
const forward =
  (level: string) =>
  (message: string, meta?: Record<string, unknown>): void =>
    void report({ type: 'log', level, message, ...(meta ? { meta } : {}) });
const log: Logger = { info() {}, debug() {}, warn: forward('warn'), error: forward('error') };

const store = await openDatabase(settings.dbUrl, { create: false });
const ctx: PipelineContext & { ats: ReturnType<typeof ipcAtsConnector> } = {
  store,
  domain: loadDomainData(settings.mappingsDir),
  mapping: loadTalentLinkMapping(settings.mappingsDir),
  policy: settings.policy,
  clock: offsetClock(new Date(settings.clockStartMs), settings.realStartMs),
  log,
  ats: ipcAtsConnector(),
};
const loop = { idleMs: settings.idleMs, errorMs: 100 };
const worker = new InboxWorker(ctx, { owner: `${settings.owner}/inbox`, leaseMs: settings.leaseMs, batchSize: settings.batchSize, ...loop });
const dispatcher = new Dispatcher(ctx, {
  owner: `${settings.owner}/dispatcher`,
  leaseMs: settings.leaseMs,
  batchSize: settings.batchSize,
  baseDelayMs: settings.baseDelayMs,
  maxDelayMs: settings.maxDelayMs,
  maxAttempts: settings.maxAttempts,
  ...loop,
});

const start = () => {
  worker.start();
  dispatcher.start();
  report({ type: 'ready' });
};

process.on('message', (message: unknown) => {
  const type = (message as { type?: string }).type;
  if (type === 'go') start();
  if (type !== 'stop') return;
  void (async () => {
    await Promise.all([worker.stop(), dispatcher.stop()]);
    await store.close();
    report({ type: 'stopped' });
    process.disconnect();
  })();
});

// A standby waits, loaded and connected, until told to go (a supervisor's warm spare).
if (settings.standby) report({ type: 'loaded' });
else start();

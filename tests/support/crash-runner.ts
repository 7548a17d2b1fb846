import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import type { Policy } from '../../src/domain/workflow.js';
import { offsetClock } from '../../src/pipeline/context.js';
import type { Store } from '../../src/store/database.js';
import { mappingsDir } from '../../src/paths.js';
import { serveAtsOverIpc } from './ats-ipc.js';
import type { CompiledProject } from './compile-project.js';
import { CrashWorld } from './crash-world.js';
import { MemoryAts } from './memory-ats.js';
import type { ChildMessage, PipelineChildSettings } from './pipeline-child.js';
import { seededRandom } from './seeded-random.js';

/**
 * Runs pipeline instances in child processes over one database while the world acts on the
 * memory ATS (held here, in the test process), kills the children with SIGKILL at seeded random
 * moments of their work and puts fresh processes in their place, until the required number of kills is reached and all the work
 * is done: the world's plans finished, every notification delivered, the inbox drained and no
 * command left to carry out.
 */

export interface CrashOptions {
  dbUrl: string;
  compiled: CompiledProject;
  policy: Policy;
  seed: number;
  offers: number;
  /** Pipeline processes running at once. */
  instances: number;
  /** SIGKILLs in all, spread over the instances. */
  kills: number;
  /** A process works this long once started (uniformly drawn, ms) before it is killed. */
  lifeMs: [number, number];
  leaseMs: number;
  /** Ratio of ATS calls failing before they apply, and of command calls applied then failing. */
  failBefore: number;
  failAfter: number;
  clockStart: string;
  timeoutMs: number;
  /** Called with a progress line every poll (to watch a slow run). */
  trace?: (line: string) => void;
}

export interface CrashStats {
  kills: number;
  starts: number;
  durationMs: number;
  inboxEvents: number;
  webhookDuplicatesRefused: number;
  commands: number;
  atsCalls: number;
  atsCallsFailed: number;
  /** Owners (process names, as the ATS records callers) killed with SIGKILL. */
  killed: string[];
  /** From the fork to the child's `ready` (a spare's `loaded`), per start. */
  startupMs: number[];
  /** Warnings and errors the children logged, counted by message. */
  childLogs: Record<string, number>;
}

interface CountRow {
  inbox_open: number;
  inbox_failed: number;
  outbox_open: number;
}

async function openWork(store: Store): Promise<CountRow> {
  const inbox = await store.db.selectFrom('inbox').select(['status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('status').execute();
  const outbox = await store.db.selectFrom('outbox').select(['status']).select((eb) => eb.fn.countAll<number>().as('n')).groupBy('status').execute();
  const count = (rows: { status: string; n: number }[], statuses: string[]) => rows.filter((r) => statuses.includes(r.status)).reduce((s, r) => s + Number(r.n), 0);
  return {
    inbox_open: count(inbox, ['pending', 'processing']),
    inbox_failed: count(inbox, ['failed']),
    outbox_open: count(outbox, ['pending', 'in_flight']),
  };
}

/** What the other sessions on the database are doing (a run that does not settle may be stuck on a lock). */
async function postgresSessions(store: Store): Promise<unknown[]> {
  const result = await sql<Record<string, unknown>>`
    select pid, state, wait_event_type, wait_event, left(query, 120) as query, pg_blocking_pids(pid) as blocked_by,
           round(extract(epoch from now() - xact_start)::numeric, 1) as xact_age_s
    from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and backend_type = 'client backend'`.execute(store.db);
  return result.rows;
}

export async function runCrash(store: Store, options: CrashOptions): Promise<{ ats: MemoryAts; world: CrashWorld; stats: CrashStats }> {
  const started = Date.now();
  const clockStartMs = Date.parse(options.clockStart);
  const clock = offsetClock(new Date(clockStartMs), started);
  const ats = new MemoryAts({ now: () => clock.now(), seed: options.seed, failBefore: options.failBefore, failAfter: options.failAfter });
  const world = new CrashWorld(ats, seededRandom(options.seed + 1), { offers: options.offers, createPerTick: 6, actChance: 0.15, holdChance: 0.25, duplicateChance: 0.1 });
  const random = seededRandom(options.seed + 2);
  const script = join(options.compiled.dir, 'tests', 'support', 'pipeline-child.js');
  const stats: CrashStats = { kills: 0, starts: 0, durationMs: 0, inboxEvents: 0, webhookDuplicatesRefused: 0, commands: 0, atsCalls: 0, atsCallsFailed: 0, startupMs: [], killed: [], childLogs: {} };
  const children = new Set<ChildProcess>();
  const owners = new Map<ChildProcess, string>();
  const said = new Map<ChildProcess, Set<ChildMessage['type']>>();
  let finished = false;
  let crashed: Error | undefined;

  const spawn = (standby: boolean): ChildProcess => {
    stats.starts += 1;
    const owner = `p${stats.starts}`;
    const settings: PipelineChildSettings = {
      dbUrl: options.dbUrl,
      owner,
      mappingsDir: mappingsDir(),
      policy: options.policy,
      clockStartMs,
      realStartMs: started,
      leaseMs: options.leaseMs,
      batchSize: 10,
      idleMs: 20,
      baseDelayMs: 20,
      maxDelayMs: 400,
      maxAttempts: 40,
      standby,
    };
    const child = fork(script, [JSON.stringify(settings)], { serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    child.on('error', () => undefined);
    const spawnedAt = Date.now();
    said.set(child, new Set());
    child.on('message', (message: ChildMessage) => {
      said.get(child)!.add(message.type);
      if (message.type === (standby ? 'loaded' : 'ready')) stats.startupMs.push(Date.now() - spawnedAt);
      if (message.type === 'log') stats.childLogs[`${message.level}: ${message.message}`] = (stats.childLogs[`${message.level}: ${message.message}`] ?? 0) + 1;
    });
    serveAtsOverIpc(child, ats, owner, () => random.int(0, 3));
    children.add(child);
    owners.set(child, owner);
    child.once('exit', (code, signal) => {
      children.delete(child);
      // A process that dies on its own (not killed here, not stopped) is a failure of the run.
      if (signal !== 'SIGKILL' && !(finished && code === 0)) crashed ??= new Error(`pipeline process ${owner} exited on its own (code ${code}, signal ${signal})`);
    });
    return child;
  };

  /** Resolves once the child has sent a message of this type (perhaps long ago), or is gone. */
  const waitFor = (child: ChildProcess, type: ChildMessage['type']) =>
    new Promise<void>((resolve) => {
      if (said.get(child)?.has(type) || child.exitCode !== null || child.signalCode !== null) return resolve();
      const done = () => {
        child.off('message', onMessage);
        resolve();
      };
      const onMessage = (message: ChildMessage) => void (message.type === type && done());
      child.on('message', onMessage);
      child.once('exit', done);
    });

  const exited = (child: ChildProcess) => new Promise<void>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve() : child.once('exit', () => resolve())));

  /**
   * One instance: a process killed after a random time at work, and replaced by a spare loaded
   * meanwhile (as a supervisor with a warm spare would), while kills remain. The spare takes no
   * work before the killed process is gone, so one process at a time works in this slot.
   */
  const slot = async () => {
    let child = spawn(false);
    let spare: ChildProcess | null = options.kills > 0 ? spawn(true) : null;
    while (!finished && stats.kills < options.kills && spare) {
      await waitFor(child, 'ready');
      await sleep(random.int(options.lifeMs[0], options.lifeMs[1]));
      if (finished || stats.kills >= options.kills) break;
      stats.kills += 1;
      stats.killed.push(owners.get(child)!);
      child.kill('SIGKILL');
      await exited(child);
      await waitFor(spare, 'loaded');
      spare.send({ type: 'go' }, () => undefined);
      child = spare;
      spare = stats.kills < options.kills ? spawn(true) : null;
    }
    spare?.kill('SIGKILL');
    return child;
  };

  const worldLoop = async () => {
    while (!finished) {
      await world.tick(store);
      await sleep(15);
    }
  };

  // On SQLite, a busy wait here would block this process's event loop, and with it the ATS
  // answers the pipeline processes wait for: the world's writes fail fast and are retried.
  if (store.dialect === 'sqlite') await sql`pragma busy_timeout = 0`.execute(store.db);
  const slots = Array.from({ length: options.instances }, () => slot());
  const ticking = worldLoop();
  try {
    let quiet = 0;
    while (quiet < 2) {
      if (Date.now() - started > options.timeoutMs) {
        const open = await openWork(store);
        const sessions = store.dialect === 'postgres' ? `; sessions: ${JSON.stringify(await postgresSessions(store))}` : '';
        throw new Error(`crash run not settled after ${options.timeoutMs} ms (kills ${stats.kills}, open work ${JSON.stringify(open)}); waiting: ${world.waiting().slice(0, 10).join('; ')}${sessions}`);
      }
      await sleep(200);
      if (crashed) throw crashed;
      const open = await openWork(store);
      options.trace?.(`${Date.now() - started} ms: kills ${stats.kills}, world ${world.done ? 'done' : `${world.jobs.length} jobs`}, ${JSON.stringify(open)}`);
      const settled = stats.kills >= options.kills && world.done && open.inbox_open === 0 && open.outbox_open === 0;
      quiet = settled ? quiet + 1 : 0;
    }
  } finally {
    finished = true;
    await ticking;
    // Processes that never took work (spares, one still loading) have nothing to stop cleanly.
    for (const child of children) if (!said.get(child)?.has('ready')) child.kill('SIGKILL');
    const last = await Promise.all(slots);
    await Promise.all(last.map(async (child) => {
      if (child.connected) child.send({ type: 'stop' }, () => undefined);
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited(child);
      clearTimeout(timer);
    }));
    for (const child of children) child.kill('SIGKILL');
  }
  stats.durationMs = Date.now() - started;
  if (store.dialect === 'sqlite') await sql`pragma busy_timeout = 5000`.execute(store.db);
  stats.inboxEvents = Number((await store.db.selectFrom('inbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  stats.commands = Number((await store.db.selectFrom('outbox').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  stats.webhookDuplicatesRefused = world.duplicates;
  stats.atsCalls = ats.calls.length;
  stats.atsCallsFailed = ats.calls.filter((c) => c.answer !== 'ok').length;
  return { ats, world, stats };
}

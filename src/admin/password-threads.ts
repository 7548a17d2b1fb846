import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/**
 * bcrypt on worker threads: a check of a production-cost hash takes a quarter of a second of CPU,
 * and on the event loop it would hold up every other request (health checks included) for as
 * long. Each thread runs one bcrypt at a time; the login route bounds how many wait.
 *
 * The thread's code is a short script evaluated in the worker, loading bcryptjs from the path
 * this module resolves: it runs the same from the compiled service and from the test runner.
 */

const THREAD_SCRIPT = `
const { parentPort, workerData } = require('node:worker_threads');
const bcrypt = require(workerData.bcryptjs);
parentPort.on('message', ({ id, op, password, hash, cost }) => {
  try {
    const value = op === 'hash' ? bcrypt.hashSync(password, cost) : bcrypt.compareSync(password, hash);
    parentPort.postMessage({ id, value });
  } catch (error) {
    parentPort.postMessage({ id, error: error instanceof Error ? error.message : String(error) });
  }
});
`;

type Request = { op: 'compare'; password: string; hash: string } | { op: 'hash'; password: string; cost: number };

/** A thread left without work this long stops; the next check starts another. */
const IDLE_MS = 10_000;

interface Thread {
  worker: Worker;
  idle: NodeJS.Timeout | null;
  pending: Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>;
}

export class BcryptThreads {
  private readonly threads: (Thread | null)[];
  private nextId = 1;
  private readonly bcryptjs = createRequire(import.meta.url).resolve('bcryptjs');

  constructor(size: number) {
    this.threads = Array.from({ length: Math.max(1, size) }, () => null);
  }

  compare(password: string, hash: string): Promise<boolean> {
    return this.run({ op: 'compare', password, hash }) as Promise<boolean>;
  }

  hash(password: string, cost: number): Promise<string> {
    return this.run({ op: 'hash', password, cost }) as Promise<string>;
  }

  /** Stops the threads; checks still waiting are refused. */
  async close(): Promise<void> {
    const running = this.threads.filter((t) => t !== null);
    this.threads.fill(null);
    await Promise.all(running.map((t) => t.worker.terminate()));
  }

  private run(request: Request): Promise<unknown> {
    const thread = this.leastBusy();
    const id = this.nextId++;
    if (thread.idle) clearTimeout(thread.idle);
    thread.idle = null;
    return new Promise((resolve, reject) => {
      thread.pending.set(id, { resolve, reject });
      thread.worker.postMessage({ id, ...request });
    });
  }

  private leastBusy(): Thread {
    let best = -1;
    for (let i = 0; i < this.threads.length; i++) {
      const t = this.threads[i];
      if (!t) {
        const started = this.start(i);
        this.threads[i] = started;
        return started;
      }
      if (best < 0 || t.pending.size < this.threads[best]!.pending.size) best = i;
    }
    return this.threads[best]!;
  }

  private start(slot: number): Thread {
    const worker = new Worker(THREAD_SCRIPT, { eval: true, workerData: { bcryptjs: this.bcryptjs } });
    // A thread never keeps the process alive: the HTTP server does while it serves.
    worker.unref();
    const thread: Thread = { worker, idle: null, pending: new Map() };
    worker.on('message', (m: { id: number; value?: unknown; error?: string }) => {
      const waiting = thread.pending.get(m.id);
      if (!waiting) return;
      thread.pending.delete(m.id);
      if (thread.pending.size === 0) thread.idle = setTimeout(() => void worker.terminate(), IDLE_MS).unref();
      if (m.error !== undefined) waiting.reject(new Error(`bcrypt: ${m.error}`));
      else waiting.resolve(m.value);
    });
    const fail = (error: Error) => {
      if (this.threads[slot] === thread) this.threads[slot] = null;
      for (const waiting of thread.pending.values()) waiting.reject(error);
      thread.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`bcrypt thread stopped (code ${code})`)));
    return thread;
  }
}

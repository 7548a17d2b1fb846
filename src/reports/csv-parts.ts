import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { OrganismsFile } from '../domain/organism-schema.js';
import { sqliteConnectionOf, type Db } from '../store/database.js';
import {
  offerReportBoundary,
  type OfferReportPosition,
  type OfferReportRange,
  type OfferReportScan,
} from '../store/offer-report.js';
import { endStream, writeChunk } from './atomic-file.js';
import type { ReportOptions } from './options.js';
import { reportCsvHead } from './render-csv.js';
import { reportCsvPages, scanOf } from './source.js';

/**
 * The CSV of a large report "as it stands" on SQLite, made on several threads: the report order
 * is cut into parts of about `partSize` offers (cut points found on the primary key alone), this
 * thread and worker threads (each with its own connection) make the CSV text of one part at a
 * time, and this thread writes the parts in order. The text is exactly what the single-threaded writer gives
 * (the same records as `reportCsvPages` gives), since a CSV record does not depend on
 * its neighbours. Memory stays bounded: a worker gets a new part only when it is idle and at most
 * `2 × threads` parts are ahead of the one being written.
 */

export interface CsvPartsOptions {
  /**
   * Threads making parts, this one included (default 1: no worker). Measured on a 2-vCPU virtual
   * machine, two threads cost 40 % more CPU for 4 % less time and 190 MB more memory, so they
   * are for machines with real cores to spare.
   */
  threads?: number;
  /** Offers per part (default 2,000). */
  partSize?: number;
  pageSize?: number;
  /** The compiled worker module (default: `csv-part-worker.js` beside this module). */
  workerUrl?: URL;
  onProgress?: (read: number) => void;
}

export interface PartRequest {
  index: number;
  range: OfferReportRange;
}

export type PartAnswer =
  | { index: number; text: Uint8Array; rows: number; read: number }
  | { index: number; error: string };

export interface WorkerSetup {
  file: string;
  options: ReportOptions;
  referenceAt: string;
  organisms: OrganismsFile;
  pageSize: number | undefined;
}

const defaultWorker = new URL('./csv-part-worker.js', import.meta.url);

const DEFAULT_PART_SIZE = 2_000;

/**
 * The SQLite file to hand to workers, or null when the report is made in this thread alone: one
 * thread asked, PostgreSQL or an in-memory database, a report as it stood (`asOf`), no compiled
 * worker beside this module (running from the TypeScript sources), or a report of one part only.
 */
export async function partsSource(
  db: Db,
  options: ReportOptions,
  organisms: OrganismsFile,
  parts: CsvPartsOptions = {},
): Promise<string | null> {
  if (threadsOf(parts) < 2 || options.asOf !== null) return null;
  const connection = sqliteConnectionOf(db);
  if (connection === null || connection.memory || !existsSync(fileURLToPath(parts.workerUrl ?? defaultWorker)))
    return null;
  // Some offer beyond the first part?
  const beyond = await offerReportBoundary(db, scanOf(options, organisms), null, partSizeOf(parts) + 1);
  return beyond === null ? null : connection.name;
}

const partSizeOf = (parts: CsvPartsOptions) => Math.max(1, parts.partSize ?? DEFAULT_PART_SIZE);
const threadsOf = (parts: CsvPartsOptions) => Math.max(1, Math.min(parts.threads ?? 1, availableParallelism()));

/** Where each part ends: cut points found one after the other, on demand. */
class Cuts {
  private after: OfferReportPosition | null = null;
  done = false;
  constructor(
    private readonly db: Db,
    private readonly scan: OfferReportScan,
    private readonly size: number,
  ) {}

  async next(): Promise<OfferReportRange> {
    const after = this.after;
    const until = await offerReportBoundary(this.db, this.scan, after, this.size);
    if (until === null) this.done = true;
    this.after = until;
    return { after, until };
  }
}

/** Makes the CSV text of one part at a time: in a worker thread, or in this one. */
interface PartMaker {
  make(request: PartRequest): Promise<PartText>;
  close(): Promise<void>;
}

interface PartText {
  /** The part's CSV records, in UTF-8. */
  text: Uint8Array;
  rows: number;
  read: number;
}

/** The CSV text of a part: what a worker does, and this thread too. */
export async function partText(db: Db, setup: Omit<WorkerSetup, 'file'>, request: PartRequest): Promise<PartText> {
  const texts: Buffer[] = [];
  let rows = 0;
  let read = 0;
  const pages = reportCsvPages(db, setup.options, setup.referenceAt, setup.organisms, {
    pageSize: setup.pageSize,
    range: request.range,
    onProgress: (n) => (read = n),
  });
  for await (const page of pages) {
    texts.push(typeof page.text === 'string' ? Buffer.from(page.text) : page.text);
    rows += page.rows;
  }
  return { text: Buffer.concat(texts), rows, read };
}

class LocalPartMaker implements PartMaker {
  constructor(
    private readonly db: Db,
    private readonly setup: WorkerSetup,
  ) {}
  make(request: PartRequest): Promise<PartText> {
    return partText(this.db, this.setup, request);
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

class ThreadPartMaker implements PartMaker {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  constructor(url: URL, setup: WorkerSetup) {
    // A worker holds one part at a time: a small heap keeps the process's resident memory low.
    this.worker = new Worker(url, {
      workerData: setup,
      resourceLimits: { maxYoungGenerationSizeMb: 8, maxOldGenerationSizeMb: 128 },
    });
    this.exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
  }

  make(request: PartRequest): Promise<PartText> {
    const worker = this.worker;
    return new Promise((resolve, reject) => {
      const onMessage = (answer: PartAnswer) => {
        if (answer.index !== request.index) return;
        cleanup();
        if ('error' in answer) reject(new Error(`partie ${request.index} du rapport : ${answer.error}`));
        else resolve(answer);
      };
      const onError = (error: Error) => {
        cleanup();
        reject(error);
      };
      const onExit = (code: number) => {
        cleanup();
        reject(
          new Error(`le fil d'exécution du rapport s'est arrêté (code ${code}) pendant la partie ${request.index}`),
        );
      };
      const cleanup = () => {
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
      };
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      worker.postMessage(request);
    });
  }

  /** Lets the worker close its connection and end; ends it after 5 s if it does not. */
  async close(): Promise<void> {
    this.worker.postMessage('close');
    await Promise.race([this.exited, new Promise((resolve) => setTimeout(resolve, 5000).unref())]);
    await this.worker.terminate();
  }
}

/**
 * Writes the report's CSV into `out` (which it ends) from the SQLite `file`, and returns the
 * number of offers written.
 */
export async function writeReportCsvInParts(
  db: Db,
  file: string,
  options: ReportOptions,
  referenceAt: string,
  organisms: OrganismsFile,
  out: Writable,
  parts: CsvPartsOptions = {},
): Promise<number> {
  const threads = threadsOf(parts);
  const cuts = new Cuts(db, scanOf(options, organisms), partSizeOf(parts));
  const setup: WorkerSetup = { file, options, referenceAt, organisms, pageSize: parts.pageSize };
  // This thread makes parts too: one worker less, and each worker costs tens of megabytes.
  const makers: PartMaker[] = [new LocalPartMaker(db, setup)];
  for (let i = 1; i < threads; i++) makers.push(new ThreadPartMaker(parts.workerUrl ?? defaultWorker, setup));
  const idle = [...makers];
  const running = new Map<number, Promise<PartText & { index: number; maker: PartMaker }>>();
  const ready = new Map<number, PartText>();
  let assigned = 0;
  let written = 0;
  let count = 0;
  let read = 0;
  try {
    await writeChunk(out, reportCsvHead());
    for (;;) {
      while (idle.length > 0 && !cuts.done && assigned - written < 2 * threads) {
        const maker = idle.pop()!;
        const index = assigned++;
        const range = await cuts.next();
        const run = maker.make({ index, range }).then((answer) => ({ ...answer, index, maker }));
        // Awaited below; if another part fails first, this one's failure must not go unhandled.
        run.catch(() => undefined);
        running.set(index, run);
      }
      if (running.size === 0) break;
      const done = await Promise.race(running.values());
      running.delete(done.index);
      idle.push(done.maker);
      ready.set(done.index, done);
      for (let part = ready.get(written); part !== undefined; part = ready.get(written)) {
        ready.delete(written);
        written += 1;
        count += part.rows;
        read += part.read;
        await writeChunk(out, part.text);
        parts.onProgress?.(read);
      }
    }
    await endStream(out);
    return count;
  } finally {
    await Promise.all(makers.map((m) => m.close()));
  }
}

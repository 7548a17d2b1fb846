import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../store/database.js';
import { partText, type PartAnswer, type PartRequest, type WorkerSetup } from './csv-parts.js';

/**
 * A worker thread of `csv-parts.ts`: opens the SQLite file, then for each part asked makes the
 * CSV text of its offers and sends it back.
 */

const setup = workerData as WorkerSetup;
const port = parentPort!;
const store = await openDatabase(`sqlite:${setup.file}`, { create: false });

port.on('message', (message: PartRequest | 'close') => {
  if (message === 'close') {
    void store.close().finally(() => port.close());
    return;
  }
  partText(store.db, setup, message).then(
    (answer) => port.postMessage({ index: message.index, ...answer } satisfies PartAnswer),
    (error: unknown) =>
      port.postMessage({
        index: message.index,
        error: error instanceof Error ? error.message : String(error),
      } satisfies PartAnswer),
  );
});

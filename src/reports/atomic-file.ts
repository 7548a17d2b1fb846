import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Transform, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

/**
 * A file written in full or not at all: the writer writes a temporary file beside the target
 * (same folder, so the rename stays on one file system), its bytes are hashed on the way, the
 * file is synced to disk, then renamed over the target. A reader never sees half a report, and
 * a crash leaves at most a `.tmp` file behind, never a truncated report under the real name.
 */

export interface WrittenFile {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * `keep`, when given, is asked once the file is complete and on disk, just before the rename:
 * answering false drops the file (a scheduled run another instance already made).
 */
export async function writeAtomically<T>(
  path: string,
  write: (out: Writable) => Promise<T>,
  keep?: (file: WrittenFile, result: T) => Promise<boolean>,
): Promise<{ result: T; file: WrittenFile; kept: boolean }> {
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  const hash = createHash('sha256');
  let bytes = 0;
  const file = createWriteStream(temp, { flags: 'wx' });
  const hasher = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      bytes += chunk.length;
      callback(null, chunk);
    },
  });
  hasher.pipe(file);
  const fileDone = finished(file);
  // An error on either stream surfaces through `fileDone`; keep the other from crashing the process.
  hasher.on('error', (error) => file.destroy(error));
  try {
    const result = await write(hasher);
    if (!hasher.writableEnded) hasher.end();
    await fileDone;
    const handle = await open(temp, 'r+');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    const written = { path, sha256: hash.digest('hex'), bytes };
    if (keep && !(await keep(written, result))) {
      await unlink(temp);
      return { result, file: written, kept: false };
    }
    await rename(temp, path);
    return { result, file: written, kept: true };
  } catch (error) {
    hasher.destroy();
    file.destroy();
    await fileDone.catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    throw error;
  }
}

/** Writes a chunk and waits when the stream asks to (backpressure), for hand-written writers. */
export function writeChunk(out: Writable, chunk: string | Uint8Array): Promise<void> | void {
  if (out.write(chunk)) return;
  return new Promise((resolve, reject) => {
    const onDrain = () => {
      out.off('error', onError);
      resolve();
    };
    const onError = (error: Error) => {
      out.off('drain', onDrain);
      reject(error);
    };
    out.once('drain', onDrain);
    out.once('error', onError);
  });
}

/** Ends a stream and waits until everything written was handed on. */
export function endStream(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    out.once('error', reject);
    out.end(() => resolve());
  });
}

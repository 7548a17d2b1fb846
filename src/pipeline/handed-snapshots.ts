import type { ReadSnapshot } from './snapshot-events.js';

/**
 * Snapshots already decoded by whoever stored an inbox row in this process (a queue drain, the
 * change listing, the dispatcher's read-back), handed to the inbox worker so that it does not
 * decode the same document a second time. Purely an optimisation: the stored document stays the
 * truth, and a row whose snapshot is not here (another instance stored it, the process
 * restarted, the entry was evicted) is decoded from its body. An entry is put only after the row
 * was committed, so it always describes the row of that event id.
 *
 * Bounded: when more snapshots wait than `capacity` (the pipeline is far behind), the oldest are
 * dropped and their rows decoded from the body when their turn comes.
 */

export class HandedSnapshots {
  private readonly entries = new Map<string, ReadSnapshot>();

  constructor(private readonly capacity = 5_000) {}

  /** The snapshot of the row (`source`, `eventId`), just committed. */
  put(source: string, eventId: string, read: ReadSnapshot): void {
    const key = `${source}\u0000${eventId}`;
    this.entries.delete(key);
    this.entries.set(key, read);
    if (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }

  /** The snapshot of that row, once: it is forgotten as it is taken. */
  take(source: string, eventId: string): ReadSnapshot | undefined {
    const key = `${source}\u0000${eventId}`;
    const read = this.entries.get(key);
    if (read !== undefined) this.entries.delete(key);
    return read;
  }

  get size(): number {
    return this.entries.size;
  }
}

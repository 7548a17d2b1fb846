import type { Store } from './database.js';
import { insertEvent, type NewInboxEvent } from './inbox.js';
import { inTransaction } from './transaction.js';

/**
 * Stores received events in groups: the events handed over in one turn of the event loop (the
 * requests whose bodies arrived together) are inserted in one transaction, so that a burst of
 * notifications pays for one commit instead of one each. Each caller's promise settles once the
 * transaction holding its event has committed, exactly as a lone insert would: an event is never
 * acknowledged before it is stored. When the group's transaction fails, each event of it is
 * tried again alone, so one bad event (or a constraint of its own) never fails the others.
 */

export interface InboxWriter {
  insert(event: NewInboxEvent): Promise<'inserted' | 'duplicate'>;
}

interface Waiting {
  event: NewInboxEvent;
  resolve(outcome: 'inserted' | 'duplicate'): void;
  reject(error: unknown): void;
}

/** At most this many events per transaction (a larger burst makes several). */
const DEFAULT_MAX_GROUP = 64;

export function groupingInboxWriter(store: Store, options: { maxGroup?: number } = {}): InboxWriter {
  const maxGroup = Math.max(1, options.maxGroup ?? DEFAULT_MAX_GROUP);
  const queue: Waiting[] = [];
  let scheduled = false;

  const alone = (waiting: Waiting) => insertEvent(store.db, waiting.event).then(waiting.resolve, waiting.reject);

  async function flush(): Promise<void> {
    scheduled = false;
    const group = queue.splice(0, maxGroup);
    if (queue.length > 0) schedule();
    if (group.length === 1) return alone(group[0]!);
    let outcomes: ('inserted' | 'duplicate')[];
    try {
      outcomes = await inTransaction(store, async (trx) => {
        const done: ('inserted' | 'duplicate')[] = [];
        for (const waiting of group) done.push(await insertEvent(trx, waiting.event));
        return done;
      });
    } catch {
      await Promise.all(group.map(alone));
      return;
    }
    for (const [i, waiting] of group.entries()) waiting.resolve(outcomes[i]!);
  }

  function schedule(): void {
    if (scheduled) return;
    scheduled = true;
    // After the I/O callbacks of this turn: the requests that arrived together are all queued.
    setImmediate(() => void flush());
  }

  return {
    insert: (event) =>
      new Promise((resolve, reject) => {
        queue.push({ event, resolve, reject });
        schedule();
      }),
  };
}

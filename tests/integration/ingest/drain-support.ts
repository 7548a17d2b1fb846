import { InsertQueryNode, type KyselyPlugin } from 'kysely';
import type { Clock } from '../../../src/clock.js';
import type { Db, Store } from '../../../src/store/database.js';
import { SNAPSHOT_EVENT as JOB_SNAPSHOT_EVENT, parseSnapshotBody } from '../../../src/pipeline/snapshot-events.js';

/** Shared pieces of the queue drain tests: a store that crashes on a chosen insert, the inbox as observations. */

/** A clock that moves only when told to. */
export function steppingClock(start = '2027-01-18T10:00:00.000Z'): Clock & { advance(ms: number): void } {
  let ms = Date.parse(start);
  return {
    now: () => new Date(ms),
    advance: (by) => {
      ms += by;
    },
  };
}

/**
 * The store, except that the next `times` inserts into `table` throw before they reach the
 * database, as a process dying at that point would leave it.
 */
export function crashingOnInsert(store: Store, table: string, times = 1): Store & { crashesLeft(): number } {
  let left = times;
  const plugin: KyselyPlugin = {
    transformQuery(args) {
      const node = args.node;
      if (left > 0 && InsertQueryNode.is(node) && node.into?.table.identifier.name === table) {
        left -= 1;
        throw new Error(`simulated crash inserting into ${table}`);
      }
      return node;
    },
    transformResult: (args) => Promise.resolve(args.result),
  };
  return { ...store, db: store.db.withPlugin(plugin), crashesLeft: () => left };
}

export interface Observation {
  eventId: string;
  jobId: string | null;
  occurredAt: string | null;
  elementId: string;
  postingId: string | null;
  title: string;
}

/** The `job.snapshot` rows of the inbox, oldest first, with what their bodies say. */
export async function observations(db: Db): Promise<Observation[]> {
  const rows = await db
    .selectFrom('inbox')
    .selectAll()
    .where('event_type', '=', JOB_SNAPSHOT_EVENT)
    .orderBy('id')
    .execute();
  return rows.map((row) => {
    const body = parseSnapshotBody(row.body);
    if (!body.ok) throw new Error(body.message);
    const document = JSON.parse(body.value.document) as { opening: { jobTitle: string } };
    return {
      eventId: row.event_id,
      jobId: row.job_id,
      occurredAt: row.occurred_at,
      elementId: body.value.queue?.elementId ?? '',
      postingId: body.value.posting?.id ?? null,
      title: document.opening.jobTitle,
    };
  });
}

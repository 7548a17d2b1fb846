import type { Db } from './database.js';
import { OUTBOX_STATUSES } from './outbox-status.js';
import { INBOX_STATUSES } from './schema.js';

/**
 * What the service's gauges show, read in one go: the queues' depth by status, the oldest row
 * still waiting in each queue, and the campaign's offers by state and in violation.
 */
export interface GaugeReadings {
  /** Every status of each queue, 0 when no row has it, so a series never vanishes. */
  depth: { queue: 'inbox' | 'outbox'; rows: { status: string; n: number }[] }[];
  /** The instants (as stored) of the oldest waiting rows, null for an empty queue. */
  oldestInbox: string | null;
  oldestOutbox: string | null;
  states: { state: string; n: number }[];
  violations: number;
}

export async function readGauges(db: Db, campaign: number): Promise<GaugeReadings> {
  const statuses = { inbox: INBOX_STATUSES, outbox: OUTBOX_STATUSES };
  const depth = await Promise.all(
    (['inbox', 'outbox'] as const).map(async (queue) => {
      const counted = await db
        .selectFrom(queue)
        .select(['status', (eb) => eb.fn.countAll<number>().as('n')])
        .groupBy('status')
        .execute();
      const n = (status: string) => Number(counted.find((r) => r.status === status)?.n ?? 0);
      return { queue, rows: statuses[queue].map((status) => ({ status, n: n(status) })) };
    }),
  );
  const oldestInbox = await db
    .selectFrom('inbox')
    .select((eb) => eb.fn.min('received_at').as('t'))
    .where('status', 'in', ['pending', 'processing'])
    .executeTakeFirst();
  const oldestOutbox = await db
    .selectFrom('outbox')
    .select((eb) => eb.fn.min('created_at').as('t'))
    .where('status', 'in', ['pending', 'in_flight'])
    .executeTakeFirst();
  const states = await db
    .selectFrom('offers')
    .select(['state', (eb) => eb.fn.countAll<number>().as('n')])
    .where('campaign', '=', campaign)
    .groupBy('state')
    .execute();
  const v = await db
    .selectFrom('offers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('campaign', '=', campaign)
    .where('violation', '=', 1)
    .executeTakeFirst();
  return {
    depth,
    oldestInbox: oldestInbox?.t ? String(oldestInbox.t) : null,
    oldestOutbox: oldestOutbox?.t ? String(oldestOutbox.t) : null,
    states: states.map((s) => ({ state: s.state, n: Number(s.n) })),
    violations: Number(v?.n ?? 0),
  };
}

import { sql } from 'kysely';
import { dialectOf, type Db } from './database.js';

/**
 * The running instances of the service (`service_instances`, migration 0016). An instance joins
 * under a lock, so that of two instances starting at once the second sees the first; it says it
 * is alive every few seconds and leaves when it stops.
 */

// Arbitrary constant: the first key of the advisory lock that serialises joins on PostgreSQL.
const JOIN_LOCK_CLASS = 0x656e3369;

export interface LiveInstance {
  instanceId: string;
  lastSeenAt: string;
  settings: Record<string, string>;
}

/**
 * Reads the other instances seen since `liveSince`, then, unless `admit` refuses them, records
 * this one (inserted, or its row renewed), in one transaction. Returns the others and whether
 * this instance was recorded.
 */
export async function joinInstances(
  db: Db,
  me: { instanceId: string; settings: Record<string, string>; now: string; liveSince: string },
  admit: (others: readonly LiveInstance[]) => boolean,
): Promise<{ others: LiveInstance[]; joined: boolean }> {
  return db.transaction().execute(async (trx) => {
    // SQLite's transactions hold the write lock from their start (BEGIN IMMEDIATE, `database.ts`).
    if (dialectOf(trx) === 'postgres')
      await sql`select pg_advisory_xact_lock(${sql.lit(JOIN_LOCK_CLASS)}, hashtext(current_schema()))`.execute(trx);
    const rows = await trx
      .selectFrom('service_instances')
      .select(['instance_id', 'last_seen_at', 'settings'])
      .where('last_seen_at', '>=', me.liveSince)
      .where('instance_id', '<>', me.instanceId)
      .orderBy('started_at')
      .execute();
    const others = rows.map((r) => ({
      instanceId: r.instance_id,
      lastSeenAt: r.last_seen_at,
      settings: JSON.parse(r.settings) as Record<string, string>,
    }));
    if (!admit(others)) return { others, joined: false };
    const settings = JSON.stringify(me.settings);
    await trx
      .insertInto('service_instances')
      .values({ instance_id: me.instanceId, started_at: me.now, last_seen_at: me.now, settings })
      .onConflict((oc) => oc.column('instance_id').doUpdateSet({ last_seen_at: me.now, settings }))
      .execute();
    return { others, joined: true };
  });
}

/** This instance is alive at `now`; the rows not seen since `forgetBefore` are removed. */
export async function instanceSeen(db: Db, instanceId: string, now: string, forgetBefore: string): Promise<void> {
  await db.updateTable('service_instances').set({ last_seen_at: now }).where('instance_id', '=', instanceId).execute();
  await db.deleteFrom('service_instances').where('last_seen_at', '<', forgetBefore).execute();
}

export async function leaveInstances(db: Db, instanceId: string): Promise<void> {
  await db.deleteFrom('service_instances').where('instance_id', '=', instanceId).execute();
}

import type { Kysely } from 'kysely';

/**
 * The take-downs' reserve of the call budget becomes a claim: the other lanes may use the whole
 * window while no take-down waits, and leave it the reserve while one does (on any instance).
 * `reserve_claimed_until` is the instant until which a waiting take-down holds that claim.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

export async function up(db: AnyDb): Promise<void> {
  await db.schema.alterTable('ats_call_budget').addColumn('reserve_claimed_until', 'text').execute();
}

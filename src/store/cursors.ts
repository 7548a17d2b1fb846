import type { Db } from './database.js';
import { assertInstant } from './instant.js';

/**
 * Named positions that must survive a restart, e.g. the instant up to which the reconciliation
 * has read the ATS's changed jobs. Written in the same transaction as the work they account for.
 */

export async function getCursor(db: Db, name: string): Promise<string | null> {
  const row = await db.selectFrom('cursors').select('value').where('name', '=', name).executeTakeFirst();
  return row ? row.value : null;
}

export async function setCursor(db: Db, name: string, value: string, now: string): Promise<void> {
  assertInstant(now, 'setCursor now');
  await db
    .insertInto('cursors')
    .values({ name, value, updated_at: now })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: now }))
    .execute();
}

/** When the cursor was last written (ISO), null when it never was. */
export async function getCursorUpdatedAt(db: Db, name: string): Promise<string | null> {
  const row = await db.selectFrom('cursors').select('updated_at').where('name', '=', name).executeTakeFirst();
  return row ? row.updated_at : null;
}

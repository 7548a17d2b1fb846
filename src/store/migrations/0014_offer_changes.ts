import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * A change number on every write of an `offers` row, so that the report's projection
 * (`offer_report`) is caught up by a projector from a cursor instead of being written in the
 * pipeline's transaction (`src/store/offer-changes.ts` says why the cursor cannot skip a row):
 * - `offers.change_no`: the number of the row's last write (null only between the write and its
 *   stamp, inside one transaction), unique;
 * - `offer_change_counter`: one row holding the last number given;
 * - the offers already stored are numbered 1..n in key order;
 * - the projector's cursor (`cursors`, name `offer_report`): the projection was written with each
 *   row until now, so it stands at n; unless migration 0004 has just created the table in this
 *   same run and set it to 0 (every offer still to be projected), which is kept;
 * - `report_runs.projection_cursor`: the cursor a report as it stands reflects.
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

/** Frozen here: a migration never imports the application's current code. */
const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;
const CURSOR = 'offer_report';

export async function up(db: AnyDb): Promise<void> {
  const run = (fn: (trx: AnyDb) => Promise<void>) => (db.isTransaction ? fn(db) : db.transaction().execute(fn));
  await run(async (trx) => {
    const number = isPostgres(trx) ? 'bigint' : 'integer';
    await trx.schema.alterTable('offers').addColumn('change_no', number).execute();
    await sql`update offers set change_no = r.n
      from (select source, ats_id, campaign, row_number() over (order by source, ats_id, campaign) as n from offers) r
      where r.source = offers.source and r.ats_id = offers.ats_id and r.campaign = offers.campaign`.execute(trx);
    await trx.schema.createIndex('offers_change_no').unique().on('offers').column('change_no').execute();
    await trx.schema
      .createTable('offer_change_counter')
      .addColumn('id', 'integer', (c) => c.primaryKey().check(sql`id = 1`))
      .addColumn('last', number, (c) => c.notNull())
      .execute();
    const { n } = (await trx
      .selectFrom('offers')
      .select(sql<number | string>`count(*)`.as('n'))
      .executeTakeFirstOrThrow()) as { n: number | string };
    const last = Number(n);
    await trx.insertInto('offer_change_counter').values({ id: 1, last }).execute();
    await trx
      .insertInto('cursors')
      .values({ name: CURSOR, value: String(last), updated_at: new Date().toISOString() })
      .onConflict((oc) => oc.column('name').doNothing())
      .execute();
    await trx.schema.alterTable('report_runs').addColumn('projection_cursor', number).execute();
  });
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.alterTable('report_runs').dropColumn('projection_cursor').execute();
  await db.deleteFrom('cursors').where('name', '=', CURSOR).execute();
  await db.schema.dropTable('offer_change_counter').execute();
  await db.schema.dropIndex('offers_change_no').execute();
  await db.schema.alterTable('offers').dropColumn('change_no').execute();
}

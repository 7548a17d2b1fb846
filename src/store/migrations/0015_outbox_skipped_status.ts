import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * A command the dispatcher gave up without sending it (the process no longer wanted it) has a
 * state of its own, `skipped`. It was `done` with `"skipped":true` in its result JSON, found by
 * a substring of that text. The outbox's check of the states (migration 0001) takes `skipped`;
 * the rows so marked take the state, and their result keeps only its note. PostgreSQL replaces
 * the constraint; SQLite cannot alter one, so the table is rebuilt from its own stored
 * definition, rows, ids and id sequence copied, its indexes made again (as 0010 did).
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

/** Frozen here: a migration never imports the application's current code. */
const isPostgres = (db: AnyDb) => db.getExecutor().adapter instanceof PostgresAdapter;
const statusCheck = (statuses: string[]) => `status in (${statuses.map((s) => `'${s}'`).join(', ')})`;
const BEFORE = ['pending', 'in_flight', 'done', 'dead'];
const AFTER = ['pending', 'in_flight', 'done', 'skipped', 'dead'];
/** How the dispatcher wrote the mark: the last key of the canonical (sorted) JSON `{note, skipped}`. */
const MARK = ',"skipped":true}';

export async function up(db: AnyDb): Promise<void> {
  await transaction(db, async (trx) => {
    await replaceStatusCheck(trx, statusCheck(AFTER), '0015_outbox_skipped_status');
    await sql`update outbox set status = 'skipped', result = replace(result, ${MARK}, '}')
      where status = 'done' and result like ${`%${MARK}`}`.execute(trx);
  });
}

export async function down(db: AnyDb): Promise<void> {
  await transaction(db, async (trx) => {
    await sql`update outbox set status = 'done',
        result = case when result is null or result = '{}' then '{"skipped":true}'
          else substr(result, 1, length(result) - 1) || ${MARK} end
      where status = 'skipped'`.execute(trx);
    await replaceStatusCheck(trx, statusCheck(BEFORE), '0015_outbox_skipped_status (down)');
  });
}

function transaction(db: AnyDb, fn: (trx: AnyDb) => Promise<void>): Promise<void> {
  return db.isTransaction ? fn(db) : db.transaction().execute(fn);
}

async function replaceStatusCheck(trx: AnyDb, check: string, where: string): Promise<void> {
  if (isPostgres(trx)) {
    await sql`alter table outbox drop constraint outbox_status`.execute(trx);
    await sql`alter table outbox add constraint outbox_status check (${sql.raw(check)})`.execute(trx);
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'outbox'`.execute(trx);
  const definition = table.rows[0]?.sql;
  const former = /constraint\s+"?outbox_status"?\s+check\s*\(\s*status\s+in\s*\([^)]*\)\s*\)/i;
  if (!definition || !former.test(definition))
    throw new Error(
      `${where}: outbox's definition has no outbox_status check as 0001 wrote it: ${definition ?? '(no table)'}`,
    );
  const rebuilt = definition
    .replace(/^create\s+table\s+"?outbox"?/i, 'create table "outbox_0015"')
    .replace(former, `constraint "outbox_status" check (${check})`);
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'outbox' and sql is not null`.execute(trx);
  await sql.raw(rebuilt).execute(trx);
  await sql`insert into outbox_0015 select * from outbox`.execute(trx);
  // Ids are never reused: the sequence goes on from where the table's was, not from its last row.
  await sql`update sqlite_sequence set seq = max(seq, coalesce((select seq from sqlite_sequence where
      name = 'outbox'), 0))
    where name = 'outbox_0015'`.execute(trx);
  await sql`drop table outbox`.execute(trx);
  await sql`alter table outbox_0015 rename to outbox`.execute(trx);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
}

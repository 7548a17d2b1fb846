import { sql, type Kysely } from 'kysely';
import { dialectOf, type Db } from '../database.js';
import { withinTransaction } from '../transaction.js';

/**
 * What the process of the real ATS needs of tables written for the earlier, invented one:
 * - the outbox takes its commands (`ProcessCommand` of `src/domain/job-process.ts`): its check of
 *   the command kinds (migration 0001) knew only the earlier ones, so the pipeline could enqueue
 *   nothing. The old kinds stay allowed: rows already written keep their history. PostgreSQL
 *   replaces the constraint; SQLite cannot alter one, so the table is rebuilt from its own stored
 *   definition (whatever columns it holds by now), rows and ids copied, its indexes made again;
 * - the report projections of the offers rows of the earlier ATS are removed: such a row is a job
 *   not yet seen (migration 0009), in states this process does not have, and no report shows it
 *   until its next snapshot writes it anew (with its projection).
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

/** Frozen here, as they are today: a migration never imports the application's current code. */
const kinds = [
  'set_approver',
  'remove_approver',
  'read_postings',
  'take_down',
  'ask_recruiter',
  'notify_admins',
  // The earlier, invented ATS.
  'assign_team',
  'start_approval',
  'set_lock',
  'withdraw_posting',
  'notify',
];
const kindCheck = `kind in (${kinds.map((k) => `'${k}'`).join(', ')})`;

export async function up(db: AnyDb): Promise<void> {
  await withinTransaction(db as Db, async (trx) => {
    await allowProcessCommands(trx);
    for (const table of ['offer_report', 'offer_report_csv']) {
      await sql`delete from ${sql.table(table)} where exists (
        select 1 from offers o
        where o.source = ${sql.ref(`${table}.source`)} and o.ats_id = ${sql.ref(`${table}.ats_id`)}
          and o.campaign = ${sql.ref(`${table}.campaign`)}
          and o.last_updated_at is null)`.execute(trx);
    }
  });
}

async function allowProcessCommands(trx: Db): Promise<void> {
  if (dialectOf(trx) === 'postgres') {
    await sql`alter table outbox drop constraint outbox_kind`.execute(trx);
    await sql`alter table outbox add constraint outbox_kind check (${sql.raw(kindCheck)})`.execute(trx);
    return;
  }
  const table = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'table' and name = 'outbox'`.execute(trx);
  const definition = table.rows[0]?.sql;
  const check = /constraint\s+"?outbox_kind"?\s+check\s*\(\s*kind\s+in\s*\([^)]*\)\s*\)/i;
  if (!definition || !check.test(definition))
    throw new Error(
      `0010_real_ats_process: outbox's definition has no outbox_kind check as 0001 wrote it: ` +
        `${definition ?? '(no table)'}`,
    );
  const rebuilt = definition
    .replace(/^create\s+table\s+"?outbox"?/i, 'create table "outbox_0010"')
    .replace(check, `constraint "outbox_kind" check (${kindCheck})`);
  const indexes = await sql<{
    sql: string;
  }>`select sql from sqlite_master where type = 'index' and tbl_name = 'outbox' and sql is not null`.execute(trx);
  await sql.raw(rebuilt).execute(trx);
  await sql`insert into outbox_0010 select * from outbox`.execute(trx);
  await sql`drop table outbox`.execute(trx);
  await sql`alter table outbox_0010 rename to outbox`.execute(trx);
  for (const index of indexes.rows) await sql.raw(index.sql).execute(trx);
}

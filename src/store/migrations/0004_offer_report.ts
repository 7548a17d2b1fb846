import { sql, type Kysely } from 'kysely';
import type { Decision } from '../../domain/decision.js';
import type { JobSnapshot } from '../../domain/job-snapshot.js';
import { projectOffer } from '../../reports/projection.js';
import { dialectOf, type Db } from '../database.js';
import { writeOfferReport } from '../offer-report.js';
import { withinTransaction } from '../transaction.js';

/**
 * The control report's projection of each offer (`offer_report`): the report's columns already
 * taken out of the offer's JSON, so that a report of a million offers reads plain columns. On
 * SQLite the table is stored in report order (campaign, référence, key), so a report reads it
 * front to back. The offers written before this migration are projected here, by the same
 * function the pipeline uses since (today's version of it: a later change of the projection's
 * columns comes with its own migration, which rebuilds the table).
 */

// Migrations see the database as it was when they were written, not today's `Database` type.
type AnyDb = Kysely<any>;

const BATCH = 500;

export async function up(db: AnyDb): Promise<void> {
  const postgres = dialectOf(db) === 'postgres';
  // SQLite runs migrations outside a transaction: table and backfill commit together or not at all.
  await withinTransaction(db as Db, async (trx) => {
    let table = trx.schema
      .createTable('offer_report')
      .addColumn('campaign', 'integer', (c) => c.notNull())
      .addColumn('job_number', 'text', (c) => c.notNull())
      .addColumn('source', 'text', (c) => c.notNull())
      .addColumn('ats_id', 'text', (c) => c.notNull())
      .addColumn('title', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('regime', 'text')
      .addColumn('organism', 'text', (c) => c.notNull())
      .addColumn('organism_type', 'text')
      .addColumn('networks', 'text', (c) => c.notNull())
      .addColumn('grid', 'text')
      .addColumn('level', 'text')
      .addColumn('time_zone', 'text', (c) => c.notNull())
      .addColumn('concerned', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('cited_text', 'text', (c) => c.notNull())
      .addColumn('offer_created_at', 'text', (c) => c.notNull());
    for (const column of [
      'offer_created_day',
      'team_at',
      'team_day',
      'team_by',
      'approval_at',
      'approval_day',
      'approval_by',
      'due_date',
      'overdue_from',
      'en3s_answer',
      'en3s_at',
      'en3s_day',
    ]) {
      table = table.addColumn(column, 'text');
    }
    table = table.addColumn('answer_days', postgres ? 'double precision' : 'real');
    for (const column of ['published_at', 'published_day', 'channel']) table = table.addColumn(column, 'text');
    table = table.addColumn('violation', 'integer', (c) => c.notNull());
    for (const column of ['withdrawn_at', 'withdrawn_day', 'fix_action', 'fix_at', 'fix_day'])
      table = table.addColumn(column, 'text');
    table = table
      .addColumn('state_since', 'text', (c) => c.notNull())
      .addColumn('state_since_day', 'text')
      .addColumn('released', 'integer', (c) => c.notNull())
      .addColumn('entered_process', 'integer', (c) => c.notNull())
      .addPrimaryKeyConstraint('offer_report_pk', ['campaign', 'job_number', 'source', 'ats_id'])
      .addCheckConstraint(
        'offer_report_flags',
        sql`violation in (0, 1) and released in (0, 1) and entered_process in (0, 1)`,
      );
    await (postgres ? table : table.modifyEnd(sql`without rowid`)).execute();
    await trx.schema
      .createIndex('offer_report_offer')
      .unique()
      .on('offer_report')
      .columns(['source', 'ats_id', 'campaign'])
      .execute();
    await backfill(trx);
  });
}

interface StoredOffer {
  source: string;
  ats_id: string;
  campaign: number;
  state: string;
  job_number: string;
  title: string;
  organism_type: string | null;
  organism_name: string | null;
  offer: string;
  decision: string | null;
  timeline_data: string | null;
}

/** Every offer already stored, a batch at a time in key order. */
async function backfill(db: Db): Promise<void> {
  let after: [string, string, number] | null = null;
  for (;;) {
    let query = db
      .selectFrom('offers')
      .select([
        'source',
        'ats_id',
        'campaign',
        'state',
        'job_number',
        'title',
        'organism_type',
        'organism_name',
        'offer',
        'decision',
        'timeline_data',
      ]);
    if (after)
      query = query.where((eb) =>
        eb(eb.refTuple('source', 'ats_id', 'campaign'), '>', eb.tuple(after![0], after![1], after![2])),
      );
    const rows: StoredOffer[] = await query
      .orderBy('source')
      .orderBy('ats_id')
      .orderBy('campaign')
      .limit(BATCH)
      .execute();
    for (const row of rows) {
      const key = { source: row.source, ats_id: row.ats_id, campaign: row.campaign };
      const projected = projectOffer({
        ...row,
        // A row of the earlier, invented ATS is not projected (`projectOffer` tells it by its shape).
        offer: JSON.parse(row.offer) as JobSnapshot,
        decision: row.decision === null ? null : (JSON.parse(row.decision) as Decision),
        timeline_data: row.timeline_data === null ? null : (JSON.parse(row.timeline_data) as Record<string, unknown>),
      });
      if (projected) await writeOfferReport(db, key, projected);
    }
    const last = rows[rows.length - 1];
    if (!last || rows.length < BATCH) return;
    after = [last.source, last.ats_id, last.campaign];
  }
}

export async function down(db: AnyDb): Promise<void> {
  await db.schema.dropTable('offer_report').execute();
}

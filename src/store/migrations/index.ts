import type { Migration, MigrationProvider } from 'kysely';
import * as m0001 from './0001_initial.js';
import * as m0002 from './0002_report_runs.js';
import * as m0003 from './0003_admin.js';
import * as m0004 from './0004_offer_report.js';
import * as m0005 from './0005_offer_report_csv.js';
import * as m0006 from './0006_ats_call_budget.js';
import * as m0007 from './0007_recruiter_mail.js';
import * as m0008 from './0008_queue_drains.js';
import * as m0009 from './0009_job_snapshots.js';
import * as m0010 from './0010_real_ats_process.js';
import * as m0011 from './0011_budget_reserve_claim.js';
import * as m0012 from './0012_en3s_board.js';
import * as m0014 from './0014_offer_changes.js';
import * as m0015 from './0015_outbox_skipped_status.js';
import * as m0016 from './0016_service_instances.js';

/**
 * Every migration, in order. They live in code (not read from a folder at run time) so the
 * compiled service carries them with it. Add new ones at the end; never edit an applied one.
 */
const migrations: Record<string, Migration> = {
  '0001_initial': m0001,
  '0002_report_runs': m0002,
  '0003_admin': m0003,
  '0004_offer_report': m0004,
  '0005_offer_report_csv': m0005,
  '0006_ats_call_budget': m0006,
  '0007_recruiter_mail': m0007,
  '0008_queue_drains': m0008,
  '0009_job_snapshots': m0009,
  '0010_real_ats_process': m0010,
  '0011_budget_reserve_claim': m0011,
  '0012_en3s_board': m0012,
  '0014_offer_changes': m0014,
  '0015_outbox_skipped_status': m0015,
  '0016_service_instances': m0016,
};

export const migrationProvider: MigrationProvider = {
  getMigrations: () => Promise.resolve(migrations),
};

import type { JobSnapshot } from '../../src/domain/job-snapshot.js';
import { loadDomainData } from '../../src/mappings/load.js';
import { applySnapshot, applyToKnownOffer } from '../../src/pipeline/apply.js';
import { silentLogger } from '../../src/logger.js';
import type { PipelineContext } from '../../src/pipeline/context.js';
import { catchUpProjection } from '../../src/reports/projection.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { inTransaction } from '../../src/store/transaction.js';
import { drhApprover, JobStory, testPolicy, unreachableAts } from '../support/job-snapshots.js';

/**
 * Offer histories as the real pipeline writes them, to be copied a million times by the reports
 * bench. Each template is one job's life (snapshots applied by `applySnapshot`, time passing by
 * `applyToKnownOffer`) in an in-memory store; what is kept is the `offers` row, its report
 * projection (`offer_report`, written by the projector) and the ledger entries exactly as
 * stored, with the job's id, number and title replaced by placeholders.
 */

export const ATS = '__ATS__';
export const JOB = '__JOB__';
export const TITLE = '__TITLE__';

export type Scenario =
  | 'approved'
  | 'refused'
  | 'pending'
  | 'breach'
  | 'released'
  | 'awaiting'
  | 'unsubmitted'
  | 'shared-approval'
  | 'shared-refusal'
  | 'not-concerned'
  | 'undetermined';
export const scenarios: readonly Scenario[] = [
  'approved',
  'refused',
  'pending',
  'breach',
  'released',
  'awaiting',
  'unsubmitted',
  'shared-approval',
  'shared-refusal',
  'not-concerned',
  'undetermined',
];

export interface TemplateRow {
  columns: Record<string, string | number | null>;
  /** The offer's row of the report projection (`offer_report`), as the projector wrote it from the offer. */
  report: Record<string, string | number | null>;
  ledger: {
    at: string;
    campaign: number | null;
    actor: string;
    actor_name: string | null;
    kind: string;
    data: string;
  }[];
}

interface Body {
  name: string;
  grid: string;
  level: string;
}

export const templateBodies: readonly Body[] = [
  { name: 'CPAM de la Gironde', grid: 'RG', level: '8' },
  { name: 'CAF du Nord', grid: 'RG', level: '7' },
  { name: 'URSSAF Île-de-France', grid: 'RG', level: '9' },
  { name: 'CARSAT Alsace-Moselle', grid: 'RG', level: '8' },
  { name: 'CGSS de La Réunion', grid: 'RG', level: '9' },
  { name: 'MSA Midi-Pyrénées Nord', grid: 'MSA', level: 'L' },
  { name: 'CPRP SNCF', grid: 'RS', level: '7' },
];

const iso = (day: Date, hours: number) => new Date(day.getTime() + hours * 3_600_000).toISOString();

async function play(ctx: PipelineContext, scenario: Scenario, body: Body, start: Date, n: number): Promise<void> {
  const spec = {
    id: `${ATS}${n}`,
    orgName: body.name,
    grid: body.grid,
    ...(scenario === 'undetermined' ? {} : { level: body.level }),
    category: scenario === 'not-concerned' ? 'AGENT_DE_DIRECTION' : 'CADRE',
    agreement: 'CCNT_RG',
    creationDate: iso(start, 8),
  };
  const job = new JobStory(spec, iso(start, 9), { jobNumber: `${JOB}${n}`, title: TITLE });
  let seq = 0;
  const see = (snapshot: JobSnapshot) => {
    const at = new Date(snapshot.fetchedAt);
    return inTransaction(ctx.store, (trx) =>
      applySnapshot(
        ctx,
        trx,
        { snapshot, posting: null, origin: 'queue' },
        { eventId: `e-${n}-${++seq}`, type: 'job.snapshot' },
        at,
      ),
    );
  };
  const shared = scenario === 'shared-approval' || scenario === 'shared-refusal';
  if (shared) {
    // The recruiter set EN3S beside the body's own approver before the job was first read.
    job.addEn3s(iso(start, 9), [drhApprover]);
  }
  await see(job.snapshot);
  if (scenario === 'awaiting' || scenario === 'not-concerned' || scenario === 'undetermined') return;
  if (!shared) await see(job.addEn3s(iso(start, 10)));
  if (scenario === 'unsubmitted') return;
  if (scenario === 'breach') {
    await see(job.post(iso(start, 30), 'p-1', iso(start, 30), 'OPEN'));
    await see(job.takeDown(iso(start, 31), 'p-1'));
  }
  await see(job.submit(iso(start, scenario === 'breach' ? 32 : 11)));
  if (scenario === 'approved' || scenario === 'breach' || scenario === 'shared-approval') {
    await see(job.approve(iso(start, 24 * 5 + 8)));
    await see(job.post(iso(start, 24 * 6), 'p-2'));
  }
  if (scenario === 'refused' || scenario === 'shared-refusal') await see(job.refuse(iso(start, 24 * 8 + 15)));
  if (scenario === 'released') {
    const end = new Date('2027-04-30T22:00:00.000Z');
    const key = { source: job.snapshot.source, ats_id: job.snapshot.atsId, campaign: 2027 };
    await inTransaction(ctx.store, (trx) =>
      applyToKnownOffer(ctx, trx, key, { kind: 'tick', at: end.toISOString() }, end),
    );
  }
}

/**
 * One template per scenario, body and start day (`days` days from 4 January 2027). The ids of a
 * template's offer are `__ATS__<n>`, `__JOB__<n>`: `instantiate` replaces the whole token.
 */
export async function buildTemplates(days = 6): Promise<TemplateRow[]> {
  const store = await openDatabase('sqlite::memory:');
  await migrateToLatest(store);
  const ctx: PipelineContext = {
    store,
    domain: loadDomainData(),
    policy: testPolicy,
    clock: { now: () => new Date() },
    log: silentLogger,
    ats: unreachableAts,
  };
  let n = 0;
  for (let d = 0; d < days; d++) {
    const start = new Date(Date.UTC(2027, 0, 4 + d * 9));
    for (const body of templateBodies) for (const scenario of scenarios) await play(ctx, scenario, body, start, n++);
  }
  // The report's projection, as the service's projector writes it after the events.
  await catchUpProjection(store.db, new Date().toISOString());
  const offers = await store.db.selectFrom('offers').selectAll().orderBy('ats_id').execute();
  const ledger = await store.db.selectFrom('ledger').selectAll().orderBy('seq').execute();
  const reports = new Map((await store.db.selectFrom('offer_report').selectAll().execute()).map((r) => [r.ats_id, r]));
  await store.close();
  return offers.map((row) => ({
    columns: normalise(row as unknown as Record<string, string | number | null>, row.ats_id),
    report: normalise(reportOf(reports, row.ats_id), row.ats_id),
    ledger: ledger
      .filter((e) => e.offer_ats_id === row.ats_id)
      .map((e) => ({
        at: e.at,
        campaign: e.campaign,
        actor: e.actor,
        actor_name: e.actor_name,
        kind: e.kind,
        data: tokenise(e.data, row.ats_id),
      })),
  }));
}

function reportOf(reports: Map<string, object>, atsId: string): Record<string, string | number | null> {
  const report = reports.get(atsId);
  if (!report) throw new Error(`template ${atsId}: the projector wrote no report projection for it`);
  return report as Record<string, string | number | null>;
}

/** `__ATS__12` → `__ATS__`, so that every copy puts its own id in place. */
function tokenise(text: string, atsId: string): string {
  const n = atsId.slice(ATS.length);
  return text.replaceAll(`${ATS}${n}`, ATS).replaceAll(`${JOB}${n}`, JOB);
}

function normalise(row: Record<string, string | number | null>, atsId: string): Record<string, string | number | null> {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === 'string' ? tokenise(v, atsId) : v]));
}

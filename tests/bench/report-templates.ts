import { loadTalentLinkMapping } from '../../connectors/talentlink/mapping.js';
import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import { loadDomainData } from '../../src/mappings/load.js';
import { applyDocument, applyToKnownOffer } from '../../src/pipeline/apply.js';
import { silentLogger, type PipelineContext } from '../../src/pipeline/context.js';
import { openDatabase } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { inTransaction } from '../../src/store/transaction.js';
import { JobStory, policy } from '../support/workflow.js';

/**
 * Offer histories as the real pipeline writes them, to be copied a million times by the reports
 * bench. Each template is one job's life (documents applied by `applyDocument`, time passing by
 * `applyToKnownOffer`) in an in-memory store; what is kept is the `offers` row, its report
 * projection (`offer_report`) and the ledger entries exactly as stored, with the job's id, number and title replaced by placeholders.
 */

export const ATS = '__ATS__';
export const JOB = '__JOB__';
export const TITLE = '__TITLE__';

export type Scenario = 'approved' | 'refused' | 'pending' | 'breach' | 'released' | 'awaiting' | 'not-concerned' | 'undetermined';
export const scenarios: readonly Scenario[] = ['approved', 'refused', 'pending', 'breach', 'released', 'awaiting', 'not-concerned', 'undetermined'];

export interface TemplateRow {
  columns: Record<string, string | number | null>;
  /** The offer's row of the report projection (`offer_report`), as the pipeline wrote it with the offer. */
  report: Record<string, string | number | null>;
  ledger: { at: string; campaign: number | null; actor: string; actor_name: string | null; kind: string; data: string }[];
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
  const story = new JobStory(spec);
  story.doc.jobNumber = `${JOB}${n}`;
  story.doc.openingName = TITLE;
  let seq = 0;
  const apply = (doc: JobDocument, hours: number) =>
    inTransaction(ctx.store, (trx) => applyDocument(ctx, trx, doc, { eventId: `e-${n}-${++seq}`, type: 'job.updated', origin: 'webhook' }, new Date(iso(start, hours))));
  await apply(story.doc, 9);
  if (scenario === 'awaiting' || scenario === 'not-concerned' || scenario === 'undetermined') return;
  await apply(story.addTeam(), 10);
  await apply(story.startApproval(iso(start, 11)), 11);
  if (scenario === 'breach') {
    await apply(story.publish(iso(start, 30)), 30);
    await apply(story.withdraw(iso(start, 31)), 31);
  }
  if (scenario === 'approved' || scenario === 'breach') {
    await apply(story.decide('APPROVED', iso(start, 24 * 5 + 8)), 24 * 5 + 8);
    await apply(story.publish(iso(start, 24 * 6), 'p-2'), 24 * 6);
  }
  if (scenario === 'refused') await apply(story.decide('REJECTED', iso(start, 24 * 8 + 15)), 24 * 8 + 15);
  if (scenario === 'released') {
    const end = new Date('2027-04-30T22:00:00.000Z');
    const key = { source: 'talentlink', ats_id: story.doc.id, campaign: 2027 };
    await inTransaction(ctx.store, (trx) => applyToKnownOffer(ctx, trx, key, { kind: 'tick', at: end.toISOString() }, end));
  }
}

/**
 * One template per scenario, body and start day (`days` days from 4 January 2027). The ids of a
 * template's offer are `__ATS__<n>`, `__JOB__<n>`: `instantiate` replaces the whole token.
 */
export async function buildTemplates(days = 6): Promise<TemplateRow[]> {
  const store = await openDatabase('sqlite::memory:');
  await migrateToLatest(store);
  const ctx: PipelineContext = { store, domain: loadDomainData(), mapping: loadTalentLinkMapping(), policy, clock: { now: () => new Date() }, log: silentLogger };
  let n = 0;
  for (let d = 0; d < days; d++) {
    const start = new Date(Date.UTC(2027, 0, 4 + d * 9));
    for (const body of templateBodies) for (const scenario of scenarios) await play(ctx, scenario, body, start, n++);
  }
  const offers = await store.db.selectFrom('offers').selectAll().orderBy('ats_id').execute();
  const ledger = await store.db.selectFrom('ledger').selectAll().orderBy('seq').execute();
  const reports = new Map((await store.db.selectFrom('offer_report').selectAll().execute()).map((r) => [r.ats_id, r]));
  await store.close();
  return offers.map((row) => ({
    columns: normalise(row as unknown as Record<string, string | number | null>, row.ats_id),
    report: normalise(reportOf(reports, row.ats_id), row.ats_id),
    ledger: ledger
      .filter((e) => e.offer_ats_id === row.ats_id)
      .map((e) => ({ at: e.at, campaign: e.campaign, actor: e.actor, actor_name: e.actor_name, kind: e.kind, data: tokenise(e.data, row.ats_id) })),
  }));
}

function reportOf(reports: Map<string, object>, atsId: string): Record<string, string | number | null> {
  const report = reports.get(atsId);
  if (!report) throw new Error(`template ${atsId}: the pipeline wrote no report projection for it`);
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

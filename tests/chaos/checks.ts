import { readFileSync } from 'node:fs';
import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import type { JobCounters } from '../../connectors/talentlink/sandbox/counters.js';
import type { Store } from '../../src/store/database.js';
import { en3sBin, startProcess } from '../support/e2e-processes.js';
import type { SandboxProcess } from '../support/e2e-sandbox.js';
import { APPROVAL_TEAM } from './actors.js';
import { expectedOffer, expectedViolations, type ExpectedOffer } from './oracle.js';
import type { Scenario } from './scenario.js';

/**
 * The end of a chaos run, checked against the oracle: each offer's state in the service, what
 * the ATS shows, the side effects the sandbox counted, the ledger's chain (the real CLI) and the
 * control report (the real CLI). Every check returns the disagreements it found, named by the
 * offer's reference and job id, so that a failure says where to look.
 */

export const CAMPAIGN = 2027;

interface Actual {
  service: ExpectedOffer['service'] | null;
  ats: ExpectedOffer['ats'];
  effects: ExpectedOffer['effects'];
}

function actualAts(job: JobDocument): ExpectedOffer['ats'] {
  return {
    status: job.status === 'CLOSED' ? 'CLOSED' : 'OPEN',
    en3sTeam: job.teams.some((t) => t.role === 'approval' && t.name === APPROVAL_TEAM),
    approval: (job.approvalProcess?.status as ExpectedOffer['ats']['approval'] | undefined) ?? null,
    locked: job.publicationLock?.locked === true,
    postings: job.postings.filter((p) => p.channel === 'UCANSS').map((p) => p.status as ExpectedOffer['ats']['postings'][number]),
  };
}

function pick(counters: JobCounters | undefined, keys: (keyof ExpectedOffer['effects'])[]): ExpectedOffer['effects'] {
  const out: Record<string, number> = {};
  for (const key of keys) out[key] = counters?.[key] ?? 0;
  return out as unknown as ExpectedOffer['effects'];
}

/** Service states, ATS facts and counted side effects of every offer, against the oracle. */
export async function checkOffers(scenario: Scenario, jobIds: Map<string, string>, db: Store, sandbox: SandboxProcess): Promise<string[]> {
  const problems: string[] = [];
  const rows = await db.db
    .selectFrom('offers')
    .select(['ats_id', 'state', 'violation', 'concerned', 'review_needed', 'last_version', 'job_number'])
    .where('campaign', '=', CAMPAIGN)
    .execute();
  const byJob = new Map(rows.map((r) => [r.ats_id, r]));
  const jobs = new Map(((await sandbox.driver('GET', '/jobs')).body as { items: JobDocument[] }).items.map((j) => [j.id, j]));
  const counters = await sandbox.counters();
  if (rows.length !== scenario.offers.length) problems.push(`${rows.length} offers in the service for ${scenario.offers.length} in the scenario`);
  for (const script of scenario.offers) {
    const expected = expectedOffer(script);
    const jobId = jobIds.get(script.jobNumber);
    const job = jobId ? jobs.get(jobId) : undefined;
    if (!jobId || !job) {
      problems.push(`${script.jobNumber}: no job in the ATS`);
      continue;
    }
    const row = byJob.get(jobId);
    const actual: Actual = {
      service: row ? { state: row.state as ExpectedOffer['service']['state'], violation: Boolean(row.violation), concerned: row.concerned, reviewNeeded: Boolean(row.review_needed) } : null,
      ats: actualAts(job),
      effects: pick(counters.perJob[jobId], Object.keys(expected.effects) as (keyof ExpectedOffer['effects'])[]),
    };
    const where = `${script.jobNumber} (job ${jobId}, ${script.template}, ${JSON.stringify(script.inProcess ?? script.outOfScope)})`;
    for (const part of ['service', 'ats', 'effects'] as const) {
      if (JSON.stringify(actual[part]) !== JSON.stringify(expected[part])) problems.push(`${where}: ${part} ${JSON.stringify(actual[part])}, oracle ${JSON.stringify(expected[part])}`);
    }
    if (row && Number(row.last_version) !== job.version) problems.push(`${where}: the service saw version ${row.last_version}, the ATS is at ${job.version}`);
  }
  return problems;
}

/** Nothing left undone in the service's queues: every event handled, every command answered. */
export async function checkQueues(db: Store): Promise<string[]> {
  const inbox = await db.db.selectFrom('inbox').select(['status', db.db.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const outbox = await db.db.selectFrom('outbox').select(['status', db.db.fn.countAll<number>().as('n')]).groupBy('status').execute();
  const problems: string[] = [];
  for (const r of inbox) if (r.status !== 'done') problems.push(`${r.n} inbox events ${r.status}`);
  for (const r of outbox) if (r.status !== 'done') problems.push(`${r.n} outbox commands ${r.status}`);
  return problems;
}

/** `en3s audit verify` on the service's database: exit 0 and "Registre intact". */
export async function checkLedger(databaseUrl: string): Promise<string[]> {
  const run = startProcess(en3sBin(), ['audit', 'verify', '--db', databaseUrl]);
  const code = await run.exited;
  return code === 0 && run.stdout().includes('Registre intact') ? [] : [`en3s audit verify exited ${code}: ${run.stdout()} ${run.stderr()}`];
}

/** `en3s report --format json`: the offers published without EN3S's approval are exactly the scenario's violations. */
export async function checkReport(scenario: Scenario, databaseUrl: string, out: string, generatedAt: string): Promise<string[]> {
  const run = startProcess(en3sBin(), ['report', '--campaign', String(CAMPAIGN), '--format', 'json', '--out', out, '--generated-at', generatedAt, '--db', databaseUrl]);
  const code = await run.exited;
  if (code !== 0) return [`en3s report exited ${code}: ${run.stderr()}`];
  const report = JSON.parse(readFileSync(out, 'utf8')) as { offers: { reference: string; publishedWithoutApproval: boolean; correctiveAction: string | null }[] };
  const listed = report.offers.filter((o) => o.publishedWithoutApproval).map((o) => o.reference).sort();
  const expected = expectedViolations(scenario);
  const problems: string[] = [];
  if (report.offers.length !== scenario.offers.length) problems.push(`the report lists ${report.offers.length} offers for ${scenario.offers.length} in the scenario`);
  const missing = expected.filter((r) => !listed.includes(r));
  const extra = listed.filter((r) => !expected.includes(r));
  if (missing.length > 0) problems.push(`violations missing from the report: ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`violations in the report the scenario did not create: ${extra.join(', ')}`);
  return problems;
}

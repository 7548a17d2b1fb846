import { readFileSync } from 'node:fs';
import type { Store } from '../../src/store/database.js';
import { en3sBin, startProcess } from '../support/e2e-processes.js';
import type { PlayedOffer } from './actors.js';
import { expectedOffer, expectedViolations, type ExpectedOffer } from './oracle.js';
import type { EffectsAnswer } from '../support/tenant-process.js';

/**
 * The end of a chaos run, checked against the oracle: each job's state in the service, what the
 * tenant shows, the side effects the tenant applied (from its process's tally), the ledger's
 * chain (the real CLI) and the control report (the real CLI). Every check returns the
 * disagreements it found, named by the script's tag and the job's id, so that a failure says
 * where to look.
 */

export const CAMPAIGN = 2027;
/** A team call repeated within this long after a kill may be the killed instance's command taken over: not needless. */
export const KILL_EXCUSE_MS = 30_000;

const where = (o: PlayedOffer) =>
  `${o.script.tag} (job ${o.jobId} ${o.jobNumber}, ${o.script.template}, ` +
  `${JSON.stringify(o.script.inProcess ?? o.script.outOfScope)}, ${JSON.stringify(o.observed)})`;

/** Service states and tenant facts of every job, against the oracle. */
export async function checkOffers(played: PlayedOffer[], db: Store, effects: EffectsAnswer): Promise<string[]> {
  const problems: string[] = [];
  const rows = await db.db
    .selectFrom('offers')
    .select(['ats_id', 'state', 'violation', 'concerned', 'review_needed', 'last_updated_at'])
    .where('campaign', '=', CAMPAIGN)
    .execute();
  const byJob = new Map(rows.map((r) => [r.ats_id, r]));
  const jobs = new Map(effects.jobs.map((j) => [j.id, j]));
  const ids = new Set(played.map((o) => String(o.jobId)));
  const extra = rows.filter((r) => !ids.has(r.ats_id));
  if (extra.length > 0)
    problems.push(
      `${extra.length} offers in the service that no script created, e.g. ${extra
        .slice(0, 5)
        .map((r) => r.ats_id)
        .join(', ')}`,
    );
  for (const offer of played) {
    const expected = expectedOffer(offer.script, offer.observed);
    const job = jobs.get(offer.jobId);
    if (!job) {
      problems.push(`${where(offer)}: no job in the tenant`);
      continue;
    }
    const row = byJob.get(String(offer.jobId));
    const actual: Pick<ExpectedOffer, 'service' | 'ats'> = {
      service: row
        ? {
            state: row.state as ExpectedOffer['service']['state'],
            violation: Boolean(row.violation),
            concerned: row.concerned,
            reviewNeeded: Boolean(row.review_needed),
          }
        : (null as never),
      ats: {
        status: job.status,
        en3sApprover: job.approverIds.includes(effects.en3sUserId),
        livePostings: job.livePostingIds.length,
      },
    };
    for (const part of ['service', 'ats'] as const) {
      if (JSON.stringify(actual[part]) !== JSON.stringify(expected[part]))
        problems.push(
          `${where(offer)}: ${part} ${JSON.stringify(actual[part])}, oracle ${JSON.stringify(expected[part])}`,
        );
    }
    const seen = row?.last_updated_at ? Date.parse(row.last_updated_at) : null;
    if (seen !== job.updateDate)
      problems.push(
        `${where(offer)}: the service's latest snapshot is of ${row?.last_updated_at ?? 'none'}, ` +
          `the tenant's job changed at ${new Date(job.updateDate).toISOString()}`,
      );
  }
  return problems;
}

/**
 * The side effects the tenant applied, against the oracle: the EN3S approver set as many times as
 * the rules call for, no team call needlessly repeated (one that found EN3S already there is
 * excused only within a while after a kill, when the killed instance's command may have been
 * taken over before its success was recorded), every premature posting taken down once.
 */
export function checkEffects(played: PlayedOffer[], effects: EffectsAnswer, killTimes: readonly number[]): string[] {
  const problems: string[] = [];
  const scripted = new Set(played.map((o) => String(o.jobId)));
  for (const [jobId, e] of Object.entries(effects.perJob)) {
    if (!scripted.has(jobId) && (e.patches.length > 0 || e.unposted.length > 0))
      problems.push(`job ${jobId}: side effects on a job no script created: ${JSON.stringify(e)}`);
  }
  for (const offer of played) {
    const expected = expectedOffer(offer.script, offer.observed).effects;
    const e = effects.perJob[String(offer.jobId)] ?? { patches: [], unposted: [] };
    const set = e.patches.filter((p) => !p.redundant && p.en3sAfter).length;
    if (set < expected.approverSet[0] || set > expected.approverSet[1])
      problems.push(
        `${where(offer)}: the EN3S approver was set ${set} times, oracle ${expected.approverSet.join('–')}`,
      );
    const removed = e.patches.filter((p) => !p.en3sAfter);
    if (removed.length > 0)
      problems.push(`${where(offer)}: ${removed.length} team calls left the job without the EN3S approver`);
    for (const p of e.patches.filter((x) => x.redundant)) {
      const excused =
        offer.script.inProcess?.approverBy === 'recruiter' ||
        killTimes.some((k) => k <= p.atMs && p.atMs - k <= KILL_EXCUSE_MS);
      if (!excused)
        problems.push(
          `${where(offer)}: a team call at ${new Date(p.atMs).toISOString()} found the EN3S approver ` +
            `already there, with no kill in the ${KILL_EXCUSE_MS} ms before`,
        );
    }
    if (e.unposted.length !== expected.unposted)
      problems.push(`${where(offer)}: ${e.unposted.length} postings taken down, oracle ${expected.unposted}`);
  }
  return problems;
}

/** Nothing left undone in the service's queues: every event handled, every command answered. */
export async function checkQueues(db: Store): Promise<string[]> {
  const inbox = await db.db
    .selectFrom('inbox')
    .select(['status', db.db.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const outbox = await db.db
    .selectFrom('outbox')
    .select(['status', db.db.fn.countAll<number>().as('n')])
    .groupBy('status')
    .execute();
  const problems: string[] = [];
  for (const r of inbox) if (r.status !== 'done') problems.push(`${r.n} inbox events ${r.status}`);
  for (const r of outbox)
    if (r.status !== 'done' && r.status !== 'skipped') problems.push(`${r.n} outbox commands ${r.status}`);
  const dead = await db.db
    .selectFrom('outbox')
    .select(['id', 'kind', 'ats_id', 'attempts', 'last_error'])
    .where('status', '=', 'dead')
    .limit(5)
    .execute();
  for (const c of dead)
    problems.push(`dead command ${c.id} (${c.kind}, job ${c.ats_id}, ${c.attempts} attempts): ${c.last_error}`);
  return problems;
}

/** `en3s audit verify` on the service's database: exit 0 and "Registre intact". */
export async function checkLedger(databaseUrl: string): Promise<string[]> {
  const run = startProcess(en3sBin(), ['audit', 'verify', '--db', databaseUrl]);
  const code = await run.exited;
  return code === 0 && run.stdout().includes('Registre intact')
    ? []
    : [`en3s audit verify exited ${code}: ${run.stdout()} ${run.stderr()}`];
}

/** `en3s report --format json`: the offers published without EN3S's approval are exactly the ones the scenario made. */
export async function checkReport(
  played: PlayedOffer[],
  databaseUrl: string,
  out: string,
  generatedAt: string,
): Promise<string[]> {
  const run = startProcess(en3sBin(), [
    'report',
    '--campaign',
    String(CAMPAIGN),
    '--format',
    'json',
    '--out',
    out,
    '--generated-at',
    generatedAt,
    '--db',
    databaseUrl,
  ]);
  const code = await run.exited;
  if (code !== 0) return [`en3s report exited ${code}: ${run.stderr()}`];
  const report = JSON.parse(readFileSync(out, 'utf8')) as {
    offers: { reference: string; publishedWithoutApproval: boolean }[];
  };
  const listed = report.offers
    .filter((o) => o.publishedWithoutApproval)
    .map((o) => o.reference)
    .sort();
  const expected = expectedViolations(played);
  const problems: string[] = [];
  if (report.offers.length !== played.length)
    problems.push(`the report lists ${report.offers.length} offers for ${played.length} in the scenario`);
  const missing = expected.filter((r) => !listed.includes(r));
  const extra = listed.filter((r) => !expected.includes(r));
  if (missing.length > 0) problems.push(`violations missing from the report: ${missing.join(', ')}`);
  if (extra.length > 0) problems.push(`violations in the report the scenario did not create: ${extra.join(', ')}`);
  return problems;
}

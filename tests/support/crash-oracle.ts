import { toOffer } from '../../connectors/talentlink/mapping.js';
import type { TalentLinkMapping } from '../../connectors/talentlink/mapping-schema.js';
import { evaluate } from '../../src/domain/eligibility.js';
import { transition, type OfferMemory, type Policy } from '../../src/domain/workflow.js';
import type { DomainData } from '../../src/mappings/load.js';
import { memoryFromRecord } from '../../src/pipeline/offer-memory.js';
import type { Store } from '../../src/store/database.js';
import { getOffer, type OfferRecord } from '../../src/store/offers.js';
import type { MemoryAts } from './memory-ats.js';
import type { CrashWorld } from './crash-world.js';

/**
 * What the store must hold once a crash test has settled, computed without the pipeline: the pure
 * workflow run over every version the ATS ever had of each job, in version order, with the same
 * policy. The pipeline saw those versions in any order, some twice, some never (a stale one is
 * dropped), across crashes; the workflow being level-triggered, it must end in the same place.
 * Returns the list of disagreements (empty when all is well).
 */

export interface OracleInputs {
  store: Store;
  ats: MemoryAts;
  world: CrashWorld;
  domain: DomainData;
  mapping: TalentLinkMapping;
  policy: Policy;
  /** An instant of the run: decisions do not change during it. */
  at: string;
}

export function oracleMemory(inputs: Pick<OracleInputs, 'ats' | 'domain' | 'mapping' | 'policy' | 'at'>, jobId: string): OfferMemory {
  let memory: OfferMemory | null = null;
  for (const doc of inputs.ats.versions(jobId)) {
    const offer = toOffer(doc, inputs.mapping, inputs.domain.organisms);
    memory = transition(memory, { kind: 'document', at: inputs.at, offer }, evaluate(offer, new Date(inputs.at), inputs.domain.ruleSets), inputs.policy).memory;
  }
  if (!memory) throw new Error(`oracle: job ${jobId} has no version`);
  return memory;
}

const summary = (m: OfferMemory) => ({
  state: m.state,
  lastVersion: m.lastVersion,
  en3s: m.en3s?.decision ?? null,
  violations: m.violations.map((v) => `${v.postingId}@${v.publishedAt}`).sort(),
  reviewNeeded: m.reviewNeeded,
});

export async function checkAgainstOracle(inputs: OracleInputs): Promise<string[]> {
  const problems: string[] = [];
  const rows = await inputs.store.db.selectFrom('offers').select('ats_id').execute();
  if (rows.length !== inputs.world.jobs.length) problems.push(`${rows.length} offers in the store for ${inputs.world.jobs.length} jobs`);
  for (const job of inputs.world.jobs) {
    const record: OfferRecord | null = await getOffer(inputs.store.db, { source: 'talentlink', ats_id: job.id, campaign: 2027 });
    const memory = memoryFromRecord(record);
    if (!memory) {
      problems.push(`${job.id}: not in the store`);
      continue;
    }
    const got = summary(memory);
    const expected = summary(oracleMemory(inputs, job.id));
    if (JSON.stringify(got) !== JSON.stringify(expected)) problems.push(`${job.id} (${job.profile.name}): store ${JSON.stringify(got)}, oracle ${JSON.stringify(expected)}`);
    if (got.state !== job.profile.expected) problems.push(`${job.id} (${job.profile.name}): ended ${got.state}, the plan leads to ${job.profile.expected}`);
    const doc = inputs.ats.job(job.id)!;
    if (got.lastVersion !== doc.version) problems.push(`${job.id}: the store saw version ${got.lastVersion}, the ATS is at ${doc.version}`);
    problems.push(...atsMatchesState(job.id, got.state, doc));
  }
  return problems;
}

/** What the ATS must show for an offer in each settled state. */
function atsMatchesState(jobId: string, state: string, doc: NonNullable<ReturnType<MemoryAts['job']>>): string[] {
  const locked = doc.publicationLock?.locked ?? false;
  const live = doc.postings.filter((p) => p.status === 'PUBLISHED');
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => void (ok || problems.push(`${jobId} (${state}): ${what}`));
  if (state === 'approved') {
    check(!locked, 'approved but still locked in the ATS');
    const decidedAt = Date.parse(doc.approvalProcess?.steps[0]?.decidedAt ?? '');
    check(
      live.every((p) => Date.parse(p.publishedAt!) >= decidedAt),
      'a posting published before "validé" is still live',
    );
  }
  if (state === 'refused') {
    check(locked, 'refused but not locked');
    check(live.length === 0, 'refused but a posting is live');
  }
  if (state === 'approval_started') {
    check(locked, 'waiting for EN3S but not locked');
    check(doc.teams.some((t) => t.role === 'approval' && t.name === 'EN3S dérogation'), 'waiting for EN3S without the EN3S team');
    check(doc.approvalProcess?.status === 'IN_PROGRESS', 'waiting for EN3S without an approval in progress');
  }
  if (state === 'not_concerned') check(!locked && !doc.teams.some((t) => t.role === 'approval'), 'out of scope but touched');
  return problems;
}

/** Effects the ATS applied more than once for one command, or more than once per job where once is all there can be. */
export function doubleEffects(ats: MemoryAts, jobIds: string[]): string[] {
  const problems: string[] = [];
  for (const [key, count] of ats.effectsPerKey()) if (count > 1) problems.push(`command ${key} applied ${count} times`);
  for (const jobId of jobIds) {
    for (const kind of ['assign_team', 'start_approval'] as const) {
      const { applied } = ats.effects(kind, jobId);
      if (applied > 1) problems.push(`${jobId}: ${kind} applied ${applied} times`);
    }
    const withdrawals = ats.effects('withdraw_posting', jobId).applied;
    const published = ats.job(jobId)!.postings.filter((p) => p.publishedAt).length;
    if (withdrawals > published) problems.push(`${jobId}: ${withdrawals} withdrawals for ${published} publications`);
  }
  return problems;
}

/**
 * Commands sent by one process while another held them: a key sent again although its last call
 * was answered "ok" to a process still alive. Between two processes, a command may change hands
 * only after a failed answer (retry) or the death of its holder (lease expired).
 */
export function concurrentSends(ats: MemoryAts, killed: readonly string[]): string[] {
  const problems: string[] = [];
  const last = new Map<string, { caller: string; answer: string }>();
  const dead = new Set(killed);
  for (const call of ats.calls) {
    if (call.key === null) continue;
    const previous = last.get(call.key);
    if (previous && previous.answer === 'ok' && !dead.has(previous.caller)) {
      problems.push(`${call.key}: sent by ${call.caller} after ${previous.caller} had its answer`);
    }
    last.set(call.key, { caller: call.caller, answer: call.answer });
  }
  return problems;
}

/** Keys whose effect was applied by calls of more than one process. */
export function appliedByBoth(ats: MemoryAts): string[] {
  const callers = new Map<string, Set<string>>();
  for (const call of ats.calls) {
    if (call.key === null || !call.effect) continue;
    callers.set(call.key, (callers.get(call.key) ?? new Set()).add(call.caller));
  }
  return [...callers].filter(([, who]) => who.size > 1).map(([key, who]) => `${key}: applied by ${[...who].join(' and ')}`);
}

/**
 * Effects of commands that had become moot: a lock put on after EN3S's "validé", a team or an
 * approval on a job after it was closed, sent although the pipeline already knew it (its ledger
 * recorded the answer or the close more than `marginMs` before the ATS received the call). The
 * dispatcher must not carry out what the workflow no longer wants. What the pipeline had not yet
 * seen (a notification still in the inbox) it cannot help.
 */
export async function staleEffects(store: Store, ats: MemoryAts, jobIds: string[], marginMs = 1_000): Promise<string[]> {
  const problems: string[] = [];
  const entries = await store.db
    .selectFrom('ledger')
    .select(['offer_ats_id', 'kind', 'at', 'data'])
    .where('kind', 'in', ['en3s.decision', 'state.changed'])
    .orderBy('seq')
    .execute();
  const known = new Map<string, { approved?: number; closed?: number }>();
  for (const entry of entries) {
    const data = JSON.parse(entry.data) as { decision?: string; to?: string };
    const seen = known.get(entry.offer_ats_id!) ?? {};
    if (entry.kind === 'en3s.decision' && data.decision === 'APPROVED') seen.approved ??= Date.parse(entry.at);
    if (entry.kind === 'state.changed' && data.to === 'closed') seen.closed ??= Date.parse(entry.at);
    known.set(entry.offer_ats_id!, seen);
  }
  for (const jobId of jobIds) {
    const { approved = Infinity, closed = Infinity } = known.get(jobId) ?? {};
    for (const call of ats.calls) {
      if (call.jobId !== jobId || !call.effect) continue;
      if (call.method === 'setPublicationLock' && call.args[0] === true && call.at > approved + marginMs) {
        problems.push(`${jobId}: locked at v${call.version}, ${call.at - approved} ms after the pipeline recorded "validé"`);
      }
      if ((call.method === 'assignApprovalTeam' || call.method === 'startApproval') && call.at > closed + marginMs) {
        problems.push(`${jobId}: ${call.method} at v${call.version}, ${call.at - closed} ms after the pipeline recorded the close`);
      }
    }
  }
  return problems;
}

import { scopeOf } from '../domain/scope.js';
import type { ProcessMemory } from '../domain/job-process.js';
import type { JobSnapshot } from '../domain/job-snapshot.js';
import type { OfferRecord, OfferWrite } from '../store/offers.js';

/**
 * Between two events the process's memory lives in the `offers` row: the latest snapshot and
 * the decision in their own columns, the rest (sticky observations) in `timeline_data`.
 */

type Sticky = Omit<ProcessMemory, 'snapshot' | 'decision'>;

export function memoryFromRecord(record: OfferRecord | null): ProcessMemory | null {
  // A row of the earlier, invented ATS (no `updatedAt`) is a job not yet seen (migration 0009).
  if (!record?.decision || !record.timeline_data || record.last_updated_at === null) return null;
  return {
    ...(record.timeline_data as unknown as Sticky),
    snapshot: record.offer as JobSnapshot,
    decision: record.decision,
  };
}

/**
 * Whether the latest evaluation of the job still asks for this command. Unknown (true) when
 * the job or its list of wanted commands is missing, so that nothing is dropped by mistake.
 */
export function stillWanted(record: OfferRecord | null, idempotencyKey: string): boolean {
  const wanted = record?.timeline_data?.wanted;
  return !Array.isArray(wanted) || wanted.includes(idempotencyKey);
}

export function recordFromMemory(memory: ProcessMemory): OfferWrite {
  const { snapshot, decision, ...sticky } = memory;
  const concerned = memory.override ? memory.override.concerned : decision.concerned;
  return {
    source: snapshot.source,
    ats_id: snapshot.atsId,
    campaign: memory.campaign,
    state: memory.state,
    last_updated_at: snapshot.updatedAt,
    job_number: snapshot.jobNumber,
    title: snapshot.title,
    organism_type: snapshot.organism?.type ?? null,
    organism_name: snapshot.organization.name || null,
    regime: decision.regime,
    networks: snapshot.organism?.networks ?? [],
    concerned: scopeOf(concerned),
    review_needed: memory.reviewNeeded,
    violation: memory.violations.length > 0,
    offer: snapshot,
    decision,
    timeline_data: sticky as unknown as Record<string, unknown>,
  };
}

import type { OfferMemory } from '../domain/workflow.js';
import type { OfferRecord, OfferWrite } from '../store/offers.js';

/**
 * Between two events the workflow's memory lives in the `offers` row: the document and the
 * decision in their own columns, the rest (sticky facts) in `timeline_data`.
 */

type Sticky = Omit<OfferMemory, 'offer' | 'decision'>;

/** Sticky fields added after the first release: rows written before them read as these. */
const laterFields: Pick<Sticky, 'lockWanted' | 'lockTurn' | 'wanted'> = { lockWanted: null, lockTurn: 0, wanted: [] };

export function memoryFromRecord(record: OfferRecord | null): OfferMemory | null {
  if (!record || !record.decision || !record.timeline_data) return null;
  return { ...laterFields, ...(record.timeline_data as unknown as Sticky), offer: record.offer, decision: record.decision };
}

/** In a done command's result (canonical JSON): the dispatcher skipped it, the ATS was not called. */
export const SKIPPED_MARK = '"skipped":true';

/**
 * Whether the latest evaluation of the offer still asks for this command. Unknown (true) when
 * the offer or its list of wanted commands is missing, so that nothing is dropped by mistake.
 */
export function stillWanted(record: OfferRecord | null, idempotencyKey: string): boolean {
  const wanted = record?.timeline_data?.wanted;
  return !Array.isArray(wanted) || wanted.includes(idempotencyKey);
}

export function recordFromMemory(memory: OfferMemory): OfferWrite {
  const { offer, decision, ...sticky } = memory;
  const concerned = memory.override ? memory.override.concerned : decision.concerned;
  return {
    source: offer.source,
    ats_id: offer.atsId,
    campaign: memory.campaign,
    state: memory.state,
    last_version: memory.lastVersion,
    job_number: offer.jobNumber,
    title: offer.title,
    organism_type: offer.organism?.type ?? null,
    organism_name: offer.organization.name || offer.organization.code || null,
    regime: decision.regime,
    networks: offer.organism?.networks ?? [],
    concerned: concerned === null ? 'undetermined' : concerned ? 'yes' : 'no',
    review_needed: memory.reviewNeeded,
    violation: memory.violations.length > 0,
    offer,
    decision,
    timeline_data: sticky as unknown as Record<string, unknown>,
  };
}

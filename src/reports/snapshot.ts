import type { Decision } from '../domain/decision.js';
import type { Offer } from '../domain/offer.js';
import type { OfferMemory, Violation } from '../domain/workflow.js';
import type { OfferState } from '../domain/workflow-states.js';
import type { OfferHeader } from '../store/offers.js';

/**
 * What the report needs to know of one offer at one instant. Two sources give the same shape:
 * - the `offers` row (the workflow's memory as it stands now), for a report "as it stands";
 * - the offer's ledger entries up to an instant, for a report "as it stood" then: the ledger is
 *   append-only, so folding its entries up to `asOf` gives back the facts known at `asOf`,
 *   whatever happened since. The job document itself is not in the ledger: descriptive fields
 *   (référence, intitulé, organisme, grille) come from the latest document, and its postings
 *   count only with their own publication and withdrawal dates up to `asOf`.
 */

export interface Snapshot {
  state: OfferState;
  stateSince: string;
  decision: Decision;
  override: { concerned: boolean } | null;
  team: { at: string; by: 'connector' | 'recruiter' } | null;
  approval: { at: string; by: 'connector' | 'recruiter'; dueDate: string | null } | null;
  en3s: { decision: 'APPROVED' | 'REJECTED'; at: string | null } | null;
  violations: Violation[];
  released: { at: string } | null;
}

/** What the report reads of the job document (the rest of the canonical Offer is not needed). */
export interface OfferFacts {
  createdAt: string;
  organizationName: string;
  grid: string | null;
  level: string | null;
  minesScale: number | null;
  networks: string[];
  postings: Pick<Offer['postings'][number], 'id' | 'channel' | 'status' | 'publishedAt' | 'withdrawnAt'>[];
}

/** The part of an `offers` row the reports read; JSON columns already parsed. */
export interface OfferSource extends OfferHeader {
  offer: OfferFacts;
  decision: Decision | null;
  timeline_data: Record<string, unknown> | null;
}

export function snapshotFromRecord(record: OfferSource): Snapshot | null {
  const memory = record.timeline_data as Partial<OfferMemory> | null;
  if (!memory || !record.decision) return null;
  return {
    state: record.state as OfferState,
    stateSince: memory.stateSince ?? '',
    decision: record.decision,
    override: memory.override ? { concerned: memory.override.concerned } : null,
    team: memory.team ?? null,
    approval: memory.approval ?? null,
    en3s: memory.en3s ? { decision: memory.en3s.decision, at: memory.en3s.at } : null,
    violations: memory.violations ?? [],
    released: memory.released ?? null,
  };
}

/** One ledger entry of an offer, as the fold needs it. */
export interface LedgerFact {
  at: string;
  kind: string;
  data: unknown;
}

type Data = Record<string, unknown>;

/**
 * Folds the entries of one offer and campaign, in seq order, already limited to the instant.
 * Null when the offer had no decision yet (it was not known at that instant).
 */
export function snapshotFromLedger(facts: readonly LedgerFact[]): Snapshot | null {
  let s: Partial<Snapshot> & { violations: Violation[] } = { violations: [], override: null, team: null, approval: null, en3s: null, released: null };
  for (const fact of facts) {
    const d = (fact.data ?? {}) as Data;
    switch (fact.kind) {
      case 'decision':
        s.decision = d as unknown as Decision;
        break;
      case 'admin.override':
        s.override = typeof d.concerned === 'boolean' ? { concerned: d.concerned } : null;
        break;
      case 'team.assigned':
        if (!s.team) s.team = { at: fact.at, by: d.by === 'connector' ? 'connector' : 'recruiter' };
        break;
      case 'approval.started':
        s.approval = { at: String(d.at ?? fact.at), by: d.by === 'connector' ? 'connector' : 'recruiter', dueDate: typeof d.dueDate === 'string' ? d.dueDate : null };
        break;
      case 'approval.cancelled':
        if (!s.en3s) s.approval = null;
        break;
      case 'en3s.decision':
        if (!s.en3s) s.en3s = { decision: d.decision === 'REJECTED' ? 'REJECTED' : 'APPROVED', at: typeof d.decidedAt === 'string' ? d.decidedAt : null };
        break;
      case 'violation.detected':
        s.violations.push({
          postingId: String(d.postingId),
          channel: String(d.channel),
          publishedAt: String(d.publishedAt),
          detectedAt: String(d.detectedAt ?? fact.at),
          action: d.action === 'withdraw' ? 'withdraw' : 'report',
        });
        break;
      case 'state.changed':
        s = { ...s, state: d.to as OfferState, stateSince: fact.at };
        if (d.to === 'released') s.released = { at: fact.at };
        break;
      default:
        break;
    }
  }
  if (!s.decision || !s.state) return null;
  return s as Snapshot;
}

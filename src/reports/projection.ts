import type { Decision } from '../domain/decision.js';
import type { JobSnapshot } from '../domain/job-snapshot.js';
import { LocalDates } from './local-dates.js';
import type { CsvAheadColumns } from '../store/offer-report.js';
import { csvAheadOf } from './render-csv.js';
import { reportFacts, type ReportFacts } from './rows.js';
import { offerHeader, type OfferHeader } from '../store/offers.js';
import { snapshotFromRecord, type OfferFacts, type OfferSource } from './snapshot.js';

/**
 * The control report's projection of an offer (`offer_report`): what the report shows of it,
 * computed from the same values as the `offers` row and written with it, in the same
 * transaction, by the pipeline (and by migration 0004 for the offers written before). A report
 * "as it stands" then reads plain columns instead of parsing each offer's JSON.
 */

/** What the report reads of the job's latest snapshot. */
export function offerFacts(snapshot: JobSnapshot): OfferFacts {
  return {
    createdAt: snapshot.createdAt,
    organizationName: snapshot.organization.name,
    grid: snapshot.classification.grid,
    level: snapshot.classification.level,
    minesScale: snapshot.classification.minesScale,
    networks: snapshot.organism?.networks ?? [],
    postings: (snapshot.postings ?? []).map((p) => ({ id: p.id, postedAt: p.postedAt })),
  };
}

type ProjectedFields = OfferHeader & {
  /**
   * The job's latest snapshot; an `offers` row of the earlier, invented ATS holds another document (see
   * `projectOffer`).
   */
  offer: JobSnapshot;
  decision: Decision | null;
  timeline_data: Record<string, unknown> | null;
};

// Calendar dates are cached per zone and hour; one cache serves every offer of the process.
const dates = new LocalDates();

/**
 * What the projection says of an offer row, or null when the offer has no decision yet, or is a
 * row of the earlier, invented ATS (no `updatedAt`: read as a job not yet seen until its next
 * snapshot, migration 0009): no report shows it. Migration 0004 projects the offers written
 * before it with this.
 */
export function projectOffer(row: ProjectedFields): ReportFacts | null {
  if (typeof (row.offer as Partial<JobSnapshot>).updatedAt !== 'string') return null;
  const source: OfferSource = {
    ...offerHeader(row),
    offer: offerFacts(row.offer),
    decision: row.decision,
    timeline_data: row.timeline_data,
  };
  const snapshot = snapshotFromRecord(source);
  return snapshot ? reportFacts(source, snapshot, dates) : null;
}

/** The projections the pipeline writes: what the report says of the offer, and its CSV record ahead of the report. */
export function reportProjection(row: ProjectedFields): { facts: ReportFacts; ahead: CsvAheadColumns } | null {
  const facts = projectOffer(row);
  return facts && { facts, ahead: csvAheadOf(facts) };
}

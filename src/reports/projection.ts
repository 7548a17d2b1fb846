import type { Decision } from '../domain/decision.js';
import type { Offer } from '../domain/offer.js';
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

/** What the report reads of the job document, from the canonical Offer. */
export function offerFacts(offer: Offer): OfferFacts {
  return {
    createdAt: offer.createdAt,
    organizationName: offer.organization.name,
    grid: offer.classification.grid,
    level: offer.classification.level,
    minesScale: offer.classification.minesScale,
    networks: offer.organism?.networks ?? [],
    postings: offer.postings,
  };
}

type ProjectedFields = OfferHeader & {
  offer: Offer;
  decision: Decision | null;
  timeline_data: Record<string, unknown> | null;
};

// Calendar dates are cached per zone and hour; one cache serves every offer of the process.
const dates = new LocalDates();

/**
 * What the projection says of an offer row, or null when the offer has no decision yet (no
 * report shows it). Migration 0004 projects the offers written before it with this.
 */
export function projectOffer(row: ProjectedFields): ReportFacts | null {
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

import type { Decision } from '../domain/decision.js';
import type { JobSnapshot } from '../domain/job-snapshot.js';
import { LocalDates } from './local-dates.js';
import type { Db } from '../store/database.js';
import { lockProjectionCursor, offersChangedAfter, setProjectionCursor } from '../store/offer-changes.js';
import { writeOfferReport, type CsvAheadColumns } from '../store/offer-report.js';
import { withinTransaction } from '../store/transaction.js';
import { csvAheadOf } from './render-csv.js';
import { reportFacts, type ReportFacts } from './rows.js';
import { offerHeader, type OfferHeader } from '../store/offers.js';
import { snapshotFromRecord, type OfferFacts, type OfferSource } from './snapshot.js';

/**
 * The control report's projection of an offer (`offer_report`): what the report shows of it,
 * computed from the same values as the `offers` row and written from it by the projector, which
 * catches up from a cursor on the offers' changes (`projectChanges`; `store/offer-changes.ts`).
 * A report "as it stands" catches up first, then reads plain columns instead of parsing each
 * offer's JSON. Re-projecting every offer is resetting the cursor to 0.
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
 * snapshot, migration 0009): no report shows it.
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

/** The projections the projector writes: what the report says of the offer, and its CSV record ahead of the report. */
export function reportProjection(row: ProjectedFields): { facts: ReportFacts; ahead: CsvAheadColumns } | null {
  const facts = projectOffer(row);
  return facts && { facts, ahead: csvAheadOf(facts) };
}

/** Offers projected per transaction. */
const BATCH = 500;

/**
 * One batch of the projector: in one transaction, the offers changed after the cursor (locked),
 * their projections written, and the cursor moved to the last of them. Returns how many were
 * projected and the cursor after the batch.
 */
export async function projectChanges(
  db: Db,
  now: string,
  limit = BATCH,
): Promise<{ projected: number; cursor: number }> {
  return withinTransaction(db, async (trx) => {
    const cursor = await lockProjectionCursor(trx);
    const offers = await offersChangedAfter(trx, cursor, limit);
    for (const offer of offers) {
      const key = { source: offer.source, ats_id: offer.ats_id, campaign: offer.campaign };
      const projected = reportProjection(offer);
      await writeOfferReport(trx, key, projected?.facts ?? null, projected?.ahead);
    }
    const last = offers.at(-1)?.change_no ?? cursor;
    if (last !== cursor) await setProjectionCursor(trx, last, now);
    return { projected: offers.length, cursor: last };
  });
}

/**
 * Projects batches until no change is left, and returns the cursor then: the projection reflects
 * every change committed before the call. A report as it stands calls it first.
 */
export async function catchUpProjection(db: Db, now: string, limit = BATCH): Promise<number> {
  for (;;) {
    const { projected, cursor } = await projectChanges(db, now, limit);
    if (projected === 0) return cursor;
  }
}

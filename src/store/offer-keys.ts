import type { JobProcessState } from '../domain/job-process-states.js';
import type { Db } from './database.js';

/**
 * Offers read by key only: the keys of offers in some states, a page at a time in key order
 * (each page starts after the last key of the one before), and the job numbers of offers.
 */

export interface OfferKeyRow {
  source: string;
  ats_id: string;
  campaign: number;
}

/** Up to `limit` keys of offers in `states`, in key order, after `after` when given. */
export async function offerKeysInStates(
  db: Db,
  states: readonly JobProcessState[],
  after: [string, string, number] | null,
  limit: number,
): Promise<OfferKeyRow[]> {
  let query = db.selectFrom('offers').select(['source', 'ats_id', 'campaign']).where('state', 'in', states);
  if (after) {
    const [s, a, c] = after;
    query = query.where((eb) =>
      eb.or([
        eb('source', '>', s),
        eb.and([eb('source', '=', s), eb('ats_id', '>', a)]),
        eb.and([eb('source', '=', s), eb('ats_id', '=', a), eb('campaign', '>', c)]),
      ]),
    );
  }
  return query.orderBy('source').orderBy('ats_id').orderBy('campaign').limit(limit).execute();
}

/** The job number ("NVHADD00095") of every offer with one of these ATS ids, by `source:ats_id:campaign`. */
export async function jobNumbersOf(db: Db, atsIds: readonly string[]): Promise<Map<string, string>> {
  if (atsIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('offers')
    .select(['source', 'ats_id', 'campaign', 'job_number'])
    .where('ats_id', 'in', atsIds)
    .execute();
  return new Map(rows.map((r) => [`${r.source}:${r.ats_id}:${r.campaign}`, r.job_number]));
}

import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { JobRead, QueueElement } from '../../connectors/ats-port.js';
import { jobPostingSchema, type JobPosting, type JobSnapshot } from '../domain/job-snapshot.js';
import { insertEvent, type NewInboxEvent } from '../store/inbox.js';
import type { Database } from '../store/schema.js';

/**
 * Every job read from the ATS (by a queue drain, the change listing or a command's read-back)
 * becomes an inbox row before anything acts on it. The row's key is derived from what was read,
 * never from how: the job id, its `updateDate` and a hash of the document (and of the posting,
 * for a posting queue). So the same observation committed twice, by any path, is one row: a
 * drain that stopped after the commit and before deleting its element costs a read, never a
 * second application; and a new observation of the job is a new row.
 *
 * The body is JSON: the vendor's document, opaque here and decoded again by the port's
 * `decodeJob(document, fetchedAt)`, with how it was read and, for a posting queue, the posting.
 */

export const SNAPSHOT_EVENT = 'job.snapshot';
export const SNAPSHOT_CONTENT_TYPE = 'application/vnd.en3s.job-read+json';

export type SnapshotOrigin = 'queue' | 'listing' | 'read-back';

const bodySchema = z.object({
  format: z.literal('en3s.job-read/1'),
  /** When the connector read the job (the `fetchedAt` of its snapshot). */
  fetchedAt: z.string(),
  origin: z.enum(['queue', 'listing', 'read-back']),
  /** The element that named the job, when a queue did: which queue, which element. */
  queue: z.object({ name: z.string(), kind: z.enum(['job', 'posting']), elementId: z.string() }).nullable(),
  /** The posting of a posting queue's element, read with its job; null otherwise. */
  posting: jobPostingSchema.nullable(),
  document: z.string(),
});
export type JobReadBody = z.infer<typeof bodySchema>;

/** The inbox key of an observation: job id, its last change (epoch ms) and a content hash. */
export function snapshotEventId(
  jobId: string,
  updatedAt: string,
  document: string,
  posting: JobPosting | null,
): string {
  const hash = createHash('sha256')
    .update(document)
    .update('\u0000')
    .update(posting === null ? '' : JSON.stringify(postingKey(posting)))
    .digest('hex');
  return `job-read:${jobId}:${Date.parse(updatedAt)}:${hash}`;
}

/** The posting's fields in a fixed order, so that its hash does not depend on how it was built. */
const postingKey = (posting: JobPosting) => [posting.id, posting.atsStatus, posting.postedAt];

export type ReadBy =
  | { origin: 'queue'; element: QueueElement; posting: JobPosting | null }
  | { origin: 'listing' | 'read-back' };

/**
 * The row to commit for a job read. Fails (a value) when the snapshot's instants are not
 * instants: the port's mapping produced them, so this names the port's bug.
 */
export function snapshotEvent(
  source: string,
  job: JobRead,
  by: ReadBy,
): { ok: true; event: NewInboxEvent } | { ok: false; message: string } {
  const { snapshot } = job;
  const updated = Date.parse(snapshot.updatedAt);
  const fetched = Date.parse(snapshot.fetchedAt);
  if (Number.isNaN(updated))
    return {
      ok: false,
      message:
        `job ${snapshot.atsId}: snapshot.updatedAt: expected an ISO 8601 instant, got ` +
        `${JSON.stringify(snapshot.updatedAt)}`,
    };
  if (Number.isNaN(fetched))
    return {
      ok: false,
      message:
        `job ${snapshot.atsId}: snapshot.fetchedAt: expected an ISO 8601 instant, got ` +
        `${JSON.stringify(snapshot.fetchedAt)}`,
    };
  const fetchedAt = new Date(fetched).toISOString();
  const posting = by.origin === 'queue' ? by.posting : null;
  const body: JobReadBody = {
    format: 'en3s.job-read/1',
    fetchedAt,
    origin: by.origin,
    queue:
      by.origin === 'queue'
        ? { name: by.element.queueName, kind: by.element.kind, elementId: by.element.elementId }
        : null,
    posting,
    document: job.document,
  };
  return {
    ok: true,
    event: {
      source,
      event_id: snapshotEventId(snapshot.atsId, snapshot.updatedAt, job.document, posting),
      event_type: SNAPSHOT_EVENT,
      occurred_at: new Date(updated).toISOString(),
      received_at: fetchedAt,
      content_type: SNAPSHOT_CONTENT_TYPE,
      body: JSON.stringify(body),
      job_id: snapshot.atsId,
      job_version: null,
    },
  };
}

/** Reads a `job.snapshot` row's body back (the inbox worker's side), or says what is wrong with it. */
export function parseSnapshotBody(body: string): { ok: true; value: JobReadBody } | { ok: false; message: string } {
  let json: unknown;
  try {
    json = JSON.parse(body) as unknown;
  } catch {
    return { ok: false, message: 'job.snapshot body: expected JSON, got text that does not parse' };
  }
  const parsed = bodySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      ok: false,
      message: `job.snapshot body > ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`,
    };
  }
  return { ok: true, value: parsed.data };
}

/** What an inbox row hands to the process: the snapshot, and the posting a posting queue named. */
export interface ReadSnapshot {
  snapshot: JobSnapshot;
  posting: JobPosting | null;
  origin: SnapshotOrigin;
}

/**
 * Commits the reads of the listing or of a read-back in the caller's transaction; returns those
 * that were new, to hand to the worker once committed.
 */
export async function storeSnapshots(
  trx: Transaction<Database>,
  source: string,
  reads: readonly JobRead[],
  origin: 'listing' | 'read-back',
): Promise<{ eventId: string; read: ReadSnapshot }[]> {
  const stored: { eventId: string; read: ReadSnapshot }[] = [];
  for (const job of reads) {
    const row = snapshotEvent(source, job, { origin });
    if (!row.ok) throw new Error(row.message);
    if ((await insertEvent(trx, row.event)) === 'inserted')
      stored.push({ eventId: row.event.event_id, read: { snapshot: job.snapshot, posting: null, origin } });
  }
  return stored;
}

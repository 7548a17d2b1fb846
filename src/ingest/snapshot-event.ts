import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { JobRead, QueueElement } from '../../connectors/ats-port.js';
import { jobPostingSchema, type JobPosting } from '../domain/job-snapshot.js';
import type { NewInboxEvent } from '../store/inbox.js';

/**
 * The inbox row of a job read from the ATS because a queue named it (spec §5). The row's key is
 * derived from what was read, never from the queue element: the job id, its `updateDate` and a
 * hash of the document (and of the posting, for a posting queue). So the same observation
 * committed twice (a drain that stopped after the commit and before deleting the element, then
 * ran again) is one row, and a new observation of the job is a new row.
 *
 * The body is JSON: the vendor's document, opaque here and decoded again downstream by the
 * port's `decodeJob(document, fetchedAt)`, with the posting when a posting queue named it.
 */

export const JOB_SNAPSHOT_EVENT = 'job.snapshot';
export const JOB_SNAPSHOT_CONTENT_TYPE = 'application/vnd.en3s.job-read+json; origin=queue';

const bodySchema = z.object({
  format: z.literal('en3s.job-read/1'),
  /** When the connector read the job (the `fetchedAt` of its snapshot). */
  fetchedAt: z.string(),
  /** The element that named the job: which queue, which element. */
  queue: z.object({ name: z.string(), kind: z.enum(['job', 'posting']), elementId: z.string() }),
  /** The posting of a posting queue's element, read with its job; null for a job queue. */
  posting: jobPostingSchema.nullable(),
  document: z.string(),
});
export type JobReadBody = z.infer<typeof bodySchema>;

/** The inbox key of an observation: job id, its last change (epoch ms) and a content hash. */
export function snapshotEventId(jobId: string, updatedAt: string, document: string, posting: JobPosting | null): string {
  const hash = createHash('sha256').update(document).update('\u0000').update(posting === null ? '' : JSON.stringify(postingKey(posting))).digest('hex');
  return `job-read:${jobId}:${Date.parse(updatedAt)}:${hash}`;
}

/** The posting's fields in a fixed order, so that its hash does not depend on how it was built. */
const postingKey = (posting: JobPosting) => [posting.id, posting.atsStatus, posting.postedAt];

/**
 * The row to commit for a job read because of `element`. Fails (a value) when the snapshot's
 * instants are not instants: the port's mapping produced them, so this names the port's bug.
 */
export function snapshotEvent(
  source: string,
  element: QueueElement,
  job: JobRead,
  posting: JobPosting | null,
): { ok: true; event: NewInboxEvent } | { ok: false; message: string } {
  const { snapshot } = job;
  const updated = Date.parse(snapshot.updatedAt);
  const fetched = Date.parse(snapshot.fetchedAt);
  if (Number.isNaN(updated)) return { ok: false, message: `job ${snapshot.atsId}: snapshot.updatedAt: expected an ISO 8601 instant, got ${JSON.stringify(snapshot.updatedAt)}` };
  if (Number.isNaN(fetched)) return { ok: false, message: `job ${snapshot.atsId}: snapshot.fetchedAt: expected an ISO 8601 instant, got ${JSON.stringify(snapshot.fetchedAt)}` };
  const fetchedAt = new Date(fetched).toISOString();
  const body: JobReadBody = {
    format: 'en3s.job-read/1',
    fetchedAt,
    queue: { name: element.queueName, kind: element.kind, elementId: element.elementId },
    posting,
    document: job.document,
  };
  return {
    ok: true,
    event: {
      source,
      event_id: snapshotEventId(snapshot.atsId, snapshot.updatedAt, job.document, posting),
      event_type: JOB_SNAPSHOT_EVENT,
      occurred_at: new Date(updated).toISOString(),
      received_at: fetchedAt,
      content_type: JOB_SNAPSHOT_CONTENT_TYPE,
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
    return { ok: false, message: `job.snapshot body > ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}` };
  }
  return { ok: true, value: parsed.data };
}

import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { JobRead } from '../../connectors/ats-port.js';
import type { JobSnapshot } from '../domain/job-snapshot.js';
import { insertEvent, type NewInboxEvent } from '../store/inbox.js';
import type { Database } from '../store/schema.js';

/**
 * Every job read from the ATS (by a queue drain, the change listing or a command's read-back)
 * becomes an inbox row before anything acts on it. The row's id is the job, the instant of its
 * last change and a hash of the document, so the same document read twice, by any path, is one
 * row: reading again costs a call, never a second application.
 */

export const SNAPSHOT_EVENT = 'job.snapshot';
export const SNAPSHOT_CONTENT_TYPE = 'application/vnd.en3s.job-document+json';

/** How a snapshot was read; kept in the row's type (`job.snapshot/queue`…) and in the ledger. */
export type SnapshotOrigin = 'queue' | 'listing' | 'read-back' | 'fetch';

export function isSnapshotEvent(eventType: string): boolean {
  return eventType === SNAPSHOT_EVENT || eventType.startsWith(`${SNAPSHOT_EVENT}/`);
}

export function snapshotOrigin(eventType: string): string {
  return eventType.startsWith(`${SNAPSHOT_EVENT}/`) ? eventType.slice(SNAPSHOT_EVENT.length + 1) : 'queue';
}

export function snapshotEventId(read: JobRead): string {
  const hash = createHash('sha256').update(read.document).digest('hex').slice(0, 16);
  return `snap:${read.snapshot.atsId}:${Date.parse(read.snapshot.updatedAt)}:${hash}`;
}

export function snapshotInboxEvent(source: string, read: JobRead, receivedAt: string, origin: SnapshotOrigin): NewInboxEvent {
  return {
    source,
    event_id: snapshotEventId(read),
    event_type: `${SNAPSHOT_EVENT}/${origin}`,
    occurred_at: read.snapshot.updatedAt,
    received_at: receivedAt,
    content_type: SNAPSHOT_CONTENT_TYPE,
    body: read.document,
    job_id: read.snapshot.atsId,
  };
}

/** Commits the reads in the caller's transaction; returns those that were new, to hand to the worker once committed. */
export async function storeSnapshots(
  trx: Transaction<Database>,
  source: string,
  reads: readonly JobRead[],
  receivedAt: string,
  origin: SnapshotOrigin,
): Promise<{ eventId: string; snapshot: JobSnapshot }[]> {
  const stored: { eventId: string; snapshot: JobSnapshot }[] = [];
  for (const read of reads) {
    const event = snapshotInboxEvent(source, read, receivedAt, origin);
    // The worker decodes the row with `fetchedAt` = its `received_at`: hand over the same snapshot.
    if ((await insertEvent(trx, event)) === 'inserted') stored.push({ eventId: event.event_id, snapshot: { ...read.snapshot, fetchedAt: receivedAt } });
  }
  return stored;
}

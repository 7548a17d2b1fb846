import { z } from 'zod';
import type { AtsFailure, AtsOutcome, QueueElement, QueueInfo, QueueRef } from '../../ats-port.js';
import type { JobPosting } from '../../../src/domain/job-snapshot.js';
import { formatIssues, summariseIssues } from '../zod-issues.js';
import {
  openingDtoSchema,
  publishedAdvertDtoSchema,
  type OpeningDto,
  type PublishedAdvertDto,
  type QueuedPositionDto,
  type QueuedPostingTargetDto,
} from './dto.js';

/**
 * Reading what the ATS answered, without I/O: a body validated with the schemas of `dto.ts`
 * (an invalid answer is `permanent INVALID_RESPONSE` naming the path, e.g.
 * `data.positions[0].updateDate: expected an integer, got "2027-01-01"`), epoch milliseconds
 * turned into ISO 8601, and the vendor's posting and queue shapes turned into the port's.
 */

/** What `JobRead.document` holds: the job as read, and its postings when they were read with it. */
export const jobDocumentSchema = z.object({
  opening: openingDtoSchema,
  postings: z.array(publishedAdvertDtoSchema).nullable(),
});
export type JobDocumentJson = z.infer<typeof jobDocumentSchema>;

export const invalid = (call: string, why: string): { ok: false; error: AtsFailure } => ({
  ok: false,
  error: { kind: 'permanent', code: 'INVALID_RESPONSE', message: `${call}: invalid answer: ${why}` },
});

/** Parses `text` as JSON and checks it against `schema`; the failure names the path. */
export function parseBody<T>(call: string, text: string, schema: z.ZodType<T>, prefix = ''): AtsOutcome<T> {
  let json: unknown;
  try {
    json = JSON.parse(text) as unknown;
  } catch {
    return invalid(call, 'the body is not JSON');
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  return invalid(call, summariseIssues(formatIssues(parsed.error, json, prefix)));
}

/** The largest instant a JS date holds (±8.64e15 ms); beyond it `toISOString` would throw. */
const MAX_DATE_MS = 8.64e15;

/** Epoch milliseconds as ISO 8601 UTC, or undefined when out of a date's range. */
export function isoFromMs(ms: number): string | undefined {
  return Math.abs(ms) <= MAX_DATE_MS ? new Date(ms).toISOString() : undefined;
}

/** A posting in the port's terms; when it went out: its start, else its creation. */
export function postingFromDto(call: string, dto: PublishedAdvertDto, path: string): AtsOutcome<JobPosting> {
  const postedMs = dto.postingStartDate ?? dto.creationDate ?? null;
  const postedAt = postedMs === null ? null : isoFromMs(postedMs);
  if (postedAt === undefined)
    return invalid(
      call,
      `${path}.postingStartDate: expected epoch milliseconds within a date's range, got ${postedMs}`,
    );
  return { ok: true, value: { id: String(dto.id), atsStatus: dto.status ?? null, postedAt } };
}

export function postingsFromDtos(
  call: string,
  dtos: readonly PublishedAdvertDto[],
  path: string,
): AtsOutcome<JobPosting[]> {
  const postings: JobPosting[] = [];
  for (const [index, dto] of dtos.entries()) {
    const posting = postingFromDto(call, dto, `${path}[${index}]`);
    if (!posting.ok) return posting;
    postings.push(posting.value);
  }
  return { ok: true, value: postings };
}

export function queueElementFromPosition(queue: QueueRef, dto: QueuedPositionDto): QueueElement {
  return {
    kind: 'job',
    queueName: dto.queueName ?? queue.name,
    elementId: String(dto.idInQueue),
    jobId: String(dto.openingID),
    atsStatus: dto.jobStatus ?? null,
  };
}

export function queueElementFromPostingTarget(queue: QueueRef, dto: QueuedPostingTargetDto): QueueElement {
  return {
    kind: 'posting',
    queueName: dto.queueName ?? queue.name,
    elementId: String(dto.idInQueue),
    postingId: String(dto.id),
  };
}

export function queueInfos(
  queues: ReadonlyArray<{ name: string; elementsCount?: number | null | undefined }> | null | undefined,
): QueueInfo[] {
  return (queues ?? []).map((queue) => ({ name: queue.name, elements: queue.elementsCount ?? null }));
}

/** The serialised document of a job read (`JobRead.document`). */
export function jobDocument(opening: OpeningDto, postings: PublishedAdvertDto[] | null): string {
  const document: JobDocumentJson = { opening, postings };
  return JSON.stringify(document);
}

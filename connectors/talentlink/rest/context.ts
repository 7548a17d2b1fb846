import type { z } from 'zod';
import type { AtsFailure, AtsOutcome, CallLane } from '../../ats-port.js';
import type { JobSnapshot } from '../../../src/domain/job-snapshot.js';
import { parseBody } from './answers.js';
import type { OpeningDto, PublishedAdvertDto } from './dto.js';
import type { RestHttp } from './http.js';

/**
 * What the port's operations share: the HTTP module, the injected mapping of a job to the
 * neutral snapshot, the clock; and the one way to run a GraphQL read.
 */

/** The mapping of a vendor job (and its postings, when read) to the neutral snapshot. */
export type MapOpening = (
  opening: OpeningDto,
  postings: PublishedAdvertDto[] | null,
  fetchedAt: string,
) => AtsOutcome<JobSnapshot>;

export interface RestContext {
  http: RestHttp;
  mapOpening: MapOpening;
  /** Epoch milliseconds. */
  now(): number;
}

export const invalidArgument = (message: string): { ok: false; error: AtsFailure } => ({
  ok: false,
  error: { kind: 'permanent', code: 'INVALID_ARGUMENT', message },
});

export const notFound = (message: string): { ok: false; error: AtsFailure } => ({
  ok: false,
  error: { kind: 'permanent', code: 'NOT_FOUND', message },
});

/** Removes credentials from a failure built from the ATS's data (values shown in messages). */
export function scrubbed<T>(ctx: RestContext, outcome: AtsOutcome<T>): AtsOutcome<T> {
  return outcome.ok
    ? outcome
    : { ok: false, error: { ...outcome.error, message: ctx.http.scrub(outcome.error.message) } };
}

export interface GraphRead<T> {
  op: string;
  lane: CallLane;
  /** `/position`, `/publishedadvert`, `/user`. */
  path: string;
  query: string;
  schema: z.ZodType<T>;
}

/**
 * `GET {path}?query=…`, the answer validated (`data.<root>` is checked by the schema); `call`
 * is the redacted prefix for the caller's own messages about this answer.
 */
export async function graphRead<T>(
  ctx: RestContext,
  read: GraphRead<T>,
): Promise<AtsOutcome<{ data: T; call: string }>> {
  const answer = await ctx.http.request({
    op: read.op,
    lane: read.lane,
    method: 'GET',
    path: read.path,
    params: { query: read.query },
  });
  if (!answer.ok) return answer;
  const parsed = scrubbed(ctx, parseBody(answer.value.call, answer.value.body, read.schema));
  return parsed.ok ? { ok: true, value: { data: parsed.value, call: answer.value.call } } : parsed;
}

/** The instant of a read, for `fetchedAt`. */
export const fetchedAt = (ctx: RestContext): string => new Date(ctx.now()).toISOString();

import type { AtsOutcome, AtsPort, CallLane, ChangedJobsPage, JobRead } from '../../ats-port.js';
import { invalid, isoFromMs, jobDocument, postingFromDto, postingsFromDtos } from './answers.js';
import { freshRows, nextCursor, parseCursor, rowsToAsk, type ChangedRow } from './changes.js';
import { fetchedAt, graphRead, invalidArgument, notFound, scrubbed, type RestContext } from './context.js';
import {
  positionsAnswerSchema,
  publishedAdvertsAnswerSchema,
  type OpeningDto,
  type PublishedAdvertDto,
} from './dto.js';
import { MAX_PAGE, numericId, queries } from './queries.js';

/**
 * The port's reads of jobs and postings (docs/talentlink.md §2): one GraphQL read per call, with the same
 * selection of the job's fields everywhere, so that every `JobRead.document` decodes alike.
 */

type JobReads = Pick<AtsPort, 'fetchJob' | 'fetchJobs' | 'listChangedJobs' | 'listPostings' | 'fetchPosting'>;

/** A guard on a run-away listing: a job with more postings than this is an answer not understood. */
const MAX_POSTING_PAGES = 20;

export function createJobReads(ctx: RestContext): JobReads {
  const toJobRead = (opening: OpeningDto, postings: PublishedAdvertDto[] | null, at: string): AtsOutcome<JobRead> => {
    const mapped = scrubbed(ctx, ctx.mapOpening(opening, postings, at));
    if (!mapped.ok)
      return { ok: false, error: { ...mapped.error, message: `job ${opening.id}: ${mapped.error.message}` } };
    return { ok: true, value: { snapshot: mapped.value, document: jobDocument(opening, postings) } };
  };

  /** Every posting of a job, page after page (the vendor's pages hold at most 100). */
  async function postingsOf(op: string, jobId: number, lane: CallLane): Promise<AtsOutcome<PublishedAdvertDto[]>> {
    const all: PublishedAdvertDto[] = [];
    for (let page = 0; page < MAX_POSTING_PAGES; page++) {
      const read = await graphRead(ctx, {
        op,
        lane,
        path: '/publishedadvert',
        query: queries.postingsOfJob(jobId, all.length),
        schema: publishedAdvertsAnswerSchema,
      });
      if (!read.ok) return read;
      const rows = read.value.data.data.publishedAdverts ?? [];
      all.push(...rows);
      if (rows.length < MAX_PAGE) return { ok: true, value: all };
    }
    return invalid(`${op}: job ${jobId}`, `more than ${MAX_POSTING_PAGES * MAX_PAGE} postings`);
  }

  return {
    async fetchJob(jobId, options = {}) {
      const id = numericId(jobId);
      if (id === undefined)
        return invalidArgument(`fetchJob: the job id must be a decimal integer, got ${JSON.stringify(jobId)}`);
      const lane = options.lane ?? 'routine';
      const read = await graphRead(ctx, {
        op: 'fetchJob',
        lane,
        path: '/position',
        query: queries.jobById(id),
        schema: positionsAnswerSchema,
      });
      if (!read.ok) return read;
      const opening = read.value.data.data.positions?.[0];
      if (!opening) return notFound(`${read.value.call}: no job ${id}`);
      let postings: PublishedAdvertDto[] | null = null;
      if (options.withPostings) {
        const listed = await postingsOf('fetchJob', id, lane);
        if (!listed.ok) return listed;
        postings = listed.value;
      }
      return toJobRead(opening, postings, fetchedAt(ctx));
    },

    async fetchJobs(jobIds, options = {}) {
      const ids: number[] = [];
      for (const jobId of new Set(jobIds)) {
        const id = numericId(jobId);
        if (id === undefined)
          return invalidArgument(`fetchJobs: every job id must be a decimal integer, got ${JSON.stringify(jobId)}`);
        ids.push(id);
      }
      const lane = options.lane ?? 'approver';
      const jobs: JobRead[] = [];
      for (let start = 0; start < ids.length; start += MAX_PAGE) {
        const chunk = ids.slice(start, start + MAX_PAGE);
        const read = await graphRead(ctx, {
          op: 'fetchJobs',
          lane,
          path: '/position',
          query: queries.jobsByIds(chunk),
          schema: positionsAnswerSchema,
        });
        if (!read.ok) return read;
        const at = fetchedAt(ctx);
        for (const opening of read.value.data.data.positions ?? []) {
          const job = toJobRead(opening, null, at);
          if (!job.ok) return job;
          jobs.push(job.value);
        }
      }
      return { ok: true, value: jobs };
    },

    async listChangedJobs(cursor, pageSize): Promise<AtsOutcome<ChangedJobsPage>> {
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE) {
        return invalidArgument(`listChangedJobs: pageSize must be an integer from 1 to ${MAX_PAGE}, got ${pageSize}`);
      }
      const parsed = parseCursor(cursor);
      if (!parsed.ok) return invalidArgument(`listChangedJobs: ${parsed.message}`);
      const first = rowsToAsk(pageSize, parsed.value, MAX_PAGE);
      // Offsets only to step over rows already returned at `since`: the keyset does the paging.
      for (let after = 0; ; ) {
        const query = queries.changedJobs(parsed.value.sinceMs, first, after);
        const read = await graphRead(ctx, {
          op: 'listChangedJobs',
          lane: 'routine',
          path: '/position',
          query,
          schema: positionsAnswerSchema,
        });
        if (!read.ok) return read;
        const openings = read.value.data.data.positions ?? [];
        const rows: Array<ChangedRow & { opening: OpeningDto }> = [];
        for (const [index, opening] of openings.entries()) {
          const updateDate = opening.updateDate;
          if (updateDate === null || updateDate === undefined || isoFromMs(updateDate) === undefined) {
            return invalid(
              read.value.call,
              `data.positions[${index}].updateDate: expected epoch milliseconds, got ` +
                `${String(updateDate ?? 'nothing')}`,
            );
          }
          rows.push({ id: opening.id, updateDate, opening });
        }
        const fresh = freshRows(rows, parsed.value);
        const full = openings.length >= first;
        if (fresh.length === 0 && full) {
          after += openings.length;
          continue;
        }
        const taken = fresh.slice(0, pageSize);
        const at = fetchedAt(ctx);
        const jobs: JobRead[] = [];
        for (const row of taken) {
          const job = toJobRead(row.opening, null, at);
          if (!job.ok) return job;
          jobs.push(job.value);
        }
        return {
          ok: true,
          value: { jobs, next: nextCursor(cursor, parsed.value, taken), more: full || fresh.length > taken.length },
        };
      }
    },

    async listPostings(jobId) {
      const id = numericId(jobId);
      if (id === undefined)
        return invalidArgument(`listPostings: the job id must be a decimal integer, got ${JSON.stringify(jobId)}`);
      const listed = await postingsOf('listPostings', id, 'routine');
      if (!listed.ok) return listed;
      return scrubbed(ctx, postingsFromDtos(`listPostings: job ${id}`, listed.value, 'data.publishedAdverts'));
    },

    async fetchPosting(postingId) {
      const id = numericId(postingId);
      if (id === undefined)
        return invalidArgument(
          `fetchPosting: the posting id must be a decimal integer, got ${JSON.stringify(postingId)}`,
        );
      const query = queries.postingWithJob(id);
      const read = await graphRead(ctx, {
        op: 'fetchPosting',
        lane: 'takedown',
        path: '/publishedadvert',
        query,
        schema: publishedAdvertsAnswerSchema,
      });
      if (!read.ok) return read;
      const dto = read.value.data.data.publishedAdverts?.[0];
      if (!dto) return notFound(`${read.value.call}: no posting ${id}`);
      if (!dto.opening)
        return invalid(read.value.call, "data.publishedAdverts[0].opening: expected the posting's job, got nothing");
      const posting = scrubbed(ctx, postingFromDto(read.value.call, dto, 'data.publishedAdverts[0]'));
      if (!posting.ok) return posting;
      const job = toJobRead(dto.opening, null, fetchedAt(ctx));
      if (!job.ok) return job;
      return { ok: true, value: { posting: posting.value, job: job.value } };
    },
  };
}

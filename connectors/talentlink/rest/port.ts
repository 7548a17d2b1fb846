import type { AtsOutcome, AtsPort } from '../../ats-port.js';
import type { JobSnapshot, JobTeam, TeamMember } from '../../../src/domain/job-snapshot.js';
import type { CircuitBreaker } from '../circuit-breaker.js';
import { formatIssues, summariseIssues } from '../zod-issues.js';
import { jobDocumentSchema } from './answers.js';
import { graphRead, invalidArgument, notFound, scrubbed, type MapOpening, type RestContext } from './context.js';
import {
  usersAnswerSchema,
  type ApproverWrite,
  type PositionTeamPatch,
  type TeamMemberWrite,
  type UnpostBody,
} from './dto.js';
import { type Clock, systemClock } from '../../../src/clock.js';
import { createRestHttp, type RestHttpOptions } from './http.js';
import { createJobReads } from './job-reads.js';
import { numericId, queries } from './queries.js';
import { createQueueCalls } from './queue-calls.js';

export type { MapOpening } from './context.js';

/**
 * The real TalentLink behind the neutral `AtsPort` (docs/talentlink.md §1–§5). The mapping of a vendor job
 * to a `JobSnapshot` is injected (`mapOpening`), so this client knows the wire and the mapping
 * knows the tenant's vocabulary, each testable alone.
 */

export interface TalentLinkPortOptions extends Omit<RestHttpOptions, 'clock'> {
  mapOpening: MapOpening;
  /** Real time: it times the calls, the circuit and the quota's stop, as the gateway counts them. */
  clock?: Clock;
  /** The clock that dates each read (`fetchedAt`): the service's business clock; `clock` by default. */
  readClock?: Clock;
}

export interface TalentLinkPort extends AtsPort {
  /** The breaker's `state()` / `snapshot()` are what the dashboard shows. */
  readonly circuitBreaker: CircuitBreaker;
}

type Written = { ok: true; value: TeamMemberWrite } | { ok: false; message: string };

/** A member in the write shape (§4); a non-numeric user id cannot be sent. */
function memberWrite(member: TeamMember, path: string, approver: boolean): Written {
  const id = numericId(member.userId);
  if (id === undefined)
    return { ok: false, message: `${path}.userId: expected a decimal integer, got ${JSON.stringify(member.userId)}` };
  const write: ApproverWrite = { order: member.order, user: { id } };
  if (member.role !== null) write.lovValue = member.role;
  if (approver && member.stepOrder !== null) write.stepOrder = member.stepOrder;
  return { ok: true, value: write };
}

/** The whole team as `PATCH /position/{id}` takes it, or the first member that cannot be sent. */
export function teamPatch(team: JobTeam): { ok: true; value: PositionTeamPatch } | { ok: false; message: string } {
  const patch: PositionTeamPatch = { team: { recruiters: [], operationals: [], approvers: [] } };
  for (const role of ['recruiters', 'operationals', 'approvers'] as const) {
    for (const [index, member] of team[role].entries()) {
      const write = memberWrite(member, `team.${role}[${index}]`, role === 'approvers');
      if (!write.ok) return write;
      patch.team[role].push(write.value);
    }
  }
  return { ok: true, value: patch };
}

export function createTalentLinkPort(options: TalentLinkPortOptions): TalentLinkPort {
  const clock = options.clock ?? systemClock;
  const http = createRestHttp({ ...options, clock });
  const readClock = options.readClock ?? clock;
  const ctx: RestContext = { http, mapOpening: options.mapOpening, now: () => readClock.now().getTime() };

  return {
    name: 'talentlink',
    circuitBreaker: http.circuitBreaker,
    ...createJobReads(ctx),
    ...createQueueCalls(ctx),

    async setTeam(jobId, team) {
      const id = numericId(jobId);
      if (id === undefined)
        return invalidArgument(`setTeam: the job id must be a decimal integer, got ${JSON.stringify(jobId)}`);
      const patch = teamPatch(team);
      if (!patch.ok) return invalidArgument(`setTeam: job ${id}: ${patch.message}`);
      const answer = await http.request({
        op: 'setTeam',
        lane: 'approver',
        method: 'PATCH',
        path: `/position/${id}`,
        body: patch.value,
      });
      return answer.ok ? { ok: true, value: undefined } : answer;
    },

    async takeDownPostings(postingIds) {
      const ids: number[] = [];
      for (const postingId of new Set(postingIds)) {
        const id = numericId(postingId);
        if (id === undefined)
          return invalidArgument(
            `takeDownPostings: every posting id must be a decimal integer, got ${JSON.stringify(postingId)}`,
          );
        ids.push(id);
      }
      if (ids.length === 0) return { ok: true, value: undefined };
      const body: UnpostBody = { postingTargets: ids };
      const answer = await http.request({
        op: 'takeDownPostings',
        lane: 'takedown',
        method: 'PUT',
        path: '/publishedadvert/unpost',
        body,
        rules: { 404: { kind: 'already-applied', code: 'NOT_FOUND', why: 'the posting is already down or gone' } },
      });
      return answer.ok ? { ok: true, value: undefined } : answer;
    },

    async findUserId(login) {
      if (login.trim() === '') return invalidArgument('findUserId: the login is empty');
      const read = await graphRead(ctx, {
        op: 'findUserId',
        lane: 'routine',
        path: '/user',
        query: queries.userByLogin(login),
        schema: usersAnswerSchema,
      });
      if (!read.ok) return read;
      // The filter should be exact; the login is compared again (exactly, then ignoring case) so
      // that a tenant whose filter matches loosely cannot hand back another user.
      const users = read.value.data.data.users ?? [];
      const user =
        users.find((u) => u.login === login) ?? users.find((u) => u.login?.toLowerCase() === login.toLowerCase());
      // The login is the caller's own setting, not a secret; it is still not repeated in full in a message.
      if (!user) return notFound(`${read.value.call}: no user with the login asked for`);
      return { ok: true, value: String(user.id) };
    },

    async userEmail(userId) {
      const id = numericId(userId);
      if (id === undefined)
        return invalidArgument(`userEmail: the user id must be a decimal integer, got ${JSON.stringify(userId)}`);
      const read = await graphRead(ctx, {
        op: 'userEmail',
        lane: 'routine',
        path: '/user',
        query: queries.userEmail(id),
        schema: usersAnswerSchema,
      });
      if (!read.ok) return read;
      const user = read.value.data.data.users?.[0];
      if (!user) return notFound(`${read.value.call}: no user ${id}`);
      return { ok: true, value: user.email ?? null };
    },

    decodeJob(document, fetchedAt): AtsOutcome<JobSnapshot> {
      let json: unknown;
      try {
        json = JSON.parse(document) as unknown;
      } catch {
        return {
          ok: false,
          error: { kind: 'permanent', code: 'INVALID_DOCUMENT', message: 'decodeJob: the document is not JSON' },
        };
      }
      const parsed = jobDocumentSchema.safeParse(json);
      if (!parsed.success) {
        const message = `decodeJob: invalid document: ${summariseIssues(formatIssues(parsed.error, json, 'document'))}`;
        return scrubbed(ctx, { ok: false, error: { kind: 'permanent', code: 'INVALID_DOCUMENT', message } });
      }
      return scrubbed(ctx, options.mapOpening(parsed.data.opening, parsed.data.postings, fetchedAt));
    },
  };
}

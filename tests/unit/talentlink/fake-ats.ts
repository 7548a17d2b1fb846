import { http, HttpResponse, type HttpHandler } from 'msw';
import type { JobDocument } from '../../../connectors/talentlink/job-document.js';

/**
 * A small in-memory ATS answering the REST calls of spec §3 and the queue of §4, as msw
 * handlers. It checks credentials like the real one (Basic + `api_key`), records every request
 * it saw (after the auth check too, so tests can prove a call never left the client), and
 * keeps just enough state for the calls to behave as the contract says.
 */

export interface SeenRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: Headers;
  body: string;
  /** The test clock's time when the request arrived. */
  at: number;
}

export interface QueueItem {
  id: string;
  contentType: string;
  body: string;
}

export interface FakeAtsOptions {
  baseUrl: string;
  authorization: string;
  apiKey: string;
  now?: () => number;
}

export function createFakeAts(options: FakeAtsOptions) {
  const root = `${options.baseUrl}/tlk/rest`;
  const jobs = new Map<string, JobDocument>();
  const modifiedAt = new Map<string, string>();
  const queues = new Map<string, QueueItem[]>();
  const knownTeams = new Set(['EN3S dérogation']);
  const seen: SeenRequest[] = [];
  let tick = 0;
  const stamp = () => new Date(Date.UTC(2027, 1, 1, 8, 0, tick++)).toISOString();

  const put = (job: JobDocument) => {
    jobs.set(job.id, structuredClone(job));
    modifiedAt.set(job.id, stamp());
  };
  const change = (job: JobDocument) => {
    job.version += 1;
    modifiedAt.set(job.id, stamp());
  };
  const notFound = (what: string) => HttpResponse.json({ code: 'NOT_FOUND', message: `${what} not found` }, { status: 404 });
  const jobOf = (id: unknown) => (typeof id === 'string' ? jobs.get(id) : undefined);

  const handlers: HttpHandler[] = [
    http.all(`${root}/*`, async ({ request }) => {
      const url = new URL(request.url);
      seen.push({
        method: request.method,
        path: url.pathname.slice('/tlk/rest'.length),
        query: url.searchParams,
        headers: request.headers,
        body: await request.clone().text(),
        at: options.now?.() ?? 0,
      });
      if (request.headers.get('authorization') !== options.authorization || request.headers.get('api_key') !== options.apiKey) {
        return HttpResponse.json({ code: 'UNAUTHORIZED', message: 'bad credentials' }, { status: 401 });
      }
      return undefined;
    }),

    http.get(`${root}/jobs/:id`, ({ params }) => {
      const job = jobOf(params.id);
      return job ? HttpResponse.json(job) : notFound(`job ${String(params.id)}`);
    }),

    http.get(`${root}/jobs`, ({ request }) => {
      const query = new URL(request.url).searchParams;
      const since = query.get('modifiedSince') ?? '';
      const page = Number(query.get('page') ?? '1');
      const pageSize = Number(query.get('pageSize') ?? '50');
      if (pageSize > 200) return HttpResponse.json({ code: 'PAGE_SIZE_TOO_LARGE', message: 'pageSize at most 200' }, { status: 400 });
      const changed = [...jobs.values()]
        .filter((job) => (modifiedAt.get(job.id) ?? '') > since)
        .sort((a, b) => (modifiedAt.get(a.id) ?? '').localeCompare(modifiedAt.get(b.id) ?? ''));
      const items = changed.slice((page - 1) * pageSize, page * pageSize);
      return HttpResponse.json({ items, page, pageSize, total: changed.length });
    }),

    http.put(`${root}/jobs/:id/teams/approval`, async ({ params, request }) => {
      const job = jobOf(params.id);
      if (!job) return notFound(`job ${String(params.id)}`);
      const { name } = (await request.json()) as { name: string };
      if (!knownTeams.has(name)) return HttpResponse.json({ code: 'UNKNOWN_TEAM', message: `no team named ${name}` }, { status: 422 });
      const others = job.teams.filter((team) => team.role !== 'approval');
      const already = job.teams.some((team) => team.role === 'approval' && team.name === name);
      if (!already) {
        job.teams = [...others, { role: 'approval', name, members: [{ userId: 'u-en3s', name: `${name} EN3S` }] }];
        change(job);
      }
      return HttpResponse.json(job);
    }),

    http.post(`${root}/jobs/:id/approval-process`, async ({ params, request }) => {
      const job = jobOf(params.id);
      if (!job) return notFound(`job ${String(params.id)}`);
      const body = (await request.json()) as { processName: string; dueDate: string };
      const team = job.teams.find((t) => t.role === 'approval');
      if (!team?.name) return HttpResponse.json({ code: 'NO_APPROVAL_TEAM', message: 'the job has no approval team' }, { status: 422 });
      if (job.approvalProcess && job.approvalProcess.status !== 'NOT_STARTED' && job.approvalProcess.status !== 'CANCELLED') {
        return HttpResponse.json({ code: 'ALREADY_STARTED', message: 'an approval process is in progress or decided' }, { status: 409 });
      }
      job.approvalProcess = {
        name: body.processName,
        version: (job.approvalProcess?.version ?? 0) + 1,
        status: 'IN_PROGRESS',
        startedAt: stamp(),
        dueDate: body.dueDate,
        steps: [{ order: 1, team: team.name, status: 'PENDING' }],
      };
      change(job);
      return HttpResponse.json(job, { status: 201 });
    }),

    http.put(`${root}/jobs/:id/publication-lock`, async ({ params, request }) => {
      const job = jobOf(params.id);
      if (!job) return notFound(`job ${String(params.id)}`);
      const { locked, reason } = (await request.json()) as { locked: boolean; reason: string };
      if (job.publicationLock?.locked !== locked) {
        job.publicationLock = { locked, reason, since: stamp() };
        change(job);
      }
      return HttpResponse.json(job);
    }),

    http.post(`${root}/jobs/:id/postings/:postingId/withdraw`, ({ params }) => {
      const job = jobOf(params.id);
      const posting = job?.postings.find((p) => p.id === params.postingId);
      if (!job || !posting) return notFound(`posting ${String(params.postingId)}`);
      if (posting.status !== 'WITHDRAWN') {
        posting.status = 'WITHDRAWN';
        posting.withdrawnAt = stamp();
        change(job);
      }
      return HttpResponse.json(job);
    }),

    http.get(`${root}/queues/job-events/:queue/oldest-element`, ({ params }) => {
      const item = queues.get(String(params.queue))?.[0];
      if (!item) return new HttpResponse(null, { status: 204 });
      return new HttpResponse(item.body, { status: 200, headers: { 'Content-Type': item.contentType } });
    }),

    http.delete(`${root}/queues/job-events/:queue/elements/:id`, ({ params }) => {
      const items = queues.get(String(params.queue)) ?? [];
      queues.set(
        String(params.queue),
        items.filter((item) => item.id !== params.id),
      );
      return new HttpResponse(null, { status: 204 });
    }),
  ];

  return {
    handlers,
    seen,
    put,
    job: (id: string) => jobs.get(id),
    enqueue: (queue: string, item: QueueItem) => queues.set(queue, [...(queues.get(queue) ?? []), item]),
    queueLength: (queue: string) => queues.get(queue)?.length ?? 0,
  };
}

export type FakeAts = ReturnType<typeof createFakeAts>;

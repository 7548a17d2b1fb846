import { http, HttpResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import type { ChangeCursor, JobRead } from '../../../connectors/ats-port.js';
import { argumentsOf, makePort, REST, sampleOpening, sentQuery, interceptedTenant } from './support.js';

/** `listChangedJobs` against a tenant that honours the filter, the sort and the paging (docs/talentlink.md §2). */

const { server, seen } = interceptedTenant();

const positions = (list: unknown[]) => HttpResponse.json({ data: { positions: list } });

describe('listChangedJobs: keyset paging', () => {
  /** A tenant's job list that honours updateDate_ge, the ascending sort, first and after. */
  function tenant(jobs: Array<{ id: number; updateDate: number }>) {
    server.use(
      http.get(`${REST}/position`, ({ request }) => {
        const args = argumentsOf(sentQuery(request)) as {
          where: { updateDate_ge: number };
          first: number;
          after: number;
          sortBy: string;
          orderBy: string;
        };
        expect([args.sortBy, args.orderBy]).toEqual(['updateDate', 'ASC']);
        const page = jobs
          .filter((job) => job.updateDate >= args.where.updateDate_ge)
          .sort((a, b) => a.updateDate - b.updateDate)
          .slice(args.after, args.after + args.first);
        return positions(page.map((job) => sampleOpening(job)));
      }),
    );
  }

  async function drain(
    port: ReturnType<typeof makePort>['port'],
    cursor: ChangeCursor,
    pageSize: number,
    onPage?: (n: number) => void,
  ) {
    const got: JobRead[] = [];
    for (let n = 0; n < 50; n++) {
      const page = await port.listChangedJobs(cursor, pageSize);
      if (!page.ok) throw new Error(page.error.message);
      got.push(...page.value.jobs);
      cursor = page.value.next;
      onPage?.(n);
      if (!page.value.more) return { got, cursor };
    }
    throw new Error('the listing did not end');
  }

  const T = Date.parse('2027-01-13T08:00:00Z');

  it('returns every job once, across pages cut in the middle of an instant, and ends', async () => {
    const jobs = [
      { id: 1, updateDate: T },
      { id: 2, updateDate: T + 1 },
      { id: 3, updateDate: T + 1 },
      { id: 4, updateDate: T + 1 },
      { id: 5, updateDate: T + 2 },
      { id: 6, updateDate: T + 3 },
    ];
    tenant(jobs);
    const { port } = makePort();
    const { got, cursor } = await drain(port, { since: new Date(T).toISOString(), seenAtSince: [] }, 2);
    expect(got.map((job) => job.snapshot.atsId)).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(cursor).toEqual({ since: new Date(T + 3).toISOString(), seenAtSince: ['6'] });
    expect(seen.map((r) => argumentsOf(sentQuery(r)).where)).toContainEqual({ updateDate_ge: T + 1 });
  });

  it('a job changed while listing (moved to the end) is returned again, none is skipped', async () => {
    const jobs = [
      { id: 1, updateDate: T },
      { id: 2, updateDate: T + 5 },
      { id: 3, updateDate: T + 9 },
    ];
    tenant(jobs);
    const { port } = makePort();
    const { got } = await drain(port, { since: new Date(T).toISOString(), seenAtSince: [] }, 1, (n) => {
      if (n === 0) jobs[0]!.updateDate = T + 7; // our own write moves job 1 after job 2
    });
    expect(got.map((job) => `${job.snapshot.atsId}@${job.snapshot.updatedAt.slice(20)}`)).toEqual([
      '1@000Z',
      '2@005Z',
      '1@007Z',
      '3@009Z',
    ]);
  });

  it('steps over more jobs already seen at one instant than a page holds', async () => {
    const jobs = Array.from({ length: 130 }, (_, i) => ({ id: i + 1, updateDate: T }));
    jobs.push({ id: 500, updateDate: T + 1 });
    tenant(jobs);
    const { port, budget } = makePort();
    const seenAtSince = jobs.slice(0, 120).map((job) => String(job.id));
    const page = await port.listChangedJobs({ since: new Date(T).toISOString(), seenAtSince }, 20);
    if (!page.ok) throw new Error(page.error.message);
    expect(page.value.jobs.map((job) => job.snapshot.atsId)).toEqual([
      ...jobs.slice(120, 130).map((j) => String(j.id)),
      '500',
    ]);
    expect(page.value.more).toBe(false);
    expect(seen.map((r) => argumentsOf(sentQuery(r)).after)).toEqual([0, 100]);
    expect(budget.lanes).toEqual(['routine', 'routine']);
  });

  it('an empty listing keeps the cursor; bad arguments are refused before any call', async () => {
    tenant([]);
    const { port } = makePort();
    const cursor = { since: '2027-01-13T08:00:00.000Z', seenAtSince: ['4'] };
    expect(await port.listChangedJobs(cursor, 10)).toEqual({
      ok: true,
      value: { jobs: [], next: cursor, more: false },
    });
    const calls = seen.length;
    expect(await port.listChangedJobs({ since: 'hier', seenAtSince: [] }, 10)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_ARGUMENT' },
    });
    expect(await port.listChangedJobs(cursor, 101)).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(seen).toHaveLength(calls);
  });

  it('a job listed without its updateDate is an invalid answer naming it', async () => {
    server.use(http.get(`${REST}/position`, () => positions([sampleOpening({ updateDate: null })])));
    expect(await makePort().port.listChangedJobs({ since: '2027-01-13T08:00:00Z', seenAtSince: [] }, 5)).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_RESPONSE',
        message: expect.stringContaining('data.positions[0].updateDate: expected epoch milliseconds, got nothing'),
      },
    });
  });
});

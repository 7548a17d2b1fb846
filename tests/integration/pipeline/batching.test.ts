import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { AtsConnector } from '../../../connectors/ats-connector.js';
import { Dispatcher } from '../../../src/pipeline/dispatcher.js';
import { InboxWorker } from '../../../src/pipeline/inbox-worker.js';
import { ParsedDocuments } from '../../../src/pipeline/parsed-documents.js';
import { verifyLedger } from '../../../src/store/ledger.js';
import { getOffer } from '../../../src/store/offers.js';
import { testDatabases } from '../../support/databases.js';
import { jobDocument } from '../../support/job-documents.js';
import { PipelineHarness } from '../../support/pipeline-harness.js';

/**
 * What the pipeline does to go faster must not change what it does: several inbox rows applied
 * in one transaction (one failing row sends the others back to one transaction each), documents
 * handed from the receiver to the worker instead of parsed twice, and commands of different
 * offers sent side by side while each offer's own commands keep their order.
 */

const start = '2027-02-01T09:00:00.000Z';
const cpam7 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.each(testDatabases())('pipeline batching on %s', (dialect) => {
  let h: PipelineHarness;
  afterEach(async () => {
    expect(await verifyLedger(h.store.db)).toMatchObject({ ok: true });
    await h.close();
  });

  it('applies a batch in one transaction; a row that fails is retried alone and the others stay applied', async () => {
    h = await PipelineHarness.open(dialect, 'batch-poison', { start });
    const jobs = [h.actors.createJob(jobDocument(cpam7)), h.actors.createJob(jobDocument(cpam7)), h.actors.createJob(jobDocument(cpam7))];
    expect(await h.deliver()).toBe(3);
    const poisoned = jobs[1]!.id;
    // The database refuses anything about the second job, as a broken disk page or a bug would.
    if (dialect === 'sqlite') {
      await sql`create trigger poison before insert on ledger when new.offer_ats_id = ${sql.lit(poisoned)} begin select raise(abort, 'poisoned row'); end`.execute(h.store.db);
    } else {
      await sql`create function poison() returns trigger language plpgsql as $$ begin if new.offer_ats_id = ${sql.lit(poisoned)} then raise exception 'poisoned row'; end if; return new; end $$`.execute(h.store.db);
      await sql`create trigger poison before insert on ledger for each row execute function poison()`.execute(h.store.db);
    }
    const worker = new InboxWorker(h.ctx, { owner: 'batch-worker', eventsPerTransaction: 10 });
    expect(await worker.runOnce()).toBe(3);
    for (const job of [jobs[0]!, jobs[2]!]) expect((await h.offer(job.id)).state).toBe('awaiting_team');
    expect(await getOffer(h.store.db, { source: 'talentlink', ats_id: poisoned, campaign: 2027 })).toBeNull();
    const row = await h.store.db.selectFrom('inbox').selectAll().where('job_id', '=', poisoned).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toContain('poisoned row');

    if (dialect === 'sqlite') await sql`drop trigger poison`.execute(h.store.db);
    else await sql`drop trigger poison on ledger`.execute(h.store.db);
    h.clock.advance(1_000);
    expect(await worker.runOnce()).toBe(1);
    expect((await h.offer(poisoned)).state).toBe('awaiting_team');
  });

  it('lets the event loop serve other work between two transactions of a batch', async () => {
    h = await PipelineHarness.open(dialect, 'batch-yield', { start });
    for (let i = 0; i < 25; i++) h.actors.createJob(jobDocument(cpam7));
    expect(await h.deliver()).toBe(25);
    // A webhook arriving while the batch runs is such work: on SQLite, whose answers come
    // synchronously, it would otherwise wait for the whole batch.
    const order: string[] = [];
    setImmediate(() => order.push('other work'));
    const worker = new InboxWorker(h.ctx, { owner: 'yield-worker', eventsPerTransaction: 10 });
    await worker.runOnce().then((n) => order.push(`batch of ${n} done`));
    expect(order).toEqual(['other work', 'batch of 25 done']);
  });

  it('takes the document handed over by the receiver instead of parsing the stored body', async () => {
    h = await PipelineHarness.open(dialect, 'batch-handoff', { start });
    const job = h.actors.createJob(jobDocument(cpam7));
    await h.deliver();
    const row = await h.store.db.selectFrom('inbox').select(['event_id']).where('job_id', '=', job.id).executeTakeFirstOrThrow();
    // The handed document says something the body does not: the worker must have used it.
    const documents = new ParsedDocuments();
    documents.put('talentlink', row.event_id, { ...h.ats.job(job.id)!, openingName: 'Titre remis par le récepteur' });
    const worker = new InboxWorker({ ...h.ctx, documents }, { owner: 'handoff-worker' });
    expect(await worker.runOnce()).toBe(1);
    expect((await h.offer(job.id)).title).toBe('Titre remis par le récepteur');
    expect(documents.size).toBe(0);
  });

  it('sends the commands of different offers side by side, those of one offer in their order', async () => {
    h = await PipelineHarness.open(dialect, 'batch-lanes', { start });
    const jobs = Array.from({ length: 4 }, () => h.actors.createJob(jobDocument(cpam7)));
    await h.deliver();
    await h.worker.drain();
    const spans: { job: string; outboxOrder: number; from: number; to: number }[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const slow = (method: 'assignApprovalTeam' | 'setPublicationLock') =>
      (async (jobId: string, ...rest: unknown[]) => {
        inFlight += 1;
        mostInFlight = Math.max(mostInFlight, inFlight);
        const from = performance.now();
        await sleep(25);
        inFlight -= 1;
        const answer = await (h.ctx.ats[method] as (...args: unknown[]) => unknown)(jobId, ...rest);
        spans.push({ job: jobId, outboxOrder: method === 'setPublicationLock' ? 0 : 1, from, to: performance.now() });
        return answer;
      }) as never;
    const ats: AtsConnector = { ...h.ctx.ats, getJob: h.ctx.ats.getJob.bind(h.ctx.ats), assignApprovalTeam: slow('assignApprovalTeam'), setPublicationLock: slow('setPublicationLock') };
    const queued = await h.store.db.selectFrom('outbox').select(['ats_id', 'kind']).where('status', '=', 'pending').orderBy('id').execute();
    expect(queued.map((c) => c.kind)).toEqual(jobs.flatMap(() => ['set_lock', 'assign_team']));
    const dispatcher = new Dispatcher({ ...h.ctx, ats }, { owner: 'lanes', concurrency: 3, random: () => 0.5 });
    expect(await dispatcher.runOnce()).toBe(8);
    expect(mostInFlight).toBe(3);
    for (const job of jobs) {
      const own = spans.filter((s) => s.job === job.id);
      expect(own.map((s) => s.outboxOrder)).toEqual([0, 1]);
      // The team is asked for only once the lock was answered.
      expect(own[1]!.from).toBeGreaterThanOrEqual(own[0]!.to);
    }
    const done = await h.store.db.selectFrom('outbox').select('status').where('status', '!=', 'done').execute();
    expect(done).toEqual([]);
  });
});

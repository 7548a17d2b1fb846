import { afterEach, describe, expect, it } from 'vitest';
import { SNAPSHOT_EVENT } from '../../../src/pipeline/inbox-worker.js';
import { insertEvent } from '../../../src/store/inbox.js';
import { verifyLedger } from '../../../src/store/ledger.js';
import { testDatabases } from '../../support/databases.js';
import { jobDocument } from '../../support/job-documents.js';
import { notificationEvent, PipelineHarness } from '../../support/pipeline-harness.js';

/**
 * Everything downstream of the inbox is idempotent: a notification delivered again, the same
 * document under another event id, an older version arriving late, or a replay of the whole
 * inbox change nothing but the ledger (which records that they came).
 */

const cpam7 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };
const start = '2027-02-01T09:00:00.000Z';

describe.each(testDatabases())('duplicates and stale versions on %s', (dialect) => {
  let h: PipelineHarness;
  afterEach(async () => {
    expect(await verifyLedger(h.store.db)).toMatchObject({ ok: true });
    await h.close();
  });

  /** Everything but the ledger: offers, outbox and the ATS's calls. */
  const snapshot = async () => ({
    offers: await h.store.db.selectFrom('offers').selectAll().orderBy('ats_id').execute(),
    outbox: await h.store.db.selectFrom('outbox').selectAll().orderBy('id').execute(),
    calls: h.ats.calls.length,
  });

  it('a webhook retry with the same event id is stored once; the same or an older version under another id changes only the ledger', async () => {
    h = await PipelineHarness.open(dialect, 'idem-duplicates', { start });
    const job = h.actors.createJob(jobDocument(cpam7));
    const created = h.ats.takeNotifications();
    await h.store.db.transaction().execute(async (trx) => {
      for (const n of created) await insertEvent(trx, notificationEvent(n, h.clock.now().toISOString()));
    });
    await h.settle();
    h.actors.validate(job.id);
    await h.settle();
    expect((await h.offer(job.id)).state).toBe('approved');
    const before = await snapshot();
    const ledgerBefore = (await h.ledger()).length;

    h.clock.advance(60_000);
    const now = h.clock.now().toISOString();
    // The ATS retries the first notification: same id, refused by the inbox.
    expect(await insertEvent(h.store.db, notificationEvent(created[0]!, now))).toBe('duplicate');
    // The newest document again, pulled from the queue under another id, and the first one, late.
    const latest = h.ats.job(job.id)!;
    const asSnapshot = (id: string, doc: typeof latest) => ({
      source: 'talentlink',
      event_id: id,
      event_type: SNAPSHOT_EVENT,
      occurred_at: null,
      received_at: now,
      content_type: 'application/json',
      body: JSON.stringify(doc),
      job_id: doc.id,
      job_version: doc.version,
    });
    await insertEvent(h.store.db, asSnapshot(`fetch:${job.id}:v${latest.version}`, latest));
    await insertEvent(h.store.db, asSnapshot(`late:${job.id}:v1`, created[0]!.job));
    await h.settle();

    expect(await snapshot()).toEqual(before);
    const added = (await h.ledger()).slice(ledgerBefore).map((e) => e.kind);
    expect(added).toEqual(['event.received', 'event.duplicate', 'event.received', 'event.stale']);
  });

  it('a replay of the whole inbox changes nothing', async () => {
    h = await PipelineHarness.open(dialect, 'idem-replay', { start });
    const jobs = [h.actors.createJob(jobDocument(cpam7)), h.actors.createJob(jobDocument({ orgName: 'CAF du Nord', grid: 'RG', level: '5A' })), h.actors.createJob(jobDocument(cpam7))];
    h.actors.publish(jobs[2]!.id);
    await h.settle();
    h.actors.refuse(jobs[0]!.id);
    await h.settle();
    const before = await snapshot();
    const rows = await h.store.db.selectFrom('inbox').selectAll().orderBy('id').execute();
    expect(rows.length).toBeGreaterThan(10);

    h.clock.advance(3600_000);
    for (const row of rows.reverse()) {
      const { id: _id, status: _s, attempts: _a, lease_owner: _o, lease_until: _u, processed_at: _p, last_error: _e, ...event } = row;
      await insertEvent(h.store.db, { ...event, event_id: `replay:${row.event_id}`, received_at: h.clock.now().toISOString() });
    }
    await h.settle();
    expect(await snapshot()).toEqual(before);
    const inbox = await h.store.db.selectFrom('inbox').select(['status']).execute();
    expect(inbox.every((r) => r.status === 'done')).toBe(true);
  });
});

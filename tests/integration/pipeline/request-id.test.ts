import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtsConnector, AtsResult } from '../../../connectors/ats-connector.js';
import type { JobDocument } from '../../../connectors/talentlink/job-document.js';
import { Dispatcher } from '../../../src/pipeline/dispatcher.js';
import { InboxWorker } from '../../../src/pipeline/inbox-worker.js';
import { currentRequestId } from '../../../src/pipeline/request-context.js';
import { insertEvent } from '../../../src/store/inbox.js';
import { openTestStore, testDatabases } from '../../support/databases.js';
import { data, talentlink } from '../../support/domain.js';
import { JobStory, policy } from '../../support/workflow.js';

/**
 * The request id follows a change from the notification to the ATS calls it causes: each call
 * is made with the notification id as the current request id (sent as `x-request-id`).
 */
describe.each(testDatabases())('request id from webhook to ATS call (%s)', (dialect) => {
  let test: Awaited<ReturnType<typeof openTestStore>>;
  beforeAll(async () => {
    test = await openTestStore(dialect, 'request-id');
  });
  afterAll(async () => {
    await test.cleanup();
  });

  it('every ATS call runs under the id of the notification that called for it', async () => {
    const job = new JobStory({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' });
    const seen: { op: string; requestId: string | undefined }[] = [];
    const answer = (op: string): Promise<AtsResult<JobDocument>> => {
      seen.push({ op, requestId: currentRequestId() });
      return Promise.resolve({ ok: true, value: job.doc });
    };
    const ats: AtsConnector = {
      name: 'recording',
      getJob: () => answer('getJob'),
      listChanged: () => Promise.resolve({ ok: true, value: { items: [], page: 1, pageSize: 200, total: 0 } }),
      assignApprovalTeam: () => answer('assignApprovalTeam'),
      startApproval: () => answer('startApproval'),
      setPublicationLock: () => answer('setPublicationLock'),
      withdrawPosting: () => answer('withdrawPosting'),
      readQueue: () => Promise.resolve({ ok: true, value: null }),
      ackQueue: () => Promise.resolve({ ok: true, value: undefined }),
    };
    const clock = { now: () => new Date('2027-02-01T09:00:00Z') };
    const log = { info() {}, warn() {}, error() {}, debug() {} };
    const ctx = { store: test, domain: data, mapping: talentlink, policy, clock, log, ats };
    await insertEvent(test.db, {
      source: 'talentlink',
      event_id: 'evt-request-id-1',
      event_type: 'job.created',
      occurred_at: null,
      received_at: clock.now().toISOString(),
      content_type: 'application/json',
      body: JSON.stringify({ id: 'evt-request-id-1', type: 'job.created', occurredAt: clock.now().toISOString(), job: job.doc }),
      job_id: job.doc.id,
      job_version: job.doc.version,
    });
    await new InboxWorker(ctx, { owner: 'w' }).drain();
    await new Dispatcher(ctx, { owner: 'd' }).runOnce();
    expect(seen.map((s) => s.op).sort()).toEqual(['assignApprovalTeam', 'setPublicationLock']);
    expect(new Set(seen.map((s) => s.requestId))).toEqual(new Set(['evt-request-id-1']));
    const rows = await test.db.selectFrom('outbox').select(['kind', 'request_id']).execute();
    expect(rows.every((r) => r.request_id === 'evt-request-id-1')).toBe(true);
  });
});

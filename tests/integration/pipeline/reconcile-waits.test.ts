import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtsFailure, AtsOutcome, AtsPort, ChangedJobsPage } from '../../../connectors/ats-port.js';
import { silentLogger } from '../../../src/logger.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import { reconcile } from '../../../src/pipeline/reconciler.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { JobStory, testPolicy, unreachableAts } from '../../support/job-snapshots.js';

/**
 * The change listing waits out the gateway's "over limit" (a 403 that is a wait, docs/talentlink.md §1) and asks
 * for the same page again, instead of giving up until the next run; a refusal still ends the run.
 */

const T0 = '2027-01-12T09:00:00.000Z';
const throttled: AtsFailure = {
  kind: 'throttled',
  code: 'OVER_QPS',
  message: 'listChangedJobs: Account Over Queries Per Second Limit',
  status: 403,
  retryAfterMs: 5,
};

describe.each(testDatabases())('reconciliation on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'reconcile-waits');
  });
  afterAll(() => store?.cleanup());

  function listing(answers: AtsOutcome<ChangedJobsPage>[]) {
    const cursors: string[] = [];
    const ats: AtsPort = Object.assign(Object.create(unreachableAts) as AtsPort, {
      name: 'talentlink',
      async listChangedJobs(cursor: { since: string }): Promise<AtsOutcome<ChangedJobsPage>> {
        cursors.push(cursor.since);
        return (
          answers.shift() ?? {
            ok: true,
            value: { jobs: [], next: { since: cursor.since, seenAtSince: [] }, more: false },
          }
        );
      },
    });
    const ctx: PipelineContext = {
      store,
      domain: data,
      policy: testPolicy,
      clock: { now: () => new Date(T0) },
      log: silentLogger,
      ats,
    };
    return { ctx, cursors };
  }

  it('asks for the same page again after a gateway limit, and lists it', async () => {
    const story = new JobStory({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' }, T0, {
      atsId: '7101',
      jobNumber: 'NVHADD7101',
    });
    const page: ChangedJobsPage = {
      jobs: [{ snapshot: story.snapshot, document: JSON.stringify(story.snapshot) }],
      next: { since: T0, seenAtSince: ['7101'] },
      more: false,
    };
    const { ctx, cursors } = listing([
      { ok: false, error: throttled },
      { ok: false, error: throttled },
      { ok: true, value: page },
    ]);
    const result = await reconcile(ctx, { initialSince: '2027-01-01T00:00:00.000Z' });
    expect(result).toMatchObject({ ok: true, listed: 1, inserted: 1 });
    expect(cursors).toEqual(['2027-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z', '2027-01-01T00:00:00.000Z']);
  });

  it('a refusal ends the run at once, the cursor where it was', async () => {
    const refused: AtsFailure = {
      kind: 'permanent',
      code: 'HTTP_400',
      message: 'listChangedJobs: HTTP 400',
      status: 400,
    };
    const { ctx, cursors } = listing([{ ok: false, error: refused }]);
    const result = await reconcile(ctx);
    expect(result).toMatchObject({ ok: false, listed: 0, error: expect.stringContaining('HTTP_400') });
    expect(cursors).toHaveLength(1);
  });
});

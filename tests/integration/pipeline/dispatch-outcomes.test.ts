import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { administratorName } from '../../../src/cli/commands/outbox.js';
import type { AtsFailure, AtsOutcome, AtsPort, JobRead } from '../../../connectors/ats-port.js';
import type { JobTeam } from '../../../src/domain/job-snapshot.js';
import { describeEntry } from '../../../src/admin/timeline.js';
import { applySnapshot, applyToKnownOffer } from '../../../src/pipeline/apply.js';
import { silentLogger } from '../../../src/logger.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import { Dispatcher } from '../../../src/pipeline/dispatcher.js';
import { readLedger } from '../../../src/store/ledger.js';
import { listOfferCommands } from '../../../src/store/outbox.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { en3sInProcess } from '../../support/cli.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { en3sApprover, JobStory, recruiter, testPolicy, unreachableAts } from '../../support/job-snapshots.js';

/**
 * What the dispatcher does with each kind of answer of the ATS to a team call: done and read
 * back; the gateway's "over limit" a wait that spends no attempt and leaves nothing false in the
 * ledger; a refusal straight to dead-letter; a command the process no longer wants never sent.
 */

const T0 = '2027-01-12T09:00:00.000Z';
const throttled: AtsFailure = {
  kind: 'throttled',
  code: 'OVER_QPS',
  message: 'PATCH /position/1: Account Over Queries Per Second Limit',
  status: 403,
  retryAfterMs: 1,
};
const refused: AtsFailure = {
  kind: 'permanent',
  code: 'HTTP_400',
  message: 'PATCH /position/1: 400 (user 900 is not an approver)',
  status: 400,
};

/** A port whose team call answers, in turn, what the test scripts; reads give the job as it then is. */
function scriptedPort(story: JobStory, answers: AtsOutcome<void>[]) {
  const calls: string[] = [];
  const port: AtsPort = Object.assign(Object.create(unreachableAts) as AtsPort, {
    name: 'talentlink',
    async setTeam(_jobId: string, team: JobTeam): Promise<AtsOutcome<void>> {
      calls.push('setTeam');
      const answer = answers.shift() ?? { ok: true, value: undefined };
      if (answer.ok)
        story.approvers(new Date(Date.parse(story.snapshot.updatedAt) + 1000).toISOString(), team.approvers);
      return answer;
    },
    async fetchJobs(): Promise<AtsOutcome<JobRead[]>> {
      calls.push('fetchJobs');
      const snapshot = { ...story.snapshot, fetchedAt: story.snapshot.updatedAt };
      return { ok: true, value: [{ snapshot, document: JSON.stringify(snapshot) }] };
    },
  });
  return { port, calls };
}

const en3s = en3sInProcess;

describe.each(testDatabases())('dispatching team calls on %s', (dialect) => {
  let store: TestStore;
  let jobs = 0;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'dispatch-outcomes');
  });
  afterAll(() => store?.cleanup());

  /** A concerned job seen without EN3S: the process asks for the team call. */
  async function concernedJob(answers: AtsOutcome<void>[]) {
    const story = new JobStory({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' }, T0, {
      atsId: String(9000 + ++jobs),
      jobNumber: `NVHADD9${jobs}`,
    });
    const { port, calls } = scriptedPort(story, answers);
    const ctx: PipelineContext = {
      store,
      domain: data,
      policy: testPolicy,
      clock: { now: () => new Date(T0) },
      log: silentLogger,
      ats: port,
    };
    await inTransaction(store, (trx) =>
      applySnapshot(
        ctx,
        trx,
        { snapshot: story.snapshot, posting: null, origin: 'queue' },
        { eventId: `e-${jobs}`, type: 'job.snapshot' },
        new Date(T0),
      ),
    );
    const key = { source: 'talentlink', ats_id: story.snapshot.atsId, campaign: 2027 };
    const dispatcher = new Dispatcher(ctx, { owner: `test-${jobs}`, random: () => 0, baseDelayMs: 1 });
    return { story, calls, key, dispatcher };
  }

  const commandsOf = (key: { source: string; ats_id: string; campaign: number }) => listOfferCommands(store.db, key);
  const ledgerKinds = async (key: { source: string; ats_id: string; campaign: number }) =>
    (await readLedger(store.db, { offer: key, limit: 1000 })).map((e) => e.kind);

  /** As if the latest evaluation of the job wanted no command any more. */
  async function wantNothing(key: { ats_id: string }) {
    const row = await store.db
      .selectFrom('offers')
      .select('timeline_data')
      .where('ats_id', '=', key.ats_id)
      .executeTakeFirstOrThrow();
    await store.db
      .updateTable('offers')
      .set({ timeline_data: JSON.stringify({ ...(JSON.parse(row.timeline_data!) as object), wanted: [] }) })
      .where('ats_id', '=', key.ats_id)
      .execute();
  }

  it('a team call answered is done, and the job is read back into the inbox', async () => {
    const { key, dispatcher, calls } = await concernedJob([]);
    await dispatcher.runOnce();
    const [command] = await commandsOf(key);
    expect(command).toMatchObject({ kind: 'set_approver', status: 'done', attempts: 0 });
    expect(calls).toEqual(['setTeam', 'fetchJobs']);
    const inbox = await store.db
      .selectFrom('inbox')
      .select(['event_type', 'job_id'])
      .where('job_id', '=', key.ats_id)
      .execute();
    expect(inbox).toEqual([{ event_type: 'job.snapshot', job_id: key.ats_id }]);
  });

  it('the gateway’s "over limit" is a wait: no attempt spent, no failure in the ledger, then done', async () => {
    const { key, dispatcher, calls } = await concernedJob([
      { ok: false, error: throttled },
      { ok: false, error: throttled },
    ]);
    for (let i = 0; i < 3; i++) {
      await dispatcher.runOnce();
      await store.db
        .updateTable('outbox')
        .set({ next_attempt_at: T0 })
        .where('ats_id', '=', key.ats_id)
        .where('status', '=', 'pending')
        .execute();
    }
    const [command] = await commandsOf(key);
    expect(command).toMatchObject({ kind: 'set_approver', status: 'done', attempts: 0 });
    expect(calls.filter((c) => c === 'setTeam')).toHaveLength(3);
    const kinds = await ledgerKinds(key);
    expect(kinds.filter((k) => k === 'ats.answer')).toHaveLength(1);
    expect(kinds).not.toContain('command.dead');
  });

  it('a refusal goes to dead-letter at once, with its code in the ledger', async () => {
    const { key, dispatcher } = await concernedJob([{ ok: false, error: refused }]);
    await dispatcher.runOnce();
    const [command] = await commandsOf(key);
    expect(command).toMatchObject({ kind: 'set_approver', status: 'dead' });
    const dead = (await readLedger(store.db, { offer: key, limit: 1000 })).find((e) => e.kind === 'command.dead');
    expect(dead?.data).toMatchObject({ command: 'set_approver', error: expect.stringContaining('HTTP_400') });
  });

  it('a command the process no longer wants is not sent, and the ledger says it was dropped, not done', async () => {
    const { key, dispatcher, calls } = await concernedJob([]);
    await wantNothing(key);
    await dispatcher.runOnce();
    expect(calls).toEqual([]);
    const kinds = await ledgerKinds(key);
    expect(kinds).toContain('command.skipped');
    expect(kinds).not.toContain('ats.answer');
  });

  it('a dropped command wanted again is requested anew in the ledger, then sent once', async () => {
    const { key, dispatcher, calls } = await concernedJob([]);
    const timeline = async () =>
      (await readLedger(store.db, { offer: key, limit: 1000 }))
        .filter((e) => e.kind.startsWith('command.') || e.kind === 'ats.answer')
        .map((e) => describeEntry(e.kind, e.data));
    await wantNothing(key);
    await dispatcher.runOnce();
    const [skipped] = await commandsOf(key);
    expect(skipped!.status).toBe('skipped');
    // Evaluated again, the process wants the same call (same key): it goes back to the queue.
    const ctx: PipelineContext = {
      store,
      domain: data,
      policy: testPolicy,
      clock: { now: () => new Date(T0) },
      log: silentLogger,
      ats: unreachableAts,
    };
    await inTransaction(store, (trx) => applyToKnownOffer(ctx, trx, key, { kind: 'tick', at: T0 }, new Date(T0)));
    await dispatcher.runOnce();
    expect(calls.filter((c) => c === 'setTeam')).toHaveLength(1);
    expect(await timeline()).toEqual([
      'Commande demandée : Poser l’approbateur « EN3S dérogation » dans l’équipe de l’offre',
      'Commande abandonnée : plus demandée — Poser l’approbateur « EN3S dérogation » dans ' +
        'l’équipe de l’offre (rien n’a été envoyé)',
      'Commande demandée de nouveau (elle avait été abandonnée sans envoi) : Poser l’approbateur ' +
        '« EN3S dérogation » dans l’équipe de l’offre',
      'L’ATS a accepté : Poser l’approbateur « EN3S dérogation » dans l’équipe de l’offre (essai 1)',
    ]);
  });

  it('a take-down failing again and again is never dead-lettered: it waits 30 s at most and goes on', async () => {
    const story = new JobStory({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' }, T0, {
      atsId: String(9000 + ++jobs),
      jobNumber: `NVHADD9${jobs}`,
      team: { recruiters: [recruiter], operationals: [], approvers: [en3sApprover] },
    });
    const failing: AtsFailure = {
      kind: 'transient',
      code: 'HTTP_500',
      message: 'PUT /publishedadvert/unpost: HTTP 500',
      status: 500,
    };
    let unposts = 0;
    const port: AtsPort = Object.assign(Object.create(unreachableAts) as AtsPort, {
      name: 'talentlink',
      async takeDownPostings(): Promise<AtsOutcome<void>> {
        unposts += 1;
        return { ok: false, error: failing };
      },
      async fetchJob(): Promise<AtsOutcome<JobRead>> {
        return { ok: true, value: { snapshot: { ...story.snapshot, fetchedAt: T0 }, document: '{}' } };
      },
    });
    const ctx: PipelineContext = {
      store,
      domain: data,
      policy: testPolicy,
      clock: { now: () => new Date(T0) },
      log: silentLogger,
      ats: port,
    };
    const posted = story.post(T0, '7001', T0, 'OPEN');
    await inTransaction(store, (trx) =>
      applySnapshot(
        ctx,
        trx,
        { snapshot: posted, posting: null, origin: 'queue' },
        { eventId: `e-${jobs}`, type: 'job.snapshot' },
        new Date(T0),
      ),
    );
    const key = { source: 'talentlink', ats_id: story.snapshot.atsId, campaign: 2027 };
    const dispatcher = new Dispatcher(ctx, {
      owner: `test-${jobs}`,
      random: () => 1,
      baseDelayMs: 1000,
      maxAttempts: 3,
    });
    for (let i = 0; i < 6; i++) {
      // Due again at once (the last wait is left as it is: the later cases' dispatchers must not send it).
      if (i > 0)
        await store.db
          .updateTable('outbox')
          .set({ next_attempt_at: T0 })
          .where('ats_id', '=', key.ats_id)
          .where('kind', '=', 'take_down')
          .where('status', '=', 'pending')
          .execute();
      await dispatcher.runOnce();
    }
    // Every try unposts again (the job still shows the posting).
    expect(unposts).toBe(6);
    const takeDown = (await commandsOf(key)).find((c) => c.kind === 'take_down');
    expect(takeDown).toMatchObject({ status: 'pending', attempts: 6 });
    const retries = (await readLedger(store.db, { offer: key, limit: 1000 })).filter(
      (e) => e.kind === 'ats.answer' && (e.data as { command?: string }).command === 'take_down',
    );
    const waits = retries.map(
      (e) => Date.parse(String((e.data as { nextAttemptAt: string }).nextAttemptAt)) - Date.parse(T0),
    );
    expect(waits.slice(-1)[0]).toBe(30_000);
    expect(await ledgerKinds(key)).not.toContain('command.dead');
  });

  /**
   * A job with postings 7001 and 7002 live, a port whose unposts answer `answers` in turn and take down what they name.
   */
  async function twoPostings(answers: ('ok' | 404 | '504 unposted' | '504 still up')[]) {
    const story = new JobStory({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' }, T0, {
      atsId: String(9000 + ++jobs),
      jobNumber: `NVHADD9${jobs}`,
      team: { recruiters: [recruiter], operationals: [], approvers: [en3sApprover] },
    });
    story.post(T0, '7001', T0, 'OPEN');
    const posted = story.post(T0, '7002', T0, 'OPEN');
    const unposts: string[][] = [];
    let reads = 0;
    const port: AtsPort = Object.assign(Object.create(unreachableAts) as AtsPort, {
      name: 'talentlink',
      async takeDownPostings(ids: string[]): Promise<AtsOutcome<void>> {
        unposts.push(ids);
        const answer = answers.shift()!;
        if (answer === 404)
          return {
            ok: false,
            error: {
              kind: 'already-applied',
              code: 'NOT_FOUND',
              message: 'PUT /publishedadvert/unpost: 404',
              status: 404,
            },
          };
        // A 504 from the gateway: the tenant may have unposted all the same.
        if (answer !== '504 still up') for (const id of ids) story.takeDown(T0, id);
        return answer === 'ok'
          ? { ok: true, value: undefined }
          : {
              ok: false,
              error: {
                kind: 'transient',
                code: 'HTTP_504',
                message: 'PUT /publishedadvert/unpost: HTTP 504',
                status: 504,
              },
            };
      },
      async fetchJob(): Promise<AtsOutcome<JobRead>> {
        reads += 1;
        return { ok: true, value: { snapshot: { ...story.snapshot, fetchedAt: T0 }, document: '{}' } };
      },
    });
    const ctx: PipelineContext = {
      store,
      domain: data,
      policy: testPolicy,
      clock: { now: () => new Date(T0) },
      log: silentLogger,
      ats: port,
    };
    await inTransaction(store, (trx) =>
      applySnapshot(
        ctx,
        trx,
        { snapshot: posted, posting: null, origin: 'queue' },
        { eventId: `e-${jobs}`, type: 'job.snapshot' },
        new Date(T0),
      ),
    );
    const key = { source: 'talentlink', ats_id: story.snapshot.atsId, campaign: 2027 };
    const dispatcher = new Dispatcher(ctx, { owner: `test-${jobs}`, random: () => 0, baseDelayMs: 1 });
    const run = async () => {
      await dispatcher.runOnce();
      await store.db
        .updateTable('outbox')
        .set({ next_attempt_at: T0 })
        .where('ats_id', '=', key.ats_id)
        .where('status', '=', 'pending')
        .execute();
    };
    const doneNotes = async () =>
      (await readLedger(store.db, { offer: key, limit: 1000 }))
        .filter(
          (e) =>
            e.kind === 'ats.answer' &&
            (e.data as { outcome?: string }).outcome === 'done' &&
            (e.data as { command?: string }).command === 'take_down',
        )
        .map((e) => (e.data as { note: string }).note);
    return { story, key, unposts, reads: () => reads, run, doneNotes };
  }

  it('a take-down tried again reads first, and unposts what is still live', async () => {
    const { key, unposts, reads, run, doneNotes } = await twoPostings(['504 still up', 'ok']);
    await run();
    expect(unposts).toEqual([['7001', '7002']]);
    expect(reads()).toBe(0);
    await run();
    expect(unposts).toEqual([
      ['7001', '7002'],
      ['7001', '7002'],
    ]);
    // Once before the unpost, once after it.
    expect(reads()).toBe(2);
    expect((await commandsOf(key)).find((c) => c.kind === 'take_down')).toMatchObject({ status: 'done', attempts: 1 });
    expect(await doneNotes()).toEqual(['applied']);
  });

  it('a take-down tried again after its unpost went through sends no unpost at all', async () => {
    const { key, unposts, run, doneNotes } = await twoPostings(['504 unposted']);
    await run();
    await run();
    expect(unposts).toEqual([['7001', '7002']]);
    expect((await commandsOf(key)).find((c) => c.kind === 'take_down')).toMatchObject({ status: 'done' });
    expect(await doneNotes()).toEqual(['already applied: no posting still live']);
  });

  it('an unpost of two answering 404 takes each down alone, and a 404 then means that one is down', async () => {
    const { key, unposts, run, doneNotes } = await twoPostings([404, 404, 'ok']);
    await run();
    expect(unposts).toEqual([['7001', '7002'], ['7001'], ['7002']]);
    expect((await commandsOf(key)).find((c) => c.kind === 'take_down')).toMatchObject({ status: 'done', attempts: 0 });
    expect(await doneNotes()).toEqual(['applied to 1 of 2, the others already down']);
  });

  it('en3s outbox dead lists a command the dispatcher gave up on, and retry requeues it, recording who', async () => {
    const { key, dispatcher, story } = await concernedJob([{ ok: false, error: refused }]);
    await dispatcher.runOnce();
    const [dead] = await commandsOf(key);
    const listed = await en3s('outbox', 'dead', '--db', store.url);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    expect(listed.stdout).toContain(`${dead!.id}`);
    expect(listed.stdout).toContain(`${story.snapshot.jobNumber} (${key.ats_id})`);
    expect(listed.stdout).toContain('HTTP_400');
    const retried = await en3s('outbox', 'retry', String(dead!.id), '--db', store.url);
    expect(retried).toMatchObject({ code: 0, stderr: '' });
    expect(retried.stdout).toContain(`Commande n° ${dead!.id} remise en file`);
    const actions = (await readLedger(store.db, { offer: key, limit: 1000 })).filter((e) => e.kind === 'admin.retry');
    expect(actions).toMatchObject([
      {
        actor: 'administrator',
        actor_name: administratorName(),
        data: { via: 'cli', commandId: dead!.id, command: 'set_approver' },
      },
    ]);
    await dispatcher.runOnce();
    expect((await commandsOf(key))[0]).toMatchObject({ status: 'done' });
    const again = await en3s('outbox', 'retry', String(dead!.id), '--db', store.url);
    expect(again).toMatchObject({ code: 2, stdout: '' });
    expect(again.stderr).toContain('n’est pas en échec définitif');
  });

  it('en3s outbox refuses bad input with exit 2 and a French message', async () => {
    const cases: [string[], string][] = [
      [['outbox', 'retry'], 'indiquez l’identifiant de la commande à relancer, ou --all'],
      [['outbox', 'retry', '7', '--all'], 'un identifiant ou --all, pas les deux'],
      [['outbox', 'retry', 'abc'], 'identifiant de commande : entier positif attendu, reçu « abc »'],
      [['outbox', 'retry', '999999'], 'commande n° 999999 introuvable'],
    ];
    for (const [args, message] of cases) {
      const result = await en3s(...args, '--db', store.url);
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: `en3s : ${message}\n` });
    }
  });
});

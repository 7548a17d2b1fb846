import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en3sBin, startProcess, waitFor } from '../support/e2e-processes.js';
import {
  approverIds,
  concernedJob,
  DIRECTOR_USER,
  EN3S_USER,
  POSITION_QUEUE,
  POSTING_QUEUE,
} from '../support/e2e-tenant.js';
import { campaignInstant, startWorld, type World } from '../support/e2e-world.js';

/**
 * A campaign end to end: `en3s serve` and the sandbox TalentLink tenant (`en3s sandbox serve`)
 * as separate processes, the tenant's gateway at the real 8 calls per second. The connector
 * learns every change through the tenant's queues (poked by unsigned alerts), sets the EN3S
 * approver, asks the recruiter by e-mail, observes submissions and answers from the job's status
 * and takes premature postings down. What people do goes through the tenant's driver; what the
 * connector did is read back from the tenant (its team, postings and call counters) and from
 * the service's own database (offers, ledger, mails).
 */

async function auditVerify(url: string): Promise<void> {
  const audit = startProcess(en3sBin(), ['audit', 'verify', '--db', url]);
  expect(await audit.exited, audit.stderr()).toBe(0);
  expect(audit.stdout()).toContain('Registre intact');
}

/** The tenant side once the connector did its part: EN3S among the job's approvers. */
async function en3sSet(world: World, id: number, timeoutMs = 30_000): Promise<any> {
  return waitFor(
    async () => {
      const job = await world.tenant.job(id);
      return approverIds(job).includes(EN3S_USER) ? job : null;
    },
    timeoutMs,
    `job ${id}: the EN3S approver set by the connector`,
    250,
  );
}

/** A mail of the job recorded as sent in the service's mail ledger, once it is. */
async function sentMail(world: World, id: number, kind: string, timeoutMs = 20_000) {
  return waitFor(
    async () => (await world.mails(id)).find((m) => m.kind === kind && m.status === 'sent'),
    timeoutMs,
    `job ${id}: the ${kind} mail sent`,
    250,
  );
}

/** What the local mailbox (EN3S_MAIL_MODE=mailbox) holds for a mail of the job: its addresses, subject and text. */
async function mailboxCopy(
  world: World,
  id: number,
  kind: 'submit_request' | 'reminder' | 'admin_alert',
): Promise<{ to: string[]; subject: string; text: string }> {
  const row = await world.db.db
    .selectFrom('recruiter_mails')
    .innerJoin('mailbox_messages', 'mailbox_messages.message_id', 'recruiter_mails.message_id')
    .select(['mailbox_messages.to_addresses', 'mailbox_messages.subject', 'mailbox_messages.text_body'])
    .where('recruiter_mails.ats_id', '=', String(id))
    .where('recruiter_mails.kind', '=', kind)
    .executeTakeFirstOrThrow();
  return { to: JSON.parse(row.to_addresses) as string[], subject: row.subject, text: row.text_body };
}

describe('a campaign between en3s serve and the sandbox tenant, two processes, 8 calls per second (SQLite)', () => {
  let world: World;
  const created: number[] = [];
  const create = async (input: Record<string, unknown>): Promise<number> => {
    const id = await world.tenant.createJob(input);
    created.push(id);
    return id;
  };

  beforeAll(async () => {
    // The circuit to the ATS stays open 5 s after repeated failures (30 s by default).
    world = await startWorld('sqlite', 'campaign', { serviceEnv: { EN3S_ATS_CIRCUIT_COOLDOWN_MS: '5000' } });
  });
  afterAll(async () => {
    if (!world) return;
    expect(await world.stop()).toEqual({ service: 0, tenant: 0 });
  });

  it('takes a new job to EN3S approval: approver set, recruiter asked, publishing refused until approved', async () => {
    const id = await create(concernedJob('Responsable du service gestion des prestations', 'CPAM', '7', 111));
    const job = await en3sSet(world, id);
    // The whole team as read, plus EN3S: the recruiter is still there.
    expect(job.team.recruiters.map((r: { user: { id: number } }) => r.user.id)).toEqual([111]);
    await world.offerInState(id, 'awaiting_submission');
    await waitFor(
      async () => (await world.mails(id)).find((m) => m.kind === 'submit_request' && m.status === 'sent'),
      15_000,
      'the request to submit, sent',
    );
    const [mail] = await world.mails(id);
    expect(JSON.parse(mail!.recipient_ids)).toEqual(['111']);
    expect(mail!.subject).toContain('soumettre');

    const early = await world.tenant.act(id, 'publish');
    expect(early.status).toBe(409);
    expect(early.body.code).toBe('PUBLICATION_REFUSED');

    expect((await world.tenant.act(id, 'submit')).status).toBe(200);
    await world.offerInState(id, 'submitted');
    expect((await world.tenant.answer(id, 'approve')).status).toBe(200);
    const approved = await world.offerInState(id, 'approved');
    expect(approved.violation).toBe(false);

    // Published after the approval was observed: nothing to take down.
    expect((await world.tenant.act(id, 'publish')).status).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await world.tenant.livePostings(id)).toHaveLength(1);
    expect(await world.offer(id)).toMatchObject({ state: 'approved', violation: false });
    expect(world.service.transitions(String(id))).toEqual([
      'null→awaiting_approver',
      'awaiting_approver→awaiting_submission',
      'awaiting_submission→submitted',
      'submitted→approved',
    ]);
    const kinds = (await world.ledger(id)).map((e) => e.kind);
    expect(kinds).toContain('submission.observed');
    expect(kinds).toContain('answer.observed');
  }, 90_000);

  it('sees a refusal only through the status change, and the tenant keeps refusing the publication', async () => {
    const id = await create(concernedJob('Manager stratégique du recouvrement', 'URSSAF', '9', 113));
    await world.offerInState(id, 'awaiting_submission', 30_000);
    expect((await world.tenant.act(id, 'submit')).status).toBe(200);
    await world.offerInState(id, 'submitted');
    expect((await world.tenant.answer(id, 'refuse')).status).toBe(200);
    await world.offerInState(id, 'refused');
    const answer = (await world.ledger(id)).find((e) => e.kind === 'answer.observed');
    expect(answer?.data).toMatchObject({ status: 'REFUSED', byEn3s: true });
    expect((await world.tenant.act(id, 'publish')).status).toBe(409);
  }, 60_000);

  it('takes down a posting published before EN3S was among the approvers, and records the violation', async () => {
    const id = await create(
      concernedJob('Ingénieur-conseil en prévention des risques professionnels', 'CARSAT', '8', 112),
    );
    // The recruiter publishes at once, before the connector has read the job: the tenant lets it go.
    const posted = await world.tenant.act(id, 'publish');
    expect(posted.status).toBe(201);
    await waitFor(
      async () => (await world.tenant.livePostings(id)).length === 0,
      30_000,
      'the connector to take the posting down',
      1000,
    );
    await waitFor(async () => (await world.offer(id))?.violation === true, 15_000, 'the violation on the offer');
    await en3sSet(world, id);
    expect(world.service.transitions(String(id)).some((t) => t.endsWith('→published_without_approval'))).toBe(true);
    const ledger = await world.ledger(id);
    expect(ledger.some((e) => e.kind === 'violation.detected')).toBe(true);
  }, 60_000);

  it('asks the recruiter to submit again when the job was submitted, and approved, before EN3S was added', async () => {
    const id = await create(concernedJob("Chargé d'études statistiques", 'CARSAT', '7', 114));
    await world.tenant.setTeam(id, {
      recruiters: [{ order: 1, user: { id: 114 } }],
      approvers: [{ order: 1, stepOrder: 1, user: { id: DIRECTOR_USER }, lovValue: 'Directeur' }],
    });
    expect((await world.tenant.act(id, 'submit')).status).toBe(200);
    // Approved by the director alone: not validated by EN3S.
    expect((await world.tenant.answer(id, 'approve', DIRECTOR_USER)).status).toBe(200);
    const job = await en3sSet(world, id);
    expect(approverIds(job)).toEqual([DIRECTOR_USER, EN3S_USER]);
    await waitFor(
      async () => (await world.mails(id)).find((m) => m.kind === 'resubmit_request' && m.status === 'sent'),
      30_000,
      'the request to submit again',
    );
    expect((await world.offerInState(id, 'awaiting_submission')).state).toBe('awaiting_submission');
    // The new submission turns the status back to « En attente d'approbation »: observed.
    expect((await world.tenant.act(id, 'submit')).status).toBe(200);
    await world.offerInState(id, 'submitted');
    expect((await world.tenant.answer(id, 'approve', DIRECTOR_USER)).status).toBe(200);
    expect((await world.tenant.answer(id, 'approve')).status).toBe(200);
    await world.offerInState(id, 'approved');
    // EN3S was one approver among two: the approval is observed, not attributed to EN3S.
    const answers = (await world.ledger(id)).filter((e) => e.kind === 'answer.observed');
    expect(answers.at(-1)?.data).toMatchObject({ status: 'APPROVED', byEn3s: false });
  }, 90_000);

  it('reads the queues without their alerts when alerts are lost', async () => {
    await world.tenant.setFaults({ alerts: { dropNext: 10 } });
    const id = await create(concernedJob('Responsable de département prestations', 'CAF', '8', 112));
    // The service reads every queue every 2 s (EN3S_QUEUE_POLL_MS) whatever the alerts.
    await world.offerInState(id, 'awaiting_submission', 30_000);
    expect((await world.tenant.counters()).alerts.dropped).toBeGreaterThanOrEqual(1);
    await world.tenant.setFaults({});
  }, 60_000);

  it('records and clears a poison element (404 and 403 on the read), and the queue goes on', async () => {
    const gone = await world.tenant.poison(POSITION_QUEUE, 'gone');
    const hidden = await world.tenant.poison(POSTING_QUEUE, 'forbidden');
    const id = await create(concernedJob('Auditeur interne', 'URSSAF', '7', 113));
    await world.offerInState(id, 'awaiting_submission', 30_000);
    const poison = await waitFor(
      async () => {
        // Only the two injected here: a posting taken down before its queue element was read is
        // recorded too (NOT_FOUND), by the earlier tests of this campaign.
        const rows = await world.db.db
          .selectFrom('queue_poison_elements')
          .selectAll()
          .where('code', 'in', ['ELEMENT_GONE', 'ELEMENT_FORBIDDEN'])
          .execute();
        return rows.length >= 2 && rows.every((r) => r.cleared_at !== null) ? rows : null;
      },
      15_000,
      'both poison elements recorded',
    );
    expect(poison.map((r) => r.queue_name).sort()).toEqual([POSITION_QUEUE, POSTING_QUEUE].sort());
    // The read of the oldest element itself answered 404 / 403: no element id, no object id to keep.
    const recorded = poison.map((r) => ({ queue: r.queue_name, code: r.code, job: r.job_id, posting: r.posting_id }));
    console.info(
      `poison elements recorded: ${JSON.stringify(recorded)} (objects ${gone.objectId}, ${hidden.objectId})`,
    );
    expect(poison.map((r) => `${r.queue_name}:${r.code}`).sort()).toEqual(
      [`${POSITION_QUEUE}:ELEMENT_GONE`, `${POSTING_QUEUE}:ELEMENT_FORBIDDEN`].sort(),
    );
    expect(poison.every((r) => r.occurrences >= 1 && r.cleared_at !== null)).toBe(true);
    await waitFor(
      async () =>
        (await world.tenant.queueLength(POSITION_QUEUE)) === 0 && (await world.tenant.queueLength(POSTING_QUEUE)) === 0,
      15_000,
      'both queues empty',
    );
  }, 60_000);

  it('catches up once the ATS answers again after an outage', async () => {
    await world.tenant.setFaults({ errors: { rate: 1, status: 503 } });
    const a = await create(concernedJob('Expert en actuariat', 'CARSAT', '8', 111));
    await new Promise((resolve) => setTimeout(resolve, 4000));
    expect((await world.tenant.counters()).faults.errors).toBeGreaterThan(0);
    expect(approverIds(await world.tenant.job(a))).toEqual([]);
    await world.tenant.setFaults({});
    await en3sSet(world, a, 40_000);
    await world.offerInState(a, 'awaiting_submission', 30_000);
    expect((await world.commands(a)).filter((c) => c.status === 'dead')).toEqual([]);
  }, 90_000);

  it('applied no side effect twice, and the ledger it kept is intact', async () => {
    await waitFor(
      async () => {
        const inbox = await world.db.db
          .selectFrom('inbox')
          .select('id')
          .where('status', 'in', ['pending', 'processing'])
          .execute();
        const outbox = await world.db.db
          .selectFrom('outbox')
          .select('id')
          .where('status', 'in', ['pending', 'in_flight'])
          .execute();
        return inbox.length === 0 && outbox.length === 0;
      },
      30_000,
      'the service to settle',
    );
    const counters = await world.tenant.counters();
    // One PATCH of the team per job (EN3S added once), one unpost (the premature posting), none repeated.
    expect(counters.calls.patchPosition?.['204']).toBe(created.length);
    expect(counters.calls.unpost?.['204']).toBe(1);
    expect(counters.calls.unpost?.['404'] ?? 0).toBe(0);
    expect(counters.maxCallsInWindow).toBeLessThanOrEqual(8);
    console.info(
      `tenant: ${counters.totalCalls} calls, ${counters.refused.overQps} refused over 8/s, ` +
        `${counters.alerts.delivered} alerts delivered`,
    );
    await auditVerify(world.db.url);
  }, 60_000);
});

describe('the same campaign on PostgreSQL', () => {
  let world: World;
  beforeAll(async () => {
    world = await startWorld('postgres', 'campaign-pg', { callsPerSecond: 40 });
  });
  afterAll(async () => {
    if (world) expect(await world.stop()).toEqual({ service: 0, tenant: 0 });
  });

  it('runs a job to approval and takes down a premature posting of another', async () => {
    const ok = await world.tenant.createJob(concernedJob('Responsable du contrôle interne', 'URSSAF', '7', 113));
    const early = await world.tenant.createJob(concernedJob('Responsable comptable', 'CPAM', '8', 111));
    expect((await world.tenant.act(early, 'publish')).status).toBe(201);

    await world.offerInState(ok, 'awaiting_submission', 30_000);
    expect((await world.tenant.act(ok, 'submit')).status).toBe(200);
    await world.offerInState(ok, 'submitted');
    expect((await world.tenant.answer(ok, 'approve')).status).toBe(200);
    await world.offerInState(ok, 'approved');

    await waitFor(
      async () => (await world.tenant.livePostings(early)).length === 0,
      20_000,
      'the posting taken down',
      500,
    );
    await waitFor(async () => (await world.offer(early))?.violation === true, 10_000, 'the violation on the offer');
    await auditVerify(world.db.url);
  }, 90_000);
});

describe('the follow-up of a job left unsubmitted, the clocks moved forward (SQLite, 8 calls per second)', () => {
  const HOUR_MS = 3_600_000;
  // Its own world: the clock jumps (and the restarts of the service they take) would disturb the cases above.
  let world: World;
  beforeAll(async () => {
    world = await startWorld('sqlite', 'follow-up', {
      serviceEnv: {
        // Every second, so that what falls due after a jump of the clocks goes at once.
        EN3S_MAIL_FOLLOW_UP_CRON: '* * * * * *',
        EN3S_MAIL_REMINDER_AFTER_HOURS: '24',
        EN3S_MAIL_MAX_REMINDERS: '1',
        EN3S_MAIL_ALERT_ADMINS_AFTER_HOURS: '48',
        EN3S_MAIL_ADMINS: 'admins@example.test',
      },
    });
  });
  afterAll(async () => {
    if (world) expect(await world.stop()).toEqual({ service: 0, tenant: 0 });
  });

  it('reminds the recruiter, then tells the administrators, while the job stays unsubmitted', async () => {
    const id = await world.tenant.createJob(concernedJob('Responsable du pôle maîtrise des risques', 'CAF', '8', 112));
    const reference = String((await world.tenant.job(id)).jobNumber);
    expect(reference).not.toBe('undefined');
    await en3sSet(world, id);
    await world.offerInState(id, 'awaiting_submission', 30_000);
    const request = await sentMail(world, id, 'submit_request');
    expect(JSON.parse(request.recipient_ids)).toEqual(['112']);
    // The follow-up looks every second, and nothing falls due before 24 hours.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await world.mails(id)).map((m) => m.kind)).toEqual(['submit_request']);

    // 25 hours later, still unsubmitted: the recruiter is reminded (the last reminder the settings allow).
    await world.advanceClock(25 * HOUR_MS);
    const reminder = await sentMail(world, id, 'reminder');
    expect(reminder.audience).toBe('recruiters');
    expect(JSON.parse(reminder.recipient_ids)).toEqual(['112']);
    expect(reminder.subject).toBe(`Relance 1 – offre ${reference} : à soumettre pour approbation à l'EN3S`);
    const reminded = await mailboxCopy(world, id, 'reminder');
    expect(reminded.to).toEqual(['recruteur2@exemple.fr']);
    expect(reminded.subject).toBe(reminder.subject);
    expect(reminded.text).toContain(`votre offre ${reference} « Responsable du pôle maîtrise des risques »`);
    expect(reminded.text).toContain('C’est la dernière relance');
    // The administrators' alert falls due 48 hours after the request, not yet.
    expect((await world.mails(id)).map((m) => m.kind)).toEqual(['submit_request', 'reminder']);

    // 49 hours after the request: the administrators are told.
    await world.advanceClock(24 * HOUR_MS);
    const alert = await sentMail(world, id, 'admin_alert');
    expect(alert.audience).toBe('administrators');
    expect(JSON.parse(alert.recipient_ids)).toEqual([]);
    expect(alert.subject).toMatch(new RegExp(`^Offre ${reference} non soumise à l'EN3S depuis le `));
    const alerted = await mailboxCopy(world, id, 'admin_alert');
    expect(alerted.to).toEqual(['admins@example.test']);
    expect(alerted.text).toContain(`L'offre ${reference} « Responsable du pôle maîtrise des risques »`);
    expect(alerted.text).toContain('puis relancé 1 fois');

    // Nothing more falls due (one reminder at most, one alert), and the job still awaits its submission.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await world.mails(id)).map((m) => `${m.kind}:${m.status}`)).toEqual([
      'submit_request:sent',
      'reminder:sent',
      'admin_alert:sent',
    ]);
    expect((await world.offer(id))?.state).toBe('awaiting_submission');
    const ledger = await world.ledger(id);
    const followUps = ledger.filter((e) => e.kind === 'recruiter.reminded' || e.kind === 'admins.alerted');
    expect(followUps.map((e) => ({ kind: e.kind, data: e.data }))).toEqual([
      { kind: 'recruiter.reminded', data: { reason: 'submit', turn: 0, sequence: 1, recipientIds: ['112'] } },
      { kind: 'admins.alerted', data: { reason: 'submit', turn: 0, sequence: 0, recipientIds: [] } },
    ]);
    // Recorded on the business clock, which followed the tenant's: a day, then two days after the start.
    const asked = ledger.find((e) => e.kind === 'recruiter.asked');
    expect(asked).toBeDefined();
    expect(Date.parse(followUps[0]!.at) - Date.parse(campaignInstant)).toBeGreaterThanOrEqual(25 * HOUR_MS);
    expect(Date.parse(followUps[1]!.at) - Date.parse(campaignInstant)).toBeGreaterThanOrEqual(49 * HOUR_MS);
    await auditVerify(world.db.url);
  }, 120_000);
});

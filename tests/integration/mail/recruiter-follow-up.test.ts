import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AtsOutcome } from '../../../connectors/ats-port.js';
import type { ProcessCommand } from '../../../src/domain/job-process.js';
import { createMailboxMailer } from '../../../src/mail/mailbox-mailer.js';
import { createRecruiterFollowUp } from '../../../src/mail/recruiter-follow-up.js';
import { applySnapshot } from '../../../src/pipeline/apply.js';
import type { PipelineContext } from '../../../src/pipeline/context.js';
import { silentLogger } from '../../../src/logger.js';
import { readLedger } from '../../../src/store/ledger.js';
import { listMailboxMessages } from '../../../src/store/mailbox.js';
import { listJobMails } from '../../../src/store/recruiter-mails.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';
import { data } from '../../support/domain.js';
import { JobStory, testPolicy, unreachableAts } from '../../support/job-snapshots.js';

/**
 * The follow-up of a job awaiting its submission: the request the process asked for, the
 * reminders after the configured delay, then the administrators' alert; addresses read from the
 * ATS at send time, the mail ledger and the ledger naming the recruiters by user id only.
 */

const T0 = '2027-01-12T09:00:00.000Z';
const hours = (h: number) => new Date(Date.parse(T0) + h * 3600_000);

describe.each(testDatabases())('recruiter follow-up on %s', (dialect) => {
  let store: TestStore;
  let now = new Date(T0);
  const clock = { now: () => now };
  const lookedUp: string[] = [];
  const ats = {
    async userEmail(userId: string): Promise<AtsOutcome<string | null>> {
      lookedUp.push(userId);
      return { ok: true, value: userId === '101' ? 'recruteur1@exemple.fr' : null };
    },
  };
  let ask: ProcessCommand & { kind: 'ask_recruiter' };
  let followUp: ReturnType<typeof createRecruiterFollowUp>;

  beforeAll(async () => {
    store = await openTestStore(dialect, 'follow-up');
    const ctx: PipelineContext = {
      store,
      domain: data,
      policy: testPolicy,
      clock,
      log: silentLogger,
      ats: unreachableAts,
    };
    const job = new JobStory({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' }, T0);
    const read = job.addEn3s(T0);
    const result = await inTransaction(store, (trx) =>
      applySnapshot(
        ctx,
        trx,
        { snapshot: read, posting: null, origin: 'queue' },
        { eventId: 'e-1', type: 'job.snapshot' },
        now,
      ),
    );
    expect(result.memory.state).toBe('awaiting_submission');
    ask = result.commands.find((c) => c.kind === 'ask_recruiter') as typeof ask;
    followUp = createRecruiterFollowUp({
      db: store.db,
      ats,
      mailer: createMailboxMailer({ db: store.db, clock: () => now, domain: 'en3s.demo' }),
      settings: { reminderAfterHours: 48, maxReminders: 1, alertAdminsAfterHours: 120 },
      adminAddresses: ['bourse@ucanss.example'],
      approverLabel: 'EN3S dérogation',
      owner: 'test',
      leaseMs: 60_000,
      clock,
    });
  });
  afterAll(() => store?.close());

  it('sends the request once to the recruiters’ addresses from the ATS, recording their user ids only', async () => {
    const first = await followUp.ask(ask);
    expect(first).toEqual({ ok: true, value: { note: 'submit_request sent (mailbox)', recipientIds: ['101'] } });
    expect(lookedUp).toEqual(['101']);
    const again = await followUp.ask(ask);
    expect(again.ok && again.value.note).toBe('already sent');
    const mails = await listJobMails(store.db, { source: ask.source, ats_id: ask.atsId, campaign: ask.campaign });
    expect(mails.map((m) => [m.kind, m.status, m.recipient_ids])).toEqual([['submit_request', 'sent', ['101']]]);
    expect(JSON.stringify(mails)).not.toContain('recruteur1@');
    const [message] = await listMailboxMessages(store.db, { limit: 5 });
    expect(message!.to).toEqual(['recruteur1@exemple.fr']);
    expect(message!.text).toContain('Soumettre pour approbation');
  });

  it('reminds after the delay, then tells administrators, each once, with a ledger entry naming user ids', async () => {
    now = hours(47);
    expect(await followUp.sweep(2027)).toBe(0);
    now = hours(49);
    expect(await followUp.sweep(2027)).toBe(1);
    expect(await followUp.sweep(2027)).toBe(0);
    now = hours(121);
    expect(await followUp.sweep(2027)).toBe(1);
    const kinds = (await listJobMails(store.db, { source: ask.source, ats_id: ask.atsId, campaign: ask.campaign })).map(
      (m) => m.kind,
    );
    expect(kinds).toEqual(['submit_request', 'reminder', 'admin_alert']);
    const ledger = (await readLedger(store.db, { limit: 1000 })).filter(
      (e) => e.kind === 'recruiter.reminded' || e.kind === 'admins.alerted',
    );
    expect(ledger.map((e) => [e.kind, (e.data as { recipientIds: string[] }).recipientIds])).toEqual([
      ['recruiter.reminded', ['101']],
      ['admins.alerted', []],
    ]);
    const [alert] = await listMailboxMessages(store.db, { limit: 1 });
    expect(alert!.to).toEqual(['bourse@ucanss.example']);
  });

  it('a job whose recruiters have no address is a permanent failure, never a silent success', async () => {
    const other = {
      ...ask,
      idempotencyKey: `${ask.idempotencyKey}-x`,
      recruiterIds: ['102'],
      reason: 'resubmit' as const,
    };
    const sent = await followUp.ask(other);
    expect(sent).toMatchObject({ ok: false, error: { kind: 'permanent', code: 'NO_RECIPIENT' } });
  });
});

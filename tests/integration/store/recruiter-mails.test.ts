import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { planFollowUp } from '../../../src/mail/follow-up.js';
import { createMailboxMailer } from '../../../src/mail/mailbox-mailer.js';
import { messageIdFor } from '../../../src/mail/mailer.js';
import { submitRequest } from '../../../src/mail/recruiter-messages.js';
import { openDatabase, type Store } from '../../../src/store/database.js';
import { findMailboxMessage, listMailboxMessages } from '../../../src/store/mailbox.js';
import {
  claimMail,
  listJobMails,
  mailKey,
  recordMailFailed,
  recordMailSent,
  type MailRequest,
} from '../../../src/store/recruiter-mails.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

const T0 = '2027-01-05T08:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(T0) + ms).toISOString();
const LEASE = 60_000;

function request(over: Partial<MailRequest> = {}): MailRequest {
  return {
    source: 'talentlink',
    ats_id: '4711',
    campaign: 2027,
    kind: 'submit_request',
    reason: 'submit',
    turn: 0,
    sequence: 0,
    audience: 'recruiters',
    recipientIds: ['1201', '1202'],
    subject: "Offre NVHADD00095 : à soumettre pour approbation à l'EN3S",
    ...over,
  };
}

describe('the mail key', () => {
  it('tells apart the reason, the turn, the kind and the reminder’s number', () => {
    const keys = [
      request(),
      request({ kind: 'resubmit_request', reason: 'resubmit' }),
      request({ kind: 'resubmit_request', reason: 'resubmit', turn: 1 }),
      request({ kind: 'reminder', sequence: 1 }),
      request({ kind: 'reminder', sequence: 2 }),
      request({ kind: 'reminder', reason: 'resubmit', sequence: 1 }),
      request({ kind: 'admin_alert', audience: 'administrators' }),
      request({ campaign: 2028 }),
      request({ ats_id: '4712' }),
    ].map(mailKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(mailKey(request())).toBe('talentlink:4711:2027:submit:0:submit_request:0');
  });
});

describe.each(testDatabases())('recruiter mails and the local mailbox on %s', (dialect) => {
  let store: TestStore;
  let other: Store;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'recruiter-mails');
    other = await openDatabase(store.url); // a second instance: its own connection or pool
  });
  afterAll(async () => {
    await other?.close();
    await store?.cleanup();
  });
  beforeEach(async () => {
    await store.db.deleteFrom('recruiter_mails').execute();
    await store.db.deleteFrom('mailbox_messages').execute();
  });

  it('a mail asked twice is sent once: claimed, then in progress, then already sent', async () => {
    const first = await claimMail(store.db, request(), { owner: 'a', leaseMs: LEASE, now: T0 });
    expect(first).toMatchObject({
      outcome: 'claimed',
      mail: {
        status: 'sending',
        attempts: 1,
        lease_owner: 'a',
        lease_until: at(LEASE),
        recipient_ids: ['1201', '1202'],
      },
    });
    expect(await claimMail(store.db, request(), { owner: 'b', leaseMs: LEASE, now: at(1_000) })).toMatchObject({
      outcome: 'in-progress',
    });
    const id = first.mail.id;
    expect(
      await recordMailSent(store.db, id, 'a', {
        now: at(2_000),
        mailer: 'smtp',
        messageId: '<m1@x>',
        accepted: 2,
        rejected: 0,
      }),
    ).toBe(true);
    const again = await claimMail(store.db, request(), { owner: 'b', leaseMs: LEASE, now: at(10 * LEASE) });
    expect(again).toMatchObject({
      outcome: 'already-sent',
      mail: { status: 'sent', sent_at: at(2_000), attempts: 1, message_id: '<m1@x>', mailer: 'smtp' },
    });
    expect(await listJobMails(store.db, { source: 'talentlink', ats_id: '4711', campaign: 2027 })).toHaveLength(1);
  });

  it('two instances claiming the same mail at once: one gets it', async () => {
    for (let round = 0; round < 5; round++) {
      const r = request({ turn: round });
      const outcomes = await Promise.all([
        claimMail(store.db, r, { owner: 'a', leaseMs: LEASE, now: T0 }),
        claimMail(other.db, r, { owner: 'b', leaseMs: LEASE, now: T0 }),
      ]);
      expect(outcomes.map((o) => o.outcome).sort()).toEqual(['claimed', 'in-progress']);
    }
  });

  it('at least once: a sender dying after its claim is replaced at lease end; its late record is refused', async () => {
    const first = await claimMail(store.db, request(), { owner: 'dead', leaseMs: LEASE, now: T0 });
    expect(await claimMail(store.db, request(), { owner: 'b', leaseMs: LEASE, now: at(LEASE - 1) })).toMatchObject({
      outcome: 'in-progress',
    });
    const taken = await claimMail(store.db, request({ recipientIds: ['1201'] }), {
      owner: 'b',
      leaseMs: LEASE,
      now: at(LEASE),
    });
    expect(taken).toMatchObject({
      outcome: 'claimed',
      mail: { id: first.mail.id, attempts: 2, lease_owner: 'b', recipient_ids: ['1201'] },
    });
    expect(
      await recordMailSent(store.db, first.mail.id, 'dead', {
        now: at(LEASE + 1),
        mailer: 'smtp',
        messageId: '<late@x>',
        accepted: 2,
        rejected: 0,
      }),
    ).toBe(false);
    expect(
      await recordMailSent(store.db, first.mail.id, 'b', {
        now: at(LEASE + 2),
        mailer: 'smtp',
        messageId: '<m@x>',
        accepted: 1,
        rejected: 0,
      }),
    ).toBe(true);
    const [row] = await listJobMails(store.db, { source: 'talentlink', ats_id: '4711', campaign: 2027 });
    expect(row).toMatchObject({ status: 'sent', message_id: '<m@x>', attempts: 2, lease_owner: null });
  });

  it('a failure waits for its retry instant; one without a retry stays failed', async () => {
    const claimed = await claimMail(store.db, request(), { owner: 'a', leaseMs: LEASE, now: T0 });
    expect(
      await recordMailFailed(store.db, claimed.mail.id, 'a', {
        now: at(1),
        mailer: 'smtp',
        code: 'SMTP_TEMPORARY',
        message: 'SMTP mailer: the server refused for now (451)',
        smtpCode: 451,
        retryAt: at(600_000),
      }),
    ).toBe(true);
    expect(await claimMail(store.db, request(), { owner: 'b', leaseMs: LEASE, now: at(599_999) })).toMatchObject({
      outcome: 'waiting',
      mail: { status: 'failed', error_code: 'SMTP_TEMPORARY', smtp_code: 451, retry_at: at(600_000) },
    });
    const retried = await claimMail(store.db, request(), { owner: 'b', leaseMs: LEASE, now: at(600_000) });
    expect(retried).toMatchObject({ outcome: 'claimed', mail: { attempts: 2 } });
    await recordMailFailed(store.db, retried.mail.id, 'b', {
      now: at(600_001),
      mailer: 'smtp',
      code: 'SMTP_REJECTED',
      message: 'refused',
      smtpCode: 550,
      retryAt: null,
    });
    expect(await claimMail(store.db, request(), { owner: 'c', leaseMs: LEASE, now: at(100 * 600_000) })).toMatchObject({
      outcome: 'waiting',
      mail: { retry_at: null },
    });
  });

  it('refuses a request that is a bug (a reminder without its number, an alert to recruiters)', async () => {
    await expect(
      claimMail(store.db, request({ kind: 'reminder', sequence: 0 }), { owner: 'a', leaseMs: LEASE, now: T0 }),
    ).rejects.toThrow(/sequence/);
    await expect(
      claimMail(store.db, request({ kind: 'admin_alert' }), { owner: 'a', leaseMs: LEASE, now: T0 }),
    ).rejects.toThrow(/audience/);
    await expect(claimMail(store.db, request(), { owner: 'a', leaseMs: LEASE, now: '2027-01-05' })).rejects.toThrow(
      /ISO-8601/,
    );
  });

  it('the local mailbox keeps the message itself, once per key, and the mail ledger points to it', async () => {
    const mailer = createMailboxMailer({ db: store.db, clock: () => new Date(at(5_000)), domain: 'en3s.demo' });
    const composed = submitRequest({
      jobNumber: 'NVHADD00095',
      title: 'Chargé <d’études>',
      bodyName: 'CARSAT Alsace-Moselle',
      windowEnd: '2027-05-01T00:00:00.000+02:00',
      approverLabel: 'EN3S dérogation',
    });
    const r = request();
    const key = mailKey(r);
    const claimed = await claimMail(store.db, r, { owner: 'a', leaseMs: LEASE, now: T0 });
    const outgoing = {
      to: ['recruteur.un@demo.example', 'recruteur.deux@demo.example'],
      ...composed,
      idempotencyKey: key,
    };
    const sent = await mailer.send(outgoing);
    expect(sent).toEqual({ ok: true, value: { messageId: messageIdFor(key, 'en3s.demo'), accepted: 2, rejected: 0 } });
    // The same mail again (a crash before the record): still one message in the mailbox.
    expect(await mailer.send(outgoing)).toEqual(sent);
    if (!sent.ok) throw new Error('unreachable');
    await recordMailSent(store.db, claimed.mail.id, 'a', { now: at(6_000), mailer: mailer.name, ...sent.value });

    const box = await listMailboxMessages(store.db, { limit: 10 });
    expect(box).toHaveLength(1);
    expect(box[0]).toMatchObject({
      message_id: sent.value.messageId,
      stored_at: at(5_000),
      to: outgoing.to,
      subject: composed.subject,
      text: composed.text,
      html: composed.html,
    });
    const [row] = await listJobMails(store.db, { source: 'talentlink', ats_id: '4711', campaign: 2027 });
    expect(row).toMatchObject({ mailer: 'mailbox', message_id: sent.value.messageId, recipient_ids: ['1201', '1202'] });
    expect(JSON.stringify(row)).not.toContain('@demo.example');
    expect((await findMailboxMessage(store.db, row!.message_id!))?.subject).toBe(composed.subject);
    expect(await findMailboxMessage(store.db, '<none@en3s.demo>')).toBeNull();
  });

  it('the mailbox stores nothing for a mail it refuses, and lists the latest first', async () => {
    const mailer = createMailboxMailer({ db: store.db, clock: () => new Date(T0), domain: 'en3s.demo' });
    expect(await mailer.send({ to: [], subject: 'x', text: 'x', html: 'x' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MAIL' },
    });
    for (const n of [1, 2, 3])
      await mailer.send({
        to: ['a@demo.example'],
        subject: `Message ${n}`,
        text: 't',
        html: 'h',
        idempotencyKey: `k${n}`,
      });
    const latest = await listMailboxMessages(store.db, { limit: 2 });
    expect(latest.map((m) => m.subject)).toEqual(['Message 3', 'Message 2']);
    expect((await listMailboxMessages(store.db, { limit: 5, before: latest[1]!.id })).map((m) => m.subject)).toEqual([
      'Message 1',
    ]);
  });

  it('all together: the follow-up asks for the request until recorded as sent, then the reminder on time', async () => {
    const settings = { reminderAfterHours: 48, maxReminders: 2, alertAdminsAfterHours: 120 };
    const job = { source: 'talentlink', ats_id: '4711', campaign: 2027 };
    const ask = { reason: 'submit' as const, turn: 0 };
    const stopAt = '2027-04-30T22:00:00.000Z';
    const mailer = createMailboxMailer({ db: store.db, clock: () => new Date(T0), domain: 'en3s.demo' });
    const deliver = async (now: string, kind: MailRequest['kind'], sequence: number) => {
      const claimed = await claimMail(store.db, request({ kind, sequence }), { owner: 'w', leaseMs: LEASE, now });
      if (claimed.outcome !== 'claimed') return claimed.outcome;
      const result = await mailer.send({
        to: ['r@demo.example'],
        subject: claimed.mail.subject,
        text: 't',
        html: 'h',
        idempotencyKey: claimed.mail.mail_key,
      });
      if (!result.ok) throw new Error(result.error.message);
      await recordMailSent(store.db, claimed.mail.id, 'w', { now, mailer: mailer.name, ...result.value });
      return 'sent';
    };
    const plan = async (now: string) => planFollowUp(await listJobMails(store.db, job), ask, settings, now, stopAt);

    expect((await plan(T0)).send).toEqual([{ kind: 'submit_request', sequence: 0 }]);
    expect(await deliver(T0, 'submit_request', 0)).toBe('sent');
    expect(await deliver(T0, 'submit_request', 0)).toBe('already-sent');
    expect(await plan(at(3_600_000))).toMatchObject({ send: [], nextDueAt: at(48 * 3_600_000) });
    expect((await plan(at(48 * 3_600_000))).send).toEqual([{ kind: 'reminder', sequence: 1, lastReminder: false }]);
  });
});

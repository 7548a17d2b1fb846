import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { RetentionSchedule } from '../../../src/pipeline/retention.js';
import { silentLogger } from '../../../src/logger.js';
import { insertEvent } from '../../../src/store/inbox.js';
import { appendLedger, readLedger } from '../../../src/store/ledger.js';
import { storeMailboxMessage } from '../../../src/store/mailbox.js';
import { claimMail, recordMailSent } from '../../../src/store/recruiter-mails.js';
import { sha256hex } from '../../../src/store/canonical-json.js';
import { en3sInProcess as en3s } from '../../support/cli.js';
import { openTestStore, testDatabases, type TestStore } from '../../support/databases.js';

/**
 * `en3s db purge` and the daily purge: with data of an old campaign (2025, 2026) and of the
 * current one (2027), a purge on 1 February 2028 (13 months after the end of 2026) empties the
 * old ATS documents and mail recipients and deletes the old demo messages, keeps the current
 * ones and every row still to be handled, leaves the ledger intact with one entry saying what
 * went, and a second run finds nothing more.
 */

const PURGE_AT = '2028-02-01T09:00:00.000Z';

async function handledEvent(store: TestStore, eventId: string, receivedAt: string, status: 'done' | 'pending') {
  const body = JSON.stringify({ document: { id: eventId, team: [{ userId: `U-${eventId}` }] }, fetchedAt: receivedAt });
  await insertEvent(store.db, {
    source: 'talentlink',
    event_id: eventId,
    event_type: 'job.snapshot',
    occurred_at: receivedAt,
    received_at: receivedAt,
    content_type: 'application/json',
    body,
    job_id: `J-${eventId}`,
  });
  await appendLedger(
    store.db,
    [
      {
        offer_source: 'talentlink',
        offer_ats_id: `J-${eventId}`,
        campaign: Number(receivedAt.slice(0, 4)),
        actor: 'system',
        kind: 'event.received',
        data: { eventId, bodySha256: sha256hex(body) },
      },
    ],
    receivedAt,
  );
  if (status === 'done')
    await store.db
      .updateTable('inbox')
      .set({ status: 'done', processed_at: receivedAt })
      .where('event_id', '=', eventId)
      .execute();
}

async function sentMail(store: TestStore, atsId: string, campaign: number, sentAt: string) {
  const claim = await claimMail(
    store.db,
    {
      source: 'talentlink',
      ats_id: atsId,
      campaign,
      kind: 'submit_request',
      reason: 'submit',
      turn: 0,
      sequence: 0,
      audience: 'recruiters',
      recipientIds: [`U-${atsId}`],
      subject: `Offre ${atsId} : soumission attendue`,
    },
    { owner: 'test', leaseMs: 60_000, now: sentAt },
  );
  expect(claim.outcome).toBe('claimed');
  const messageId = `<${atsId}@en3s.local>`;
  await recordMailSent(store.db, claim.mail.id, 'test', {
    now: sentAt,
    mailer: 'mailbox',
    messageId,
    accepted: 1,
    rejected: 0,
  });
  await storeMailboxMessage(store.db, {
    messageId,
    to: [`recruteur.${atsId}@caisse.example`],
    subject: 'Offre',
    text: 'Bonjour',
    html: '<p>Bonjour</p>',
    now: sentAt,
  });
}

/** The inbox rows whose ATS document was purged (the rows themselves always stay). */
const purgedEvents = async (store: TestStore) =>
  (await store.db.selectFrom('inbox').select('event_id').where('body', '=', '').orderBy('event_id').execute()).map(
    (r) => r.event_id,
  );
const mailRecipients = async (store: TestStore) =>
  Object.fromEntries(
    (await store.db.selectFrom('recruiter_mails').select(['ats_id', 'recipient_ids']).execute()).map((r) => [
      r.ats_id,
      JSON.parse(r.recipient_ids) as string[],
    ]),
  );
const mailboxIds = async (store: TestStore) =>
  (await store.db.selectFrom('mailbox_messages').select('message_id').orderBy('message_id').execute()).map(
    (r) => r.message_id,
  );

describe.each(testDatabases())('retention purge on %s', (dialect) => {
  let store: TestStore;
  beforeAll(async () => {
    store = await openTestStore(dialect, 'retention');
    await handledEvent(store, 'old-done', '2025-02-10T10:00:00.000Z', 'done');
    await handledEvent(store, 'late-2025-done', '2025-12-31T23:30:00.000Z', 'done');
    await handledEvent(store, 'old-pending', '2025-03-10T10:00:00.000Z', 'pending');
    await handledEvent(store, 'current-done', '2027-02-10T10:00:00.000Z', 'done');
    await sentMail(store, 'J2025', 2025, '2025-02-11T10:00:00.000Z');
    await sentMail(store, 'J2026', 2026, '2026-03-11T10:00:00.000Z');
    await sentMail(store, 'J2027', 2027, '2027-02-11T10:00:00.000Z');
  });
  afterAll(() => store?.cleanup());
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('--dry-run says what would go and deletes nothing', async () => {
    vi.stubEnv('EN3S_CLOCK_START', PURGE_AT);
    const seqBefore = (await readLedger(store.db, { limit: 1000 })).length;
    const r = await en3s('db', 'purge', '--db', store.url, '--dry-run');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('campagnes jusqu’à 2026 comprise');
    expect(r.stdout).toContain('Simulation (--dry-run) : rien n’a été supprimé');
    expect(r.stdout).toContain('documents de l’ATS reçus (boîte de réception, lignes traitées) : 1');
    expect(r.stdout).toContain('destinataires d’e-mails aux recruteurs : 2');
    expect(r.stdout).toContain('messages de la boîte de démonstration : 2');
    expect(await purgedEvents(store)).toEqual([]);
    expect(await mailboxIds(store)).toHaveLength(3);
    expect((await readLedger(store.db, { limit: 1000 })).length).toBe(seqBefore);
  });

  it('purges the old campaigns only, keeps the ledger intact and records what went', async () => {
    vi.stubEnv('EN3S_CLOCK_START', PURGE_AT);
    const r = await en3s('db', 'purge', '--db', store.url);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Purge faite, inscrite au registre');
    // Received in Paris's 2026 (23:30 on 31 December UTC is 00:30 on 1 January in Paris): it may
    // feed campaign 2027, so it stays.
    expect(await purgedEvents(store)).toEqual(['old-done']);
    expect(await mailRecipients(store)).toEqual({ J2025: [], J2026: [], J2027: ['U-J2027'] });
    expect(await mailboxIds(store)).toEqual(['<J2027@en3s.local>']);
    // The rows stay: a snapshot already handled is not stored again, a mail is not sent twice.
    expect(await store.db.selectFrom('inbox').select('id').execute()).toHaveLength(4);
    expect(await store.db.selectFrom('recruiter_mails').select('id').execute()).toHaveLength(3);

    const ledger = await readLedger(store.db, { limit: 1000 });
    const last = ledger.at(-1)!;
    expect(last.kind).toBe('retention.purge');
    expect(last.at.slice(0, 16)).toBe(PURGE_AT.slice(0, 16));
    expect(last.data).toEqual({
      trigger: 'cli',
      retentionMonths: 13,
      lastCampaign: 2026,
      receivedBefore: '2025-12-31T23:00:00.000Z',
      inboxBodies: 1,
      mailRecipients: 2,
      mailboxMessages: 2,
    });
    // The old snapshot's hash is still in the ledger: the body it covered is gone, the chain holds.
    expect(
      ledger.find((e) => e.kind === 'event.received' && (e.data as { eventId: string }).eventId === 'old-done'),
    ).toBeTruthy();
    const verify = await en3s('audit', 'verify', '--db', store.url);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toContain('Registre intact');
  });

  it('a second run deletes nothing more, says so and writes no entry', async () => {
    vi.stubEnv('EN3S_CLOCK_START', PURGE_AT);
    const before = await readLedger(store.db, { limit: 1000 });
    const r = await en3s('db', 'purge', '--db', store.url);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Rien à purger');
    expect(await readLedger(store.db, { limit: 1000 })).toHaveLength(before.length);
    expect(await mailRecipients(store)).toEqual({ J2025: [], J2026: [], J2027: ['U-J2027'] });
  });

  it('a year later, the late 2025 document and the 2027 data go too', async () => {
    vi.stubEnv('EN3S_CLOCK_START', '2029-02-01T09:00:00.000Z');
    const r = await en3s('db', 'purge', '--db', store.url);
    expect(r.code).toBe(0);
    expect(await purgedEvents(store)).toEqual(['late-2025-done', 'old-done']);
    expect(await mailRecipients(store)).toEqual({ J2025: [], J2026: [], J2027: [] });
    expect(await mailboxIds(store)).toEqual([]);
    expect((await en3s('audit', 'verify', '--db', store.url)).code).toBe(0);
  });

  it('refuses a bad retention setting with exit 2 and a French message', async () => {
    vi.stubEnv('EN3S_RETENTION_MONTHS', 'treize');
    const r = await en3s('db', 'purge', '--db', store.url, '--dry-run');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('EN3S_RETENTION_MONTHS');
    expect(r.stdout).toBe('');
  });

  it('the scheduled purge runs once per Paris day, whatever the number of instances', async () => {
    let now = new Date('2030-03-02T08:00:00.000Z');
    const clock = { now: () => now };
    const instances = [1, 2].map(() => new RetentionSchedule({ store, clock, log: silentLogger, months: 13 }));
    await handledEvent(store, 'for-schedule', '2027-02-12T10:00:00.000Z', 'done');
    const first = await Promise.all(instances.map((i) => i.runIfDue()));
    expect(first.filter((o) => o !== null)).toHaveLength(1);
    const ran = first.find((o) => o !== null)!;
    expect(ran.counts.inboxBodies).toBe(2);
    expect((await readLedger(store.db, { limit: 1000 })).at(-1)!.data).toMatchObject({
      trigger: 'schedule',
      inboxBodies: 2,
    });
    // Later the same day (Paris): nobody runs it again.
    now = new Date('2030-03-02T22:59:00.000Z');
    expect(await Promise.all(instances.map((i) => i.runIfDue()))).toEqual([null, null]);
    // The next Paris day (23:00 UTC is midnight in Paris in March before the change of time).
    now = new Date('2030-03-02T23:00:00.000Z');
    const next = await Promise.all(instances.map((i) => i.runIfDue()));
    expect(next.filter((o) => o !== null)).toHaveLength(1);
    expect(next.find((o) => o !== null)!.counts).toEqual({ inboxBodies: 0, mailRecipients: 0, mailboxMessages: 0 });
  });
});

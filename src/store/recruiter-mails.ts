import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import { addMs, assertInstant } from './instant.js';
import type { RecruiterMailKind, RecruiterMailsTable } from './schema.js';

/**
 * The ledger of the e-mails asked of people about a job (requests to submit the approval,
 * reminders, the administrators' alert), one row per mail key. Sending is done between two
 * calls of this module:
 *
 *   claimMail → (the mailer sends) → recordMailSent | recordMailFailed
 *
 * A mail is claimed under a lease, so two instances asked for the same mail send it once.
 * Delivery is **at least once**: if the process dies after the server took the mail and before
 * `recordMailSent`, the row stays `sending` until its lease runs out, and the next claim sends
 * it again. A request or a reminder missed for good would leave a job blocked unseen, while a
 * rare duplicate costs a recipient one more identical message: the same key always gives the
 * same Message-ID (`messageIdFor`), so mail clients, and the demo's mailbox, see it as one.
 *
 * Recipients are kept as ATS user ids; addresses are looked up just before sending and never
 * stored here, nor in a log.
 */

export interface MailRequest {
  source: string;
  ats_id: string;
  campaign: number;
  kind: RecruiterMailKind;
  reason: 'submit' | 'resubmit';
  turn: number;
  /** The reminder's number from 1; 0 for the other kinds. */
  sequence: number;
  audience: 'recruiters' | 'administrators';
  /** ATS user ids; `[]` for the administrators. */
  recipientIds: readonly string[];
  subject: string;
}

export interface RecruiterMail extends Omit<Selectable<RecruiterMailsTable>, 'recipient_ids'> {
  recipient_ids: string[];
}

export type ClaimOutcome =
  /** Yours to send now, under a lease until `lease_until`. */
  | { outcome: 'claimed'; mail: RecruiterMail }
  | { outcome: 'already-sent'; mail: RecruiterMail }
  /** Another sender holds it (its lease has not run out). */
  | { outcome: 'in-progress'; mail: RecruiterMail }
  /** It failed: not before `retry_at`, or never again when that is null. */
  | { outcome: 'waiting'; mail: RecruiterMail };

/** The key of a mail: the same request, however often asked, is one mail. */
export function mailKey(
  r: Pick<MailRequest, 'source' | 'ats_id' | 'campaign' | 'reason' | 'turn' | 'kind' | 'sequence'>,
): string {
  const sequence = r.kind === 'reminder' ? r.sequence : 0;
  return [r.source, r.ats_id, r.campaign, r.reason, r.turn, r.kind, sequence].join(':');
}

function parse(row: Selectable<RecruiterMailsTable>): RecruiterMail {
  return { ...row, recipient_ids: JSON.parse(row.recipient_ids) as string[] };
}

function checkRequest(r: MailRequest): void {
  const reminder = r.kind === 'reminder';
  if (!Number.isInteger(r.sequence) || (reminder ? r.sequence < 1 : r.sequence !== 0)) {
    throw new RangeError(
      `claimMail ${r.kind}: sequence expected ${reminder ? 'an integer from 1' : '0'}, got ${r.sequence}`,
    );
  }
  if (!Number.isInteger(r.turn) || r.turn < 0)
    throw new RangeError(`claimMail ${r.kind}: turn expected an integer from 0, got ${r.turn}`);
  if ((r.kind === 'admin_alert') !== (r.audience === 'administrators')) {
    throw new RangeError(
      `claimMail ${r.kind}: audience expected ${r.kind === 'admin_alert' ? 'administrators' : 'recruiters'}, ` +
        `got ${r.audience}`,
    );
  }
}

/**
 * Takes the mail for sending: a new one, a failed one whose `retry_at` has come, or one whose
 * sender's lease ran out (it may have gone: at least once). Each statement is atomic on both
 * databases, so of two instances claiming at once, one gets it. A claim writes the request's
 * recipients and subject: a mail tried again goes to the job's team as it is then.
 */
export async function claimMail(
  db: Db,
  request: MailRequest,
  options: { owner: string; leaseMs: number; now: string },
): Promise<ClaimOutcome> {
  checkRequest(request);
  const now = assertInstant(options.now, 'claimMail now');
  const key = mailKey(request);
  const leaseUntil = addMs(now, options.leaseMs);
  const taken = {
    status: 'sending' as const,
    lease_owner: options.owner,
    lease_until: leaseUntil,
    recipient_ids: JSON.stringify(request.recipientIds),
    subject: request.subject,
    updated_at: now,
  };
  const inserted = await db
    .insertInto('recruiter_mails')
    .values({
      ...taken,
      mail_key: key,
      source: request.source,
      ats_id: request.ats_id,
      campaign: request.campaign,
      kind: request.kind,
      reason: request.reason,
      turn: request.turn,
      sequence: request.sequence,
      audience: request.audience,
      attempts: 1,
      created_at: now,
    })
    .onConflict((oc) => oc.column('mail_key').doNothing())
    .returningAll()
    .executeTakeFirst();
  if (inserted) return { outcome: 'claimed', mail: parse(inserted) };

  const retaken = await db
    .updateTable('recruiter_mails')
    .set((eb) => ({ ...taken, attempts: eb('attempts', '+', 1) }))
    .where('mail_key', '=', key)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'failed'), eb('retry_at', 'is not', null), eb('retry_at', '<=', now)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_until', '<=', now)]),
      ]),
    )
    .returningAll()
    .executeTakeFirst();
  if (retaken) return { outcome: 'claimed', mail: parse(retaken) };

  const row = await db.selectFrom('recruiter_mails').selectAll().where('mail_key', '=', key).executeTakeFirstOrThrow();
  const mail = parse(row);
  return {
    outcome: mail.status === 'sent' ? 'already-sent' : mail.status === 'sending' ? 'in-progress' : 'waiting',
    mail,
  };
}

/** The mailer took it. False when `owner` no longer holds the lease (another sender took over). */
export async function recordMailSent(
  db: Db,
  id: number,
  owner: string,
  sent: { now: string; mailer: string; messageId: string; accepted: number; rejected: number },
): Promise<boolean> {
  const now = assertInstant(sent.now, 'recordMailSent now');
  const result = await db
    .updateTable('recruiter_mails')
    .set({
      status: 'sent',
      sent_at: now,
      updated_at: now,
      mailer: sent.mailer,
      message_id: sent.messageId,
      accepted: sent.accepted,
      rejected: sent.rejected,
      lease_owner: null,
      lease_until: null,
      retry_at: null,
      error_code: null,
      error_message: null,
      smtp_code: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** The send failed: tried again from `retryAt`, or never (null: an administrator has to look). */
export async function recordMailFailed(
  db: Db,
  id: number,
  owner: string,
  failure: {
    now: string;
    mailer: string;
    code: string;
    message: string;
    smtpCode?: number | null;
    retryAt: string | null;
  },
): Promise<boolean> {
  const now = assertInstant(failure.now, 'recordMailFailed now');
  const retryAt = failure.retryAt === null ? null : assertInstant(failure.retryAt, 'recordMailFailed retryAt');
  const result = await db
    .updateTable('recruiter_mails')
    .set({
      status: 'failed',
      updated_at: now,
      mailer: failure.mailer,
      retry_at: retryAt,
      error_code: failure.code,
      error_message: failure.message,
      smtp_code: failure.smtpCode ?? null,
      lease_owner: null,
      lease_until: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'sending')
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A job's mails in a campaign, oldest first: the follow-up's history and the dashboard's. */
export async function listJobMails(
  db: Db,
  job: { source: string; ats_id: string; campaign: number },
): Promise<RecruiterMail[]> {
  const rows = await db
    .selectFrom('recruiter_mails')
    .selectAll()
    .where('source', '=', job.source)
    .where('ats_id', '=', job.ats_id)
    .where('campaign', '=', job.campaign)
    .orderBy('id')
    .execute();
  return rows.map(parse);
}

/** The latest mails of every job, newest first: the dashboard's log of what was asked of people. */
export async function listRecentMails(db: Db, limit: number): Promise<RecruiterMail[]> {
  const rows = await db.selectFrom('recruiter_mails').selectAll().orderBy('id', 'desc').limit(limit).execute();
  return rows.map(parse);
}

import type { ExpressionBuilder } from 'kysely';
import type { Db } from './database.js';
import { assertInstant } from './instant.js';
import type { Database } from './schema.js';
import { withinTransaction } from './transaction.js';

/**
 * The personal data whose retention has passed (see `src/domain/retention.ts` and
 * docs/personal-data.md), counted or deleted:
 * - the raw ATS documents of handled inbox rows (`done` or `failed`): the body is emptied, the
 *   row stays (its `(source, event_id)` keeps a snapshot already handled from being stored again,
 *   and the ledger's `event.received` entry keeps its SHA-256, so `en3s audit verify` holds);
 * - the recipients (ATS user ids) of the e-mails about jobs of those campaigns: emptied to `[]`,
 *   the row stays (its key keeps a mail from being sent twice, its dates are the evidence that
 *   recruiters were asked);
 * - the demo mailbox's messages (addresses and bodies) of those mails, or stored before the
 *   scope's instant: deleted.
 * The ledger is not touched: its entries are the audit trail and hold no body nor address.
 */

export interface PurgeBounds {
  /** The latest campaign whose retention has passed. */
  lastCampaign: number;
  /** Rows dated (received, stored) before this instant may go. */
  receivedBefore: string;
}

export interface PurgeCounts {
  /** Handled inbox rows whose body was (or would be) emptied. */
  inboxBodies: number;
  /** E-mails about jobs whose recipients were (or would be) emptied. */
  mailRecipients: number;
  /** Messages of the demo's mailbox deleted (or that would be). */
  mailboxMessages: number;
}

const EMPTY_BODY = '';
const NO_RECIPIENTS = '[]';

function inboxPurgeable(bounds: PurgeBounds) {
  return (eb: ExpressionBuilder<Database, 'inbox'>) =>
    eb.and([
      eb('status', 'in', ['done', 'failed']),
      eb('received_at', '<', bounds.receivedBefore),
      eb('body', '<>', EMPTY_BODY),
    ]);
}

/** A mail being sent (`sending`) keeps its recipients until it is settled. */
function mailPurgeable(bounds: PurgeBounds) {
  return (eb: ExpressionBuilder<Database, 'recruiter_mails'>) =>
    eb.and([
      eb('campaign', '<=', bounds.lastCampaign),
      eb('status', '<>', 'sending'),
      eb('recipient_ids', '<>', NO_RECIPIENTS),
    ]);
}

function mailboxPurgeable(db: Db, bounds: PurgeBounds) {
  const mailsOfScope = db
    .selectFrom('recruiter_mails')
    .select('message_id')
    .where('campaign', '<=', bounds.lastCampaign)
    .where('message_id', 'is not', null);
  return (eb: ExpressionBuilder<Database, 'mailbox_messages'>) =>
    eb.or([eb('stored_at', '<', bounds.receivedBefore), eb('message_id', 'in', mailsOfScope)]);
}

function checkBounds(bounds: PurgeBounds): void {
  assertInstant(bounds.receivedBefore, 'purge receivedBefore');
  if (!Number.isInteger(bounds.lastCampaign)) {
    throw new TypeError(`purge lastCampaign: expected an integer year, got ${bounds.lastCampaign}`);
  }
}

/** What a purge within `bounds` would remove now (nothing is changed). */
export async function countPurgeable(db: Db, bounds: PurgeBounds): Promise<PurgeCounts> {
  checkBounds(bounds);
  const count = (rows: { n: number | string | bigint } | undefined) => Number(rows?.n ?? 0);
  const [inbox, mails, mailbox] = await Promise.all([
    db
      .selectFrom('inbox')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(inboxPurgeable(bounds))
      .executeTakeFirst(),
    db
      .selectFrom('recruiter_mails')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(mailPurgeable(bounds))
      .executeTakeFirst(),
    db
      .selectFrom('mailbox_messages')
      .select((eb) => eb.fn.countAll().as('n'))
      .where(mailboxPurgeable(db, bounds))
      .executeTakeFirst(),
  ]);
  return { inboxBodies: count(inbox), mailRecipients: count(mails), mailboxMessages: count(mailbox) };
}

/** Removes the personal data within `bounds`, in the caller's transaction (or a new one); returns the counts. */
export async function purgePersonalData(db: Db, bounds: PurgeBounds): Promise<PurgeCounts> {
  checkBounds(bounds);
  return withinTransaction(db, async (trx) => {
    // The mailbox first: its messages are found through the mails' Message-IDs, which stay anyway.
    const mailbox = await trx.deleteFrom('mailbox_messages').where(mailboxPurgeable(trx, bounds)).executeTakeFirst();
    const mails = await trx
      .updateTable('recruiter_mails')
      .set({ recipient_ids: NO_RECIPIENTS })
      .where(mailPurgeable(bounds))
      .executeTakeFirst();
    const inbox = await trx
      .updateTable('inbox')
      .set({ body: EMPTY_BODY })
      .where(inboxPurgeable(bounds))
      .executeTakeFirst();
    return {
      inboxBodies: Number(inbox.numUpdatedRows),
      mailRecipients: Number(mails.numUpdatedRows),
      mailboxMessages: Number(mailbox.numDeletedRows),
    };
  });
}

const PURGE_DAY_CURSOR = 'retention.purge.day';

/**
 * Takes the scheduled purge of `day` (`YYYY-MM-DD`) for this instance: true for exactly one
 * caller per day, however many instances ask (an insert of the first day, then a compare-and-set
 * on the day: each is one atomic statement on both databases). A purge that fails after its
 * claim waits for the next day's; the CLI runs one at any time.
 */
export async function claimPurgeDay(db: Db, day: string, now: string): Promise<boolean> {
  assertInstant(now, 'claimPurgeDay now');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new TypeError(`claimPurgeDay day: expected YYYY-MM-DD, got ${day}`);
  const inserted = await db
    .insertInto('cursors')
    .values({ name: PURGE_DAY_CURSOR, value: day, updated_at: now })
    .onConflict((oc) => oc.column('name').doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) return true;
  const moved = await db
    .updateTable('cursors')
    .set({ value: day, updated_at: now })
    .where('name', '=', PURGE_DAY_CURSOR)
    .where('value', '<', day)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) > 0;
}

import type { Selectable } from 'kysely';
import type { Db } from './database.js';
import { assertInstant } from './instant.js';
import type { MailboxMessagesTable } from './schema.js';

/**
 * The demo's local mailbox: the messages the connector would have sent, kept in the database so
 * the dashboard or the log can show them without any mail server. A message is kept once per
 * Message-ID, so a send repeated after a crash (see `recruiter-mails.ts`) is not stored twice.
 */

export interface MailboxMessage {
  id: number;
  message_id: string;
  stored_at: string;
  to: string[];
  subject: string;
  text: string;
  html: string;
}

export interface NewMailboxMessage {
  messageId: string;
  to: readonly string[];
  subject: string;
  text: string;
  html: string;
  now: string;
}

function parse(r: Selectable<MailboxMessagesTable>): MailboxMessage {
  return {
    id: Number(r.id),
    message_id: r.message_id,
    stored_at: r.stored_at,
    to: JSON.parse(r.to_addresses) as string[],
    subject: r.subject,
    text: r.text_body,
    html: r.html_body,
  };
}

/** Stores the message; `duplicate` when a message of that Message-ID is already there (then unchanged). */
export async function storeMailboxMessage(db: Db, message: NewMailboxMessage): Promise<'stored' | 'duplicate'> {
  const now = assertInstant(message.now, 'storeMailboxMessage now');
  const result = await db
    .insertInto('mailbox_messages')
    .values({
      message_id: message.messageId,
      stored_at: now,
      to_addresses: JSON.stringify(message.to),
      subject: message.subject,
      text_body: message.text,
      html_body: message.html,
    })
    .onConflict((oc) => oc.column('message_id').doNothing())
    .executeTakeFirst();
  return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0 ? 'stored' : 'duplicate';
}

/** The latest messages first, `limit` of them (before the message id `before`, to page back). */
export async function listMailboxMessages(
  db: Db,
  options: { limit: number; before?: number },
): Promise<MailboxMessage[]> {
  let query = db.selectFrom('mailbox_messages').selectAll().orderBy('id', 'desc').limit(options.limit);
  if (options.before !== undefined) query = query.where('id', '<', options.before);
  return (await query.execute()).map(parse);
}

/** One message by its Message-ID (the mail ledger's `message_id`), or null. */
export async function findMailboxMessage(db: Db, messageId: string): Promise<MailboxMessage | null> {
  const row = await db
    .selectFrom('mailbox_messages')
    .selectAll()
    .where('message_id', '=', messageId)
    .executeTakeFirst();
  return row ? parse(row) : null;
}

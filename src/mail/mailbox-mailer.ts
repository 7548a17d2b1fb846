import { randomUUID } from 'node:crypto';
import type { Db } from '../store/database.js';
import { storeMailboxMessage } from '../store/mailbox.js';
import { checkMail, messageIdFor, type Mailer, type MailResult, type OutgoingMail } from './mailer.js';

/**
 * The mail port for the demo: messages are kept in the database's local mailbox
 * (`mailbox_messages`) instead of going to a mail server, so the dashboard or the log can show
 * what recruiters and administrators would have received. Same checks and same Message-IDs as
 * the SMTP mailer; a message sent again with the same key is stored once.
 */

export interface MailboxMailerOptions {
  db: Db;
  /** The instant a message is stored at (injected, so tests and the demo's clock decide). */
  clock: () => Date;
  /** The domain of the Message-IDs, e.g. the sender's (`en3s.demo`). */
  domain: string;
}

export function createMailboxMailer(options: MailboxMailerOptions): Mailer {
  return {
    name: 'mailbox',
    async send(mail: OutgoingMail): Promise<MailResult> {
      const invalid = checkMail(mail, 'local mailbox');
      if (invalid) return { ok: false, error: invalid };
      const messageId = mail.idempotencyKey
        ? messageIdFor(mail.idempotencyKey, options.domain)
        : `<en3s.${randomUUID()}@${options.domain}>`;
      try {
        await storeMailboxMessage(options.db, {
          messageId,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          html: mail.html,
          now: options.clock().toISOString(),
        });
      } catch (error) {
        // The database's own message may quote the values: only its class and code are kept.
        const code = (error as { code?: unknown }).code;
        const what = `${error instanceof Error ? error.name : 'error'}${typeof code === 'string' ? ` ${code}` : ''}`;
        return {
          ok: false,
          error: {
            code: 'MAILBOX',
            message: `local mailbox: the message could not be stored (${what})`,
            transient: true,
          },
        };
      }
      // A stored duplicate is the same message again: it counts as sent, once.
      return { ok: true, value: { messageId, accepted: mail.to.length, rejected: 0 } };
    },
  };
}

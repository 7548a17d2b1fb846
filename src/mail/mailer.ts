import { createHash } from 'node:crypto';

/**
 * The mail port: what the pipeline needs to write to recruiters and administrators, whatever
 * carries it. Two implementations: SMTP through nodemailer (`smtp-mailer.ts`) and a local
 * mailbox in the database for the demo (`mailbox-mailer.ts`), which needs no mail server.
 *
 * Every send answers with a value; an expected failure (server down, a refusal, a time-out)
 * is `{ ok: false, error }` with a code, the SMTP status when there is one, and whether trying
 * again later may help. Messages never quote an address, a password or the server's URL: an
 * SMTP server's reply text often quotes the recipient, so it is never copied.
 */

export interface OutgoingMail {
  to: readonly string[];
  subject: string;
  text: string;
  html: string;
  /**
   * The same key always gives the same Message-ID: a mail sent again after a crash (between the
   * send and its record) is recognisable as the same message, and the local mailbox keeps it once.
   */
  idempotencyKey?: string;
}

export interface MailSent {
  messageId: string;
  /** Recipients the server accepted, and refused (a partial refusal is still a sent mail). */
  accepted: number;
  rejected: number;
}

export type MailFailureCode =
  /** Nothing to send to, or a recipient that is no address (a bug or bad data upstream). */
  | 'INVALID_MAIL'
  /** The settings cannot be used (bad URL scheme, no sender). */
  | 'CONFIG'
  /** The server refused for good (5xx): the recipients, the sender, the message. */
  | 'SMTP_REJECTED'
  /** The server said "not now" (4xx). */
  | 'SMTP_TEMPORARY'
  /** The server refused the credentials. */
  | 'SMTP_AUTH'
  | 'TIMEOUT'
  /** The server could not be reached (refused, reset, name not found). */
  | 'CONNECTION'
  | 'TLS'
  /** Anything else the transport reported. */
  | 'SMTP_ERROR'
  /** The local mailbox could not store it (database). */
  | 'MAILBOX';

export interface MailFailure {
  code: MailFailureCode;
  /** Where and what, in English for the logs; no address, password nor URL. */
  message: string;
  /** The SMTP reply code, when the server gave one. */
  smtpCode?: number;
  /** Trying again later may help. */
  transient: boolean;
}

export type MailResult = { ok: true; value: MailSent } | { ok: false; error: MailFailure };

export interface Mailer {
  /** `smtp` or `mailbox`, for logs and the mail ledger. */
  readonly name: string;
  send(mail: OutgoingMail): Promise<MailResult>;
}

/** `<en3s.<hash>@domain>`: the key is hashed so the header says nothing about the job. */
export function messageIdFor(idempotencyKey: string, domain: string): string {
  const hash = createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 32);
  return `<en3s.${hash}@${domain}>`;
}

// A plain address: no display name, no line break, no angle bracket (no header injection).
const ADDRESS = /^[^\s<>()",;:@\\]+@[^\s<>()",;:@\\]+\.[^\s<>()",;:@\\]+$/;

/** What is wrong with a mail before anything is sent, or null when it can go. */
export function checkMail(mail: OutgoingMail, where: string): MailFailure | null {
  if (mail.to.length === 0)
    return { code: 'INVALID_MAIL', message: `${where}: expected at least one recipient, got none`, transient: false };
  const bad = mail.to.filter((a) => !ADDRESS.test(a)).length;
  if (bad > 0)
    return {
      code: 'INVALID_MAIL',
      message: `${where}: expected plain e-mail addresses, ${bad} of ${mail.to.length} recipient(s) are not`,
      transient: false,
    };
  if (mail.subject.trim() === '' || /[\r\n]/.test(mail.subject)) {
    return { code: 'INVALID_MAIL', message: `${where}: expected a one-line, non-empty subject`, transient: false };
  }
  return null;
}

import nodemailer from 'nodemailer';
import {
  checkMail,
  messageIdFor,
  type Mailer,
  type MailFailure,
  type MailFailureCode,
  type MailResult,
  type OutgoingMail,
} from './mailer.js';

/**
 * The mail port over SMTP, with nodemailer, to the configured server only. `smtp://host:port`
 * (STARTTLS when the server offers it) or `smtps://host:465` (TLS from the start), with
 * `user:password@` when the server wants a login. Every wait is bounded by `timeoutMs`
 * (connection, greeting, each reply). Failures are values naming the SMTP code; neither the URL
 * (it holds the password) nor the server's reply text (it quotes addresses) is ever copied.
 */

export interface SmtpSettings {
  /** `smtp://[user:password@]host[:port]` or `smtps://…`. A secret: never logged. */
  url: string;
  /** The sender, a plain address (`en3s@ucanss.fr`) or `Name <address>`. */
  from: string;
  /** Longest wait for the connection, the greeting, and each reply of the server. */
  timeoutMs: number;
}

type Transport = ReturnType<typeof nodemailer.createTransport>;

function configError(message: string): { ok: false; error: MailFailure } {
  return { ok: false, error: { code: 'CONFIG', message: `SMTP settings: ${message}`, transient: false } };
}

/** The domain of the sender's address, for Message-IDs. */
function senderDomain(from: string): string | null {
  const address = /<([^>]+)>\s*$/.exec(from)?.[1] ?? from.trim();
  const at = address.lastIndexOf('@');
  const domain = at > 0 ? address.slice(at + 1) : '';
  return /^[A-Za-z0-9.-]+$/.test(domain) ? domain : null;
}

/** A mailer of the settings, or why the settings cannot be used (without quoting the URL). */
export function createSmtpMailer(
  settings: SmtpSettings,
): { ok: true; value: Mailer } | { ok: false; error: MailFailure } {
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    return configError('the mail server URL cannot be read: expected smtp://host:port or smtps://host:port');
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    return configError(`the mail server URL: expected the scheme smtp: or smtps:, got ${url.protocol}`);
  }
  if (url.hostname === '') return configError('the mail server URL: expected a host name');
  const domain = senderDomain(settings.from);
  if (domain === null) return configError('the sender: expected an e-mail address (name@domain)');
  if (!Number.isFinite(settings.timeoutMs) || settings.timeoutMs <= 0)
    return configError(`timeoutMs: expected a positive number, got ${settings.timeoutMs}`);

  const secure = url.protocol === 'smtps:';
  const user = decodeURIComponent(url.username);
  const transport: Transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? (secure ? 465 : 25) : Number(url.port),
    secure,
    ...(user !== '' ? { auth: { user, pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    socketTimeout: settings.timeoutMs,
    dnsTimeout: settings.timeoutMs,
    // The messages are built here: nothing in them may make the transport read a file or a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  return { ok: true, value: new SmtpMailer(transport, settings.from, domain) };
}

class SmtpMailer implements Mailer {
  readonly name = 'smtp';
  constructor(
    private readonly transport: Transport,
    private readonly from: string,
    private readonly domain: string,
  ) {}

  async send(mail: OutgoingMail): Promise<MailResult> {
    const invalid = checkMail(mail, 'SMTP mailer');
    if (invalid) return { ok: false, error: invalid };
    try {
      const info = await this.transport.sendMail({
        from: this.from,
        to: [...mail.to],
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        ...(mail.idempotencyKey ? { messageId: messageIdFor(mail.idempotencyKey, this.domain) } : {}),
      });
      return {
        ok: true,
        value: { messageId: String(info.messageId), accepted: info.accepted.length, rejected: info.rejected.length },
      };
    } catch (error) {
      return { ok: false, error: smtpFailure(error) };
    }
  }
}

/** What a nodemailer error means, from its code and SMTP reply code only (never its text). */
export function smtpFailure(error: unknown): MailFailure {
  const e = (error ?? {}) as { code?: unknown; responseCode?: unknown; command?: unknown };
  const code = typeof e.code === 'string' ? e.code : null;
  const smtpCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = typeof e.command === 'string' && /^[A-Z ]{2,20}$/.test(e.command) ? ` after ${e.command}` : '';
  const what = (kind: MailFailureCode, transient: boolean, text: string): MailFailure => ({
    code: kind,
    message:
      `SMTP mailer: ${text}${command} (` +
      `${[code, smtpCode].filter((x) => x !== null && x !== undefined).join(', ') || 'no code'})`,
    ...(smtpCode !== undefined ? { smtpCode } : {}),
    transient,
  });
  if (code === 'EAUTH' || code === 'ENOAUTH') return what('SMTP_AUTH', false, 'the server refused the credentials');
  if (code === 'ETIMEDOUT') return what('TIMEOUT', true, 'the server did not answer in time');
  if (code === 'ETLS' || code === 'EREQUIRETLS') return what('TLS', false, 'the TLS negotiation failed');
  if (smtpCode !== undefined && smtpCode >= 400 && smtpCode < 500)
    return what('SMTP_TEMPORARY', true, 'the server refused for now');
  if (smtpCode !== undefined && smtpCode >= 500) return what('SMTP_REJECTED', false, 'the server refused the mail');
  if (code === 'ECONNECTION' || code === 'ESOCKET' || code === 'EDNS')
    return what('CONNECTION', true, 'the server could not be reached');
  return what('SMTP_ERROR', true, 'the transport failed');
}

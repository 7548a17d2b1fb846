import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { messageIdFor, type OutgoingMail } from '../../../src/mail/mailer.js';
import { createSmtpMailer } from '../../../src/mail/smtp-mailer.js';

/**
 * The SMTP mailer against a real SMTP server on the loopback (smtp-server): what it sends, the
 * login, refusals, a server that never answers, and that no failure quotes an address, the
 * password or the URL.
 */

interface Received {
  from: string;
  to: string[];
  raw: string;
}

const USER = 'en3s-mailer';
const PASSWORD = 'S3cr#t/p@ss:w0rd';

/** RFC 2047 encoded words (UTF-8, Q or B) decoded. */
function decodeWords(header: string): string {
  return header.replace(/=\?UTF-8\?([QB])\?([^?]*)\?=\s*/gi, (_m, enc: string, data: string) =>
    enc.toUpperCase() === 'B'
      ? Buffer.from(data, 'base64').toString('utf8')
      : Buffer.from(
          data
            .replace(/_/g, ' ')
            .replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16))),
          'latin1',
        ).toString('utf8'),
  );
}

function header(block: string, name: string): string | null {
  const match = new RegExp(`^${name}: (.*(?:\\r?\\n[ \\t].*)*)`, 'mi').exec(block);
  return match ? match[1]!.replace(/\r?\n[ \t]/g, ' ') : null;
}

function decodeBody(headers: string, body: string): string {
  const encoding = (header(headers, 'Content-Transfer-Encoding') ?? '7bit').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-F]{2})/gi, (_x, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    return Buffer.from(bytes, 'latin1').toString('utf8');
  }
  return body;
}

/** The subject, the text and HTML parts of a multipart/alternative message, decoded. */
function parse(raw: string): { subject: string; messageId: string | null; text: string; html: string } {
  const [head] = raw.split(/\r?\n\r?\n/, 1) as [string];
  const boundary = /boundary="?([^";\r\n]+)"?/.exec(header(head, 'Content-Type') ?? '')?.[1];
  if (!boundary) throw new Error('expected a multipart message');
  const parts = raw
    .split(`--${boundary}`)
    .slice(1, -1)
    .map((part) => {
      const at = part.search(/\r?\n\r?\n/);
      const headers = part.slice(0, at);
      return {
        type: header(headers, 'Content-Type') ?? '',
        body: decodeBody(
          headers,
          part
            .slice(at)
            .replace(/^\r?\n\r?\n/, '')
            .replace(/\r?\n$/, ''),
        ),
      };
    });
  const part = (type: string) => parts.find((p) => p.type.startsWith(type))?.body.replace(/\r\n/g, '\n') ?? '';
  return {
    subject: decodeWords(header(head, 'Subject') ?? ''),
    messageId: header(head, 'Message-ID'),
    text: part('text/plain'),
    html: part('text/html'),
  };
}

const mail: OutgoingMail = {
  to: ['recruteur.un@carsat-am.fr', 'recruteur.deux@carsat-am.fr'],
  subject: "Offre NVHADD00095 : à soumettre pour approbation à l'EN3S",
  text: 'Bonjour,\n\nÉtapes : « Processus d’approbation », puis « Soumettre ».\n',
  html: '<!DOCTYPE html>\n<html lang="fr"><body><p>Bonjour, « Soumettre » &amp; voilà</p></body></html>\n',
  idempotencyKey: 'talentlink:4711:2027:submit:0:submit_request:0',
};

describe('SMTP mailer against a real SMTP server', () => {
  let smtp: SMTPServer;
  let port: number;
  const received: Received[] = [];
  const logins: { username: string; password: string }[] = [];

  beforeAll(async () => {
    smtp = new SMTPServer({
      authOptional: true,
      allowInsecureAuth: true,
      authMethods: ['PLAIN', 'LOGIN'],
      disabledCommands: ['STARTTLS'],
      logger: false,
      onAuth(auth, _session, callback) {
        logins.push({ username: auth.username ?? '', password: auth.password ?? '' });
        if (auth.username === USER && auth.password === PASSWORD) return callback(null, { user: USER });
        return callback(new Error('Invalid username or password'));
      },
      onRcptTo(address, _session, callback) {
        const refuse = (code: number) =>
          callback(Object.assign(new Error(`<${address.address}> refused`), { responseCode: code }));
        if (address.address.startsWith('refuse')) return refuse(550);
        if (address.address.startsWith('later')) return refuse(451);
        return callback();
      },
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            raw: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    port = (smtp.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => smtp.close(() => resolve()));
  });
  beforeEach(() => {
    received.length = 0;
    logins.length = 0;
  });

  const mailer = (url = `smtp://127.0.0.1:${port}`, timeoutMs = 5_000) => {
    const made = createSmtpMailer({ url, from: 'Connecteur EN3S <en3s@ucanss.example>', timeoutMs });
    if (!made.ok) throw new Error(made.error.message);
    return made.value;
  };

  it('sends subject, text and HTML to every recipient, from the sender, with the Message-ID of its key', async () => {
    const result = await mailer().send(mail);
    const expectedId = messageIdFor(mail.idempotencyKey!, 'ucanss.example');
    expect(result).toEqual({ ok: true, value: { messageId: expectedId, accepted: 2, rejected: 0 } });
    expect(received).toHaveLength(1);
    const got = received[0]!;
    expect(got.from).toBe('en3s@ucanss.example');
    expect(got.to).toEqual(mail.to);
    const parsed = parse(got.raw);
    expect(parsed).toEqual({ subject: mail.subject, messageId: expectedId, text: mail.text, html: mail.html });
  });

  it('sends the same key with the same Message-ID again (a send repeated after a crash is recognisable)', async () => {
    await mailer().send(mail);
    await mailer().send(mail);
    expect(received.map((r) => parse(r.raw).messageId)).toEqual([
      messageIdFor(mail.idempotencyKey!, 'ucanss.example'),
      messageIdFor(mail.idempotencyKey!, 'ucanss.example'),
    ]);
    const { idempotencyKey: _key, ...withoutKey } = mail;
    await mailer().send(withoutKey);
    expect(parse(received[2]!.raw).messageId).not.toBe(parse(received[0]!.raw).messageId);
  });

  it('logs in with the user and password of the URL (percent-encoded there)', async () => {
    const url = `smtp://${encodeURIComponent(USER)}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;
    expect((await mailer(url).send(mail)).ok).toBe(true);
    expect(logins).toEqual([{ username: USER, password: PASSWORD }]);
  });

  it('a refused login is SMTP_AUTH with its code, and quotes neither the password nor the URL', async () => {
    const url = `smtp://${USER}:wrong-${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`;
    const result = await mailer(url).send(mail);
    expect(result).toMatchObject({ ok: false, error: { code: 'SMTP_AUTH', smtpCode: 535, transient: false } });
    const said = JSON.stringify(result);
    for (const secret of ['wrong-', PASSWORD, encodeURIComponent(PASSWORD), 'smtp://', USER])
      expect(said).not.toContain(secret);
    expect(received).toHaveLength(0);
  });

  it('one recipient refused: sent to others, refusal counted; all refused: SMTP_REJECTED, no addresses', async () => {
    const partly = await mailer().send({ ...mail, to: ['refuse.moi@carsat-am.fr', 'recruteur.un@carsat-am.fr'] });
    expect(partly).toMatchObject({ ok: true, value: { accepted: 1, rejected: 1 } });
    expect(received[0]?.to).toEqual(['recruteur.un@carsat-am.fr']);
    const refused = await mailer().send({ ...mail, to: ['refuse.moi@carsat-am.fr'] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'SMTP_REJECTED', smtpCode: 550, transient: false } });
    expect(JSON.stringify(refused)).not.toContain('refuse.moi');
    expect(JSON.stringify(refused)).not.toContain('carsat-am');
  });

  it('a temporary refusal (4xx) is worth trying again', async () => {
    const result = await mailer().send({ ...mail, to: ['later@carsat-am.fr'] });
    expect(result).toMatchObject({ ok: false, error: { code: 'SMTP_TEMPORARY', smtpCode: 451, transient: true } });
    expect(JSON.stringify(result)).not.toContain('later@');
  });

  it('checks the mail before anything is sent', async () => {
    expect(await mailer().send({ ...mail, to: [] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MAIL', transient: false },
    });
    const injected = await mailer().send({ ...mail, to: ['a@b.fr\r\nBcc: x@y.fr'] });
    expect(injected).toMatchObject({ ok: false, error: { code: 'INVALID_MAIL' } });
    expect(JSON.stringify(injected)).not.toContain('x@y.fr');
    expect(await mailer().send({ ...mail, subject: 'a\r\nBcc: x@y.fr' })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_MAIL' },
    });
    expect(received).toHaveLength(0);
  });
});

describe('SMTP mailer when the server is not there, or silent', () => {
  let silent: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts the connection and never greets: only the time-out can end the wait.
    silent = createServer((socket) => sockets.push(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('a server that never answers is a TIMEOUT after the configured time, worth trying again', async () => {
    const port = (silent.address() as AddressInfo).port;
    const made = createSmtpMailer({
      url: `smtp://u:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}`,
      from: 'en3s@ucanss.example',
      timeoutMs: 300,
    });
    if (!made.ok) throw new Error(made.error.message);
    const started = Date.now();
    const result = await made.value.send(mail);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result).toMatchObject({ ok: false, error: { code: 'TIMEOUT', transient: true } });
    expect(JSON.stringify(result)).not.toContain(PASSWORD);
  });

  it('a closed port is a CONNECTION failure, worth trying again', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const made = createSmtpMailer({ url: `smtp://127.0.0.1:${port}`, from: 'en3s@ucanss.example', timeoutMs: 2_000 });
    if (!made.ok) throw new Error(made.error.message);
    expect(await made.value.send(mail)).toMatchObject({ ok: false, error: { code: 'CONNECTION', transient: true } });
  });

  it('settings it cannot use are a CONFIG failure that does not quote the URL', () => {
    const bad = createSmtpMailer({
      url: `https://user:${PASSWORD}@mail.example:25`,
      from: 'en3s@ucanss.example',
      timeoutMs: 1_000,
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'CONFIG', transient: false } });
    expect(JSON.stringify(bad)).not.toContain(PASSWORD);
    expect(JSON.stringify(bad)).not.toContain('mail.example');
    expect(createSmtpMailer({ url: 'not a url', from: 'en3s@ucanss.example', timeoutMs: 1_000 })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG' },
    });
    expect(createSmtpMailer({ url: 'smtp://mail.example', from: 'Connecteur EN3S', timeoutMs: 1_000 })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG' },
    });
    expect(createSmtpMailer({ url: 'smtp://mail.example', from: 'en3s@ucanss.example', timeoutMs: 0 })).toMatchObject({
      ok: false,
      error: { code: 'CONFIG' },
    });
  });
});

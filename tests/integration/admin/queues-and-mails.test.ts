import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMailboxMailer } from '../../../src/mail/mailbox-mailer.js';
import { recordPoisonElement } from '../../../src/store/queue-drains.js';
import { claimMail, recordMailSent } from '../../../src/store/recruiter-mails.js';
import { testDatabases } from '../../support/databases.js';
import { PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * What the queues brought that could not be handled, and what was asked of people by e-mail:
 * shown to the administrators, recipients by their ATS user id, never by address outside the
 * demo's own mailbox.
 */

describe.each(testDatabases())('admin pages of the ATS queues and the e-mails on %s', (dialect) => {
  let app: AdminTestApp;
  let alice: Client;
  beforeAll(async () => {
    app = await startAdminApp(dialect, 'queues-mails', { mailMode: 'mailbox' });
    alice = new Client(app.url);
    await alice.login('alice', PASSWORD);
    const now = '2027-01-20T09:00:00.000Z';
    await recordPoisonElement(
      app.store.db,
      {
        queueName: 'en3s-positions',
        queueKind: 'job',
        elementId: '4401',
        jobId: '913',
        postingId: null,
        code: 'ELEMENT_GONE',
        message: 'job 913: 404',
      },
      now,
    );
    const request = {
      source: 'talentlink',
      ats_id: app.offers.submitted,
      campaign: 2027,
      kind: 'submit_request' as const,
      reason: 'submit' as const,
      turn: 0,
      sequence: 0,
      audience: 'recruiters' as const,
      recipientIds: ['101'],
      subject: 'Offre NVHADD00001 : à soumettre',
    };
    const claim = await claimMail(app.store.db, request, { owner: 'test', leaseMs: 60_000, now });
    if (claim.outcome !== 'claimed') throw new Error('expected a claim');
    const mailer = createMailboxMailer({ db: app.store.db, clock: () => new Date(now), domain: 'en3s.demo' });
    const sent = await mailer.send({
      to: ['recruteur1@exemple.fr'],
      subject: request.subject,
      text: 'Bonjour,\nmerci de soumettre.',
      html: '<p>Bonjour</p>',
      idempotencyKey: claim.mail.mail_key,
    });
    if (!sent.ok) throw new Error(sent.error.message);
    await recordMailSent(app.store.db, claim.mail.id, 'test', {
      now,
      mailer: 'mailbox',
      messageId: sent.value.messageId,
      accepted: 1,
      rejected: 0,
    });
  });
  afterAll(() => app?.close());

  it('lists the queue elements set aside, with why, in French', async () => {
    const page = await alice.get('/admin/files');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Éléments écartés (1)');
    expect(page.text).toContain('objet supprimé de l’ATS (404)');
    expect(page.text).toContain('4401');
  });

  it('lists the e-mails by the recipients’ user ids, and the demo mailbox’s messages', async () => {
    const page = await alice.get('/admin/courriels');
    expect(page.status).toBe(200);
    expect(page.text).toContain('demande de soumission');
    expect(page.text).toContain('utilisateur 101');
    expect(page.text).toContain('merci de soumettre');
    const table = page.text.slice(page.text.indexOf('<table'), page.text.indexOf('</table>'));
    expect(table).not.toContain('@');
  });
});

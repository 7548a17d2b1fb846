import type { MailboxMessage } from '../store/mailbox.js';
import type { PoisonPage } from '../store/queue-drains.js';
import type { RecruiterMail } from '../store/recruiter-mails.js';
import { pathOf } from './html.js';
import { frenchDateTime } from './format.js';
import { html, type SafeHtml } from './html.js';

/**
 * "Files de l'ATS": the queue elements the connector could not handle (recorded, then cleared so
 * that the queue flows again: docs/talentlink.md §5), and, in the demo's mailbox mode, the e-mails it sent.
 */

const poisonCodes: Record<string, string> = {
  ELEMENT_FORBIDDEN: 'objet non accessible au compte du connecteur (403)',
  ELEMENT_GONE: 'objet supprimé de l’ATS (404)',
  NOT_FOUND: 'offre ou annonce introuvable à la lecture',
  POSTING_NOT_LIVE: 'annonce déjà retirée quand elle a été lue (par le connecteur ou par le recruteur) : rien à faire',
  INVALID_RESPONSE: 'document illisible',
  INVALID_ARGUMENT: 'identifiant inutilisable',
};

export const POISON_PAGE_SIZE = 50;

export function poisonBody(page: PoisonPage): SafeHtml {
  const rows = page.rows.map(
    (p) => html`<tr>
    <td>${p.queue_name}</td>
    <td>${p.element_id ?? '—'}</td>
    <td>${p.job_id ?? p.posting_id ?? '—'}</td>
    <td>${poisonCodes[p.code] ?? p.code}</td>
    <td>${frenchDateTime(p.recorded_at)}</td>
    <td class="num">${p.occurrences}</td>
    <td>${p.cleared_at ? frenchDateTime(p.cleared_at) : 'pas encore'}</td>
  </tr>`,
  );
  return html`<p>Éléments des files de l’ATS que le connecteur n’a pas pu traiter.
Chacun est inscrit ici avant d’être retiré de sa file, pour qu’elle
continue de s’écouler ; l’offre concernée, si elle existe encore, est relue par le listage des changements.</p>
<table>
  <caption>Éléments écartés (${page.total})</caption>
  <thead>
    <tr>
      <th scope="col">File</th>
      <th scope="col">Élément</th>
      <th scope="col">Offre ou annonce</th>
      <th scope="col">Raison</th>
      <th scope="col">Vu le</th>
      <th scope="col" class="num">Fois</th>
      <th scope="col">Retiré de la file le</th>
    </tr>
  </thead>
  <tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">Aucun élément écarté.</td></tr>`}</tbody>
</table>`;
}

const mailKinds: Record<string, string> = {
  submit_request: 'demande de soumission',
  resubmit_request: 'demande de nouvelle soumission',
  reminder: 'relance',
  admin_alert: 'alerte aux administrateurs',
};
const mailStatus: Record<string, string> = { sending: 'en cours d’envoi', sent: 'envoyé', failed: 'échec' };

/** What was asked of people, by e-mail: every mode; in the demo's mailbox mode, the messages themselves too. */
export function mailsBody(mails: RecruiterMail[], mailbox: MailboxMessage[] | null): SafeHtml {
  const recipients = (m: RecruiterMail): string =>
    m.audience === 'administrators' ? 'administrateurs' : m.recipient_ids.map((id) => `utilisateur ${id}`).join(', ');
  const rows = mails.map(
    (m) => html`<tr>
    <td><a href="${pathOf('/admin/offres', m.source, m.ats_id, m.campaign)}">${m.ats_id}</a></td>
    <td>${mailKinds[m.kind] ?? m.kind}${m.kind === 'reminder' ? ` n° ${m.sequence}` : ''}</td>
    <td>${recipients(m)}</td>
    <td>${mailStatus[m.status] ?? m.status}${m.error_code ? ` (${m.error_code})` : ''}</td>
    <td>${m.sent_at ? frenchDateTime(m.sent_at) : '—'}</td>
  </tr>`,
  );
  return html`<p>Ce que le connecteur a demandé par e-mail : l’API de l’ATS ne permet pas de soumettre une offre
à l’approbation, le recruteur le fait
(« Soumettre pour approbation »). Les destinataires sont nommés par leur identifiant d’utilisateur dans l’ATS ;
leurs adresses ne sont pas conservées.</p>
<table>
  <caption>E-mails (${mails.length} derniers)</caption>
  <thead>
    <tr>
      <th scope="col">Offre</th>
      <th scope="col">E-mail</th>
      <th scope="col">Destinataires</th>
      <th scope="col">État</th>
      <th scope="col">Envoyé le</th>
    </tr>
  </thead>
  <tbody>${rows.length > 0 ? rows : html`<tr><td colspan="5">Aucun e-mail.</td></tr>`}</tbody>
</table>
${mailbox ? mailboxBody(mailbox) : ''}`;
}

export function mailboxBody(messages: MailboxMessage[]): SafeHtml {
  const items = messages.map((m) => {
    const recipients = `${m.to.length} destinataire${m.to.length > 1 ? 's' : ''}`;
    return html`<details>
  <summary>${frenchDateTime(m.stored_at)} — ${m.subject} <span class="muted">(${recipients})</span></summary>
  <pre class="mail">${m.text}</pre>
</details>`;
  });
  return html`<p>Boîte aux lettres de démonstration : les e-mails que le connecteur a envoyés aux recruteurs
et aux administrateurs, gardés dans la base au lieu
de partir par un serveur SMTP.</p>
${items.length > 0 ? items : html`<p>Aucun e-mail envoyé.</p>`}`;
}

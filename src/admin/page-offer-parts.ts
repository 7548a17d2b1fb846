import type { ProcessMemory } from '../domain/job-process.js';
import type { OfferRecord } from '../store/offers.js';
import type { OutboxCommand } from '../store/outbox.js';
import { REASON_MAX, REASON_MIN } from './actions.js';
import type { Principal } from './auth.js';
import {
  answerLabel,
  askReasonLabels,
  commandLabels,
  en3sInSubmission,
  frenchDateTime,
  outboxStatusLabels,
  stateLabelOf,
} from './format.js';
import { html, pathOf, type SafeHtml } from './html.js';
import { commandErrorHtml } from './command-errors.js';
import { csrfField } from './layout.js';

/**
 * Parts of the offer page: the follow-up in the campaign (what the connector observed, each
 * with the instant it observed it), the action forms, the commands, the ledger timeline.
 */

/** The process's memory as the `offers` row keeps it; a row may predate any field. */
export type Sticky = Partial<Omit<ProcessMemory, 'snapshot' | 'decision'>>;

function row(label: string, value: SafeHtml | string) {
  return html`<dt>${label}</dt><dd>${value}</dd>`;
}

function submissionText(s: NonNullable<Sticky['submission']>): string {
  const turn = s.turn > 0 ? ` (soumission n° ${s.turn + 1})` : '';
  const deduced =
    s.basis === 'pending_not_seen'
      ? ' — statut « en attente d’approbation » jamais lu, soumission déduite du statut suivant'
      : '';
  return `le ${frenchDateTime(s.observedAt)}${turn} : ${en3sInSubmission(s.en3sIncluded, s.en3sOnly)}${deduced}`;
}

function violationRow(v: NonNullable<Sticky['violations']>[number]): SafeHtml {
  const action = v.action === 'take_down' ? 'retrait demandé' : 'signalée (mode observation)';
  const gone = v.goneAt ? frenchDateTime(v.goneAt) : 'encore en ligne à la dernière relecture';
  return html`<tr><td>${v.postingId}</td><td>${frenchDateTime(v.postedAt)}</td><td>${frenchDateTime(v.detectedAt)}</td>
    <td>${action}</td><td>${gone}</td></tr>`;
}

export function offerFollowUp(record: OfferRecord, m: Sticky): SafeHtml {
  const s = m.submission;
  const violations = m.violations ?? [];
  const answer = m.answer
    ? `${answerLabel(m.answer.status, m.answer.byEn3s)}, le ${frenchDateTime(m.answer.observedAt)}`
    : 'aucune';
  const asked = m.asked
    ? `le ${frenchDateTime(m.asked.at)} : ${askReasonLabels[m.asked.reason] ?? m.asked.reason}`
    : 'non';
  return html`<section aria-labelledby="suivi-titre">
  <h2 id="suivi-titre">Suivi dans la campagne ${record.campaign}</h2>
  <p class="muted">Chaque date est celle où le connecteur a constaté le fait dans l’ATS,
    qui ne date ni les soumissions ni les réponses.</p>
  <dl class="facts">
    ${row('État', `${stateLabelOf(record.state)}${m.stateSince ? ` depuis le ${frenchDateTime(m.stateSince)}` : ''}`)}
    ${row(
      'Approbateur EN3S',
      m.approver
        ? m.approver.by === 'connector'
          ? `posé par le connecteur, vu dans l’équipe le ${frenchDateTime(m.approver.observedAt)}`
          : `posé par le recruteur, vu dans l’équipe le ${frenchDateTime(m.approver.observedAt)}`
        : 'pas encore vu dans l’équipe de l’offre',
    )}
    ${row('Soumission observée', s ? submissionText(s) : 'aucune')}
    ${row('Réponse observée', answer)}
    ${row('Recruteur sollicité', asked)}
    ${row('Fin de période sans réponse', m.released ? `constatée le ${frenchDateTime(m.released.at)}` : 'non')}
  </dl>
  <table>
    <caption>Manquements (annonces en ligne sans l’approbation de l’EN3S)</caption>
    <thead>
      <tr>
        <th scope="col">Annonce</th>
        <th scope="col">Publiée le</th>
        <th scope="col">Constatée le</th>
        <th scope="col">Suite</th>
        <th scope="col">Plus en ligne le</th>
      </tr>
    </thead>
    <tbody>${
      violations.length > 0
        ? violations.map(violationRow)
        : html`<tr><td colspan="5">Aucun manquement constaté.</td></tr>`
    }</tbody>
  </table>
</section>`;
}

export function reasonField(id: string): SafeHtml {
  return html`<div><label for="${id}">Motif (obligatoire, inscrit au registre)</label>
  <textarea id="${id}" name="reason" required minlength="${REASON_MIN}" maxlength="${REASON_MAX}"></textarea></div>`;
}

export function offerActions(record: OfferRecord, principal: Principal): SafeHtml {
  const base = pathOf('/admin/offres', record.source, record.ats_id, record.campaign);
  const overridden = Boolean((record.timeline_data as { override?: unknown } | null)?.override);
  const removeOverride = overridden
    ? html`<div><label><input
        type="radio" name="scope" value="remove"> Retirer le forçage (revenir à la décision des textes)</label></div>`
    : '';
  return html`<section aria-labelledby="actions-titre">
  <h2 id="actions-titre">Actions</h2>
  <p class="muted">Chaque action est inscrite au registre avec votre nom et le motif.
    Aucune ne remplace la réponse de l’EN3S, qui vient de l’ATS seul.</p>
  <form method="post" action="${base}/perimetre" class="action">
    ${csrfField(principal)}
    <fieldset>
      <legend>Forcer le périmètre de l’offre</legend>
      <div><label><input
        type="radio" name="scope" value="concerned" required> Concernée par la période EN3S</label></div>
      <div><label><input type="radio" name="scope" value="not_concerned"> Non concernée</label></div>
      ${removeOverride}
    </fieldset>
    ${reasonField('motif-perimetre')}
    <div><button type="submit">Enregistrer le périmètre</button></div>
  </form>
  ${
    record.review_needed
      ? html`<form method="post" action="${base}/verifiee" class="action">
    ${csrfField(principal)}
    <fieldset>
      <legend>Marquer l’offre comme vérifiée</legend>
      <p class="muted">Le signalement « à vérifier » disparaît ; il revient si une nouvelle version de l’offre,
        lue dans l’ATS, manque encore de données pour décider.</p>
    </fieldset>
    ${reasonField('motif-verifiee')}
    <div><button type="submit">Marquer comme vérifiée</button></div>
  </form>`
      : ''
  }
  <form method="post" action="${base}/reevaluer" class="action">
    ${csrfField(principal)}
    <fieldset><legend>Évaluer de nouveau l’offre maintenant</legend></fieldset>
    ${reasonField('motif-reevaluer')}
    <div><button type="submit">Évaluer de nouveau</button></div>
  </form>
</section>`;
}

export function retryForm(command: OutboxCommand, principal: Principal): SafeHtml {
  return html`<form method="post" action="/admin/commandes/${command.id}/relancer" class="action">
    ${csrfField(principal)}
    ${reasonField(`motif-relance-${command.id}`)}
    <div><button type="submit">Relancer la commande n° ${command.id}</button></div>
  </form>`;
}

function commandRow(c: OutboxCommand, principal: Principal): SafeHtml {
  const kind = commandLabels[c.kind] ?? c.kind;
  const status = outboxStatusLabels[c.status] ?? c.status;
  const error = commandErrorHtml(c.last_error);
  const retry = c.status === 'dead' ? retryForm(c, principal) : '';
  return html`<tr><td>${c.id}</td><td>${kind}</td><td>${status}</td><td class="num">${c.attempts}</td>
    <td>${frenchDateTime(c.created_at)}</td><td>${frenchDateTime(c.done_at)}</td><td>${error}${retry}</td></tr>`;
}

export function offerCommands(commands: OutboxCommand[], principal: Principal): SafeHtml {
  return html`<section aria-labelledby="commandes-titre">
  <h2 id="commandes-titre">Commandes du connecteur</h2>
  <table>
    <thead>
      <tr>
        <th scope="col">N°</th>
        <th scope="col">Commande</th>
        <th scope="col">État</th>
        <th scope="col">Essais</th>
        <th scope="col">Créée le</th>
        <th scope="col">Faite le</th>
        <th scope="col">Dernière erreur</th>
      </tr>
    </thead>
    <tbody>${
      commands.length > 0
        ? commands.map((c) => commandRow(c, principal))
        : html`<tr><td colspan="7">Aucune commande.</td></tr>`
    }</tbody>
  </table>
</section>`;
}

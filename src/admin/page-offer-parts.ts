import type { OfferRecord } from '../store/offers.js';
import type { OutboxCommand } from '../store/outbox.js';
import { REASON_MAX, REASON_MIN } from './actions.js';
import type { Principal } from './auth.js';
import { commandLabels, frenchDateTime, outboxStatusLabels } from './format.js';
import { html, pathOf, type SafeHtml } from './html.js';
import { csrfField } from './layout.js';
import type { TimelineLine } from './timeline.js';

/** The lower half of the offer page: the action forms, the commands sent to the ATS, the ledger timeline. */

export function reasonField(id: string): SafeHtml {
  return html`<div><label for="${id}">Motif (obligatoire, inscrit au registre)</label>
  <textarea id="${id}" name="reason" required minlength="${REASON_MIN}" maxlength="${REASON_MAX}"></textarea></div>`;
}

export function offerActions(record: OfferRecord, principal: Principal): SafeHtml {
  const base = pathOf('/admin/offres', record.source, record.ats_id, record.campaign);
  const overridden = Boolean((record.timeline_data as { override?: unknown } | null)?.override);
  return html`<section aria-labelledby="actions-titre">
  <h2 id="actions-titre">Actions</h2>
  <p class="muted">Chaque action est inscrite au registre avec votre nom et le motif. Aucune ne remplace la réponse de l’EN3S, qui vient de l’ATS seul.</p>
  <form method="post" action="${base}/perimetre" class="action">
    ${csrfField(principal)}
    <fieldset>
      <legend>Forcer le périmètre de l’offre</legend>
      <div><label><input type="radio" name="scope" value="concerned" required> Concernée par la période EN3S</label></div>
      <div><label><input type="radio" name="scope" value="not_concerned"> Non concernée</label></div>
      ${overridden ? html`<div><label><input type="radio" name="scope" value="remove"> Retirer le forçage (revenir à la décision des textes)</label></div>` : ''}
    </fieldset>
    ${reasonField('motif-perimetre')}
    <div><button type="submit">Enregistrer le périmètre</button></div>
  </form>
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

export function offerCommands(commands: OutboxCommand[], principal: Principal): SafeHtml {
  return html`<section aria-labelledby="commandes-titre">
  <h2 id="commandes-titre">Commandes envoyées à l’ATS</h2>
  <table>
    <thead><tr><th scope="col">N°</th><th scope="col">Commande</th><th scope="col">État</th><th scope="col">Essais</th><th scope="col">Créée le</th><th scope="col">Faite le</th><th scope="col">Dernière erreur</th></tr></thead>
    <tbody>${
      commands.length > 0
        ? commands.map(
            (c) => html`<tr><td>${c.id}</td><td>${commandLabels[c.kind] ?? c.kind}</td><td>${outboxStatusLabels[c.status] ?? c.status}</td><td class="num">${c.attempts}</td>
            <td>${frenchDateTime(c.created_at)}</td><td>${frenchDateTime(c.done_at)}</td><td>${c.last_error ?? '—'}${c.status === 'dead' ? retryForm(c, principal) : ''}</td></tr>`,
          )
        : html`<tr><td colspan="7">Aucune commande.</td></tr>`
    }</tbody>
  </table>
</section>`;
}

export function offerTimeline(lines: TimelineLine[]): SafeHtml {
  return html`<section aria-labelledby="historique">
  <h2 id="historique" tabindex="-1">Historique (registre)</h2>
  <table class="timeline">
    <caption>Qui a fait quoi, et quand (heure de Paris) — ${lines.length} entrée${lines.length > 1 ? 's' : ''}</caption>
    <thead><tr><th scope="col">N°</th><th scope="col">Date</th><th scope="col">Par</th><th scope="col">Événement</th><th scope="col">Détail</th></tr></thead>
    <tbody>${lines.map(
      (l) => html`<tr data-kind="${l.kind}"><td>${l.seq}</td><td>${frenchDateTime(l.at)}</td><td>${l.actor}${l.actorName ? html` <strong>${l.actorName}</strong>` : ''}</td><td>${l.what}</td>
        <td><details><summary>Entrée n° ${l.seq}</summary><p>Empreinte : <span class="hash">${l.hash}</span></p><pre><code>${JSON.stringify(l.data, null, 2)}</code></pre></details></td></tr>`,
    )}</tbody>
  </table>
</section>`;
}

import type { OutboxCommand } from '../store/outbox.js';
import type { Principal } from './auth.js';
import { commandLabels, frenchDateTime } from './format.js';
import { html, pathOf, queryString, type SafeHtml } from './html.js';
import { commandErrorHtml } from './command-errors.js';
import { retryForm } from './page-offer-parts.js';

/** "Commandes en échec": the commands the dispatcher gave up on, each with its offer and a retry form. */

export const COMMANDS_PAGE_SIZE = 50;

export function commandsBody(commands: OutboxCommand[], page: number, principal: Principal): SafeHtml {
  const rows = commands.slice(0, COMMANDS_PAGE_SIZE).map(
    (c) => html`<tr>
    <td>${c.id}</td>
    <td><a href="${pathOf('/admin/offres', c.source, c.ats_id, c.campaign)}">${c.ats_id}</a> <span
      class="muted">(${c.campaign})</span></td>
    <td>${commandLabels[c.kind] ?? c.kind}</td>
    <td class="num">${c.attempts}</td>
    <td>${frenchDateTime(c.created_at)}</td>
    <td>${commandErrorHtml(c.last_error)}</td>
    <td>${retryForm(c, principal)}</td>
  </tr>`,
  );
  const previous =
    page > 1
      ? html`<a href="/admin/commandes${queryString({ page: page - 1 > 1 ? page - 1 : null })}">Page précédente</a>`
      : '';
  const next =
    commands.length > COMMANDS_PAGE_SIZE
      ? html`<a href="/admin/commandes${queryString({ page: page + 1 })}" rel="next">Page suivante</a>`
      : '';
  return html`<p>Le connecteur a renoncé à ces commandes après plusieurs essais (l’ATS, ou le serveur d’e-mails
pour les demandes aux recruteurs, les a refusées ou n’a pas répondu).
Relancez-les une fois la cause corrigée ; la relance est inscrite au registre avec votre nom et le motif.</p>
<table>
  <caption>Commandes en échec${page > 1 ? ` — page ${page}` : ''}</caption>
  <thead>
    <tr>
      <th scope="col">N°</th>
      <th scope="col">Offre</th>
      <th scope="col">Commande</th>
      <th scope="col" class="num">Essais</th>
      <th scope="col">Créée le</th>
      <th scope="col">Dernière erreur</th>
      <th scope="col">Relancer</th>
    </tr>
  </thead>
  <tbody>${rows.length > 0 ? rows : html`<tr><td colspan="7">Aucune commande en échec.</td></tr>`}</tbody>
</table>
<nav class="pager" aria-label="Pages de la liste">
  ${previous}
  ${next}
</nav>`;
}

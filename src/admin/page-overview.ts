import { jobProcessStates, jobProcessTable } from '../domain/job-process-states.js';
import { askReasonLabels, frenchDate, frenchDateTime, frenchNumber } from './format.js';
import { html, pathOf, queryString, type SafeHtml } from './html.js';
import { holdsSection } from './page-holds.js';
import type { Overview } from './status.js';

/** "Vue d'ensemble": what needs an administrator today, then where every offer of the campaign stands. */

const windowStatus = { upcoming: 'à venir', open: 'en cours', closed: 'close' } as const;

function awaitingRow(o: Overview['awaitingSubmission']['items'][number]): SafeHtml {
  const offer = html`<a href="${pathOf('/admin/offres', o.source, o.ats_id, o.campaign)}">${o.job_number}</a>`;
  const reason = o.asked_reason ? (askReasonLabels[o.asked_reason] ?? o.asked_reason) : '—';
  return html`<tr><td>${offer}</td><td>${o.title}</td><td>${o.organism_name ?? '—'}</td>
    <td>${frenchDateTime(o.asked_at)}</td><td>${reason}</td></tr>`;
}

/** The jobs whose recruiter has still to « Soumettre pour approbation »: the API cannot do it for them. */
function awaitingSubmissionSection(data: Overview): SafeHtml {
  const { items, total, href } = data.awaitingSubmission;
  const oldest =
    total > items.length
      ? html` — les ${items.length} modifiées il y a le plus longtemps ; <a href="${href}">toute la liste</a>`
      : '';
  return html`<section aria-labelledby="soumission-titre">
  <h2 id="soumission-titre">Offres en attente de soumission par le recruteur</h2>
  <p class="muted">L’approbateur EN3S est dans l’équipe de l’offre ;
    seul le recruteur peut « Soumettre pour approbation » dans l’ATS.</p>
  <table id="attente-soumission">
    <caption>${frenchNumber(total)} offre${total > 1 ? 's' : ''} en attente de soumission${oldest}</caption>
    <thead>
      <tr>
        <th scope="col">Référence</th>
        <th scope="col">Intitulé</th>
        <th scope="col">Organisme</th>
        <th scope="col">Recruteur sollicité le</th>
        <th scope="col">Demande</th>
      </tr>
    </thead>
    <tbody>${
      items.length > 0
        ? items.map(awaitingRow)
        : html`<tr><td colspan="5">Aucune offre en attente de soumission.</td></tr>`
    }</tbody>
  </table>
</section>`;
}

function campaignSelector(current: number, campaigns: number[]): SafeHtml {
  const options = [...new Set([current, ...campaigns])].sort((a, b) => b - a);
  const choices = options.map((c) => html`<option value="${c}"${c === current ? html` selected` : ''}>${c}</option>`);
  return html`<form method="get" action="/admin" class="filters">
  <div><label for="campaign">Campagne</label>
  <select id="campaign" name="campaign">${choices}</select></div>
  <div><button type="submit">Afficher</button></div>
</form>`;
}

function alertItem(a: Overview['alerts'][number]): SafeHtml {
  const count = a.key === 'ats_unreachable' ? (a.count > 0 ? 'Oui' : 'Non') : frenchNumber(a.count);
  return html`<li class="${a.count > 0 ? 'on' : ''}" data-alert="${a.key}">
      <a href="${a.href}"><span class="count">${count}</span>${a.label}</a>
    </li>`;
}

function unreachableAlert(operations: Overview['operations']): SafeHtml | string {
  if (!operations.atsUnreachable) return '';
  const why =
    operations.circuit && operations.circuit.state !== 'closed'
      ? 'les appels sont suspendus (disjoncteur ouvert)'
      : `la dernière réconciliation a échoué (${operations.lastReconcile?.error ?? ''})`;
  return html`<p class="error" role="alert">L’ATS ne répond pas : ${why}.
    Les commandes attendent et seront envoyées dès son retour.</p>`;
}

export function overviewBody(data: Overview, campaigns: number[]): SafeHtml {
  const { campaign, counts, alerts, operations } = data;
  const { inbox, outbox } = operations;
  const rs = campaign.ruleSetNow;
  const end = new Date(Date.parse(campaign.end) - 1).toISOString();
  const first = frenchDate(campaign.start, campaign.timeZone);
  const last = frenchDate(end, campaign.timeZone);
  const status = windowStatus[campaign.status];
  const inForce = rs
    ? html`<strong>${rs.citation}</strong> — ${rs.title} (depuis le ${frenchDate(rs.file.inForce.from)})`
    : 'aucun texte en vigueur à cette date';
  const stateRows = jobProcessStates.map((s) => {
    const href = `/admin/offres${queryString({ campaign: campaign.campaign, state: s })}`;
    return html`<tr>
        <th scope="row"><a href="${href}">${jobProcessTable[s].label}</a></th>
        <td>${jobProcessTable[s].description}</td>
        <td class="num">${frenchNumber(counts[s] ?? 0)}</td>
      </tr>`;
  });
  const offers = `${frenchNumber(data.total)} offre${data.total > 1 ? 's' : ''}`;
  const readsWaiting = frenchNumber(inbox.byStatus.pending + inbox.byStatus.processing);
  const commandsWaiting = frenchNumber(outbox.byStatus.pending + outbox.byStatus.in_flight);
  const deadCommands = html`<a href="/admin/commandes">${frenchNumber(outbox.byStatus.dead)}</a>`;
  return html`${campaignSelector(campaign.campaign, campaigns)}
<section aria-labelledby="campagne-titre" class="panel">
  <h2 id="campagne-titre">Campagne ${campaign.campaign}</h2>
  <p>Période EN3S du <strong>${first}</strong> au <strong>${last}</strong>
  (heure de Paris ; chaque organisme d’outre-mer suit sa propre heure légale) : <strong>${status}</strong>.</p>
  <p>Texte en vigueur : ${inForce}.</p>
</section>
<section aria-labelledby="alertes-titre">
  <h2 id="alertes-titre">Ce qui demande un administrateur</h2>
  <ul class="alerts">${alerts.map(alertItem)}</ul>
  ${unreachableAlert(operations)}
</section>
${awaitingSubmissionSection(data)}
<section aria-labelledby="etats-titre">
  <h2 id="etats-titre">Offres par état</h2>
  <table>
    <caption>${offers} dans la campagne ${campaign.campaign}</caption>
    <thead>
      <tr>
        <th scope="col">État</th>
        <th scope="col">Signification</th>
        <th scope="col" class="num">Offres</th>
      </tr>
    </thead>
    <tbody>${stateRows}</tbody>
  </table>
</section>
<section aria-labelledby="ops-titre">
  <h2 id="ops-titre">Fonctionnement</h2>
  <ul>
    <li>Lectures de l’ATS à traiter : ${readsWaiting} ; en échec : ${frenchNumber(inbox.byStatus.failed)}.</li>
    <li>Commandes à l’ATS en attente : ${commandsWaiting} ; en échec : ${deadCommands}.</li>
    <li>Dernière réconciliation réussie : ${frenchDateTime(operations.reconcileCursorAt)}.</li>
  </ul>
  <p><a href="/admin/parametres#connecteur">État du connecteur, réconciliation avec l’ATS</a></p>
</section>
${holdsSection(operations.holds)}`;
}

import { jobProcessStates, jobProcessTable } from '../domain/job-process-states.js';
import type { DomainData } from '../mappings/load.js';
import { concernedLabels, frenchDateTime, frenchNumber, networksOf, regimeLabels, stateLabelOf } from './format.js';
import { html, pathOf, queryString, type SafeHtml } from './html.js';
import type { OfferQuery } from './offer-filters.js';
import type { OfferPage } from '../store/offer-list.js';

/** "Offres": the filter form (plain GET, so every list is a link that can be shared) and one page of the list. */

const sortLabels = {
  recent: 'Dernière modification (récentes d’abord)',
  oldest: 'Dernière modification (anciennes d’abord)',
  reference: 'Référence',
  title: 'Intitulé',
};

function select(id: string, label: string, options: [string, string][], current: string | undefined, any = 'Tous') {
  const choices = options.map(
    ([value, text]) => html`<option value="${value}"${value === current ? html` selected` : ''}>${text}</option>`,
  );
  return html`<div><label for="${id}">${label}</label><select id="${id}" name="${id}">
    <option value="">${any}</option>${choices}
  </select></div>`;
}

function checkbox(id: string, label: string, checked: boolean) {
  const ticked = checked ? html` checked` : '';
  return html`<div><label><input type="checkbox" name="${id}" value="1"${ticked}> ${label}</label></div>`;
}

export function offersBody(
  domain: DomainData,
  query: OfferQuery,
  page: OfferPage,
  total: number,
  campaigns: number[],
): SafeHtml {
  const p = query.params;
  const campaign = query.filter.campaign;
  const regimeMap = regimeLabels(domain);
  const regimes = [...regimeMap];
  const types = domain.organismsFile.types.map((t): [string, string] => [t.key, `${t.key} — ${t.label}`]);
  const singleState = query.filter.states.length === 1 ? query.filter.states[0] : undefined;
  const form = html`<form method="get" action="/admin/offres" class="filters" role="search"
    aria-label="Filtrer les offres">
  <div><label for="q">Rechercher (référence, intitulé, organisme)</label><input
    type="search" id="q" name="q" value="${p.q ?? ''}" maxlength="200"></div>
  ${select(
    'campaign',
    'Campagne',
    [...new Set([campaign, ...campaigns])].sort((a, b) => b - a).map((c): [string, string] => [String(c), String(c)]),
    String(campaign),
    'Campagne en cours',
  )}
  ${select(
    'state',
    'État',
    jobProcessStates.map((s): [string, string] => [s, jobProcessTable[s].label]),
    singleState,
  )}
  ${select('regime', 'Régime', regimes, p.regime)}
  ${select(
    'network',
    'Réseau',
    networksOf(domain).map((n): [string, string] => [n, n]),
    p.network,
  )}
  ${select('body', 'Type d’organisme', types, p.body)}
  ${select('concerned', 'Périmètre', Object.entries(concernedLabels), p.concerned)}
  ${checkbox('review', 'À vérifier (signalée, pas encore vérifiée)', query.filter.review)}
  ${checkbox('violation', 'Manquement constaté', query.filter.violation)}
  <div><label for="unansweredDays">Soumise sans réponse observée depuis plus de (jours)</label><input
    type="number" id="unansweredDays" name="unansweredDays" min="1" max="366" value="${p.unansweredDays ?? ''}"></div>
  ${select('sort', 'Tri', Object.entries(sortLabels), query.sort, sortLabels.recent)}
  <div><button type="submit">Filtrer</button></div>
  <div><a href="/admin/offres">Effacer les filtres</a></div>
</form>`;
  const multi =
    query.filter.states.length > 1
      ? html`<p class="muted">États retenus : ${query.filter.states.map(stateLabelOf).join(', ')}.</p>`
      : '';
  const rows = page.items.map((o) => {
    const review = o.review_needed ? html` <span class="badge alert">à vérifier</span>` : '';
    return html`<tr>
    <td><a href="${pathOf('/admin/offres', o.source, o.ats_id, o.campaign)}">${o.job_number}</a></td>
    <td>${o.title}</td>
    <td>${o.organism_name ?? '—'}${o.organism_type ? html` <span class="muted">(${o.organism_type})</span>` : ''}</td>
    <td>${o.regime ? (regimeMap.get(o.regime) ?? o.regime) : '—'}</td>
    <td>${stateLabelOf(o.state)}</td>
    <td>${concernedLabels[o.concerned] ?? o.concerned}${review}</td>
    <td>${o.violation ? html`<span class="badge alert">oui</span>` : 'non'}</td>
    <td>${frenchDateTime(o.submitted_at)}</td>
    <td>${frenchDateTime(o.updated_at)}</td>
  </tr>`;
  });
  const { after: _after, ...kept } = p;
  const next = page.next
    ? html`<a href="/admin/offres${queryString({ ...kept, after: page.next })}" rel="next">Page suivante</a>`
    : html`<span class="muted">Fin de la liste</span>`;
  const pager = html`<nav class="pager" aria-label="Pages de la liste">
    ${query.after ? html`<a href="/admin/offres${queryString(kept)}">Première page</a>` : ''}
    ${next}
  </nav>`;
  return html`${form}${multi}
<table>
  <caption>${frenchNumber(total)} offre${total > 1 ? 's' : ''} — campagne ${campaign}</caption>
  <thead>
    <tr>
      <th scope="col">Référence</th>
      <th scope="col">Intitulé</th>
      <th scope="col">Organisme</th>
      <th scope="col">Régime</th>
      <th scope="col">État</th>
      <th scope="col">Périmètre</th>
      <th scope="col">Manquement</th>
      <th scope="col">Soumission observée le</th>
      <th scope="col">Mise à jour</th>
    </tr>
  </thead>
  <tbody>${rows.length > 0 ? rows : html`<tr><td colspan="9">Aucune offre ne répond à ces critères.</td></tr>`}</tbody>
</table>
${pager}`;
}

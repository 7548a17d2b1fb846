import { jobProcessStates, jobProcessTable } from '../domain/job-process-states.js';
import type { DomainData } from '../mappings/load.js';
import type { ReportRun } from '../reports/index.js';
import { reportKindLabels } from '../reports/options.js';
import type { Principal } from './auth.js';
import { frenchDateTime, frenchNumber, networksOf, regimeLabels, stateLabelOf } from './format.js';
import { html, type SafeHtml } from './html.js';
import { csrfField } from './layout.js';

/** "Rapports": produce any report of the reports module, download it, and the history of runs with their hashes. */

const triggerLabels: Record<string, string> = {
  cli: 'ligne de commande',
  schedule: 'planifié',
  api: 'tableau de bord / API',
};
const formatLabels: Record<string, string> = {
  csv: 'CSV (Excel)',
  xlsx: 'Classeur Excel (XLSX)',
  json: 'JSON',
  html: 'Page HTML',
};

function optionsText(run: ReportRun): string {
  const o = run.options as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof o.asOf === 'string') parts.push(`situation au ${frenchDateTime(o.asOf)}`);
  for (const [key, label] of [
    ['network', 'réseau'],
    ['regime', 'régime'],
    ['body', 'organisme'],
  ] as const) {
    if (typeof o[key] === 'string') parts.push(`${label} ${String(o[key])}`);
  }
  if (Array.isArray(o.states) && o.states.length > 0)
    parts.push(`états ${o.states.map((s) => stateLabelOf(String(s))).join(', ')}`);
  return parts.length > 0 ? parts.join(', ') : 'toutes les offres';
}

const recapLabel =
  'Récapitulatif par réseau (chaque caisse nationale pour son réseau ; le SGMCAS pour tous les réseaux)';
const postsLabel =
  'Postes à saisir sur la bourse en ligne des postes de l’EN3S, par organisme, avec ceux déjà saisis ' +
  '(CSV, XLSX ou JSON ; choisissez un organisme pour sa seule liste)';
const asOfLabel = 'Situation au (facultatif, aaaa-mm-jj : l’état des offres ce jour-là, d’après le registre)';

function runRow({ run, available }: { run: ReportRun; available: boolean }): SafeHtml {
  const file = available
    ? html`<a href="/admin/rapports/${run.id}/fichier" download>${run.fileName}</a>`
    : html`${run.fileName} <span class="muted">(fichier absent du dossier du service)</span>`;
  return html`<tr id="run-${run.id}" data-run="${run.id}">
      <td>${run.id}</td>
      <td>${frenchDateTime(run.generatedAt)}</td>
      <td>${reportKindLabels[run.kind] ?? run.kind} (${formatLabels[run.format] ?? run.format})</td>
      <td>${run.campaign}</td>
      <td>${optionsText(run)}</td>
      <td class="num">${frenchNumber(run.rowCount)}</td>
      <td>${triggerLabels[run.trigger] ?? run.trigger}</td>
      <td>${file}
      <br><span class="hash">${run.files[0]?.sha256 ?? ''}</span></td>
    </tr>`;
}

function options(list: [string, string][], any: string) {
  return html`<option value="">${any}</option>${list.map(([v, t]) => html`<option value="${v}">${t}</option>`)}`;
}

export function reportsBody(
  domain: DomainData,
  campaign: number,
  runs: { run: ReportRun; available: boolean }[],
  principal: Principal,
): SafeHtml {
  const formats = Object.entries(formatLabels).map(([v, t]) => html`<option value="${v}">${t}</option>`);
  return html`<section aria-labelledby="produire-titre">
  <h2 id="produire-titre">Produire un rapport</h2>
  <form method="post" action="/admin/rapports" class="action">
    ${csrfField(principal)}
    <fieldset><legend>Rapport</legend>
      <div><label><input type="radio" name="kind" value="report"
        checked> Rapport de contrôle (une ligne par offre, avec la synthèse)</label></div>
      <div><label><input type="radio" name="kind" value="recap"> ${recapLabel}</label></div>
      <div><label><input type="radio" name="kind" value="posts"> ${postsLabel}</label></div>
    </fieldset>
    <div><label for="format">Format</label><select id="format" name="format">${formats}</select></div>
    <div><label for="r-campaign">Campagne</label><input type="text" id="r-campaign" name="campaign" value="${campaign}"
      inputmode="numeric" pattern="[0-9]{4}" required></div>
    <div><label for="asOf">${asOfLabel}</label><input type="date" id="asOf" name="asOf"></div>
    <div><label for="r-network">Réseau</label><select id="r-network" name="network">${options(
      networksOf(domain).map((n) => [n, n]),
      'Tous',
    )}</select></div>
    <div><label for="r-regime">Régime</label><select id="r-regime" name="regime">${options(
      [...regimeLabels(domain)],
      'Tous',
    )}</select></div>
    <div><label for="r-body">Type d’organisme</label><select id="r-body" name="body">${options(
      domain.organismsFile.types.map((t) => [t.key, `${t.key} — ${t.label}`]),
      'Tous',
    )}</select></div>
    <div><label for="r-state">État</label><select id="r-state" name="state">${options(
      jobProcessStates.map((s) => [s, jobProcessTable[s].label]),
      'Tous',
    )}</select></div>
    <div><button type="submit">Produire le rapport</button></div>
  </form>
</section>
<section aria-labelledby="historique-titre">
  <h2 id="historique-titre">Rapports produits</h2>
  <p class="muted">L’empreinte SHA-256 permet de prouver qu’un fichier remis est bien celui produit :
    le téléchargement est refusé si le fichier a été modifié depuis.</p>
  <table>
    <thead>
      <tr>
        <th scope="col">N°</th>
        <th scope="col">Produit le</th>
        <th scope="col">Rapport</th>
        <th scope="col">Campagne</th>
        <th scope="col">Périmètre</th>
        <th scope="col" class="num">Offres</th>
        <th scope="col">Origine</th>
        <th scope="col">Fichier et empreinte SHA-256</th>
      </tr>
    </thead>
    <tbody>${
      runs.length > 0 ? runs.map(runRow) : html`<tr><td colspan="8">Aucun rapport produit pour l’instant.</td></tr>`
    }</tbody>
  </table>
</section>`;
}

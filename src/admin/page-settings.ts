import { describeConfig, settings, type Config } from '../config.js';
import type { DomainData } from '../mappings/load.js';
import type { AccessSettings } from './access-config.js';
import type { Principal } from './auth.js';
import { frenchDate, frenchDateTime, frenchNumber } from './format.js';
import { html, type SafeHtml } from './html.js';
import { csrfField } from './layout.js';
import { reasonField } from './page-offer-parts.js';
import type { Operations } from './status.js';

/** "Paramètres": the policy, the texts and their dates, the connector's status — read only, secrets masked. */

const policyRows = (c: Config): [string, string][] => [
  [
    'Mode',
    c.policyMode === 'enforce'
      ? 'Application : le connecteur pose l’approbateur EN3S, retire les annonces publiées trop ' +
        'tôt et sollicite les recruteurs'
      : 'Observation : il constate et rend compte, sans rien faire dans l’ATS',
  ],
  [
    'Offres indéterminées (données manquantes)',
    c.policyUndetermined === 'treat-as-concerned' ? 'traitées comme concernées et signalées' : 'signalées seulement',
  ],
  [
    'Fin de période sans réponse',
    c.policyRemoveApproverAtWindowEnd
      ? 'l’approbateur EN3S est retiré de l’équipe des offres encore en attente'
      : 'l’approbateur EN3S est laissé dans l’équipe',
  ],
  [
    'Solliciter les recruteurs',
    c.policyAskRecruiters ? 'oui : un e-mail leur demande de « Soumettre pour approbation »' : 'non',
  ],
  [
    'Organismes à deux réseaux',
    c.primaryNetworks === 'all' ? 'comptés sous chacun' : 'comptés sous le premier seulement',
  ],
  [
    'Rapport final et récapitulatif par réseau',
    c.reportsSchedule
      ? `chaque année le ${c.reportsFinalAt.slice(3, 5)}/${c.reportsFinalAt.slice(0, 2)} ` +
        `à ${c.reportsFinalAt.slice(6).replace(':', ' h ')} ` +
        `(heure de Paris), fin de la période d’affectation`
      : 'non planifiés',
  ],
];

/** How the connector reads the ATS and spends its calls: the queues it drains and its call budget. */
const atsRows = (c: Config): [string, string][] => [
  ['File d’attente des offres', c.positionQueue],
  ['File d’attente des annonces', c.postingQueue],
  ['Lecture des files', `toutes les ${frenchNumber(Math.round(c.queuePollMs / 1000))} s, et à chaque alerte`],
  ['Appels à l’ATS par seconde', `${frenchNumber(c.atsCallsPerSecond)}, partagés par toutes les instances`],
  [
    'Quota mensuel d’appels',
    c.atsMonthlyQuota > 0 ? `${frenchNumber(c.atsMonthlyQuota)} sur 30 jours glissants` : 'aucun',
  ],
  [
    'Réserve pour retirer les annonces',
    `${frenchNumber(c.atsTakedownReserve)} appel${c.atsTakedownReserve > 1 ? 's' : ''} par seconde`,
  ],
];

const circuitLabels: Record<string, string> = {
  closed: 'fermé (appels normaux)',
  open: 'ouvert (appels suspendus)',
  'half-open': 'semi-ouvert (essai en cours)',
};

/** A setting's French explanation, its `…` spans (values, names to type) as code. */
function explanation(text: string): SafeHtml[] {
  return text.split('`').map((part, i) => (i % 2 === 1 ? html`<code>${part}</code>` : html`${part}`));
}

function keyValueRow([k, v]: [string, string]): SafeHtml {
  return html`<tr><th scope="row">${k}</th><td>${v}</td></tr>`;
}

const twoDigits = (n: number) => String(n).padStart(2, '0');

function ruleSetRow(r: DomainData['ruleSetFiles'][number]): SafeHtml {
  const until = r.inForce.to ? ` au ${frenchDate(r.inForce.to)}` : ' sans date de fin';
  const from = `${twoDigits(r.window.from.day)}/${twoDigits(r.window.from.month)}`;
  const to = `${twoDigits(r.window.to.day)}/${twoDigits(r.window.to.month)}`;
  return html`<tr>
      <td><strong>${r.citation}</strong><br>${r.title}</td>
      <td>${frenchDate(r.signed)}</td>
      <td>du ${frenchDate(r.inForce.from)}${until}</td>
      <td>du ${from} au ${to} (${r.window.section})</td>
      <td>${r.regimes.map((g) => html`${g.label} (${g.criterion.scopeLabel}, ${g.section})<br>`)}</td>
    </tr>`;
}

function circuitText(circuit: Operations['circuit']): string {
  if (!circuit) return 'non suivi par cette instance';
  const failures = circuit.consecutiveFailures ? `, ${circuit.consecutiveFailures} échecs de suite` : '';
  return `${circuitLabels[circuit.state] ?? circuit.state}${failures}`;
}

function reconcileText(last: Operations['lastReconcile']): string {
  if (!last) return 'aucune';
  const outcome = last.ok
    ? `réussie (${last.listed ?? 0} offres lues, ${last.inserted ?? 0} nouvelles)`
    : `échec (${last.error ?? ''})`;
  return `${frenchDateTime(last.at)} : ${outcome}`;
}

function accessText(access: AccessSettings): string {
  const users = `${access.users.size} administrateur${access.users.size > 1 ? 's' : ''}`;
  const tokens = `${access.tokens.size} jeton${access.tokens.size > 1 ? 's' : ''} d’API`;
  const proxy = access.proxyHeader ? `de confiance (en-tête ${access.proxyHeader})` : 'désactivé';
  const idle = Math.round(access.idleMs / 60_000);
  return `${users}, ${tokens}, proxy ${proxy} ; session close après ${idle} min sans activité`;
}

function value(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? '(vide)' : v.join(' ');
  if (v === '') return '(vide)';
  return String(v);
}

export function settingsBody(
  config: Config,
  access: AccessSettings,
  domain: DomainData,
  ops: Operations,
  principal: Principal,
): SafeHtml {
  const rulesets = [...domain.ruleSetFiles].sort((a, b) => b.inForce.from.localeCompare(a.inForce.from));
  const described = describeConfig(config);
  const { inbox, outbox } = ops;
  const reads =
    `${frenchNumber(inbox.byStatus.pending)} en attente, ${frenchNumber(inbox.byStatus.processing)} en cours, ` +
    `${frenchNumber(inbox.byStatus.failed)} en échec`;
  const sending = frenchNumber(outbox.byStatus.in_flight);
  const commandsWaiting = `${frenchNumber(outbox.byStatus.pending)} en attente, ${sending} en cours`;
  const deadCommands = html`<a href="/admin/commandes">${frenchNumber(outbox.byStatus.dead)} en échec</a>`;
  const configRows = Object.entries(described).map(([name, v]) => {
    const setting = settings[name as keyof typeof settings];
    return html`<tr><th scope="row"><code>${name}</code></th><td><code>${setting.env}</code></td>
      <td><code>${value(v)}</code></td><td>${explanation(setting.french)}</td></tr>`;
  });
  return html`<section aria-labelledby="politique-titre">
  <h2 id="politique-titre">Politique en vigueur</h2>
  <table><tbody>${policyRows(config).map(keyValueRow)}</tbody></table>
  <h3>Lecture de l’ATS et budget d’appels</h3>
  <table><tbody>${atsRows(config).map(keyValueRow)}</tbody></table>
</section>
<section aria-labelledby="textes-titre">
  <h2 id="textes-titre">Textes appliqués</h2>
  <table>
    <thead>
      <tr>
        <th scope="col">Texte</th>
        <th scope="col">Signé le</th>
        <th scope="col">En vigueur</th>
        <th scope="col">Période</th>
        <th scope="col">Régimes</th>
      </tr>
    </thead>
    <tbody>${rulesets.map(ruleSetRow)}</tbody>
  </table>
</section>
<section aria-labelledby="connecteur">
  <h2 id="connecteur" tabindex="-1">État du connecteur</h2>
  <table>
    <tbody>
      <tr>
        <th scope="row">ATS</th>
        <td>${config.atsBaseUrl || '(non configuré)'}</td>
      </tr>
      <tr>
        <th scope="row">Disjoncteur des appels à l’ATS</th>
        <td>${circuitText(ops.circuit)}</td>
      </tr>
      <tr>
        <th scope="row">Dernière réconciliation lancée d’ici</th>
        <td>${reconcileText(ops.lastReconcile)}</td>
      </tr>
      <tr>
        <th scope="row">Dernière réconciliation réussie</th>
        <td>${frenchDateTime(ops.reconcileCursorAt)}</td>
      </tr>
      <tr>
        <th scope="row">Lectures de l’ATS (file d’entrée)</th>
        <td>${reads}</td>
      </tr>
      <tr>
        <th scope="row">Commandes à l’ATS</th>
        <td>${commandsWaiting}, ${deadCommands}</td>
      </tr>
      <tr>
        <th scope="row">Accès</th>
        <td>${accessText(access)}</td>
      </tr>
    </tbody>
  </table>
  <form method="post" action="/admin/reconciliation" class="action">
    ${csrfField(principal)}
    <fieldset><legend>Lancer une réconciliation avec l’ATS maintenant</legend>
    <p class="muted">Relit dans l’ATS les offres modifiées depuis la dernière réconciliation (listage des changements),
      pour rattraper une alerte ou une file d’attente en défaut.</p></fieldset>
    ${reasonField('motif-reconciliation')}
    <div><button type="submit">Lancer la réconciliation</button></div>
  </form>
</section>
<section aria-labelledby="config-titre">
  <h2 id="config-titre">Configuration (secrets masqués)</h2>
  <table>
    <thead>
      <tr>
        <th scope="col">Paramètre</th>
        <th scope="col">Variable</th>
        <th scope="col">Valeur</th>
        <th scope="col">Rôle</th>
      </tr>
    </thead>
    <tbody>${configRows}</tbody>
  </table>
</section>`;
}

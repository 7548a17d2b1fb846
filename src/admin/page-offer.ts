import type { OfferMemory } from '../domain/workflow.js';
import type { DomainData } from '../mappings/load.js';
import type { OfferRecord } from '../store/offers.js';
import type { OutboxCommand } from '../store/outbox.js';
import type { Principal } from './auth.js';
import {
  approvalStatusLabels,
  concernedLabels,
  frenchDate,
  frenchDateTime,
  jobStatusLabels,
  postingStatusLabels,
  regimeLabels,
  stateLabelOf,
} from './format.js';
import { html, type SafeHtml } from './html.js';
import { offerActions, offerCommands, offerTimeline } from './page-offer-parts.js';
import type { TimelineLine } from './timeline.js';

/**
 * "Fiche offre": the job as the ATS last described it, the decision with its reasons and the
 * texts cited, where the offer stands in the campaign, the actions, the commands sent to the
 * ATS, and the timeline from the ledger.
 */

const yesNo = (v: boolean | null | undefined) => (v === true ? 'oui' : v === false ? 'non' : '—');
const by = (who: string) => (who === 'connector' ? 'le connecteur' : 'le recruteur');

function fact(label: string, value: SafeHtml | string | null | undefined) {
  return html`<dt>${label}</dt><dd>${value === null || value === undefined || value === '' ? '—' : value}</dd>`;
}

function jobSection(record: OfferRecord): SafeHtml {
  const o = record.offer;
  const c = o.classification;
  const zone = o.organism?.timeZone ?? 'Europe/Paris';
  return html`<section aria-labelledby="offre-titre">
  <h2 id="offre-titre">L’offre telle que l’ATS l’a décrite en dernier (version ${o.version})</h2>
  <dl class="facts">
    ${fact('Référence', o.jobNumber)}
    ${fact('N° de réquisition', o.requisitionNumber)}
    ${fact('Intitulé', o.title)}
    ${fact('Statut dans l’ATS', jobStatusLabels[o.status] ?? o.status)}
    ${fact('Créée le', frenchDateTime(o.createdAt, zone))}
    ${fact('Organisme', `${o.organization.name}${o.organization.code ? ` (${o.organization.code})` : ''}`)}
    ${fact('Type d’organisme', o.organism ? `${o.organism.type} — ${o.organism.label}` : 'non reconnu')}
    ${fact('Réseaux', o.organism?.networks.join(', '))}
    ${fact('Heure légale', o.organism?.timeZone ?? 'inconnue')}
    ${fact('Grille, niveau', [c.grid, c.level].filter(Boolean).join(' ') || null)}
    ${fact('Catégorie', c.category)}
    ${fact('Convention collective', c.collectiveAgreement)}
    ${c.minesScale !== null ? fact('Échelle (mines)', `${c.minesScale}${c.minesCareerStart ? ', début de carrière' : ''}`) : ''}
    ${o.unreadable.length > 0 ? fact('Valeurs illisibles', o.unreadable.map((u) => `${u.key} = « ${u.value} » (attendu ${u.expected})`).join(' ; ')) : ''}
    ${fact('Équipes d’approbation', o.approvalTeams.join(', '))}
    ${fact(
      'Processus d’approbation',
      o.approval
        ? `${o.approval.name} : ${approvalStatusLabels[o.approval.status] ?? o.approval.status}${o.approval.startedAt ? `, lancé le ${frenchDateTime(o.approval.startedAt, zone)}` : ''}${o.approval.dueDate ? `, échéance le ${frenchDate(o.approval.dueDate)}` : ''}`
        : 'aucun',
    )}
    ${fact('Publication verrouillée', yesNo(o.publicationLocked))}
  </dl>
  <table>
    <caption>Annonces</caption>
    <thead><tr><th scope="col">Canal</th><th scope="col">Statut</th><th scope="col">Publiée le</th><th scope="col">Retirée le</th></tr></thead>
    <tbody>${
      o.postings.length > 0
        ? o.postings.map(
            (p) => html`<tr><td>${p.channel}</td><td>${postingStatusLabels[p.status] ?? p.status}</td><td>${frenchDateTime(p.publishedAt, zone)}</td><td>${frenchDateTime(p.withdrawnAt, zone)}</td></tr>`,
          )
        : html`<tr><td colspan="4">Aucune annonce.</td></tr>`
    }</tbody>
  </table>
</section>`;
}

function decisionSection(domain: DomainData, record: OfferRecord, memory: Partial<OfferMemory>): SafeHtml {
  const d = record.decision;
  if (!d) return html`<section><h2>Décision</h2><p>Aucune décision enregistrée.</p></section>`;
  const override = memory.override;
  return html`<section aria-labelledby="decision-titre">
  <h2 id="decision-titre">Décision</h2>
  <dl class="facts">
    ${fact('Selon les textes', d.concerned === true ? 'concernée' : d.concerned === false ? 'non concernée' : 'indéterminée (à vérifier)')}
    ${fact('Périmètre retenu', concernedLabels[record.concerned] ?? record.concerned)}
    ${override ? fact('Forçage', `${override.concerned ? 'concernée' : 'non concernée'}, par ${override.by} le ${frenchDateTime(override.at)} — motif : ${override.reason}`) : ''}
    ${fact('Texte appliqué', d.ruleSet)}
    ${fact('Régime', d.regime ? (regimeLabels(domain).get(d.regime) ?? d.regime) : null)}
    ${fact('Période EN3S', `${d.window.campaign} : du ${frenchDate(d.window.start, d.window.timeZone)} au ${frenchDate(new Date(Date.parse(d.window.end) - 1).toISOString(), d.window.timeZone)} (${d.window.timeZone}), ${d.windowOpen ? 'ouverte' : 'fermée'} lors de la décision`)}
    ${d.missing.length > 0 ? fact('Données manquantes', d.missing.join(', ')) : ''}
  </dl>
  <table>
    <caption>Motifs et textes cités</caption>
    <thead><tr><th scope="col">Motif</th><th scope="col">Texte cité</th></tr></thead>
    <tbody>${d.reasons.map((r) => html`<tr><td>${r.message}</td><td>${r.source}</td></tr>`)}</tbody>
  </table>
</section>`;
}

function campaignSection(record: OfferRecord, memory: Partial<OfferMemory>): SafeHtml {
  return html`<section aria-labelledby="suivi-titre">
  <h2 id="suivi-titre">Suivi dans la campagne ${record.campaign}</h2>
  <dl class="facts">
    ${fact('État', `${stateLabelOf(record.state)}${memory.stateSince ? ` depuis le ${frenchDateTime(memory.stateSince)}` : ''}`)}
    ${fact('Équipe « EN3S dérogation »', memory.team ? `posée par ${by(memory.team.by)} le ${frenchDateTime(memory.team.at)}` : 'non posée')}
    ${fact('Soumission à l’EN3S', memory.approval ? `par ${by(memory.approval.by)} le ${frenchDateTime(memory.approval.at)}${memory.approval.dueDate ? `, échéance le ${frenchDate(memory.approval.dueDate)}` : ''}` : 'non soumise')}
    ${fact('Réponse de l’EN3S', memory.en3s ? `${memory.en3s.decision === 'APPROVED' ? 'validé' : 'refusé'}${memory.en3s.at ? ` le ${frenchDateTime(memory.en3s.at)}` : ''}` : 'aucune')}
    ${fact('Libérée en fin de période', memory.released ? `le ${frenchDateTime(memory.released.at)}` : 'non')}
    ${fact(
      'Manquements',
      memory.violations && memory.violations.length > 0
        ? memory.violations.map((v) => `publiée sur ${v.channel} le ${frenchDateTime(v.publishedAt)}, constaté le ${frenchDateTime(v.detectedAt)} (${v.action === 'withdraw' ? 'retrait demandé' : 'signalé'})`).join(' ; ')
        : 'aucun',
    )}
  </dl>
</section>`;
}

export function offerBody(
  domain: DomainData,
  record: OfferRecord,
  commands: OutboxCommand[],
  timeline: TimelineLine[],
  principal: Principal,
): SafeHtml {
  const memory = (record.timeline_data ?? {}) as Partial<OfferMemory>;
  return html`<p>
  <span class="badge">${stateLabelOf(record.state)}</span>
  ${record.review_needed ? html`<span class="badge alert">à vérifier</span>` : ''}
  ${record.violation ? html`<span class="badge alert">manquement</span>` : ''}
  <a href="#historique">Aller à l’historique</a>
</p>
${decisionSection(domain, record, memory)}
${campaignSection(record, memory)}
${offerActions(record, principal)}
${jobSection(record)}
${offerCommands(commands, principal)}
${offerTimeline(timeline)}`;
}

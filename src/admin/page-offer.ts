import { scopeOf, scopeWords } from '../domain/scope.js';
import type { ProcessMemory } from '../domain/job-process.js';
import { fieldLabel } from '../domain/field-labels.js';
import type { TeamMember } from '../domain/job-snapshot.js';
import type { DomainData } from '../mappings/load.js';
import type { OfferRecord } from '../store/offers.js';
import type { OutboxCommand } from '../store/outbox.js';
import type { Principal } from './auth.js';
import { concernedLabels, frenchDate, frenchDateTime, jobStatusLabels, regimeLabels, stateLabelOf } from './format.js';
import { html, pathOf, type SafeHtml } from './html.js';
import { offerBoard, type BoardView } from './page-offer-board.js';
import { offerActions, offerCommands, offerFollowUp, type Sticky } from './page-offer-parts.js';
import { offerTimeline } from './page-offer-timeline.js';
import type { TimelineFamily, TimelineLine } from './timeline.js';

/**
 * "Fiche offre": the decision with its reasons and the texts cited, where the offer stands in
 * the campaign as the connector observed it, its entry on EN3S's online job board, the actions,
 * the job as the ATS last described it (status, team as user ids, postings), the commands, and
 * the timeline from the ledger.
 */

function fact(label: string, value: SafeHtml | string | null | undefined) {
  return html`<dt>${label}</dt><dd>${value === null || value === undefined || value === '' ? '—' : value}</dd>`;
}

/** The fields a decision lacks, as the recruiter sees them in TalentLink; the field's name in the title. */
function missingFields(fields: readonly string[]): SafeHtml {
  const shown = fields.map((field, i) => html`${i > 0 ? ', ' : ''}<span title="${field}">${fieldLabel(field)}</span>`);
  return html`${shown}`;
}

function member(m: TeamMember, en3sUserId: string | null): string {
  const role = m.role ? ` (${m.role})` : '';
  const step = m.stepOrder !== null ? `, étape ${m.stepOrder}` : '';
  return `utilisateur ${m.userId}${role}${step}${m.userId === en3sUserId ? ' — EN3S' : ''}`;
}

function members(list: readonly TeamMember[], en3sUserId: string | null): string {
  if (list.length === 0) return 'aucun';
  return list.map((m) => member(m, en3sUserId)).join(' ; ');
}

function jobSection(record: OfferRecord, en3sUserId: string | null): SafeHtml {
  const o = record.offer;
  const c = o.classification;
  const zone = o.organism?.timeZone ?? 'Europe/Paris';
  const ancestors = o.organization.ancestors.map((a) => a.name).join(' › ');
  const mines =
    c.minesScale !== null
      ? fact('Échelle (mines)', `${c.minesScale}${c.minesCareerStart ? ', début de carrière' : ''}`)
      : '';
  const unreadable = o.unreadable.map((u) => `${u.key} = « ${u.value} » (attendu ${u.expected})`).join(' ; ');
  const postingRows = (o.postings ?? []).map(
    (p) => html`<tr>
      <td>${p.id}</td>
      <td>${p.atsStatus ?? '—'}</td>
      <td>${frenchDateTime(p.postedAt, zone)}</td>
    </tr>`,
  );
  const postings =
    o.postings === null
      ? html`<tr><td colspan="3">Annonces non relues avec cette lecture de l’offre.</td></tr>`
      : postingRows.length > 0
        ? postingRows
        : html`<tr><td colspan="3">Aucune annonce en ligne.</td></tr>`;
  return html`<section aria-labelledby="offre-titre">
  <h2 id="offre-titre">L’offre telle que l’ATS l’a décrite en dernier</h2>
  <p class="muted">Modifiée dans l’ATS le ${frenchDateTime(o.updatedAt)},
    lue par le connecteur le ${frenchDateTime(o.fetchedAt)}.</p>
  <dl class="facts">
    ${fact('Référence', o.jobNumber)}
    ${fact('N° de réquisition', o.requisitionNumber)}
    ${fact('Intitulé', o.title)}
    ${fact('Statut dans l’ATS', `« ${o.atsStatus} » (${jobStatusLabels[o.status] ?? o.status})`)}
    ${fact('Créée le', frenchDateTime(o.createdAt, zone))}
    ${fact('Organisme', `${o.organization.name}${ancestors ? ` (rattaché à ${ancestors})` : ''}`)}
    ${fact('Type d’organisme', o.organism ? `${o.organism.type} — ${o.organism.label}` : 'non reconnu')}
    ${fact('Réseaux', o.organism?.networks.join(', '))}
    ${fact('Heure légale', o.organism?.timeZone ?? 'inconnue')}
    ${fact('Grille, niveau', [c.grid, c.level].filter(Boolean).join(' ') || null)}
    ${fact('Catégorie', c.category)}
    ${fact('Convention collective', c.collectiveAgreement)}
    ${mines}
    ${o.unreadable.length > 0 ? fact('Valeurs illisibles', unreadable) : ''}
    ${fact('Recruteurs', members(o.team.recruiters, en3sUserId))}
    ${fact('Approbateurs', members(o.team.approvers, en3sUserId))}
  </dl>
  <table>
    <caption>Annonces en ligne</caption>
    <thead>
      <tr>
        <th scope="col">Annonce</th>
        <th scope="col">Statut dans l’ATS</th>
        <th scope="col">En ligne depuis</th>
      </tr>
    </thead>
    <tbody>${postings}</tbody>
  </table>
</section>`;
}

function decisionSection(domain: DomainData, record: OfferRecord, memory: Sticky): SafeHtml {
  const d = record.decision;
  if (!d) return html`<section><h2>Décision</h2><p>Aucune décision enregistrée.</p></section>`;
  const override = memory.override;
  const forced = override
    ? fact(
        'Forçage',
        `${scopeWords[scopeOf(override.concerned)].inSentence}, par ${override.by} le ${frenchDateTime(override.at)} ` +
          `— motif : ${override.reason}`,
      )
    : '';
  const w = d.window;
  const lastDay = new Date(Date.parse(w.end) - 1).toISOString();
  const period =
    `${w.campaign} : du ${frenchDate(w.start, w.timeZone)} au ${frenchDate(lastDay, w.timeZone)} ` +
    `(${w.timeZone}), ${d.windowOpen ? 'ouverte' : 'fermée'} lors de la décision`;
  const reasons = d.reasons.map((r) => {
    const reading = r.reading ? html`<br><small class="muted">${r.reading}</small>` : '';
    return html`<tr>
      <td>${r.message}${reading}</td>
      <td>${r.source}</td>
    </tr>`;
  });
  return html`<section aria-labelledby="decision-titre">
  <h2 id="decision-titre">Décision</h2>
  <dl class="facts">
    ${fact('Selon les textes', scopeWords[scopeOf(d.concerned)].inSentence)}
    ${fact('Périmètre retenu', concernedLabels[record.concerned] ?? record.concerned)}
    ${forced}
    ${fact('Texte appliqué', d.ruleSet)}
    ${fact('Régime', d.regime ? (regimeLabels(domain).get(d.regime) ?? d.regime) : null)}
    ${fact('Période EN3S', period)}
    ${d.missing.length > 0 ? fact('Données manquantes', missingFields(d.missing)) : ''}
  </dl>
  <table>
    <caption>Motifs et textes cités</caption>
    <thead>
      <tr>
        <th scope="col">Motif</th>
        <th scope="col">Texte cité</th>
      </tr>
    </thead>
    <tbody>${reasons}</tbody>
  </table>
</section>`;
}

export function offerBody(
  domain: DomainData,
  record: OfferRecord,
  commands: OutboxCommand[],
  timeline: TimelineLine[],
  principal: Principal,
  en3sUserId: string | null = null,
  board: BoardView | null = null,
  families?: readonly TimelineFamily[],
): SafeHtml {
  const memory = (record.timeline_data ?? {}) as Partial<Omit<ProcessMemory, 'snapshot' | 'decision'>>;
  return html`<p>
  <span class="badge">${stateLabelOf(record.state)}</span>
  ${record.review_needed ? html`<span class="badge alert">à vérifier</span>` : ''}
  ${record.violation ? html`<span class="badge alert">manquement</span>` : ''}
  <a href="#historique">Aller à l’historique</a>
</p>
${decisionSection(domain, record, memory)}
${offerFollowUp(record, memory)}
${board ? offerBoard(record, board, principal) : ''}
${offerActions(record, principal)}
${jobSection(record, en3sUserId)}
${offerCommands(commands, principal)}
${offerTimeline(timeline, pathOf('/admin/offres', record.source, record.ats_id, record.campaign), families)}`;
}

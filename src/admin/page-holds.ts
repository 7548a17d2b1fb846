import type { HoldEpisode, HoldKind, HoldsView } from '../pipeline/holds.js';
import { frenchDateTime } from './format.js';
import { html, type SafeHtml } from './html.js';

/**
 * "Ce qui retient les commandes": the causes holding commands back now, since and until when, then the last ended ones.
 */

const holdLabels: Record<HoldKind, { what: string; until: string }> = {
  'circuit-open': {
    what: 'Disjoncteur ouvert : l’ATS a échoué plusieurs fois de suite, les appels sont suspendus',
    until: 'prochain essai',
  },
  quota: { what: 'Quota mensuel de la clé d’API épuisé : aucun appel à l’ATS', until: 'reprise prévue' },
  'over-qps': {
    what: 'Limite d’appels par seconde de la passerelle de l’ATS atteinte : courte attente',
    until: 'fin prévue de l’attente',
  },
  'mail-pending': { what: 'E-mails aux recruteurs tenus par un autre envoi en cours : attente', until: 'nouvel essai' },
};

function untilText(e: HoldEpisode): string {
  if (e.until === null) return 'inconnue';
  return `${frenchDateTime(e.until)} (${holdLabels[e.kind].until})`;
}

/** One cause: what, since when, and until when (expected, or when it ended). */
function holdRow(e: HoldEpisode, until: string): SafeHtml {
  const what = holdLabels[e.kind].what;
  const since = frenchDateTime(e.since);
  return html`<tr data-hold="${e.kind}"><th scope="row">${what}</th><td>${since}</td><td>${until}</td></tr>`;
}

export function holdsSection(holds: HoldsView | null): SafeHtml {
  if (holds === null) return html``;
  const current = holds.current.map((e) => holdRow(e, untilText(e)));
  const recent = holds.recent.map((e) => holdRow(e, frenchDateTime(e.ended)));
  return html`<section aria-labelledby="retenues-titre">
  <h2 id="retenues-titre">Ce qui retient les commandes</h2>
  <p class="muted">Vue de cette instance depuis son démarrage.
    Les commandes retenues attendent sans perdre d’essai et partent dès que la cause cesse.</p>
  <table id="retenues-en-cours">
    <caption>En ce moment</caption>
    <thead>
      <tr>
        <th scope="col">Cause</th>
        <th scope="col">Depuis le</th>
        <th scope="col">Jusqu’au</th>
      </tr>
    </thead>
    <tbody>${current.length > 0 ? current : html`<tr><td colspan="3">Rien ne retient les commandes.</td></tr>`}</tbody>
  </table>
  ${
    recent.length > 0
      ? html`<table id="retenues-passees">
    <caption>Dernières causes levées</caption>
    <thead>
      <tr>
        <th scope="col">Cause</th>
        <th scope="col">Du</th>
        <th scope="col">Au</th>
      </tr>
    </thead>
    <tbody>${recent}</tbody>
  </table>`
      : ''
  }
</section>`;
}

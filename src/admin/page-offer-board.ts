import type { BoardEntry } from '../store/en3s-board.js';
import type { OfferRecord } from '../store/offers.js';
import { BOARD_NOTE_MAX } from './actions.js';
import type { Principal } from './auth.js';
import { frenchDateTime } from './format.js';
import { html, pathOf, type SafeHtml } from './html.js';
import { csrfField } from './layout.js';

/**
 * The offer page's part on EN3S's online job board (instruction DSS/4B/2026/34 §1.2): whether the
 * post was recorded as entered there, and the form to record it (the day, today by default, and
 * a short note). The connector cannot enter it itself: EN3S's board has no interface for it.
 */

export interface BoardView {
  entry: BoardEntry | null;
  /** Today in the body's legal time, `YYYY-MM-DD`: the form's default and latest day. */
  today: string;
}

const frenchDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

function enteredStatus(entry: BoardEntry): SafeHtml {
  const revisions = entry.revision > 1 ? ` (${entry.revision} enregistrements, le dernier fait foi)` : '';
  const note = entry.note ? html`<br>Note : ${entry.note}` : '';
  const day = frenchDay(entry.entered_on);
  const recorded = html`enregistré par ${entry.recorded_by} le ${frenchDateTime(entry.recorded_at)}`;
  return html`Saisi le <strong>${day}</strong> — ${recorded}${revisions}${note}`;
}

export function offerBoard(record: OfferRecord, board: BoardView, principal: Principal): SafeHtml {
  const { entry, today } = board;
  const intro = html`<p class="muted">L’instruction DSS/4B/2026/34 (§1.2) demande que chaque poste concerné
    soit saisi par l’organisme sur la bourse en ligne des postes de l’EN3S.
    Le connecteur ne peut pas l’y saisir : enregistrez ici le jour où il y a été saisi.</p>`;
  if (record.concerned === 'no') {
    return html`<section aria-labelledby="bourse-en3s">
  <h2 id="bourse-en3s" tabindex="-1">Bourse en ligne des postes de l’EN3S</h2>
  ${intro}
  <p>Offre non concernée : aucun poste à saisir sur la bourse de l’EN3S.</p>
</section>`;
  }
  const status = entry ? enteredStatus(entry) : 'Pas encore enregistré comme saisi.';
  const dateLabel = 'Jour de la saisie sur la bourse de l’EN3S (heure légale de l’organisme)';
  const dayInput = html`<input type="date" id="bourse-date" name="enteredOn" value="${today}" max="${today}" required>`;
  const noteLabel = `Note (facultative, ${BOARD_NOTE_MAX} caractères au plus, inscrite au registre)`;
  const action = `${pathOf('/admin/offres', record.source, record.ats_id, record.campaign)}/bourse-en3s`;
  return html`<section aria-labelledby="bourse-en3s">
  <h2 id="bourse-en3s" tabindex="-1">Bourse en ligne des postes de l’EN3S</h2>
  ${intro}
  <dl class="facts"><dt>Saisie du poste</dt><dd data-board="${entry ? 'entered' : 'to-enter'}">${status}</dd></dl>
  <form method="post" action="${action}" class="action">
    ${csrfField(principal)}
    <fieldset><legend>${entry ? 'Corriger la saisie du poste' : 'Enregistrer la saisie du poste'}</legend></fieldset>
    <div><label for="bourse-date">${dateLabel}</label>${dayInput}</div>
    <div><label for="bourse-note">${noteLabel}</label><textarea id="bourse-note" name="note"
      maxlength="${BOARD_NOTE_MAX}"></textarea></div>
    <p class="muted">Enregistrer de nouveau avec un autre jour remplace la saisie précédente ;
      le registre garde les deux.</p>
    <div><button type="submit">Enregistrer la saisie</button></div>
  </form>
</section>`;
}

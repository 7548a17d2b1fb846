import { badRequest } from './errors.js';
import { frenchDateTimeSeconds } from './format.js';
import { html, type SafeHtml } from './html.js';
import {
  foldDuplicates,
  timelineFamilies,
  type TimelineFamily,
  type TimelineGroup,
  type TimelineLine,
} from './timeline.js';

/**
 * The offer's ledger as a table: instants to the second (steps of one event are seconds
 * apart), runs of the same duplicate read folded into one line that opens on the entries, and
 * a filter by family that is a plain GET form (no script needed).
 */

const familyKeys = Object.keys(timelineFamilies) as TimelineFamily[];

/** The families asked for by `?famille=…` (repeated); all of them when none is given. */
export function parseFamilies(value: unknown): TimelineFamily[] {
  if (value === undefined || value === '') return familyKeys;
  const asked = (Array.isArray(value) ? value : [value]).filter((v) => v !== '');
  const unknown = asked.filter((v) => typeof v !== 'string' || !(familyKeys as string[]).includes(v));
  if (unknown.length > 0) {
    throw badRequest(
      `paramètre « famille » : ${familyKeys.join(', ')} attendu, reçu « ${String(unknown[0]).slice(0, 40)} »`,
    );
  }
  return familyKeys.filter((k) => asked.includes(k));
}

function familyBox(key: TimelineFamily, shown: readonly TimelineFamily[]): SafeHtml {
  const checked = shown.includes(key) ? html` checked` : '';
  return html`<label><input type="checkbox" name="famille" value="${key}"${checked}> ${timelineFamilies[key]}</label> `;
}

function filterForm(path: string, shown: readonly TimelineFamily[]): SafeHtml {
  return html`<form method="get" action="${path}#historique" class="filters">
    <fieldset>
      <legend>Familles d’événements affichées</legend>
      ${familyKeys.map((key) => familyBox(key, shown))}
    </fieldset>
    <div><button type="submit">Filtrer l’historique</button> <a href="${path}#historique">Tout afficher</a></div>
  </form>`;
}

function entryDetail(l: TimelineLine): SafeHtml {
  const data = JSON.stringify(l.data, null, 2);
  return html`<details>
      <summary>Entrée n° ${l.seq}</summary>
      <p>Empreinte : <span class="hash">${l.hash}</span></p>
      <pre><code>${data}</code></pre>
    </details>`;
}

function actorCell(l: TimelineLine): SafeHtml {
  return html`${l.actor}${l.actorName ? html` <strong>${l.actorName}</strong>` : ''}`;
}

function groupRow(g: TimelineGroup): SafeHtml {
  const l = g.first;
  if (g.lines.length === 1) {
    return html`<tr data-kind="${l.kind}">
      <td>${l.seq}</td>
      <td>${frenchDateTimeSeconds(l.at)}</td>
      <td>${actorCell(l)}</td>
      <td>${l.what}</td>
      <td>${entryDetail(l)}</td>
    </tr>`;
  }
  const span = `(×${g.lines.length}, du ${frenchDateTimeSeconds(g.first.at)} au ${frenchDateTimeSeconds(g.last.at)})`;
  const entries = g.lines.map(
    (one) => html`<li>n° ${one.seq}, ${frenchDateTimeSeconds(one.at)} — empreinte <span
      class="hash">${one.hash}</span></li>`,
  );
  return html`<tr data-kind="${l.kind}" class="folded">
      <td>${l.seq}–${g.last.seq}</td>
      <td>${frenchDateTimeSeconds(l.at)}</td>
      <td>${actorCell(l)}</td>
      <td>${l.what} ${span}</td>
      <td><details>
        <summary>${g.lines.length} entrées (n° ${l.seq} à ${g.last.seq})</summary>
        <ul>${entries}</ul>
      </details></td>
    </tr>`;
}

/** `path`: the offer page's own path, for the filter form. */
export function offerTimeline(
  lines: readonly TimelineLine[],
  path: string,
  shown: readonly TimelineFamily[] = familyKeys,
): SafeHtml {
  const all = shown.length === familyKeys.length;
  const kept = all ? lines : lines.filter((l) => l.family !== null && shown.includes(l.family));
  const groups = foldDuplicates(kept);
  const rows =
    groups.length > 0 ? groups.map(groupRow) : html`<tr><td colspan="5">Aucune entrée de ces familles.</td></tr>`;
  const count = `${kept.length} entrée${kept.length > 1 ? 's' : ''}${all ? '' : ` sur ${lines.length}`}`;
  return html`<section aria-labelledby="historique">
  <h2 id="historique" tabindex="-1">Historique (registre)</h2>
  ${filterForm(path, shown)}
  <table class="timeline">
    <caption>Qui a fait quoi, et quand (heure de Paris) — ${count}</caption>
    <thead>
      <tr>
        <th scope="col">N°</th>
        <th scope="col">Date</th>
        <th scope="col">Par</th>
        <th scope="col">Événement</th>
        <th scope="col">Détail</th>
      </tr>
    </thead>
    <tbody>${rows}</tbody>
  </table>
</section>`;
}

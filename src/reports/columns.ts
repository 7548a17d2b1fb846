import { stateLabel } from '../domain/workflow-states.js';
import { frenchDay } from './local-dates.js';
import type { Actor, Concerned, CorrectiveAction, En3sAnswer, RecapStatus, ReportRow, RowMoment } from './model.js';
import { regimeLabels } from './options.js';

/**
 * The columns of the control report, in order, with their French titles: one definition for
 * the CSV, the XLSX and the HTML table, so the three always say the same thing. A cell is typed
 * (text, calendar date, number, yes/no); each renderer writes it its own way.
 */

export type Cell =
  | { kind: 'text'; value: string | null }
  /** `YYYY-MM-DD` in the body's legal time. */
  | { kind: 'date'; value: string | null }
  | { kind: 'number'; value: number | null }
  | { kind: 'yesno'; value: boolean };

interface FixedColumn {
  title: string;
  /** Width in characters, for the XLSX sheet. */
  width: number;
  moment?: false;
  cell(row: ReportRow): Cell;
}

/** A column that reads only the row's moment (the CSV renders the other columns ahead, see `render-csv.ts`). */
interface MomentColumn {
  title: string;
  width: number;
  moment: true;
  cell(row: RowMoment): Cell;
}

export type Column = FixedColumn | MomentColumn;

const concernedLabels: Record<Concerned, string> = { yes: 'oui', no: 'non', undetermined: 'à vérifier' };
const actorLabels: Record<Actor, string> = { connector: 'le connecteur', recruiter: 'le recruteur' };
const answerLabels: Record<En3sAnswer, string> = { approved: 'validé', refused: 'refusé', none: 'sans réponse' };
export const actionLabels: Record<CorrectiveAction, string> = {
  withdrawn: 'annonce retirée',
  'withdrawal-requested': 'retrait demandé',
  reported: 'signalée (mode surveillance)',
};
export const recapStatusLabels: Record<RecapStatus, string> = {
  refused: 'dérogation refusée : poste offert aux élèves',
  granted: 'dérogation accordée',
  pending: 'en attente de réponse',
  released: 'libérée sans réponse en fin de période',
};

const text = (value: string | null): Cell => ({ kind: 'text', value });
const day = (value: string | null): Cell => ({ kind: 'date', value });

export function gridAndLevel(grid: string | null, level: string | null): string | null {
  if (grid === null && level === null) return null;
  return [grid, level].filter((v) => v !== null).join(' ');
}

export const reportColumns: readonly Column[] = [
  { title: 'Référence', width: 16, cell: (r) => text(r.reference) },
  { title: 'Intitulé', width: 40, cell: (r) => text(r.title) },
  { title: 'Organisme', width: 32, cell: (r) => text(r.organism) },
  { title: "Type d'organisme", width: 12, cell: (r) => text(r.organismType) },
  { title: 'Régime', width: 18, cell: (r) => text(r.regime ? (regimeLabels[r.regime] ?? r.regime) : null) },
  { title: 'Réseau(x)', width: 24, moment: true, cell: (r) => text(r.networks.join(', ')) },
  { title: 'Grille et niveau', width: 14, cell: (r) => text(gridAndLevel(r.grid, r.level)) },
  { title: 'Date de création', width: 12, cell: (r) => day(r.days.createdAt) },
  { title: 'Concernée', width: 11, cell: (r) => text(concernedLabels[r.concerned]) },
  { title: 'Raison', width: 50, cell: (r) => text(r.reason) },
  { title: 'Texte cité', width: 30, cell: (r) => text(r.citedText) },
  { title: 'Équipe EN3S : date', width: 12, cell: (r) => day(r.days.team) },
  { title: 'Équipe EN3S : posée par', width: 15, cell: (r) => text(r.team ? actorLabels[r.team.by] : null) },
  { title: "Processus d'approbation lancé", width: 11, cell: (r) => ({ kind: 'yesno', value: r.approval !== null }) },
  { title: "Processus d'approbation : date", width: 12, cell: (r) => day(r.days.approval) },
  { title: "Processus d'approbation : lancé par", width: 15, cell: (r) => text(r.approval ? actorLabels[r.approval.by] : null) },
  { title: 'Échéance', width: 12, cell: (r) => day(r.dueDate) },
  { title: 'Échéance dépassée', width: 10, moment: true, cell: (r) => ({ kind: 'yesno', value: r.overdue }) },
  { title: 'Décision EN3S', width: 13, cell: (r) => text(r.en3sAnswer ? answerLabels[r.en3sAnswer] : null) },
  { title: 'Décision EN3S : date', width: 12, cell: (r) => day(r.days.en3s) },
  { title: 'Délai de réponse (jours)', width: 10, cell: (r) => ({ kind: 'number', value: r.answerDays }) },
  { title: 'Publiée', width: 8, moment: true, cell: (r) => ({ kind: 'yesno', value: r.published }) },
  { title: 'Publication : date', width: 12, moment: true, cell: (r) => day(r.days.published) },
  { title: 'Publication : canal', width: 12, moment: true, cell: (r) => text(r.channel) },
  { title: 'Publiée avant décision (manquement)', width: 12, cell: (r) => ({ kind: 'yesno', value: r.publishedBeforeDecision }) },
  { title: 'Action corrective', width: 20, moment: true, cell: (r) => text(r.correctiveAction ? actionLabels[r.correctiveAction] : null) },
  { title: 'Action corrective : date', width: 12, moment: true, cell: (r) => day(r.days.correctiveAction) },
  { title: 'État actuel', width: 22, cell: (r) => text(stateLabel(r.state)) },
  { title: 'État depuis le', width: 12, cell: (r) => day(r.days.stateSince) },
];

/** A number the French way: decimal comma, no grouping (Excel reads it as a number). */
export function frenchNumber(n: number): string {
  return String(n).replace('.', ',');
}

/** A cell as text: dates jj/mm/aaaa, oui/non, decimal comma, empty when there is nothing. */
export function cellText(cell: Cell): string {
  switch (cell.kind) {
    case 'text':
      return cell.value ?? '';
    case 'date':
      return cell.value ? frenchDay(cell.value) : '';
    case 'number':
      return cell.value === null ? '' : frenchNumber(cell.value);
    case 'yesno':
      return cell.value ? 'oui' : 'non';
  }
}

export const recapColumns = ['Réseau', 'Postes offerts aux élèves (dérogations refusées)', 'Dérogations accordées', 'En attente de réponse', 'Libérées sans réponse', 'Total'] as const;

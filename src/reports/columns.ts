import { scopeWords } from '../domain/scope.js';
import { jobProcessLabel } from '../domain/job-process-states.js';
import { frenchDay } from './local-dates.js';
import type {
  Actor,
  CorrectiveAction,
  ObservedAnswer,
  PostRow,
  PostsOfBody,
  RecapStatus,
  ReportRow,
  RowMoment,
  SubmissionApprovers,
} from './model.js';
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

const actorLabels: Record<Actor, string> = { connector: 'le connecteur', recruiter: 'le recruteur' };
const approversLabels: Record<SubmissionApprovers, string> = {
  en3s_only: "l'EN3S seule",
  with_others: "l'EN3S et d'autres approbateurs",
};
/** The status seen, never more: whether it is EN3S's own is the next column. */
const answerLabels: Record<ObservedAnswer, string> = { approved: 'approbation', refused: 'refus', none: 'aucune' };
export const actionLabels: Record<CorrectiveAction, string> = {
  'taken-down': 'annonce retirée',
  'take-down-requested': 'retrait demandé par le connecteur',
  reported: 'signalée (mode surveillance)',
};
export const recapStatusLabels: Record<RecapStatus, string> = {
  refused: "refusée par l'EN3S : poste offert aux élèves",
  approved: 'approuvée (statut observé)',
  pending: "en attente (approbateur, soumission ou réponse de l'EN3S)",
  released: 'période close sans réponse observée',
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
  { title: 'Concernée', width: 14, cell: (r) => text(scopeWords[r.concerned].answer) },
  { title: 'Raison', width: 50, cell: (r) => text(r.reason) },
  { title: 'Texte cité', width: 30, cell: (r) => text(r.citedText) },
  { title: 'Approbateur EN3S : posé le', width: 12, cell: (r) => day(r.days.approver) },
  {
    title: 'Approbateur EN3S : posé par',
    width: 15,
    cell: (r) => text(r.approver ? actorLabels[r.approver.by] : null),
  },
  { title: "Soumise à l'EN3S (observée le)", width: 12, cell: (r) => day(r.days.submission) },
  {
    title: 'Approbateurs de la soumission',
    width: 18,
    cell: (r) => text(r.submission ? approversLabels[r.submission.approvers] : null),
  },
  { title: 'Réponse observée', width: 12, cell: (r) => text(r.answer ? answerLabels[r.answer] : null) },
  { title: 'Réponse observée le', width: 12, cell: (r) => day(r.days.answer) },
  {
    title: "Réponse : attribuée à l'EN3S seule",
    width: 11,
    cell: (r) => text(r.answerByEn3s === null ? null : r.answerByEn3s ? 'oui' : 'non'),
  },
  {
    title: 'Délai entre soumission et réponse observées (jours)',
    width: 12,
    cell: (r) => ({ kind: 'number', value: r.answerDays }),
  },
  { title: 'Publiée', width: 8, moment: true, cell: (r) => ({ kind: 'yesno', value: r.published }) },
  { title: 'Publication : date', width: 12, moment: true, cell: (r) => day(r.days.published) },
  { title: 'Publication : annonce (identifiant ATS)', width: 12, moment: true, cell: (r) => text(r.postingId) },
  {
    title: "Publiée sans l'approbation de l'EN3S (manquement)",
    width: 12,
    cell: (r) => ({ kind: 'yesno', value: r.publishedWithoutApproval }),
  },
  {
    title: 'Action corrective',
    width: 20,
    moment: true,
    cell: (r) => text(r.correctiveAction ? actionLabels[r.correctiveAction] : null),
  },
  { title: 'Action corrective : date', width: 12, moment: true, cell: (r) => day(r.days.correctiveAction) },
  { title: 'État actuel', width: 22, cell: (r) => text(jobProcessLabel(r.state)) },
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

export const recapColumns = [
  'Réseau',
  "Postes offerts aux élèves (refusées par l'EN3S)",
  'Approuvées',
  'En attente',
  'Période close sans réponse',
  'Total',
] as const;

/** The columns of a network's detail in the recap. */
export const recapDetailColumns = [
  'Référence',
  'Intitulé',
  'Organisme',
  'Grille et niveau',
  'Statut',
  'Réponse observée le',
];

/** A column of a plain table (the list of posts): a title, a width for the XLSX sheet, a typed cell. */
export interface TableColumn<R> {
  title: string;
  width: number;
  cell(row: R): Cell;
}

/**
 * The list of the posts to enter on EN3S's online job board, one row per post, grouped by body:
 * what a body needs to enter it (or import it), and whether it was recorded as entered.
 */
export const postColumns: readonly TableColumn<PostRow>[] = [
  { title: 'Organisme', width: 32, cell: (r) => text(r.organism) },
  { title: "Type d'organisme", width: 12, cell: (r) => text(r.organismType) },
  { title: 'Réseau(x)', width: 24, cell: (r) => text(r.networks.join(', ')) },
  { title: "Référence de l'offre", width: 16, cell: (r) => text(r.reference) },
  { title: 'Intitulé du poste', width: 40, cell: (r) => text(r.title) },
  { title: 'Grille et niveau', width: 14, cell: (r) => text(gridAndLevel(r.grid, r.level)) },
  { title: 'Concernée', width: 14, cell: (r) => text(scopeWords[r.concerned].answer) },
  { title: "Créée dans l'ATS le", width: 12, cell: (r) => day(r.days.createdAt) },
  { title: 'Vue par le connecteur le', width: 12, cell: (r) => day(r.days.firstSeen) },
  { title: 'Période EN3S : du', width: 12, cell: (r) => day(r.window.start) },
  { title: 'Période EN3S : au', width: 12, cell: (r) => day(r.window.end) },
  { title: 'Heure légale', width: 18, cell: (r) => text(r.timeZone) },
  { title: 'État actuel', width: 22, cell: (r) => text(jobProcessLabel(r.state)) },
  { title: "Saisie sur la bourse de l'EN3S", width: 12, cell: (r) => ({ kind: 'yesno', value: r.entry !== null }) },
  { title: 'Saisie le', width: 12, cell: (r) => day(r.entry?.enteredOn ?? null) },
  { title: 'Saisie enregistrée par', width: 16, cell: (r) => text(r.entry?.recordedBy ?? null) },
  { title: 'Saisie enregistrée le', width: 12, cell: (r) => day(r.days.recordedAt) },
  { title: 'Note', width: 40, cell: (r) => text(r.entry?.note ?? null) },
];

/** The count of posts per body, then the total. */
export const postsOfBodyColumns: readonly TableColumn<PostsOfBody>[] = [
  { title: 'Organisme', width: 40, cell: (b) => text(b.organism) },
  { title: "Type d'organisme", width: 12, cell: (b) => text(b.organismType) },
  { title: 'Postes à saisir', width: 14, cell: (b) => ({ kind: 'number', value: b.posts }) },
  { title: 'Saisis', width: 12, cell: (b) => ({ kind: 'number', value: b.entered }) },
  { title: 'Restant à saisir', width: 14, cell: (b) => ({ kind: 'number', value: b.toEnter }) },
];

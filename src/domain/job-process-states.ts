/**
 * The states of a job in one campaign as the real ATS lets the connector know them, and the
 * transitions the connector expects between them: a table, checked by one function and printed
 * in the README from this table.
 *
 * Real data can skip states (a queue holds a job once however often it changed, a lost alert
 * is caught up by the change listing hours later), so a transition outside the table is not a
 * crash: the process records it as an anomaly and follows what it observed.
 */

export const jobProcessStates = [
  'not_concerned',
  'undetermined',
  'outside_window',
  'published_before_window',
  'awaiting_approver',
  'awaiting_submission',
  'submitted',
  'refusal_observed',
  'published_without_approval',
  'approved',
  'refused',
  'released',
  'closed',
] as const;
export type JobProcessState = (typeof jobProcessStates)[number];

interface StateInfo {
  /** French, as administrators read it in the dashboard and the reports. */
  label: string;
  description: string;
  /** No further change in this campaign, whatever the ATS says next. */
  final: boolean;
  next: readonly JobProcessState[];
}

const scoping: readonly JobProcessState[] = ['not_concerned', 'undetermined', 'outside_window'];
const enforcing: readonly JobProcessState[] = [
  'awaiting_approver',
  'awaiting_submission',
  'submitted',
  'refusal_observed',
  'published_without_approval',
];
/**
 * Where an offer outside the process may go: another scope, the process at any of its steps (one
 * read may show the approver set, the submission and its answer at once), an answer (a recruiter
 * may list EN3S on an offer out of scope), a closure. Not `released`: only an offer in the
 * process is released.
 */
const fromScoping: readonly JobProcessState[] = [
  ...scoping,
  'published_before_window',
  ...enforcing,
  'approved',
  'refused',
  'closed',
];
/**
 * Where an offer in the process may go: out of scope (an override, data changed or gone), any
 * other step, an answer, the window's end, a closure. Not `outside_window`: the window was open
 * when the offer entered, and it ends as `released`. Not `published_before_window`: that is
 * decided only for an offer not yet in the process.
 */
const fromProcess: readonly JobProcessState[] = [
  'not_concerned',
  'undetermined',
  ...enforcing,
  'approved',
  'refused',
  'released',
  'closed',
];

export const jobProcessTable: Record<JobProcessState, StateInfo> = {
  not_concerned: {
    label: 'Non concernée',
    description: 'Hors du champ des textes (organisme, niveau, agent de direction).',
    final: false,
    next: fromScoping,
  },
  undetermined: {
    label: 'Données à compléter',
    description: 'Données manquantes ou illisibles ; la politique dit si elle est traitée comme concernée.',
    final: false,
    next: fromScoping,
  },
  outside_window: {
    label: 'Concernée, hors période',
    description: "Concernée, mais la période EN3S n'est pas ouverte : elle le sera au 1er janvier.",
    final: false,
    next: fromScoping,
  },
  published_before_window: {
    label: 'Publiée avant la période',
    description: "Publiée avant l'ouverture de la période : l'offre n'est pas touchée.",
    final: true,
    next: [],
  },
  awaiting_approver: {
    label: 'Approbateur EN3S à poser',
    description:
      "Concernée pendant la période : l'approbateur « EN3S dérogation » n'est pas encore dans l'équipe de l'offre.",
    final: false,
    next: fromProcess,
  },
  awaiting_submission: {
    label: 'En attente de soumission',
    description:
      "L'approbateur EN3S est posé ; le recruteur doit « Soumettre pour approbation » (l'API de " +
      "l'ATS ne permet pas de le faire à sa place).",
    final: false,
    next: fromProcess,
  },
  submitted: {
    label: "Soumise à l'EN3S",
    description:
      "Soumise pour approbation avec l'EN3S parmi les approbateurs ; l'ATS refuse la publication " +
      "jusqu'à l'approbation.",
    final: false,
    next: fromProcess,
  },
  refusal_observed: {
    label: 'Approbation refusée',
    description:
      "Statut « refusée » observé alors que l'EN3S n'était pas le seul approbateur : l'ATS ne dit pas qui a refusé.",
    final: false,
    next: fromProcess,
  },
  published_without_approval: {
    label: 'Publiée sans accord',
    description: "Une annonce est en ligne sans l'approbation de l'EN3S (manquement) : elle est retirée.",
    final: false,
    next: fromProcess,
  },
  approved: {
    label: 'Approuvée',
    description:
      "Statut « approuvée » observé pour une soumission dont l'EN3S était approbateur : l'organisme peut publier.",
    final: true,
    next: [],
  },
  refused: {
    label: "Refusée par l'EN3S",
    description:
      "Statut « refusée » observé pour une soumission dont l'EN3S était le seul approbateur : " +
      'poste réservé aux élèves.',
    final: true,
    next: [],
  },
  released: {
    label: 'Période close sans réponse',
    description: "La période EN3S s'est close sans réponse observée : la politique de fin de période s'applique.",
    final: true,
    next: [],
  },
  closed: {
    label: 'Clôturée',
    description: "Offre clôturée ou annulée dans l'ATS avant toute réponse.",
    final: false,
    // Reopened (a closed offer stays closed until then): as from a scope when it was outside the
    // process, as from a step when it was in it. Not `released`: the window's end leaves a
    // closed offer closed, and a read after it belongs to the next campaign.
    next: [...scoping, 'published_before_window', ...enforcing, 'approved', 'refused'],
  },
};

/** The one check of the table. Staying in the same state is always allowed. */
export function isExpectedTransition(from: JobProcessState | null, to: JobProcessState): boolean {
  if (from === null || from === to) return true;
  return jobProcessTable[from].next.includes(to);
}

export function jobProcessLabel(state: JobProcessState): string {
  return jobProcessTable[state].label;
}

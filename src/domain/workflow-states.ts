/**
 * The states of an offer in one campaign and the transitions allowed between them: a table,
 * checked by one function, and printed in the README from this table (`npm run docs:states`).
 */

export const offerStates = [
  'not_concerned',
  'undetermined',
  'outside_window',
  'published_before_window',
  'awaiting_team',
  'team_assigned',
  'approval_started',
  'published_without_approval',
  'approved',
  'refused',
  'released',
  'closed',
] as const;
export type OfferState = (typeof offerStates)[number];

interface StateInfo {
  /** French, as administrators read it in the dashboard and the reports. */
  label: string;
  description: string;
  /** No further change in this campaign, whatever the ATS says next (EN3S decided, or the window ended). */
  final: boolean;
  next: readonly OfferState[];
}

const inProcess: readonly OfferState[] = ['awaiting_team', 'team_assigned', 'approval_started', 'published_without_approval'];
const scoping: readonly OfferState[] = ['not_concerned', 'undetermined', 'outside_window'];

export const stateTable: Record<OfferState, StateInfo> = {
  not_concerned: {
    label: 'Non concernée',
    description: 'Hors du champ des textes (organisme, niveau, agent de direction).',
    final: false,
    next: [...scoping, 'published_before_window', ...inProcess, 'approved', 'refused', 'closed'],
  },
  undetermined: {
    label: 'À vérifier',
    description: 'Données manquantes ou illisibles ; la politique dit si elle est traitée comme concernée.',
    final: false,
    next: [...scoping, 'published_before_window', ...inProcess, 'approved', 'refused', 'closed'],
  },
  outside_window: {
    label: 'Concernée, hors période',
    description: "Concernée, mais la période EN3S n'est pas ouverte : elle le sera au 1er janvier.",
    final: false,
    next: [...scoping, 'published_before_window', ...inProcess, 'approved', 'refused', 'closed'],
  },
  published_before_window: {
    label: 'Publiée avant la période',
    description: "Publiée avant l'ouverture de la période : l'offre n'est pas touchée.",
    final: true,
    next: [],
  },
  awaiting_team: {
    label: 'Équipe EN3S à poser',
    description: "Concernée pendant la période ; publication verrouillée, l'équipe « EN3S dérogation » est à poser.",
    final: false,
    next: [...scoping, ...inProcess, 'approved', 'refused', 'released', 'closed'],
  },
  team_assigned: {
    label: 'Équipe EN3S posée',
    description: "L'équipe « EN3S dérogation » est posée ; le processus d'approbation est à lancer.",
    final: false,
    next: [...scoping, ...inProcess, 'approved', 'refused', 'released', 'closed'],
  },
  approval_started: {
    label: "Soumise à l'EN3S",
    description: "Processus d'approbation lancé, publication verrouillée jusqu'à la réponse de l'EN3S.",
    final: false,
    next: [...scoping, ...inProcess, 'approved', 'refused', 'released', 'closed'],
  },
  published_without_approval: {
    label: 'Publiée sans accord',
    description: "Publiée sans l'accord de l'EN3S (manquement) : l'annonce est retirée et la publication verrouillée.",
    final: false,
    next: [...scoping, ...inProcess, 'approved', 'refused', 'released', 'closed'],
  },
  approved: {
    label: "Validée par l'EN3S",
    description: "Dérogation accordée : publication déverrouillée, l'organisme recrute comme d'habitude.",
    final: true,
    next: [],
  },
  refused: {
    label: "Refusée par l'EN3S",
    description: 'Dérogation refusée : le poste est réservé aux élèves, la publication reste verrouillée pour la campagne.',
    final: true,
    next: [],
  },
  released: {
    label: 'Libérée sans réponse',
    description: "Période close sans réponse de l'EN3S : publication déverrouillée.",
    final: true,
    next: [],
  },
  closed: {
    label: 'Clôturée',
    description: "Offre clôturée ou annulée dans l'ATS avant toute décision.",
    final: false,
    next: [...scoping, ...inProcess, 'approved', 'refused', 'released'],
  },
};

/** The one check of the table. Staying in the same state is always allowed. */
export function isAllowedTransition(from: OfferState | null, to: OfferState): boolean {
  if (from === null || from === to) return true;
  return stateTable[from].next.includes(to);
}

export class ForbiddenTransitionError extends Error {
  override readonly name = 'ForbiddenTransitionError';
  constructor(
    readonly from: OfferState,
    readonly to: OfferState,
  ) {
    super(`transition ${from} → ${to} is not in the state table (src/domain/workflow-states.ts)`);
  }
}

export function stateLabel(state: OfferState): string {
  return stateTable[state].label;
}

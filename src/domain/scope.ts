/**
 * An offer's scope for the période EN3S: concerned by it, not concerned, or undetermined (the
 * data the rules need is missing). Stored as `offers.concerned`, shown on the dashboard and in
 * the reports. Its French words are here, in each form an administrator reads them, so that a
 * page, a timeline line and a report column never disagree.
 */

export const scopes = ['yes', 'no', 'undetermined'] as const;
export type Concerned = (typeof scopes)[number];

/** The scope of a decision (`true`, `false`, or `null` when undetermined). */
export function scopeOf(concerned: boolean | null): Concerned {
  return concerned === null ? 'undetermined' : concerned ? 'yes' : 'no';
}

export interface ScopeWords {
  /** On its own, as a label or a filter choice: « Concernée ». */
  label: string;
  /** Inside a sentence: « Périmètre forcé : concernée ». */
  inSentence: string;
  /** The answer in a report's « Concernée » column: « oui ». */
  answer: string;
}

const UNDETERMINED = 'indéterminée (données manquantes)';

export const scopeWords: Record<Concerned, ScopeWords> = {
  yes: { label: 'Concernée', inSentence: 'concernée', answer: 'oui' },
  no: { label: 'Non concernée', inSentence: 'non concernée', answer: 'non' },
  undetermined: { label: 'Indéterminée (données manquantes)', inSentence: UNDETERMINED, answer: UNDETERMINED },
};

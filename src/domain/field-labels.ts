/**
 * The offer's fields as a recruiter sees them in TalentLink, for what an administrator reads
 * ("Données manquantes : Niveau ou groupe", not `classification.level`). The labels are those of
 * the French tenant, the names `mappings/talentlink.yaml` reads the fields by; a test keeps the
 * two the same.
 */
export const fieldLabels: Readonly<Record<string, string>> = {
  'classification.grid': 'Grille de classification',
  'classification.level': 'Niveau ou groupe',
  'classification.category': 'Catégorie d’emploi',
  'classification.jobFamily': 'Famille d’emploi',
  'classification.minesScale': 'Échelle (mines)',
  'classification.minesCareerStart': 'Début de carrière (mines)',
  'classification.collectiveAgreement': 'Convention collective',
  organism: 'Organisation',
  title: 'Intitulé du poste',
  status: 'Statut de l’offre',
  'postings.postedAt': 'Date de diffusion de l’annonce',
};

/** The label of a field, or the field itself when it has none. */
export function fieldLabel(field: string): string {
  return fieldLabels[field] ?? field;
}

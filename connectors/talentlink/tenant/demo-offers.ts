/**
 * The offers of the demo campaign: bodies of every régime, levels on both sides of the
 * threshold, the traps the rules warn about (5A is not 5, agent de direction, no level, unknown
 * body, an offer published before the window). Recruiters are fictitious. `expected` is what the
 * Instruction DSS/4B/2026/34 makes of each offer; it lets end-to-end tests check the outcome.
 */

export type DemoExpectation = 'concerned' | 'not-concerned' | 'undetermined' | 'published-before-window';
export type DemoRegime = 'RG' | 'MSA' | 'MINES' | 'RS' | 'ARS' | 'UNKNOWN';

export interface DemoOffer {
  key: string;
  regime: DemoRegime;
  org: { code: string; name: string };
  title: string;
  fields: Record<string, string>;
  recruiter: { firstName: string; lastName: string };
  expected: DemoExpectation;
  /** Created in December, before the window (and, for one, already published then). */
  timing?: 'created-before-window' | 'published-before-window';
  /** Part the offer plays in the scripted demo life. */
  role?: 'violation' | 'self-submit';
}

const rg = (level: string, category = 'CADRE', family?: string): Record<string, string> => ({
  CLASSIFICATION_GRID: 'RG',
  CLASSIFICATION_LEVEL: level,
  JOB_CATEGORY: category,
  ...(family ? { JOB_FAMILY: family } : {}),
});
const msa = (group: string, category = 'CADRE'): Record<string, string> => ({
  CLASSIFICATION_GRID: 'MSA',
  CLASSIFICATION_LEVEL: group,
  JOB_CATEGORY: category,
  COLLECTIVE_AGREEMENT: 'CCN_MSA',
});
const rs = (level: string, category = 'CADRE'): Record<string, string> => ({
  CLASSIFICATION_GRID: 'RS',
  CLASSIFICATION_LEVEL: level,
  JOB_CATEGORY: category,
});

const CPAM = { code: 'CPAM-GIRONDE', name: 'CPAM de la Gironde' };
const CAF = { code: 'CAF-NORD', name: 'CAF du Nord' };
const URSSAF = { code: 'URSSAF-IDF', name: 'URSSAF Île-de-France' };
const CARSAT = { code: 'CARSAT-ALSACE-MOSELLE', name: 'CARSAT Alsace-Moselle' };
const MSA_MPN = { code: 'MSA-MPN', name: 'MSA Midi-Pyrénées Nord' };
const CANSSM = { code: 'CANSSM-FILIERIS', name: 'CANSSM - Filieris' };
const ARS = { code: 'ARS-OCCITANIE', name: 'ARS Occitanie' };

export const demoOffers: readonly DemoOffer[] = [
  // Régime général, mainland.
  {
    key: 'cpam-resp-prestations',
    regime: 'RG',
    org: CPAM,
    title: 'Responsable du service gestion des prestations',
    fields: rg('7'),
    recruiter: { firstName: 'Sophie', lastName: 'Marchand' },
    expected: 'concerned',
  },
  {
    key: 'cpam-technicien',
    regime: 'RG',
    org: CPAM,
    title: "Technicien de l'Assurance Maladie",
    fields: rg('4', 'EMPLOYE'),
    recruiter: { firstName: 'Sophie', lastName: 'Marchand' },
    expected: 'not-concerned',
  },
  {
    key: 'cpam-projet-immobilier',
    regime: 'RG',
    org: CPAM,
    title: 'Responsable de projet immobilier',
    fields: { CLASSIFICATION_GRID: 'RG', JOB_CATEGORY: 'CADRE' },
    recruiter: { firstName: 'Luc', lastName: 'Fabre' },
    expected: 'undetermined',
  },
  {
    key: 'cpam-qualite-decembre',
    regime: 'RG',
    org: CPAM,
    title: 'Chargé de mission qualité',
    fields: rg('7'),
    recruiter: { firstName: 'Luc', lastName: 'Fabre' },
    expected: 'published-before-window',
    timing: 'published-before-window',
  },
  {
    key: 'cpam-conseiller-informatique',
    regime: 'RG',
    org: CPAM,
    title: 'Conseiller informatique service',
    fields: rg('6'),
    recruiter: { firstName: 'Luc', lastName: 'Fabre' },
    expected: 'not-concerned',
  },
  {
    key: 'caf-resp-departement',
    regime: 'RG',
    org: CAF,
    title: 'Responsable de département prestations',
    fields: rg('8', 'CADRE', 'MANAGEMENT'),
    recruiter: { firstName: 'Nadia', lastName: 'Benali' },
    expected: 'concerned',
    role: 'violation',
  },
  {
    key: 'caf-conseiller-usager',
    regime: 'RG',
    org: CAF,
    title: "Conseiller services à l'usager",
    fields: rg('5A', 'EMPLOYE'),
    recruiter: { firstName: 'Nadia', lastName: 'Benali' },
    expected: 'not-concerned',
  },
  {
    key: 'caf-fonde-de-pouvoir',
    regime: 'RG',
    org: CAF,
    title: "Fondé de pouvoir de l'agent comptable",
    fields: rg('8', 'CADRE', 'COMPTABILITE'),
    recruiter: { firstName: 'Nadia', lastName: 'Benali' },
    expected: 'concerned',
    timing: 'created-before-window',
  },
  {
    key: 'urssaf-manager-strategique',
    regime: 'RG',
    org: URSSAF,
    title: 'Manager stratégique du recouvrement',
    fields: rg('9'),
    recruiter: { firstName: 'Thomas', lastName: 'Garnier' },
    expected: 'concerned',
  },
  {
    key: 'urssaf-inspecteur',
    regime: 'RG',
    org: URSSAF,
    title: 'Inspecteur du recouvrement',
    fields: rg('6'),
    recruiter: { firstName: 'Thomas', lastName: 'Garnier' },
    expected: 'not-concerned',
  },
  {
    key: 'urssaf-auditeur',
    regime: 'RG',
    org: URSSAF,
    title: 'Auditeur interne',
    fields: rg('7'),
    recruiter: { firstName: 'Amélie', lastName: 'Roux' },
    expected: 'concerned',
    role: 'self-submit',
  },
  {
    key: 'carsat-etudes-statistiques',
    regime: 'RG',
    org: CARSAT,
    title: "Chargé d'études statistiques",
    fields: rg('7'),
    recruiter: { firstName: 'Jean', lastName: 'Dujardin' },
    expected: 'concerned',
  },
  {
    key: 'carsat-directeur-adjoint',
    regime: 'RG',
    org: CARSAT,
    title: 'Directeur adjoint',
    fields: { CLASSIFICATION_GRID: 'RG', JOB_CATEGORY: 'AGENT_DE_DIRECTION' },
    recruiter: { firstName: 'Jean', lastName: 'Dujardin' },
    expected: 'not-concerned',
  },
  {
    key: 'carsat-ingenieur-prevention',
    regime: 'RG',
    org: CARSAT,
    title: 'Ingénieur-conseil en prévention des risques professionnels',
    fields: rg('8'),
    recruiter: { firstName: 'Élodie', lastName: 'Keller' },
    expected: 'concerned',
  },
  {
    key: 'cnav-actuariat',
    regime: 'RG',
    org: { code: 'CNAV', name: 'Cnav' },
    title: 'Expert en actuariat',
    fields: rg('8'),
    recruiter: { firstName: 'Paul', lastName: 'Lefèvre' },
    expected: 'concerned',
  },
  {
    key: 'cnav-developpeur',
    regime: 'RG',
    org: { code: 'CNAV', name: 'Cnav' },
    title: 'Développeur applications',
    fields: rg('5B', 'EMPLOYE'),
    recruiter: { firstName: 'Paul', lastName: 'Lefèvre' },
    expected: 'not-concerned',
  },
  {
    key: 'ucanss-mission-rh',
    regime: 'RG',
    org: { code: 'UCANSS', name: 'Ucanss' },
    title: 'Chargé de mission ressources humaines',
    fields: rg('7'),
    recruiter: { firstName: 'Inès', lastName: 'Moreau' },
    expected: 'concerned',
  },
  {
    key: 'ucanss-assistant',
    regime: 'RG',
    org: { code: 'UCANSS', name: 'Ucanss' },
    title: 'Assistant de direction',
    fields: rg('5B', 'EMPLOYE'),
    recruiter: { firstName: 'Inès', lastName: 'Moreau' },
    expected: 'not-concerned',
  },
  // Régime général, overseas (the window runs in the body's own legal time).
  {
    key: 'cgss-reunion-recouvrement',
    regime: 'RG',
    org: { code: 'CGSS-REUNION', name: 'CGSS de la Réunion' },
    title: 'Responsable du pôle recouvrement',
    fields: rg('8'),
    recruiter: { firstName: 'Mickaël', lastName: 'Payet' },
    expected: 'concerned',
  },
  {
    key: 'cgss-martinique-controle',
    regime: 'RG',
    org: { code: 'CGSS-MARTINIQUE', name: 'CGSS Martinique' },
    title: 'Responsable du contrôle de gestion',
    fields: rg('7'),
    recruiter: { firstName: 'Sandrine', lastName: 'Joseph' },
    expected: 'concerned',
  },
  {
    key: 'css-mayotte-prestations',
    regime: 'RG',
    org: { code: 'CSS-MAYOTTE', name: 'CSS de Mayotte' },
    title: 'Responsable du service prestations familiales',
    fields: rg('7'),
    recruiter: { firstName: 'Anli', lastName: 'Madi' },
    expected: 'concerned',
  },
  // Régime agricole (groups since the 2024 grid: K to N concerned).
  {
    key: 'msa-mpn-sante-travail',
    regime: 'MSA',
    org: MSA_MPN,
    title: 'Responsable du service santé sécurité au travail',
    fields: msa('L'),
    recruiter: { firstName: 'Julien', lastName: 'Bastide' },
    expected: 'concerned',
  },
  {
    key: 'msa-mpn-conseiller',
    regime: 'MSA',
    org: MSA_MPN,
    title: 'Conseiller en protection sociale',
    fields: msa('H', 'EMPLOYE'),
    recruiter: { firstName: 'Julien', lastName: 'Bastide' },
    expected: 'not-concerned',
  },
  {
    key: 'ccmsa-statistiques',
    regime: 'MSA',
    org: { code: 'CCMSA', name: 'CCMSA' },
    title: 'Responsable de la cellule statistique',
    fields: msa('M'),
    recruiter: { firstName: 'Claire', lastName: 'Vidal' },
    expected: 'concerned',
  },
  {
    key: 'ccmsa-communication',
    regime: 'MSA',
    org: { code: 'CCMSA', name: 'CCMSA' },
    title: 'Chargé de communication',
    fields: msa('J'),
    recruiter: { firstName: 'Claire', lastName: 'Vidal' },
    expected: 'not-concerned',
  },
  // Régime des mines: chefs de service at scale 13 at the start of the career.
  {
    key: 'canssm-chef-comptabilite',
    regime: 'MINES',
    org: CANSSM,
    title: 'Chef de service comptabilité',
    fields: {
      CLASSIFICATION_GRID: 'MINES',
      MINES_SCALE: '13',
      MINES_CAREER_START: 'true',
      JOB_FAMILY: 'CHEF_DE_SERVICE',
      JOB_CATEGORY: 'CADRE',
    },
    recruiter: { firstName: 'Marc', lastName: 'Wojcik' },
    expected: 'concerned',
  },
  {
    key: 'canssm-chef-logistique',
    regime: 'MINES',
    org: CANSSM,
    title: 'Chef de service logistique',
    fields: {
      CLASSIFICATION_GRID: 'MINES',
      MINES_SCALE: '12',
      MINES_CAREER_START: 'true',
      JOB_FAMILY: 'CHEF_DE_SERVICE',
      JOB_CATEGORY: 'CADRE',
    },
    recruiter: { firstName: 'Marc', lastName: 'Wojcik' },
    expected: 'not-concerned',
  },
  // Régimes spéciaux.
  {
    key: 'cnieg-retraite',
    regime: 'RS',
    org: { code: 'CNIEG', name: 'CNIEG' },
    title: 'Responsable du service retraite',
    fields: rs('7'),
    recruiter: { firstName: 'Hélène', lastName: 'Girard' },
    expected: 'concerned',
  },
  {
    key: 'crpcen-comptable',
    regime: 'RS',
    org: { code: 'CRPCEN', name: 'CRPCEN' },
    title: 'Responsable comptable',
    fields: rs('8'),
    recruiter: { firstName: 'Olivier', lastName: 'Perrin' },
    expected: 'concerned',
  },
  {
    key: 'cnmss-projet-si',
    regime: 'RS',
    org: { code: 'CNMSS', name: 'CNMSS' },
    title: "Chef de projet système d'information",
    fields: rs('9'),
    recruiter: { firstName: 'Karine', lastName: 'Le Goff' },
    expected: 'concerned',
  },
  {
    key: 'enim-pensions',
    regime: 'RS',
    org: { code: 'ENIM', name: 'ENIM' },
    title: 'Gestionnaire de pensions',
    fields: rs('5', 'EMPLOYE'),
    recruiter: { firstName: 'Yann', lastName: 'Quéré' },
    expected: 'not-concerned',
  },
  {
    key: 'cavimac-juridique',
    regime: 'RS',
    org: { code: 'CAVIMAC', name: 'Cavimac' },
    title: 'Responsable juridique',
    fields: rs('7'),
    recruiter: { firstName: 'Bernadette', lastName: 'Colin' },
    expected: 'concerned',
  },
  // ARS.
  {
    key: 'ars-offre-de-soins',
    regime: 'ARS',
    org: ARS,
    title: 'Responsable du pôle offre de soins',
    fields: {
      CLASSIFICATION_GRID: 'ARS',
      CLASSIFICATION_LEVEL: '8',
      JOB_CATEGORY: 'CADRE',
      COLLECTIVE_AGREEMENT: 'CCNT_RG',
    },
    recruiter: { firstName: 'Lucie', lastName: 'Arnaud' },
    expected: 'concerned',
  },
  {
    key: 'ars-gestionnaire',
    regime: 'ARS',
    org: ARS,
    title: 'Gestionnaire administratif',
    fields: {
      CLASSIFICATION_GRID: 'ARS',
      CLASSIFICATION_LEVEL: '5',
      JOB_CATEGORY: 'EMPLOYE',
      COLLECTIVE_AGREEMENT: 'CCNT_RG',
    },
    recruiter: { firstName: 'Lucie', lastName: 'Arnaud' },
    expected: 'not-concerned',
  },
  // A body no mapping knows.
  {
    key: 'gip-mds-chef-projet',
    regime: 'UNKNOWN',
    org: { code: 'GIP-MDS', name: 'GIP Modernisation des déclarations sociales' },
    title: 'Chef de projet déclaratif',
    fields: rg('7'),
    recruiter: { firstName: 'Romain', lastName: 'Dupuis' },
    expected: 'undetermined',
  },
];

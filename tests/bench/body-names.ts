/**
 * How recruiters write the bodies in the ATS organisation field, per body type of
 * `mappings/organismes.yaml`. The generator checks every name is recognised as its type, so this
 * table cannot drift from the data file; a type missing here is still generated from its label.
 * Overseas names (Réunion, Antilles, Guyane, Mayotte) give the bodies their own time zones, and a
 * CGSS without its island gives one that cannot be placed in time.
 */
export const bodyNames: Readonly<Record<string, readonly string[]>> = {
  CNAM: ["Caisse nationale de l'Assurance Maladie", 'CNAM', 'Cnam - Direction déléguée aux opérations'],
  CNAV: ['Caisse nationale d’assurance vieillesse', 'CNAV', 'Cnav Île-de-France'],
  CNAF: ['Cnaf', 'Caisse nationale des allocations familiales'],
  ACOSS: ['Urssaf Caisse nationale', 'ACOSS'],
  UCANSS: ['Ucanss', 'Union des caisses nationales de sécurité sociale'],
  CNSA: ['CNSA', "Caisse nationale de solidarité pour l'autonomie"],
  CPAM: [
    'CPAM de la Gironde',
    'CPAM du Rhône',
    "Caisse primaire d'assurance maladie de Loire-Atlantique",
    'CPAM de Paris',
    'Cpam des Hauts-de-Seine',
  ],
  CAF: [
    'CAF du Nord',
    "Caisse d'allocations familiales de La Réunion",
    'CAF de la Guyane',
    'Caf des Bouches-du-Rhône',
    'CAF de la Martinique',
  ],
  URSSAF: ['URSSAF Île-de-France', 'Urssaf Provence-Alpes-Côte d’Azur', 'URSSAF Guadeloupe', 'Urssaf Bretagne'],
  CARSAT: [
    'CARSAT Alsace-Moselle',
    'Carsat Bretagne',
    'Caisse d’assurance retraite et de la santé au travail Normandie',
  ],
  CGSS: [
    'CGSS de La Réunion',
    'Caisse générale de sécurité sociale de la Guadeloupe',
    'CGSS de la Martinique',
    'cgss guyane',
    'CGSS',
  ],
  CSS_MAYOTTE: ['CSS de Mayotte', 'Caisse de Sécurité Sociale de Mayotte'],
  CCSS: ['CCSS de la Lozère'],
  UGECAM: ['UGECAM Occitanie', 'Ugecam Île-de-France'],
  DRSM: ['DRSM Bretagne', 'Direction régionale du service médical Hauts-de-France'],
  CERTI: ['CERTI Rhône-Alpes', 'CTI de Lyon'],
  CRAM: ['CRAM Île-de-France'],
  CRAV: ['CRAV Alsace-Moselle'],
  UIOSS: ['UIOSS Provence-Alpes-Côte d’Azur'],
  MSA: [
    'MSA Midi-Pyrénées Nord',
    'Mutualité sociale agricole de Picardie',
    'MSA Ardèche Drôme Loire',
    'MSA Beauce Cœur de Loire',
  ],
  CCMSA: ['Caisse centrale de la mutualité sociale agricole', 'CCMSA'],
  RSI: ['RSI Bretagne', 'Régime social des indépendants Île-de-France'],
  CANSSM: ['Filieris', 'CANSSM', 'Caisse autonome nationale de la sécurité sociale dans les mines'],
  CRP_RATP: ['CRP RATP', 'Caisse de retraite du personnel de la RATP'],
  CPRP_SNCF: ['CPRP SNCF', 'Caisse de prévoyance et de retraite du personnel ferroviaire'],
  CNIEG: ['CNIEG', 'Caisse nationale des industries électriques et gazières'],
  CAMIEG: ['CAMIEG'],
  CRPCEN: ['CRPCEN', 'Caisse de retraite et de prévoyance des clercs et employés de notaires'],
  AGESSA: ['AGESSA'],
  CNMSS: ['CNMSS', 'Caisse nationale militaire de sécurité sociale'],
  CNBF: ['CNBF', 'Caisse nationale des barreaux français'],
  ENIM: ['ENIM', 'Établissement national des invalides de la marine'],
  CAVIMAC: ['Cavimac'],
  ARS: [
    'ARS Occitanie',
    'Agence régionale de santé de Guyane',
    'ARS Île-de-France',
    'ARS La Réunion',
    'Agence régionale de santé Normandie',
  ],
  // Outside the texts: recognised, never concerned, each in its own legal time.
  CAFAT: ['CAFAT', 'Cafat Nouméa'],
  CPS_POLYNESIE: ['CPS de Polynésie française', 'Caisse de prévoyance sociale de la Polynésie française'],
  CPS_SPM: ['CPS de Saint-Pierre-et-Miquelon'],
  CAISSES_WALLIS_FUTUNA: ['CPSWF'],
  AGENCE_SANTE_WALLIS_FUTUNA: ['Agence de santé de Wallis-et-Futuna'],
  CFE: ['Caisse des Français de l’étranger'],
  CNAVPL: ['CIPAV', 'CNAVPL', 'CARMF'],
  CAISSE_DES_DEPOTS: ['Caisse des dépôts - CNRACL', 'Ircantec'],
  AGIRC_ARRCO: ['Agirc-Arrco'],
  GROUPE_PROTECTION_SOCIALE: ['Groupe IRCEM', 'Klesia', 'Malakoff Humanis'],
  MUTUELLE: ['MGEN', 'Harmonie Mutuelle'],
  FRANCE_TRAVAIL: ['France Travail', 'Pôle emploi Occitanie'],
  UNEDIC: ['Unédic'],
  CRPNPAC: ['CRPNPAC'],
  CAISSES_SOCIALES_MONACO: ['Caisses sociales de Monaco'],
  EN3S: ['EN3S'],
  SNCF_GROUP: ['SNCF Voyageurs', 'SNCF Réseau'],
  RATP_GROUP: ['RATP Dev'],
  IEG_COMPANY: ['EDF', 'Enedis'],
  IEG_SOCIAL_ACTIVITIES: ['CCAS des IEG', 'CMCAS Paris'],
  MSA_SERVICES: ['MSA Services Limousin'],
  CONSERVATOIRE_ARTS_METIERS: ['Conservatoire national des arts et métiers'],
  CCAS_COMMUNAL: ['Centre communal d’action sociale de Lyon'],
};

/** Employers that post on the job exchange but are no body of the texts: recognised as nothing. */
export const unknownBodyNames: readonly string[] = [
  'Mutuelle des Lilas',
  'Clinique du Parc',
  'Centre hospitalier de Valence',
  'Mairie de Lyon',
];

export const jobTitles: readonly string[] = [
  "Responsable d'unité",
  'Manager stratégique',
  'Responsable du service contentieux',
  'Chef de projet SI',
  'Responsable des ressources humaines',
  'Statisticien',
  'Auditeur interne',
  'Chef de service',
];

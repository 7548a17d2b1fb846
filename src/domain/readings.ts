/**
 * Every reading of the texts the engine can make: what the texts do not state, what the engine
 * decides all the same, and what that rests on, for a jurist to review in one list
 * (`en3s rulesets --readings`). A reason resting on one of them carries a French `reading`
 * (« lecture : … ») saying so. Static: a new reading is added here with the code that makes it.
 */

export interface Reading {
  /** Stable code, English. */
  code: string;
  /** French, one line. */
  title: string;
  /** French: what the engine reads. */
  reading: string;
  /** French: the texts and facts it rests on. */
  restsOn: string;
  /** French: where the engine makes it, and what a decision shows. */
  usedIn: string;
  /** The texts under which it is made (rule set ids). */
  ruleSets: readonly string[];
}

const BOTH = ['DSS/4B/2014/350', 'DSS/4B/2026/34'] as const;

export const readings: readonly Reading[] = Object.freeze([
  {
    code: 'BODY_LEGAL_TIME',
    title: "La période à l'heure légale de l'organisme",
    reading:
      "La période du 1er janvier au 30 avril s'apprécie à l'heure légale de l'organisme : " +
      "Europe/Paris en métropole, l'heure de la Guadeloupe, " +
      "de la Martinique, de La Réunion, de la Guyane ou de Mayotte outre-mer ; jamais à l'heure " +
      "de Paris pour un organisme d'outre-mer.",
    restsOn:
      'Les textes fixent des jours sans fuseau (« entre le 1er janvier et le 30 avril », ' +
      'instruction §1.1 et §1.2 ; guide Ucanss §1.1) ; ' +
      "l'instruction s'applique aux CGSS et à la CSS de Mayotte (mention Outre-mer), dont les " +
      'jours sont ceux de leur territoire.',
    usedIn:
      'Période de chaque décision (motifs WINDOW_OPEN et WINDOW_CLOSED, avec « lecture », en ' +
      'métropole comme outre-mer) ; fuseaux de mappings/organismes.yaml.',
    ruleSets: BOTH,
  },
  {
    code: 'WINDOW_END_RELEASE',
    title: 'Libération à la fin de la période',
    reading:
      "Après le 30 avril, une offre encore en attente de la réponse de l'EN3S est libérée (elle " +
      'peut être publiée) ; une offre refusée le reste pour la campagne.',
    restsOn:
      'Les textes limitent le recensement à la période du 1er janvier au 30 avril (instruction ' +
      '§1.1 et §1.2 ; guide Ucanss §1.1) ' +
      "et ne disent rien d'une offre encore sans réponse à son terme ; aucun texte ne fixe de " +
      "délai de réponse à l'EN3S.",
    usedIn:
      "Motif WINDOW_CLOSED de chaque décision hors période ; suivi de l'offre (état « libérée ») " +
      'et rapports de contrôle.',
    ruleSets: BOTH,
  },
  {
    code: 'LABEL_AS_LEVEL',
    title: 'Un libellé lu comme un niveau ou un groupe',
    reading:
      'Un niveau écrit autrement que dans la grille (« Niv. VII », « N7 », « Cadre niveau 8 », « ' +
      'groupe k », « 5 » pour 5A ou 5B, « 6/7 ») est lu dans tous ses sens ' +
      'possibles sur la grille du régime : décidé quand tous mènent à la même réponse, ' +
      "indéterminé quand ils divergent ou qu'aucun n'existe (« 9 » sur l'ancienne grille de la " +
      'MSA, qui a 8 niveaux). ' +
      'Une lettre seule est un groupe de la MSA, jamais un chiffre romain ; une subdivision non ' +
      'listée sous le niveau 6 (« 3A ») est un niveau intermédiaire de ce niveau.',
    restsOn:
      'Les textes nomment les niveaux (instruction §1.1 ; guide Ucanss §1.3) sans dire comment ' +
      "les écrire ; la grille du régime général refondue par l'accord du 22 novembre 2024 " +
      '(niveaux 1 à 4, 5A, 5B, 6 à 9 et niveaux intermédiaires sous le niveau 6 ; 7, 8 et 9 ' +
      'gardent leur nom) ; celle de la MSA refondue en 2024 (groupes A à N).',
    usedIn:
      'Éligibilité (motifs LEVEL_IN_SCOPE, LEVEL_OUT_OF_SCOPE avec « lecture » ; ' +
      'LEVEL_AMBIGUOUS, LEVEL_UNKNOWN sinon).',
    ruleSets: BOTH,
  },
  {
    code: 'LABEL_AS_GRID',
    title: 'Un libellé lu comme une grille',
    reading:
      '« Employés et cadres », « employes & cadres », « Régime général » sont lus comme la ' +
      'grille du régime général ; « Régime agricole », « Mutualité sociale agricole » comme celle ' +
      'de la MSA ; ' +
      'de même pour les mines, les régimes spéciaux, les ARS et le RSI. Un libellé qui mêle deux ' +
      'grilles reste illisible.',
    restsOn:
      'Le guide Ucanss §1.3 nomme la « grille des Employés et cadres » du régime général ; les ' +
      'textes nomment les régimes (instruction §1.1 ; guide Ucanss §1.2).',
    usedIn: 'Éligibilité : la grille de la décision (motifs avec « lecture » ; GRID_UNREADABLE sinon).',
    ruleSets: BOTH,
  },
  {
    code: 'TITLE_AS_CATEGORY',
    title: "Un titre lu comme la catégorie d'emploi",
    reading:
      'Une catégorie écrite comme un titre (directeur, directrice, directeur général, directeur ' +
      'adjoint, directrice adjointe, sous-directeur, sous-directrice, secrétaire général(e), ' +
      'directeur délégué, directrice déléguée, « dir. adjoint ») est lue comme « agent de ' +
      'direction » ; « agent(e) comptable », « directeur comptable et financier », « DCF » comme ' +
      '« agent comptable ». ' +
      "Un titre avec complément (« directeur d'agence », « directeur des ressources humaines ») " +
      "ou un sigle ambigu (« DA », « SG ») n'est pas lu : l'offre est à vérifier si son niveau la " +
      'rendrait concernée.',
    restsOn:
      "Art. R. 123-48 du code de la sécurité sociale : « le terme agents de direction s'entend " +
      'des directeur, directeur adjoint, sous-directeur et secrétaire général, ainsi que des ' +
      'directeurs délégués ».',
    usedIn:
      'Éligibilité : exclusion des agents de direction, cas de l’agent comptable (motifs avec « ' +
      'lecture » ; CATEGORY_UNREADABLE sinon).',
    ruleSets: BOTH,
  },
  {
    code: 'AGENT_DE_DIRECTION_2026',
    title: "Les agents de direction hors du champ sous l'instruction de 2026",
    reading:
      "Sous l'instruction DSS/4B/2026/34, une offre d'agent de direction n'est pas concernée, " +
      'comme sous la circulaire de 2014.',
    restsOn:
      "L'instruction n'en dit rien. Art. R. 123-37 du code de la sécurité sociale : les élèves " +
      "sont nommés « sur un des postes figurant sur cette liste ou sur un poste d'agent de " +
      'direction » — ' +
      "ces postes sont à part de la liste des postes d'encadrement supérieur ; guide Ucanss §1.3 " +
      "(note), sous la circulaire de 2014 : « les offres d'emploi d'agent de direction ne sont " +
      'pas concernées ».',
    usedIn: 'Éligibilité (motif AGENT_DE_DIRECTION) ; mappings/rulesets/instruction-DSS-4B-2026-34.yaml (exclusions).',
    ruleSets: ['DSS/4B/2026/34'],
  },
  {
    code: 'AGENT_COMPTABLE_OUTSIDE_GRID',
    title: "L'agent comptable, hors de la grille",
    reading:
      "L'agent comptable n'est pas un agent de direction : son offre n'est pas exclue comme " +
      "telle. Sans classement dans la grille, elle n'est pas concernée (ses postes ne sont pas " +
      'des niveaux de la grille) ; ' +
      'classée à un niveau concerné, elle est à vérifier (poste de cadre de ce niveau, concerné, ' +
      'ou poste d’agent comptable, non concerné) ; classée hors des niveaux visés, elle n’est pas concernée.',
    restsOn:
      'Art. R. 123-48 du code de la sécurité sociale (énumère les agents de direction, sans ' +
      "l'agent comptable) ; R. 123-45 et suivants (« les agents de direction et les agents " +
      'comptables », deux groupes) ; ' +
      'les textes visent des niveaux de grille (instruction §1.1 ; guide Ucanss §1.3).',
    usedIn: 'Éligibilité (motifs AGENT_COMPTABLE_OUT_OF_GRID, avec « lecture », et AGENT_COMPTABLE_CLASSIFIED).',
    ruleSets: BOTH,
  },
  {
    code: 'CNSA_REGIME_GENERAL',
    title: 'La CNSA lue comme organisme du régime général',
    reading:
      "Sous l'instruction de 2026, la CNSA, qui n'est plus citée parmi les régimes spéciaux, est " +
      'lue comme organisme du régime général (niveaux 7 à 9).',
    restsOn:
      'La CNSA gère la branche autonomie du régime général depuis 2021 et figure parmi les ' +
      "destinataires de l'instruction ; l'instruction §1.1 ne la cite plus parmi les régimes spéciaux, " +
      'où la circulaire de 2014 la plaçait (guide Ucanss §1.2).',
    usedIn:
      "Motif de niveau de chaque offre de la CNSA sous l'instruction de 2026 ; " +
      'mappings/rulesets/instruction-DSS-4B-2026-34.yaml (bodyReadings).',
    ruleSets: ['DSS/4B/2026/34'],
  },
  {
    code: 'OVERSEAS_TERRITORY',
    title: "Le territoire d'un organisme d'outre-mer",
    reading:
      "Un organisme d'outre-mer, quel que soit son type (CGSS, CSS de Mayotte, mais aussi une " +
      "CAF ou une MSA qui nomme son territoire), est placé dans le territoire qu'il sert, y " +
      'compris les territoires rattachés à sa caisse (Saint-Martin, Saint-Barthélemy), pour ' +
      'connaître son heure légale ; ' +
      "s'il ne peut être placé, la décision est indéterminée, jamais calculée à l'heure de Paris.",
    restsOn:
      "Mention Outre-mer de l'instruction (CGSS de Guadeloupe, Martinique, La Réunion, Guyane ; " +
      'CSS de Mayotte) ; la circonscription de chaque caisse ; la lecture BODY_LEGAL_TIME.',
    usedIn: 'Reconnaissance des organismes (mappings/organismes.yaml) ; motif TERRITORY_UNKNOWN.',
    ruleSets: BOTH,
  },
  {
    code: 'ARS_POSTS_2026',
    title: "Les postes des ARS sous l'instruction de 2026",
    reading:
      "Toute offre d'ARS des niveaux 7 à 9 est lue comme concernée, pour que l'EN3S décide si le " +
      'poste est offert aux élèves.',
    restsOn:
      'Instruction §1.1 : « Sont en outre concernés, dans les ARS, les postes du niveau 7 au ' +
      "niveau 9 offerts aux élèves à l'issue de leur scolarité » ; c'est l'ARS qui offre le poste.",
    usedIn:
      'Éligibilité (motif LEVEL_IN_SCOPE des ARS, avec « lecture ») ; ' +
      'mappings/rulesets/instruction-DSS-4B-2026-34.yaml.',
    ruleSets: ['DSS/4B/2026/34'],
  },
  {
    code: 'GRID_2024_UNDER_2014',
    title: 'La grille de 2024 lue sous la circulaire de 2014',
    reading:
      'De la refonte des classifications de 2024 au 11 mars 2026, les libellés de la nouvelle ' +
      'grille du régime général (5A, 5B, niveaux intermédiaires) sont lus sous la circulaire ; ' +
      'les niveaux 7, 8 et 9 y gardent leur nom, donc la même réponse. Les groupes de la ' +
      "nouvelle grille de la MSA n'y sont pas lus (indéterminé).",
    restsOn:
      'Guide Ucanss §1.3 (niveaux 7 à 9 de la grille des Employés et cadres ; niveaux 6 à 8 pour ' +
      "la MSA) ; accord du 22 novembre 2024 ; résumé de l'instruction DSS/4B/2026/34 " +
      '(« la refonte des classifications des emplois intervenue en 2024 … rend nécessaire une ' +
      'mise à jour des intitulés »).',
    usedIn: 'mappings/rulesets/circulaire-DSS-4B-2014-350.yaml (niveaux connus du régime général et de la MSA).',
    ruleSets: ['DSS/4B/2014/350'],
  },
  {
    code: 'UNPLACED_WINDOW_SPAN',
    title: "La période d'un organisme d'outre-mer sans territoire reconnu",
    reading:
      "Quand le territoire d'un organisme d'outre-mer ne peut être lu (une CGSS sans son île, un " +
      'nom qui cite des îles de fuseaux différents), la décision est indéterminée ' +
      "et la période est comptée du 1er janvier à l'heure du territoire possible où elle " +
      "commence le plus tôt (La Réunion) au 30 avril à l'heure de celui où elle finit le plus " +
      'tard (les Antilles) : ' +
      "jamais à l'heure de Paris, pour ne jamais l'ouvrir trop tard ni la fermer trop tôt là où l'organisme se trouve.",
    restsOn:
      "Mention Outre-mer de l'instruction (CGSS de Guadeloupe, Martinique, La Réunion, Guyane ; " +
      'CSS de Mayotte) ; les textes fixent des jours sans fuseau ' +
      '(instruction §1.1 et §1.2 ; guide Ucanss §1.1) ; la lecture BODY_LEGAL_TIME.',
    usedIn:
      'Éligibilité (motifs TERRITORY_UNKNOWN, WINDOW_OPEN et WINDOW_CLOSED avec « lecture ») ; ' +
      'src/domain/legal-time.ts.',
    ruleSets: BOTH,
  },
  {
    code: 'BODIES_NAMED_PRECISELY',
    title: "Un nom qui contient celui d'un organisme n'est pas cet organisme",
    reading:
      "Un organisme est reconnu à des mots entiers, la plus longue expression l'emportant (« " +
      "CAFAT » n'est pas une CAF, « MSA Services » pas une MSA) ; une entreprise du groupe d'un " +
      'régime spécial ' +
      "(SNCF Voyageurs, RATP Dev, EDF) n'est pas sa caisse ; « SNCF », « RATP », « service " +
      'médical », « service social », « CPS » seuls ne désignent aucun organisme (indéterminé, à ' +
      'vérifier) ; ' +
      'un organisme de sécurité sociale que les textes ne nomment pas (CAFAT, CPS de Polynésie, ' +
      "CIPAV, Agirc-Arrco…) n'est pas concerné.",
    restsOn:
      'Instruction §1.1 : « Régimes spéciaux (RATP, SNCF, CNIEG, CAMIEG, …) », dont les caisses ' +
      'sont les destinataires (CRPRATP, CPRPF) ; sa mention Outre-mer ne nomme que les CGSS et la ' +
      'CSS de Mayotte ; ' +
      'guide Ucanss §1.2 pour la circulaire de 2014.',
    usedIn:
      'Reconnaissance des organismes (mappings/organismes.yaml : `outside`, `ambiguous`) ; ' +
      'motifs BODY_NOT_COVERED et ORGANISM_UNKNOWN.',
    ruleSets: BOTH,
  },
] satisfies Reading[]);

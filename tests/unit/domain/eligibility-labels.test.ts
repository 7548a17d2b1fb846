import { describe, expect, it } from 'vitest';
import { decide } from '../../support/domain.js';
import type { JobSpec } from '../../support/job-documents.js';

/**
 * Labels read as a person would (docs/domain.md#labels-read-as-the-recruiter-meant-them, « A label is read as the
 * recruiter meant it »): levels and groups abbreviated, with or without « niveau »/« groupe », in roman or arabic
 * figures, with a category in front; grids spelled out with or without accents; the mines' job family in any case or
 * number. A label whose every reading gives one answer is decided, with a `reading`; one whose readings differ, or that
 * exists in no reading, is undetermined and names the field. Instants: 2025-02-03 falls under the circulaire 2014/350,
 * 2027-02-01 under the instruction 2026/34.
 */
const OLD = '2025-02-03T10:00:00+01:00';
const NEW = '2027-02-01T10:00:00+01:00';

type Expect = {
  concerned: boolean | null;
  code: string;
  missing?: string[];
  reading?: RegExp | null;
  message?: RegExp;
};
type Row = [name: string, at: string, spec: JobSpec, expected: Expect];

const cpam = (level: string, grid = 'RG'): JobSpec => ({ orgName: 'CPAM de la Gironde', grid, level });
const msa = (level: string): JobSpec => ({ orgName: 'MSA Alpes du Nord', grid: 'MSA', level });
const LEVEL = ['classification.level'];
const inScope = (reading: RegExp): Expect => ({ concerned: true, code: 'LEVEL_IN_SCOPE', reading });
const outOfScope = (reading: RegExp): Expect => ({ concerned: false, code: 'LEVEL_OUT_OF_SCOPE', reading });

// Régime général, instruction §1.1 « du niveau 7 au niveau 9 »: levels as recruiters write them.
const generalLevels: Row[] = [
  [
    '« Niv. VII » is level 7: concerned (Instruction 2026/34 §1.1)',
    NEW,
    cpam('Niv. VII'),
    inScope(/« VII » est lu comme le niveau 7/),
  ],
  ['« niveau VII » is level 7 (Instruction 2026/34 §1.1)', NEW, cpam('niveau VII'), inScope(/niveau 7/)],
  ['« N7 » is level 7 (Instruction 2026/34 §1.1)', NEW, cpam('N7'), inScope(/« N7 » est lu comme le niveau 7/)],
  ['« niv7 » is level 7 (Instruction 2026/34 §1.1)', NEW, cpam('niv7'), inScope(/niveau 7/)],
  ['« N° 8 » is level 8 (Instruction 2026/34 §1.1)', NEW, cpam('N° 8'), inScope(/niveau 8/)],
  [
    '« Cadre niveau 8 »: the category in front does not change the level (Instruction 2026/34 §1.1)',
    NEW,
    cpam('Cadre niveau 8'),
    inScope(/niveau 8/),
  ],
  ['« Cadre - Niv. 9 » is level 9 (Instruction 2026/34 §1.1)', NEW, cpam('Cadre - Niv. 9'), inScope(/niveau 9/)],
  ['« IX » is level 9 (Instruction 2026/34 §1.1)', NEW, cpam('IX'), inScope(/niveau 9/)],
  ['« 08 » is level 8 (Instruction 2026/34 §1.1)', NEW, cpam('08'), inScope(/niveau 8/)],
  ['« Niveau huit » is level 8 (Instruction 2026/34 §1.1)', NEW, cpam('Niveau huit'), inScope(/niveau 8/)],
  [
    '« Niveau 8 (employés et cadres) »: the grid named in the label (Instruction 2026/34 §1.1)',
    NEW,
    cpam('Niveau 8 (employés et cadres)'),
    inScope(/niveau 8/),
  ],
  [
    '« 8/9 »: both readings are concerned, decided (Instruction 2026/34 §1.1)',
    NEW,
    cpam('8/9'),
    inScope(/peut se lire niveau 8 ou 9 ; tous ces sens/),
  ],
  [
    '« Niveau 7 à 9 »: every level of the range is concerned (Instruction 2026/34 §1.1)',
    NEW,
    cpam('Niveau 7 à 9'),
    inScope(/niveau 7, 8 ou 9/),
  ],
  [
    '« Employé niveau 4 » is level 4: not concerned (Instruction 2026/34 §1.1)',
    NEW,
    cpam('Employé niveau 4'),
    outOfScope(/niveau 4/),
  ],
  ['« Niv. VI » is level 6: not concerned (Instruction 2026/34 §1.1)', NEW, cpam('Niv. VI'), outOfScope(/niveau 6/)],
  ['« Technicien niveau 4 » is level 4: not concerned', NEW, cpam('Technicien niveau 4'), outOfScope(/niveau 4/)],
  [
    '« Agent de maîtrise niveau 5B » is 5B: not concerned (accord du 22/11/2024 grid)',
    NEW,
    cpam('Agent de maîtrise niveau 5B'),
    outOfScope(/niveau 5B/),
  ],
  ['« 5 a » is 5A, not 5 (accord du 22/11/2024 grid)', NEW, cpam('5 a'), outOfScope(/niveau 5A/)],
  [
    '« 5 » no longer exists: 5A or 5B, both below 7, decided (accord du 22/11/2024 grid)',
    NEW,
    cpam('5'),
    outOfScope(/peut se lire niveau 5A ou 5B ; tous ces sens mènent à la même réponse/),
  ],
  [
    '« 3A », an intermediate level below 6, is below 7 whichever it is (accord du 22/11/2024 grid)',
    NEW,
    cpam('3A'),
    outOfScope(
      /« 3A », niveau intermédiaire que la grille du texte ne nomme pas, peut se lire niveau 3 ; tous ces sens/,
    ),
  ],
  ['« 5C », an intermediate level of 5, is below 7 whichever it is', NEW, cpam('5C'), outOfScope(/5A ou 5B/)],
  ['« 4 à 5B »: a range below 7 is decided', NEW, cpam('4 à 5B'), outOfScope(/niveau 4, 4B, 5A ou 5B/)],
  [
    'Under the circulaire, « Niv. VIII » is level 8 (Circulaire 2014/350, guide Ucanss §1.3)',
    OLD,
    cpam('Niv. VIII'),
    inScope(/niveau 8/),
  ],
  [
    'Under the circulaire, « niveau 5 » is the old level 5: not concerned (guide Ucanss §1.3)',
    OLD,
    cpam('niveau 5'),
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE', reading: null },
  ],
  [
    'A label written as the grid writes it carries no reading',
    NEW,
    cpam('Niveau 8'),
    { concerned: true, code: 'LEVEL_IN_SCOPE', reading: null },
  ],
  // Undetermined: the readings differ, or there is none.
  [
    '« 6/7 »: level 6 or 7, answers differ: undetermined',
    NEW,
    cpam('6/7'),
    {
      concerned: null,
      code: 'LEVEL_AMBIGUOUS',
      missing: LEVEL,
      message: /6 ou 7, qui ne mènent pas à la même réponse/,
    },
  ],
  [
    '« Niveau 6 ou 7 »: undetermined',
    NEW,
    cpam('Niveau 6 ou 7'),
    { concerned: null, code: 'LEVEL_AMBIGUOUS', missing: LEVEL },
  ],
  [
    '« 5B-7 »: a range across level 7: undetermined',
    NEW,
    cpam('5B-7'),
    { concerned: null, code: 'LEVEL_AMBIGUOUS', missing: LEVEL },
  ],
  [
    '« Niveau 6 minimum » is not guessed at: undetermined',
    NEW,
    cpam('Niveau 6 minimum'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    '« 7bis » exists in no reading: undetermined',
    NEW,
    cpam('7bis'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    '« 6A »: no intermediate level above 5 in the 2024 grid: undetermined',
    NEW,
    cpam('6A'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    '« Niveau 10 » is no level of the grid: undetermined',
    NEW,
    cpam('Niveau 10'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    '« Cadre » alone names no level: undetermined',
    NEW,
    cpam('Cadre'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    '« coef 350 » is a coefficient, not a level: undetermined',
    NEW,
    cpam('coef 350'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    '« Niveau 6 et + » means 6 or more: undetermined, never « 6 »',
    NEW,
    cpam('Niveau 6 et +'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    '« ≥ 6 » is not guessed at: undetermined',
    NEW,
    cpam('≥ 6'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    '« Niveau 6 et plus »: undetermined',
    NEW,
    cpam('Niveau 6 et plus'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  ['« NVII » is N and VII, never « Nv II »: level 7', NEW, cpam('NVII'), inScope(/niveau 7/)],
  ['« N° VII » is level 7', NEW, cpam('N° VII'), inScope(/niveau 7/)],
];

// Régime agricole: groups K to N (instruction §1.1), levels 6 to 8 (circulaire, guide Ucanss §1.3).
const agricoleLevels: Row[] = [
  [
    'MSA « groupe k » is group K: concerned (Instruction 2026/34 §1.1)',
    NEW,
    msa('groupe k'),
    { concerned: true, code: 'LEVEL_IN_SCOPE', message: /groupe K/ },
  ],
  [
    'MSA « Gr. L » is group L (Instruction 2026/34 §1.1)',
    NEW,
    msa('Gr. L'),
    { concerned: true, code: 'LEVEL_IN_SCOPE', message: /groupe L/ },
  ],
  ['MSA « GRP M » is group M (Instruction 2026/34 §1.1)', NEW, msa('GRP M'), inScope(/groupe M/)],
  ['MSA « Cadre groupe N » is group N (Instruction 2026/34 §1.1)', NEW, msa('Cadre groupe N'), inScope(/groupe N/)],
  [
    'MSA « Groupes K à N »: every group concerned (Instruction 2026/34 §1.1)',
    NEW,
    msa('Groupes K à N'),
    inScope(/groupe K, L, M ou N/),
  ],
  [
    'MSA « groupe I » is group I, not a roman 1: not concerned (Instruction 2026/34 §1.1)',
    NEW,
    msa('groupe I'),
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE', message: /groupe I/ },
  ],
  [
    'MSA « Gr. A » is group A, not the word « à »: not concerned',
    NEW,
    msa('Gr. A'),
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE', message: /groupe A/ },
  ],
  [
    'MSA « J/K »: groups J or K, answers differ: undetermined',
    NEW,
    msa('J/K'),
    { concerned: null, code: 'LEVEL_AMBIGUOUS', missing: LEVEL },
  ],
  [
    'MSA « Groupe 7 »: the 2024 grid has no figures: undetermined',
    NEW,
    msa('Groupe 7'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    'MSA « Groupe O »: no such group: undetermined',
    NEW,
    msa('Groupe O'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    'MSA « 9 » under the circulaire: the old grid has 8 levels: undetermined (guide Ucanss §1.3)',
    OLD,
    msa('9'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    'MSA « Niveau VI » under the circulaire is level 6: concerned (guide Ucanss §1.3)',
    OLD,
    msa('Niveau VI'),
    inScope(/niveau 6/),
  ],
  [
    'MSA « Groupe I » under the circulaire is a 2024 group, never level 1: undetermined',
    OLD,
    msa('Groupe I'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
  [
    'MSA « Groupe L » under the circulaire: a 2024 group, no level of that text: undetermined',
    OLD,
    msa('Groupe L'),
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
];

// Other grids: the RSI in roman figures (guide Ucanss §1.3), the régimes spéciaux (instruction §1.1).
const otherLevels: Row[] = [
  [
    'RSI « 8 » is level VIII: concerned (Circulaire 2014/350, guide Ucanss §1.3)',
    OLD,
    { orgName: 'RSI Bretagne', grid: 'RSI', level: '8' },
    inScope(/niveau VIII/),
  ],
  [
    'RSI « niv 6 » is level VI: not concerned (guide Ucanss §1.3)',
    OLD,
    { orgName: 'RSI Bretagne', grid: 'RSI', level: 'niv 6' },
    outOfScope(/niveau VI/),
  ],
  [
    'CNIEG « Niveau VIII » is level 8: concerned (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'CNIEG', grid: 'RS', level: 'Niveau VIII' },
    inScope(/niveau 8/),
  ],
  [
    'CNIEG « 5A »: no subdivisions on this grid: undetermined',
    NEW,
    { orgName: 'CNIEG', grid: 'RS', level: '5A' },
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: LEVEL },
  ],
];

// Grids written in words (guide Ucanss §1.3 names the « grille des Employés et cadres »).
const grids: Row[] = [
  [
    '« Employés et cadres » is the régime général grid (guide Ucanss §1.3)',
    NEW,
    cpam('8', 'Employés et cadres'),
    inScope(/grille « Employés et cadres » est lue comme la grille des employés et cadres/),
  ],
  [
    '« employes & cadres » is the régime général grid',
    NEW,
    cpam('8', 'employes & cadres'),
    inScope(/employés et cadres du régime général/),
  ],
  ['« EMPLOYÉS-CADRES » is the régime général grid', NEW, cpam('8', 'EMPLOYÉS-CADRES'), inScope(/régime général/)],
  [
    '« Grille des employés et cadres » is the régime général grid',
    NEW,
    cpam('9', 'Grille des employés et cadres'),
    inScope(/régime général/),
  ],
  ['« Employés/Cadres » is the régime général grid', NEW, cpam('7', 'Employés/Cadres'), inScope(/régime général/)],
  [
    '« Régime général » with its accents is the RG grid (Instruction 2026/34 §1.1)',
    NEW,
    cpam('8', 'Régime général'),
    inScope(/« Régime général »/),
  ],
  ['« RÉGIME GÉNÉRAL (RG) » is the RG grid', NEW, cpam('8', 'RÉGIME GÉNÉRAL (RG)'), inScope(/régime général/)],
  [
    'Grid and level both read: both readings said',
    NEW,
    cpam('Niv. VIII', 'employes & cadres'),
    inScope(/niveau 8 ; la grille « employes & cadres »/),
  ],
  [
    '« Employés et cadres », level 5A: not concerned, decided',
    NEW,
    cpam('5A', 'Employés et cadres'),
    outOfScope(/régime général/),
  ],
  [
    '« Mutualité sociale agricole » is the MSA grid (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'MSA Alpes du Nord', grid: 'Mutualité sociale agricole', level: 'L' },
    inScope(/grille de la MSA/),
  ],
  [
    '« Régime agricole » with accents is the MSA grid',
    NEW,
    { orgName: 'MSA Alpes du Nord', grid: 'Régime agricole', level: 'K' },
    inScope(/grille de la MSA/),
  ],
  [
    '« Régimes spéciaux » is the RS grid',
    NEW,
    { orgName: 'CNIEG', grid: 'Régimes spéciaux', level: '8' },
    inScope(/régimes spéciaux/),
  ],
  [
    '« Employés et cadres » on an MSA body: another régime’s grid, undetermined',
    NEW,
    { orgName: 'MSA Alpes du Nord', grid: 'Employés et cadres', level: 'L' },
    { concerned: null, code: 'GRID_MISMATCH', missing: ['classification.grid'], reading: /régime général/ },
  ],
  [
    '« RG / MSA » names two grids: unreadable, undetermined',
    NEW,
    cpam('8', 'RG / MSA'),
    { concerned: null, code: 'GRID_UNREADABLE', missing: ['classification.grid'] },
  ],
  [
    '« Grille 2024 » names no grid: unreadable, undetermined',
    NEW,
    cpam('8', 'Grille 2024'),
    { concerned: null, code: 'GRID_UNREADABLE', missing: ['classification.grid'] },
  ],
];

// Régime des mines: « emplois de chefs de service affectés de l'échelle 13 en début de carrière » (instruction §1.1).
const mines = (family: string): JobSpec => ({
  orgName: 'Filieris',
  grid: 'MINES',
  family,
  scale: '13',
  careerStart: 'oui',
});
const minesFamilies: Row[] = [
  ...[
    'CHEF_DE_SERVICE',
    'Chef de service',
    'chef de service',
    'CHEF DE SERVICE',
    'Chefs de service',
    'chefs de services',
    'Cheffe de service',
    'Chef(fe) de service',
    'chef-de-service',
    '  Chef  de   service ',
  ].map(
    (family): Row => [
      `Mines family « ${family} » is chef de service: concerned (Instruction 2026/34 §1.1)`,
      NEW,
      mines(family),
      { concerned: true, code: 'MINES_IN_SCOPE' },
    ],
  ),
  [
    'Mines « Chefs de service » under the circulaire (guide Ucanss §1.3)',
    OLD,
    mines('Chefs de service'),
    { concerned: true, code: 'MINES_IN_SCOPE' },
  ],
  [
    'Mines « Chef de service adjoint »: not told without doubt, undetermined',
    NEW,
    mines('Chef de service adjoint'),
    { concerned: null, code: 'MINES_FAMILY_UNCLEAR', missing: ['classification.jobFamily'] },
  ],
  [
    'Mines « Adjoint au chef de service »: undetermined',
    NEW,
    mines('Adjoint au chef de service'),
    { concerned: null, code: 'MINES_FAMILY_UNCLEAR', missing: ['classification.jobFamily'] },
  ],
  [
    'Mines « Gestionnaire »: another family, not concerned, and the reason names it',
    NEW,
    mines('Gestionnaire'),
    { concerned: false, code: 'MINES_OUT_OF_SCOPE', message: /famille GESTIONNAIRE/ },
  ],
];

describe.each([
  ['régime général levels', generalLevels],
  ['régime agricole groups and levels', agricoleLevels],
  ['other grids', otherLevels],
  ['grids written in words', grids],
  ['mines job families', minesFamilies],
])('labels read as a person would: %s', (_class, rows) => {
  it.each(rows)('%s', (_name, at, spec, expected) => {
    const d = decide(spec, at);
    const reason = d.reasons[0]!;
    expect(d.concerned).toBe(expected.concerned);
    expect(reason.code).toBe(expected.code);
    expect(d.missing).toEqual(expected.missing ?? []);
    if (expected.reading === null) expect(reason.reading).toBeUndefined();
    else if (expected.reading) expect(reason.reading).toMatch(new RegExp(`^lecture : .*${expected.reading.source}`));
    if (expected.message) expect(reason.message).toMatch(expected.message);
    // Never a silent false: a decided "not concerned" says why, an undetermined one names its field.
    if (d.concerned === null) expect(d.missing.length).toBeGreaterThan(0);
  });
});

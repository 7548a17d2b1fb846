import { describe, expect, it } from 'vitest';
import { decide } from '../../support/domain.js';
import type { JobSpec } from '../../support/job-documents.js';

/**
 * Agents de direction and the agent comptable. R. 123-48 CSS: « le terme agents de direction
 * s'entend des directeur, directeur adjoint, sous-directeur et secrétaire général, ainsi que des
 * directeurs délégués »; a category written as one of those titles is an agent de direction, never
 * concerned: under the circulaire because the UCANSS guide says so (§1.3, note), under the
 * instruction by a reading (it says nothing; R. 123-37 sets those posts apart). The agent comptable
 * is not an agent de direction (docs/domain.md#the-agent-comptable): outside the « Employés et cadres » grid, so an
 * offer classified at a concerned level of the grid is to be checked.
 */
const OLD = '2025-02-03T10:00:00+01:00';
const NEW = '2027-02-01T10:00:00+01:00';

const OLD_SOURCE = 'Circulaire DSS/4B/2014/350, citée par le guide Ucanss §1.3 (note)';
const NEW_SOURCE = 'Art. R. 123-37 du code de la sécurité sociale ; guide Ucanss §1.3 (note)';
const cpam9 = (category: string): JobSpec => ({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '9', category });

// Titles of R. 123-48 as recruiters write them: accents or not, feminine, abbreviated, inclusive.
const titles = [
  'Directeur',
  'Directrice',
  'DIRECTEUR GÉNÉRAL',
  'Directrice générale',
  'Directeur adjoint',
  'Directrice adjointe',
  'directeur-adjoint',
  'Dir. adjoint',
  'Dir adj.',
  'Directeur général adjoint',
  'Sous-directeur',
  'Sous-directrice',
  'sous directrice',
  'Secrétaire général',
  'Secrétaire générale',
  'SECRETAIRE GENERALE',
  'Directeur délégué',
  'Directrice déléguée',
  'Directeur·rice adjoint·e',
  'Directeur (H/F)',
  'Agents de direction',
  'A.D.D.',
];

describe('agent de direction written as a title (R. 123-48 CSS)', () => {
  it.each(titles)(
    '« %s » is agent de direction: never concerned under the instruction, per a reading of R. 123-37 and guide Ucanss',
    (title) => {
      const d = decide(cpam9(title), NEW);
      expect(d.concerned).toBe(false);
      expect(d.missing).toEqual([]);
      const reason = d.reasons[0]!;
      expect(reason).toMatchObject({ code: 'AGENT_DE_DIRECTION', source: NEW_SOURCE });
      expect(reason.reading).toMatch(
        /^lecture : l'instruction DSS\/4B\/2026\/34 ne traite pas des agents de direction ; .*R\. 123-37/,
      );
      expect(reason.reading).toContain(`la catégorie « ${title} » est lue comme agent de direction (art. R. 123-48`);
    },
  );

  it.each(titles)('« %s » under the circulaire: never concerned, citing the guide Ucanss §1.3 note', (title) => {
    const d = decide(cpam9(title), OLD);
    expect(d.concerned).toBe(false);
    expect(d.reasons[0]).toMatchObject({ code: 'AGENT_DE_DIRECTION', source: OLD_SOURCE });
    // The title is read; the exclusion itself is the text's (no reading of the circulaire).
    expect(d.reasons[0]!.reading).toBe(
      `lecture : la catégorie « ${title} » est lue comme agent de direction (art. R. 123-48 : ` +
        `directeur, directeur adjoint, sous-directeur, secrétaire général, directeurs délégués)`,
    );
  });

  it('the category code AGENT_DE_DIRECTION: a reading under the instruction, the text under the circulaire', () => {
    const now = decide(cpam9('AGENT_DE_DIRECTION'), NEW).reasons[0]!;
    expect(now).toMatchObject({ code: 'AGENT_DE_DIRECTION', source: NEW_SOURCE });
    expect(now.reading).toMatch(/^lecture : l'instruction DSS\/4B\/2026\/34 ne traite pas des agents de direction/);
    const before = decide(cpam9('AGENT_DE_DIRECTION'), OLD).reasons[0]!;
    expect(before).toEqual({
      code: 'AGENT_DE_DIRECTION',
      message: "Offre d'agent de direction : hors du processus EN3S",
      source: OLD_SOURCE,
    });
  });

  it('a title of an unknown body is still an agent de direction', () => {
    const d = decide({ orgName: 'Mutuelle des Lilas', category: 'Sous-directrice' }, NEW);
    expect(d.concerned).toBe(false);
    expect(d.reasons[0]!.code).toBe('AGENT_DE_DIRECTION');
  });
});

// Titles that may or may not be an agent de direction: only where unambiguous.
const unsure: [name: string, title: string][] = [
  ['« DA » may be a directeur adjoint or a directeur d’agence', 'DA'],
  ['« SG » may be a secrétaire général or the services généraux', 'SG'],
  ['« DGA » is not read without doubt', 'DGA'],
  ['« Directeur d’agence » is a cadre of the grid, or not', "Directeur d'agence"],
  ['« Directeur des ressources humaines » may be a sous-directeur or a cadre', 'Directeur des ressources humaines'],
  ['« Secrétaire général adjoint » is not a title of R. 123-48', 'Secrétaire général adjoint'],
  ['« Adjoint au directeur » is not a title of R. 123-48', 'Adjoint au directeur'],
  ['« Cadre de direction » is not a title of R. 123-48', 'Cadre de direction'],
];

describe('a category that cannot be read without doubt', () => {
  it.each(unsure)(
    '%s: at level 9, undetermined naming the category (R. 123-48 CSS; Instruction 2026/34 §1.1)',
    (_name, title) => {
      const d = decide(cpam9(title), NEW);
      expect(d.concerned).toBeNull();
      expect(d.missing).toEqual(['classification.category']);
      expect(d.reasons[0]!.code).toBe('CATEGORY_UNREADABLE');
      expect(d.reasons[0]!.message).toContain(`catégorie d'emploi « ${title} » non reconnue, à vérifier`);
      expect(d.reasons[0]!.source).toBe(`Instruction DSS/4B/2026/34 §1.1 ; ${NEW_SOURCE}`);
    },
  );

  it.each(unsure)('%s: at level 6, not concerned whatever it means', (_name, title) => {
    const d = decide({ ...cpam9(title), level: '6' }, NEW);
    expect(d.concerned).toBe(false);
    expect(d.reasons[0]!.code).toBe('LEVEL_OUT_OF_SCOPE');
  });

  it('with the level missing too, both are named', () => {
    const d = decide({ orgName: 'CPAM de la Gironde', grid: 'RG', category: 'DA' }, NEW);
    expect(d.concerned).toBeNull();
    expect(d.missing).toEqual(['classification.level', 'classification.category']);
  });
});

// Categories of the grid written in words: read, and the decision says it rests on that.
const gridPosts = ['Employée', 'Employé(e)', 'Cadre supérieur', 'Cadres', 'Technicienne', 'Agent de maîtrise'];
describe('a category of the grid written in words', () => {
  it.each(gridPosts)(
    '« %s » at level 9 is a post of the grid, not an agent de direction: concerned, with the reading',
    (category) => {
      const d = decide(cpam9(category), NEW);
      expect(d.concerned).toBe(true);
      expect(d.reasons[0]!.code).toBe('LEVEL_IN_SCOPE');
      expect(d.reasons[0]!.reading).toBe(
        `lecture : la catégorie « ${category} » est lue comme poste classé dans la grille, non ` +
          `comme un agent de direction`,
      );
    },
  );
});

type Row = [
  name: string,
  at: string,
  spec: JobSpec,
  expected: { concerned: boolean | null; code: string; missing?: string[]; reading?: boolean },
];
const AC_MISSING = ['classification.category', 'classification.level'];
const agentComptable: Row[] = [
  [
    'Agent comptable at level 9: outside the grid or a cadre of level 9? To be checked (R. 123-48 CSS)',
    NEW,
    cpam9('AGENT_COMPTABLE'),
    { concerned: null, code: 'AGENT_COMPTABLE_CLASSIFIED', missing: AC_MISSING },
  ],
  [
    '« Agent comptable » at level 7, under the circulaire: to be checked',
    OLD,
    { ...cpam9('Agent comptable'), level: '7' },
    { concerned: null, code: 'AGENT_COMPTABLE_CLASSIFIED', missing: AC_MISSING },
  ],
  [
    '« Agente comptable » at « Niv. VIII »: to be checked, both readings said',
    NEW,
    { ...cpam9('Agente comptable'), level: 'Niv. VIII' },
    { concerned: null, code: 'AGENT_COMPTABLE_CLASSIFIED', missing: AC_MISSING, reading: true },
  ],
  [
    '« Directrice comptable et financière » (the agent comptable of a CPAM) at level 9: to be checked',
    NEW,
    cpam9('Directrice comptable et financière'),
    { concerned: null, code: 'AGENT_COMPTABLE_CLASSIFIED', missing: AC_MISSING, reading: true },
  ],
  [
    'Agent comptable without a level: outside the grid, not concerned by a reading (R. 123-48 CSS)',
    NEW,
    { orgName: 'CAF du Nord', grid: 'RG', category: 'AGENT_COMPTABLE' },
    { concerned: false, code: 'AGENT_COMPTABLE_OUT_OF_GRID', reading: true },
  ],
  [
    '« DCF » without a level: not concerned, by a reading',
    NEW,
    { orgName: 'CPAM de la Gironde', category: 'DCF' },
    { concerned: false, code: 'AGENT_COMPTABLE_OUT_OF_GRID', reading: true },
  ],
  [
    'Agent comptable without a level, under the circulaire: not concerned, by a reading',
    OLD,
    { orgName: 'URSSAF Île-de-France', category: 'Agent comptable' },
    { concerned: false, code: 'AGENT_COMPTABLE_OUT_OF_GRID', reading: true },
  ],
  [
    'Agent comptable at level 5A: not concerned whatever the post is (Instruction 2026/34 §1.1)',
    NEW,
    { ...cpam9('AGENT_COMPTABLE'), level: '5A' },
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'Agent comptable of the MSA in group L: to be checked (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'MSA Alpes du Nord', grid: 'MSA', level: 'L', category: 'Agent comptable' },
    { concerned: null, code: 'AGENT_COMPTABLE_CLASSIFIED', missing: AC_MISSING },
  ],
  [
    'Agent comptable with an unreadable level stays undetermined on the level',
    NEW,
    { ...cpam9('AGENT_COMPTABLE'), level: '7bis' },
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: ['classification.level'] },
  ],
  [
    'Agent comptable of a mines chef de service post: to be checked',
    NEW,
    { orgName: 'Filieris', category: 'Agent comptable', family: 'Chef de service', scale: '13', careerStart: 'oui' },
    {
      concerned: null,
      code: 'AGENT_COMPTABLE_CLASSIFIED',
      missing: ['classification.category', 'classification.jobFamily'],
    },
  ],
];

describe('the agent comptable is not an agent de direction (R. 123-48 CSS)', () => {
  it.each(agentComptable)('%s', (_name, at, spec, expected) => {
    const d = decide(spec, at);
    const reason = d.reasons[0]!;
    expect(d.concerned).toBe(expected.concerned);
    expect(reason.code).toBe(expected.code);
    expect(d.missing).toEqual(expected.missing ?? []);
    expect(reason.code).not.toBe('AGENT_DE_DIRECTION');
    if (expected.reading) expect(reason.reading).toMatch(/^lecture : /);
    if (reason.code.startsWith('AGENT_COMPTABLE')) {
      expect(reason.source).toMatch(/ ; art\. R\. 123-48 du code de la sécurité sociale$/);
      expect(reason.message).toMatch(/agent comptable/);
    }
  });

  it('says, in French and right in law, why an agent comptable classified at level 9 is to be checked', () => {
    const reason = decide(cpam9('AGENT_COMPTABLE'), NEW).reasons[0]!;
    expect(reason.message).toBe(
      "Régime général : offre d'agent comptable classée parmi les postes visés (niveaux 7 à 9). " +
        "L'agent comptable n'est pas un agent de direction (art. R. 123-48) " +
        'et ses postes ne relèvent pas de cette grille : poste de cadre de ce classement ' +
        "(concerné) ou poste d'agent comptable (non concerné) ? À vérifier",
    );
    expect(reason.source).toBe('Instruction DSS/4B/2026/34 §1.1 ; art. R. 123-48 du code de la sécurité sociale');
  });
});

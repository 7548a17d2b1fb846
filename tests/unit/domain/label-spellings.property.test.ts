import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decide } from '../../support/domain.js';
import type { JobSpec } from '../../support/job-documents.js';

/**
 * No spelling of a concerned case ever makes it « not concerned »
 * (docs/domain.md#labels-read-as-the-recruiter-meant-them: a label is read as the recruiter meant it; never a silent
 * false). From each concerned case of the texts, the label is written the ways recruiters write it — case, accents,
 * spaces, « niveau »/« niv. »/« N », « groupe »/« gr. », roman figures, a category in front, the grid spelled out — and
 * the decision is concerned or undetermined, never `false`.
 */
const OLD = '2025-02-03T10:00:00+01:00';
const NEW = '2027-02-01T10:00:00+01:00';
const ROMAN: Record<string, string> = { '6': 'VI', '7': 'VII', '8': 'VIII', '9': 'IX' };

interface Case {
  name: string;
  at: string;
  orgName: string;
  /** Concerned labels of the text (instruction §1.1; guide Ucanss §1.3). */
  levels: string[];
  groups: boolean;
  grids: string[];
}

const cases: Case[] = [
  {
    name: 'régime général, instruction §1.1',
    at: NEW,
    orgName: 'CPAM de la Gironde',
    levels: ['7', '8', '9'],
    groups: false,
    grids: [
      'RG',
      'Régime général',
      'regime general',
      'RÉGIME GÉNÉRAL',
      'Employés et cadres',
      'employes & cadres',
      'EMPLOYÉS-CADRES',
    ],
  },
  {
    name: 'régime général, circulaire (guide §1.3)',
    at: OLD,
    orgName: 'CAF du Nord',
    levels: ['7', '8', '9'],
    groups: false,
    grids: ['RG', 'Régime général', 'Employés et cadres', 'employés/cadres'],
  },
  {
    name: 'régime agricole, instruction §1.1',
    at: NEW,
    orgName: 'MSA Alpes du Nord',
    levels: ['K', 'L', 'M', 'N'],
    groups: true,
    grids: ['MSA', 'Régime agricole', 'regime agricole', 'Mutualité sociale agricole'],
  },
  {
    name: 'régime agricole, circulaire (guide §1.3)',
    at: OLD,
    orgName: 'MSA Alpes du Nord',
    levels: ['6', '7', '8'],
    groups: false,
    grids: ['MSA', 'Régime agricole'],
  },
  {
    name: 'régimes spéciaux, instruction §1.1',
    at: NEW,
    orgName: 'CNIEG',
    levels: ['7', '8', '9'],
    groups: false,
    grids: ['RS', 'Régimes spéciaux', 'REGIMES SPECIAUX'],
  },
  {
    name: 'RSI, circulaire (guide §1.3)',
    at: OLD,
    orgName: 'RSI Bretagne',
    levels: ['VII', 'VIII', 'IX'],
    groups: false,
    grids: ['RSI', 'Régime social des indépendants'],
  },
];

const levelWords = [
  '',
  'Niveau ',
  'niveau ',
  'NIVEAU ',
  'Niv. ',
  'niv.',
  'NIV ',
  'niv',
  'N',
  'N° ',
  'Cadre niveau ',
  'Cadre - Niv. ',
  'cadre n',
  'Cadre Niveau ',
  'CADRE NIV. ',
];
const groupWords = ['', 'Groupe ', 'groupe ', 'GROUPE ', 'Gr. ', 'gr.', 'GR ', 'Grp ', 'Cadre groupe ', 'cadre - Gr. '];
const categories = [
  undefined,
  'CADRE',
  'Cadre',
  'cadre supérieur',
  'Cadre Supérieur',
  'CADRE SUPERIEUR',
  'Employée',
  'EMPLOYÉ(E)',
];

/** One way of writing one concerned label, with its grid and category. */
const spelling = (c: Case) =>
  fc.record({
    level: fc.constantFrom(...c.levels),
    word: fc.constantFrom(...(c.groups ? groupWords : levelWords)),
    roman: fc.boolean(),
    casing: fc.constantFrom('as-is', 'lower', 'upper'),
    before: fc.constantFrom('', ' ', '  ', '\t'),
    after: fc.constantFrom('', ' ', '  '),
    grid: fc.option(fc.constantFrom(...c.grids), { nil: undefined }),
    category: fc.constantFrom(...categories),
  });

function written(
  c: Case,
  s: { level: string; word: string; roman: boolean; casing: string; before: string; after: string },
): string {
  const figure =
    !c.groups && s.roman && ROMAN[s.level]
      ? ROMAN[s.level]!
      : !c.groups && !s.roman && /^[IVX]+$/.test(s.level)
        ? String(['VII', 'VIII', 'IX'].indexOf(s.level) + 7)
        : s.level;
  const text = `${s.word}${figure}`;
  const cased = s.casing === 'lower' ? text.toLowerCase() : s.casing === 'upper' ? text.toUpperCase() : text;
  return `${s.before}${cased}${s.after}`;
}

describe('no spelling of a concerned case is ever « not concerned »', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    fc.assert(
      fc.property(spelling(c), (s) => {
        const spec: JobSpec = { orgName: c.orgName, grid: s.grid, level: written(c, s), category: s.category };
        const d = decide(spec, c.at);
        expect(d.concerned, JSON.stringify(spec)).not.toBe(false);
        // These spellings are all readable: they are decided, with the reading when the label was read.
        expect(d.concerned, JSON.stringify({ spec, reason: d.reasons[0] })).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});

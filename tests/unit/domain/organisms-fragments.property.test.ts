import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { foldName } from '../../../src/domain/organisms.js';
import { data } from '../../support/domain.js';

/**
 * docs/domain.md#bodies-recognised-precisely: "a name that merely contains a concerned body's acronym … is not that
 * body". The acronyms are the one-word phrases of every body type the texts name (Instruction
 * DSS/4B/2026/34 §1.1, Circulaire DSS/4B/2014/350 via the guide Ucanss §1.2): CAF, CPAM, MSA,
 * CGSS, URSSAF, CNIEG, CAVIMAC… Glued to other letters (« CAFAT », « xCPAM », « Msaé »), in a name
 * of ordinary words, none is recognised as its body; alone among the same words, each is.
 */
const named = data.organismsFile.types.filter((t) => t.regime !== undefined);
const acronyms = named.flatMap((t) =>
  t.match
    .map(foldName)
    .filter((m) => /^[a-z]+$/.test(m))
    .map((m) => ({ acronym: m, type: t.key })),
);
/** One-word phrases of each type: « cnam » + « ts » is the Cnam's own old acronym, not a fragment. */
const ownWords = new Map(named.map((t) => [t.key, new Set(t.match.map(foldName).filter((m) => !m.includes(' ')))]));

const filler = fc.array(
  fc.constantFrom(
    'Direction',
    'régionale',
    'du',
    'Nord',
    'agence',
    'de',
    'Lyon',
    'pôle',
    'RH',
    'siège',
    'antenne',
    'Bretagne',
    '-',
    '(',
    ')',
    '/',
  ),
  { maxLength: 4 },
);
const letters = fc.string({
  unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzéèàç'.split('')),
  minLength: 0,
  maxLength: 4,
});
const casing = fc.constantFrom(
  (s: string) => s,
  (s: string) => s.toUpperCase(),
  (s: string) => s.charAt(0).toUpperCase() + s.slice(1),
);

describe('organisms: a concerned acronym inside another word is never that body', () => {
  it('has acronyms to test', () => {
    expect(acronyms.map((a) => a.acronym)).toEqual(
      expect.arrayContaining(['caf', 'cpam', 'msa', 'cgss', 'urssaf', 'carsat', 'cnav', 'cnieg', 'cavimac', 'ars']),
    );
  });

  it('glued to letters before or after, in any case, among ordinary words', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...acronyms),
        letters,
        letters,
        filler,
        filler,
        casing,
        ({ acronym, type }, before, after, left, right, cased) => {
          fc.pre(before.length + after.length > 0);
          const glued = `${before}${acronym}${after}`;
          fc.pre(!ownWords.get(type)!.has(foldName(glued)));
          const name = [...left, cased(glued), ...right].join(' ');
          expect(data.organisms.recognize('', name).organism?.type, name).not.toBe(type);
        },
      ),
      { numRuns: 5_000 },
    );
  });

  it('control: alone among the same words, the acronym is its body', () => {
    fc.assert(
      fc.property(fc.constantFrom(...acronyms), filler, filler, casing, ({ acronym, type }, left, right, cased) => {
        const name = [...left, cased(acronym), ...right].join(' ');
        expect(data.organisms.recognize('', name).organism?.type, name).toBe(type);
      }),
      { numRuns: 2_000 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { decide } from '../../support/domain.js';
import type { JobSpec } from '../../support/job-documents.js';

/**
 * The ARS under the circulaire 2014/350: « les offres d'emploi des ARS sont comprises dans le
 * dispositif si et seulement si les considérés relèvent de la CCNT du Régime Général » (guide
 * Ucanss §1.2, note). The agreement is read BEFORE the level: a public-law post is out whatever
 * its level, even none. Under the instruction 2026/34 (§1.1) the agreement plays no part.
 */
const OLD = '2025-02-03T10:00:00+01:00';
const NEW = '2027-02-01T10:00:00+01:00';
const SOURCE = 'Circulaire DSS/4B/2014/350, citée par le guide Ucanss §1.2 (note)';

const ars = (spec: Partial<JobSpec>): JobSpec => ({ orgName: 'ARS Occitanie', grid: 'ARS', ...spec });
const LEVEL = 'classification.level';
const AGREEMENT = 'classification.collectiveAgreement';

type Row = [
  name: string,
  at: string,
  spec: JobSpec,
  expected: { concerned: boolean | null; code: string; missing?: string[] },
];

const rows: Row[] = [
  [
    'Public-law ARS post with no level: not concerned, not undetermined (guide Ucanss §1.2 note)',
    OLD,
    ars({ agreement: 'PUBLIC' }),
    { concerned: false, code: 'AGREEMENT_OUT_OF_SCOPE' },
  ],
  [
    'ARS post under another agreement with no level: not concerned (guide Ucanss §1.2 note)',
    OLD,
    ars({ agreement: 'OTHER' }),
    { concerned: false, code: 'AGREEMENT_OUT_OF_SCOPE' },
  ],
  [
    'ARS post under the CCN of the MSA with no level: not concerned',
    OLD,
    ars({ agreement: 'CCN_MSA' }),
    { concerned: false, code: 'AGREEMENT_OUT_OF_SCOPE' },
  ],
  [
    'Public-law ARS post at level 8: not concerned (guide Ucanss §1.2 note)',
    OLD,
    ars({ agreement: 'PUBLIC', level: '8' }),
    { concerned: false, code: 'AGREEMENT_OUT_OF_SCOPE' },
  ],
  [
    'Public-law ARS post at « Niv. VIII »: not concerned',
    OLD,
    ars({ agreement: 'PUBLIC', level: 'Niv. VIII' }),
    { concerned: false, code: 'AGREEMENT_OUT_OF_SCOPE' },
  ],
  [
    'Public-law ARS post with an unreadable level: not concerned, the level does not matter',
    OLD,
    ars({ agreement: 'PUBLIC', level: '7bis' }),
    { concerned: false, code: 'AGREEMENT_OUT_OF_SCOPE' },
  ],
  [
    'Public-law ARS post with an ambiguous level: not concerned',
    OLD,
    ars({ agreement: 'PUBLIC', level: '6/7' }),
    { concerned: false, code: 'AGREEMENT_OUT_OF_SCOPE' },
  ],
  [
    'ARS post under the CCNT RG with no level: the level is missing',
    OLD,
    ars({ agreement: 'CCNT_RG' }),
    { concerned: null, code: 'LEVEL_MISSING', missing: [LEVEL] },
  ],
  [
    'ARS post with neither level nor agreement: both are missing, either could decide',
    OLD,
    ars({}),
    { concerned: null, code: 'LEVEL_MISSING', missing: [LEVEL, AGREEMENT] },
  ],
  [
    'ARS post with no agreement and an ambiguous level: both are named',
    OLD,
    ars({ level: '6/7' }),
    { concerned: null, code: 'LEVEL_AMBIGUOUS', missing: [LEVEL, AGREEMENT] },
  ],
  [
    'ARS post at level 6 with no agreement: not concerned, the agreement does not matter (guide Ucanss §1.3)',
    OLD,
    ars({ level: '6' }),
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'ARS post at level 8 with no agreement: the agreement decides, undetermined',
    OLD,
    ars({ level: '8' }),
    { concerned: null, code: 'AGREEMENT_MISSING', missing: [AGREEMENT] },
  ],
  [
    'ARS post at level 8 under the CCNT RG: concerned (guide Ucanss §1.2 note and §1.3)',
    OLD,
    ars({ agreement: 'CCNT_RG', level: '8' }),
    { concerned: true, code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'ARS post at « Cadre niveau 9 » under the CCNT RG: concerned',
    OLD,
    ars({ agreement: 'CCNT_RG', level: 'Cadre niveau 9' }),
    { concerned: true, code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'Under the instruction, a public-law ARS post with no level is undetermined: the agreement ' +
      'plays no part (Instruction 2026/34 §1.1)',
    NEW,
    ars({ agreement: 'PUBLIC' }),
    { concerned: null, code: 'LEVEL_MISSING', missing: [LEVEL] },
  ],
  [
    'Under the instruction, a public-law ARS post at level 8 is concerned (Instruction 2026/34 §1.1)',
    NEW,
    ars({ agreement: 'PUBLIC', level: '8' }),
    { concerned: true, code: 'LEVEL_IN_SCOPE' },
  ],
];

describe('the 2014 ARS condition is read before the level', () => {
  it.each(rows)('%s', (_name, at, spec, expected) => {
    const d = decide(spec, at);
    expect(d.concerned).toBe(expected.concerned);
    expect(d.regime).toBe('ars');
    expect(d.reasons[0]!.code).toBe(expected.code);
    expect(d.missing).toEqual(expected.missing ?? []);
    if (at === OLD) expect(d.reasons[0]!.source).toBe(SOURCE);
  });

  it('says in French which agreement puts the post out', () => {
    expect(decide(ars({ agreement: 'PUBLIC' }), OLD).reasons[0]!.message).toBe(
      'Agences régionales de santé : emploi relevant du droit public, non de la CCNT du régime général, non concernée',
    );
  });

  it('an ARS post of level 7–9 is concerned by a reading of « offerts aux élèves » (Instruction 2026/34 §1.1)', () => {
    expect(decide(ars({ level: '9' }), NEW).reasons[0]!.reading).toMatch(
      /^lecture : l'instruction §1\.1 vise dans les ARS « les postes du niveau 7 au niveau 9 offerts aux élèves »/,
    );
    expect(decide(ars({ level: '6' }), NEW).reasons[0]!.reading).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { readings } from '../../../src/domain/readings.js';
import { decide } from '../../support/domain.js';

/**
 * Readings made visible (docs/domain.md#readings: « the reason says that it is a reading and what it rests
 * on, so that a jurist can find every interpretation in one list »): a reason carries a French
 * `reading` exactly when it rests on what the texts do not state, and the catalogue lists every
 * reading the engine can make.
 */
const OLD = '2025-02-03T10:00:00+01:00';
const NEW = '2027-02-01T10:00:00+01:00';

describe('a reason says when it rests on a reading', () => {
  const rows: [name: string, at: string, spec: Parameters<typeof decide>[0], reading: RegExp | null][] = [
    [
      'the grid’s own label: the text, no reading (Instruction 2026/34 §1.1)',
      NEW,
      { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' },
      null,
    ],
    [
      '« Niv. VII »: the label is read as level 7',
      NEW,
      { orgName: 'CPAM de la Gironde', grid: 'RG', level: 'Niv. VII' },
      /^lecture : le libellé « VII » est lu comme le niveau 7$/,
    ],
    [
      '« 5 »: every reading leads to the same answer',
      NEW,
      { orgName: 'CPAM de la Gironde', grid: 'RG', level: '5' },
      /tous ces sens mènent à la même réponse/,
    ],
    [
      'agent de direction under the instruction: a reading of R. 123-37 and the guide',
      NEW,
      { orgName: 'CAF du Nord', category: 'AGENT_DE_DIRECTION' },
      /R\. 123-37/,
    ],
    [
      'agent de direction under the circulaire: the text (guide Ucanss §1.3 note), no reading',
      OLD,
      { orgName: 'CAF du Nord', category: 'AGENT_DE_DIRECTION' },
      null,
    ],
    [
      'agent comptable without a level: a reading of R. 123-48',
      NEW,
      { orgName: 'CAF du Nord', category: 'AGENT_COMPTABLE' },
      /agent comptable n'est pas un agent de direction/,
    ],
    [
      'ARS level 8 under the instruction: a reading of « offerts aux élèves »',
      NEW,
      { orgName: 'ARS Occitanie', grid: 'ARS', level: '8' },
      /offerts aux élèves/,
    ],
    [
      'an undetermined label rests on no reading',
      NEW,
      { orgName: 'CPAM de la Gironde', grid: 'RG', level: '6/7' },
      null,
    ],
    [
      'the CNSA under the instruction: read as a régime général body, no longer a régime spécial',
      NEW,
      { orgName: 'CNSA', grid: 'RG', level: '8' },
      /CNSA.*régime général.*2021/,
    ],
    [
      'the CNSA under the circulaire: named among the régimes spéciaux (guide Ucanss §1.2), no reading',
      OLD,
      { orgName: 'CNSA', grid: 'RG', level: '8' },
      null,
    ],
  ];
  it.each(rows)('%s', (_name, at, spec, reading) => {
    const reason = decide(spec, at).reasons[0]!;
    if (reading === null) expect(reason).not.toHaveProperty('reading');
    else expect(reason.reading).toMatch(reading);
  });

  it('the window rests on the body’s legal time, Paris time in mainland France too (texts give days, no zone)', () => {
    const d = decide({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' }, NEW);
    expect(d.reasons[1]).toMatchObject({
      code: 'WINDOW_OPEN',
      reading: expect.stringMatching(/^lecture : la période est à l'heure légale de l'organisme : /),
    });
  });

  it('outside the window, the closed window rests on the reading that the constraint ends with it (release)', () => {
    const d = decide({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' }, '2027-06-01T10:00:00+02:00');
    expect(d.reasons[1]).toMatchObject({
      code: 'WINDOW_CLOSED',
      reading: expect.stringMatching(/^lecture : .*la contrainte cesse.*libérée/),
    });
    expect(readings.map((r) => r.code)).toContain('WINDOW_END_RELEASE');
  });

  it('a decision with a reading still serialises as before, the reading one more field', () => {
    const d = decide({ orgName: 'CPAM de la Gironde', grid: 'RG', level: 'N8' }, NEW);
    const stored = JSON.parse(JSON.stringify(d)) as typeof d;
    expect(stored.reasons[0]).toEqual({
      code: 'LEVEL_IN_SCOPE',
      message: 'Régime général, niveau 8 : concernée (niveaux 7 à 9)',
      source: 'Instruction DSS/4B/2026/34 §1.1',
      reading: 'lecture : le libellé « N8 » est lu comme le niveau 8',
    });
  });
});

describe('the catalogue of readings', () => {
  it('lists every reading the engine and its data can make, each once', () => {
    const codes = readings.map((r) => r.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(codes).toEqual(
      expect.arrayContaining([
        'BODY_LEGAL_TIME',
        'WINDOW_END_RELEASE',
        'LABEL_AS_LEVEL',
        'LABEL_AS_GRID',
        'TITLE_AS_CATEGORY',
        'AGENT_DE_DIRECTION_2026',
        'AGENT_COMPTABLE_OUTSIDE_GRID',
        'CNSA_REGIME_GENERAL',
        'OVERSEAS_TERRITORY',
        'ARS_POSTS_2026',
      ]),
    );
  });

  it('no collective agreement is ever inferred: a 2014 ARS offer not giving it is undetermined, not read', () => {
    expect(readings.map((r) => r.code)).not.toContain('AGREEMENT_INFERRED');
    const d = decide({ orgName: 'ARS Occitanie', grid: 'ARS', level: '8' }, OLD);
    expect(d.concerned).toBeNull();
    expect(d.reasons[0]).toMatchObject({ code: 'AGREEMENT_MISSING' });
    expect(d.reasons[0]).not.toHaveProperty('reading');
  });

  it.each(readings.map((r) => [r.code, r] as const))(
    '%s says in French what it reads, what it rests on, and where',
    (_code, r) => {
      for (const text of [r.title, r.reading, r.restsOn, r.usedIn]) expect(text.length).toBeGreaterThan(15);
      expect(r.restsOn).toMatch(/instruction|guide Ucanss|R\. 123-|accord|Mention Outre-mer/i);
      expect(r.ruleSets.length).toBeGreaterThan(0);
      for (const id of r.ruleSets) expect(['DSS/4B/2014/350', 'DSS/4B/2026/34']).toContain(id);
    },
  );

  it('the 2026 agent de direction reading rests on R. 123-37 and the guide Ucanss, not on the instruction', () => {
    const r = readings.find((x) => x.code === 'AGENT_DE_DIRECTION_2026')!;
    expect(r.restsOn).toContain("L'instruction n'en dit rien");
    expect(r.restsOn).toContain('R. 123-37');
    expect(r.restsOn).toContain('guide Ucanss §1.3 (note)');
  });
});

import { describe, expect, it } from 'vitest';
import { decide } from '../../support/domain.js';

/**
 * Who is concerned: every row of the table in docs/domain.md#who-is-concerned and its reading notes, one named case
 * each, citing the text it comes from. Instants: 2025-02-03 falls under the circulaire 2014/350, 2027-02-01 under the
 * instruction 2026/34; both inside the window.
 */
const OLD = '2025-02-03T10:00:00+01:00';
const NEW = '2027-02-01T10:00:00+01:00';

type Expect = { concerned: boolean | null; regime?: string | null; code: string; missing?: string[] };
type Row = [name: string, at: string, spec: Parameters<typeof decide>[0], expected: Expect];

const rows: Row[] = [
  // Régime général — circulaire §1.3 and instruction §1.1: levels 7 to 9.
  [
    'RG level 7 is concerned (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' },
    { concerned: true, regime: 'general', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'RG level 9 is concerned (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'CAF du Nord', grid: 'RG', level: '9' },
    { concerned: true, regime: 'general', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'RG level 6 is not concerned (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'URSSAF Île-de-France', grid: 'RG', level: '6' },
    { concerned: false, regime: 'general', code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'RG label 5A is a label, not 5: not concerned (accord du 22/11/2024 grid)',
    NEW,
    { orgName: 'CPAM du Rhône', grid: 'RG', level: '5A' },
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'RG label 4B is not concerned',
    NEW,
    { orgName: 'CPAM du Rhône', grid: 'RG', level: '4B' },
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'RG "Niveau 8" as recruiters write it is level 8',
    NEW,
    { orgName: 'CARSAT Alsace-Moselle', grid: 'RG', level: 'Niveau 8' },
    { concerned: true, code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'RG level 7 under the circulaire is concerned (Circulaire 2014/350 §1.3)',
    OLD,
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' },
    { concerned: true, regime: 'general', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'UCANSS is a régime général body',
    NEW,
    { orgName: 'Ucanss', grid: 'RG', level: '8' },
    { concerned: true, regime: 'general', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'Overseas CGSS is included (Instruction 2026/34, mention Outre-mer)',
    NEW,
    { orgName: 'CGSS de la Martinique', grid: 'RG', level: '8' },
    { concerned: true, regime: 'general', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'CSS Mayotte is included (Instruction 2026/34, mention Outre-mer)',
    NEW,
    { orgName: 'Caisse de sécurité sociale de Mayotte', grid: 'RG', level: '7' },
    { concerned: true, regime: 'general', code: 'LEVEL_IN_SCOPE' },
  ],
  // Régime agricole — circulaire: levels 6 to 8; instruction: groups K, L, M, N.
  [
    'MSA group L is concerned (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'MSA Midi-Pyrénées Nord', grid: 'MSA', level: 'L' },
    { concerned: true, regime: 'agricole', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'MSA "Groupe N" is concerned',
    NEW,
    { orgName: 'MSA Ardèche Drôme Loire', grid: 'MSA', level: 'Groupe N' },
    { concerned: true, code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'MSA group J is not concerned (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'MSA Beauce Cœur de Loire', grid: 'MSA', level: 'J' },
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'MSA old level 7 under the instruction is unreadable: undetermined',
    NEW,
    { orgName: 'MSA Alpes du Nord', grid: 'MSA', level: '7' },
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: ['classification.level'] },
  ],
  [
    'MSA level 6 under the circulaire is concerned (Circulaire 2014/350 §1.3)',
    OLD,
    { orgName: 'MSA Alpes du Nord', grid: 'MSA', level: '6' },
    { concerned: true, regime: 'agricole', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'MSA level 5 under the circulaire is not concerned',
    OLD,
    { orgName: 'MSA Alpes du Nord', grid: 'MSA', level: '5' },
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'CCMSA is régime agricole',
    NEW,
    { orgName: 'Caisse centrale de la Mutualité sociale agricole', grid: 'MSA', level: 'M' },
    { concerned: true, regime: 'agricole', code: 'LEVEL_IN_SCOPE' },
  ],
  // RSI — circulaire: levels VII to IX; removed by the instruction.
  [
    'RSI level VIII under the circulaire is concerned (Circulaire 2014/350 §1.3)',
    OLD,
    { orgName: 'RSI Bretagne', grid: 'RSI', level: 'VIII' },
    { concerned: true, regime: 'rsi', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'RSI level VI under the circulaire is not concerned',
    OLD,
    { orgName: 'RSI Bretagne', grid: 'RSI', level: 'VI' },
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'RSI is removed by the instruction (Instruction 2026/34, résumé)',
    NEW,
    { orgName: 'RSI Bretagne', grid: 'RSI', level: 'VIII' },
    { concerned: false, regime: null, code: 'BODY_REMOVED' },
  ],
  // Mines — chefs de service, échelle 13 at the start of the career, under both texts.
  [
    'Mines: chef de service, échelle 13, career start is concerned (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'Filieris', grid: 'MINES', family: 'CHEF_DE_SERVICE', scale: '13', careerStart: 'true' },
    { concerned: true, regime: 'mines', code: 'MINES_IN_SCOPE' },
  ],
  [
    'Mines: same under the circulaire (Circulaire 2014/350 §1.3)',
    OLD,
    { orgName: 'CANSSM', family: 'CHEF_DE_SERVICE', scale: '13', careerStart: 'true' },
    { concerned: true, regime: 'mines', code: 'MINES_IN_SCOPE' },
  ],
  [
    'Mines: échelle 12 is not concerned',
    NEW,
    { orgName: 'Filieris', family: 'CHEF_DE_SERVICE', scale: '12', careerStart: 'true' },
    { concerned: false, code: 'MINES_OUT_OF_SCOPE' },
  ],
  [
    'Mines: not at the start of the career is not concerned',
    NEW,
    { orgName: 'Filieris', family: 'CHEF_DE_SERVICE', scale: '13', careerStart: 'false' },
    { concerned: false, code: 'MINES_OUT_OF_SCOPE' },
  ],
  [
    'Mines: another job family is not concerned',
    NEW,
    { orgName: 'Filieris', family: 'GESTIONNAIRE', scale: '13', careerStart: 'true' },
    { concerned: false, code: 'MINES_OUT_OF_SCOPE' },
  ],
  [
    'Mines: scale missing is undetermined',
    NEW,
    { orgName: 'Filieris', family: 'CHEF_DE_SERVICE', careerStart: 'true' },
    { concerned: null, code: 'MINES_DATA_MISSING', missing: ['classification.minesScale'] },
  ],
  // Régimes spéciaux — levels 7 to 9; AGESSA removed, CNSA moved to the régime général.
  [
    'CNIEG level 7 is concerned (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'CNIEG', grid: 'RS', level: '7' },
    { concerned: true, regime: 'speciaux', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'CRPCEN level 6 is not concerned',
    NEW,
    { orgName: 'CRPCEN', grid: 'RS', level: '6' },
    { concerned: false, regime: 'speciaux', code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'CPRP SNCF level 9 is concerned',
    NEW,
    { orgName: 'Caisse de prévoyance et de retraite du personnel ferroviaire', grid: 'RS', level: '9' },
    { concerned: true, regime: 'speciaux', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'AGESSA under the circulaire is a régime spécial (Circulaire 2014/350 §1.2)',
    OLD,
    { orgName: 'AGESSA', grid: 'RS', level: '8' },
    { concerned: true, regime: 'speciaux', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'AGESSA is removed by the instruction (Instruction 2026/34, résumé)',
    NEW,
    { orgName: 'AGESSA', grid: 'RS', level: '8' },
    { concerned: false, code: 'BODY_REMOVED' },
  ],
  [
    'CNSA under the circulaire is a régime spécial',
    OLD,
    { orgName: 'CNSA', grid: 'RG', level: '8' },
    { concerned: true, regime: 'speciaux', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'CNSA under the instruction is read as régime général',
    NEW,
    { orgName: "Caisse nationale de solidarité pour l'autonomie", grid: 'RG', level: '8' },
    { concerned: true, regime: 'general', code: 'LEVEL_IN_SCOPE' },
  ],
  // ARS — circulaire: only under the CCNT of the régime général; instruction: levels 7 to 9.
  [
    'ARS level 8 under the CCNT RG is concerned (guide Ucanss §1.2 note)',
    OLD,
    { orgName: 'ARS Occitanie', grid: 'ARS', level: '8', agreement: 'CCNT_RG' },
    { concerned: true, regime: 'ars', code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'ARS level 8 of a public-law job is not concerned under the circulaire',
    OLD,
    { orgName: 'ARS Occitanie', grid: 'ARS', level: '8', agreement: 'PUBLIC' },
    { concerned: false, code: 'AGREEMENT_OUT_OF_SCOPE' },
  ],
  [
    'ARS level 8 without its agreement is undetermined under the circulaire',
    OLD,
    { orgName: 'ARS Occitanie', grid: 'ARS', level: '8' },
    { concerned: null, code: 'AGREEMENT_MISSING', missing: ['classification.collectiveAgreement'] },
  ],
  [
    'ARS level 6 needs no agreement to be out of scope',
    OLD,
    { orgName: 'ARS Occitanie', grid: 'ARS', level: '6' },
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'ARS level 8 is concerned under the instruction whatever the agreement (Instruction 2026/34 §1.1)',
    NEW,
    { orgName: 'Agence régionale de santé Occitanie', grid: 'ARS', level: '8', agreement: 'PUBLIC' },
    { concerned: true, regime: 'ars', code: 'LEVEL_IN_SCOPE' },
  ],
  // Never concerned: agent de direction.
  [
    'Agent de direction is never concerned (guide Ucanss §1.3 note)',
    OLD,
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '9', category: 'AGENT_DE_DIRECTION' },
    { concerned: false, code: 'AGENT_DE_DIRECTION' },
  ],
  [
    'Agent de direction is never concerned (R. 123-37 CSS)',
    NEW,
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '9', category: 'AGENT_DE_DIRECTION' },
    { concerned: false, code: 'AGENT_DE_DIRECTION' },
  ],
  // The agent comptable is not an agent de direction (R. 123-48 CSS): classified at a concerned level, to be checked.
  [
    'Agent comptable at level 9 of the grid is to be checked, not excluded (R. 123-48 CSS)',
    NEW,
    { orgName: 'CAF du Nord', grid: 'RG', level: '9', category: 'AGENT_COMPTABLE' },
    {
      concerned: null,
      code: 'AGENT_COMPTABLE_CLASSIFIED',
      missing: ['classification.category', 'classification.level'],
    },
  ],
  [
    'Agent de direction of an unknown body is still never concerned',
    NEW,
    { orgName: 'Mutuelle des Lilas', category: 'ADD' },
    { concerned: false, code: 'AGENT_DE_DIRECTION' },
  ],
  // Missing data is never silently "not concerned".
  [
    'Unknown body is undetermined and names the missing field',
    NEW,
    { orgName: 'Mutuelle des Lilas', grid: 'RG', level: '8' },
    { concerned: null, regime: null, code: 'ORGANISM_UNKNOWN', missing: ['organism'] },
  ],
  [
    'Missing level is undetermined',
    NEW,
    { orgName: 'CPAM de la Gironde', grid: 'RG' },
    { concerned: null, code: 'LEVEL_MISSING', missing: ['classification.level'] },
  ],
  [
    'Unknown label "7bis" is undetermined',
    NEW,
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7bis' },
    { concerned: null, code: 'LEVEL_UNKNOWN', missing: ['classification.level'] },
  ],
  [
    'A grid the régime does not read is undetermined',
    NEW,
    { orgName: 'CPAM de la Gironde', grid: 'MSA', level: 'L' },
    { concerned: null, code: 'GRID_MISMATCH', missing: ['classification.grid'] },
  ],
  [
    'An unreadable grid value is undetermined',
    NEW,
    { orgName: 'CPAM de la Gironde', grid: 'XX', level: '8' },
    { concerned: null, code: 'GRID_UNREADABLE', missing: ['classification.grid'] },
  ],
  [
    'No grid given: the régime’s own grid is assumed',
    NEW,
    { orgName: 'CPAM de la Gironde', level: '8' },
    { concerned: true, code: 'LEVEL_IN_SCOPE' },
  ],
  [
    'CGSS without its island cannot be placed in time: undetermined',
    NEW,
    { orgName: 'CGSS', grid: 'RG', level: '8' },
    { concerned: null, code: 'LEVEL_IN_SCOPE', missing: ['organism.territory'] },
  ],
  [
    'CGSS without its island, level 3: not concerned anyway',
    NEW,
    { orgName: 'CGSS', grid: 'RG', level: '3' },
    { concerned: false, code: 'LEVEL_OUT_OF_SCOPE' },
  ],
  [
    'Before the circulaire came into force: no text applies',
    '2014-06-02T10:00:00+02:00',
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' },
    { concerned: false, code: 'NO_RULESET' },
  ],
];

describe('eligibility: who is concerned', () => {
  it.each(rows)('%s', (_name, at, spec, expected) => {
    const decision = decide(spec, at);
    expect(decision.concerned).toBe(expected.concerned);
    if (expected.regime !== undefined) expect(decision.regime).toBe(expected.regime);
    expect(decision.reasons[0]?.code).toBe(expected.code);
    expect(decision.missing).toEqual(expected.missing ?? []);
    // Every reason cites a text (or the data file that decided) and speaks French.
    const cited = [
      /^Circulaire DSS\/4B\/2014\/350, citée par le guide Ucanss §/,
      /^Instruction DSS\/4B\/2026\/34/,
      /^Art\. R\. 123-37 /,
      /^mappings\//,
    ];
    for (const reason of decision.reasons) {
      expect(
        cited.some((text) => text.test(reason.source)),
        `${reason.source} cites none of ${cited.join(', ')}`,
      ).toBe(true);
      expect(reason.message.length).toBeGreaterThan(10);
    }
  });

  it('cites the text and the section in force, with the level in the message', () => {
    const d = decide({ orgName: 'MSA Midi-Pyrénées Nord', grid: 'MSA', level: 'L' }, NEW);
    expect(d.ruleSet).toBe('DSS/4B/2026/34');
    expect(d.reasons[0]).toEqual({
      code: 'LEVEL_IN_SCOPE',
      message: 'Régime agricole, groupe L : concernée (groupes K, L, M et N)',
      source: 'Instruction DSS/4B/2026/34 §1.1',
    });
  });

  it('names the unreadable value and what was expected', () => {
    const d = decide({ orgName: 'CPAM de la Gironde', grid: 'XX', level: '8' }, NEW);
    expect(d.reasons[0]?.message).toContain('CLASSIFICATION_GRID « XX »');
  });

  it('requiresEn3sApproval is null only when undetermined with the window open', () => {
    expect(decide({ orgName: 'Mutuelle des Lilas', level: '8' }, NEW).requiresEn3sApproval).toBeNull();
    expect(
      decide({ orgName: 'Mutuelle des Lilas', level: '8' }, '2027-06-01T10:00:00+02:00').requiresEn3sApproval,
    ).toBe(false);
    expect(decide({ orgName: 'CPAM de la Gironde', level: '8' }, NEW).requiresEn3sApproval).toBe(true);
    expect(
      decide({ orgName: 'CPAM de la Gironde', level: '8' }, '2027-06-01T10:00:00+02:00').requiresEn3sApproval,
    ).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { ruleSetFileSchema } from '../../../src/domain/ruleset-schema.js';
import { data, decide } from '../../support/domain.js';
import type { JobSpec } from '../../support/job-documents.js';

/**
 * Every reason cites where its rule really is (docs/domain.md#every-decision-says-why). The circulaire 2014/350 is
 * known only through the UCANSS guide: it is cited « Circulaire DSS/4B/2014/350, citée par le guide Ucanss §… », the
 * section being the guide's, never a section of the circulaire itself. The instruction 2026/34 is cited by its own
 * sections; what it does not say is cited where it is.
 */
const OLD = '2025-02-03T10:00:00+01:00';
const OLD_CLOSED = '2025-06-02T10:00:00+02:00';
const NEW = '2027-02-01T10:00:00+01:00';
const GUIDE = 'Circulaire DSS/4B/2014/350, citée par le guide Ucanss';

type Row = [name: string, at: string, spec: JobSpec, sources: string[]];

const rows: Row[] = [
  [
    'Régime général level under the circulaire: guide §1.2 (bodies) and §1.3 (levels); window: guide §1.1',
    OLD,
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' },
    [`${GUIDE} §1.2 et §1.3`, `${GUIDE} §1.1`],
  ],
  [
    'Window closed under the circulaire: guide §1.1',
    OLD_CLOSED,
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' },
    [`${GUIDE} §1.2 et §1.3`, `${GUIDE} §1.1`],
  ],
  [
    'Agent de direction under the circulaire: guide §1.3 (note)',
    OLD,
    { orgName: 'CAF du Nord', level: '9', category: 'AGENT_DE_DIRECTION' },
    [`${GUIDE} §1.3 (note)`, `${GUIDE} §1.1`],
  ],
  [
    'ARS agreement under the circulaire: guide §1.2 (note)',
    OLD,
    { orgName: 'ARS Occitanie', grid: 'ARS', agreement: 'PUBLIC' },
    [`${GUIDE} §1.2 (note)`, `${GUIDE} §1.1`],
  ],
  [
    'MSA level under the circulaire: guide §1.2 et §1.3',
    OLD,
    { orgName: 'MSA Alpes du Nord', grid: 'MSA', level: '7' },
    [`${GUIDE} §1.2 et §1.3`, `${GUIDE} §1.1`],
  ],
  [
    'RSI level under the circulaire: guide §1.2 et §1.3',
    OLD,
    { orgName: 'RSI Bretagne', grid: 'RSI', level: 'VIII' },
    [`${GUIDE} §1.2 et §1.3`, `${GUIDE} §1.1`],
  ],
  [
    'Mines under the circulaire: guide §1.2 et §1.3',
    OLD,
    { orgName: 'CANSSM', family: 'Chef de service', scale: '13', careerStart: 'oui' },
    [`${GUIDE} §1.2 et §1.3`, `${GUIDE} §1.1`],
  ],
  [
    'Agent comptable under the circulaire: the guide, and R. 123-48 for what it is',
    OLD,
    { orgName: 'CAF du Nord', grid: 'RG', level: '8', category: 'AGENT_COMPTABLE' },
    [`${GUIDE} §1.2 et §1.3 ; art. R. 123-48 du code de la sécurité sociale`, `${GUIDE} §1.1`],
  ],
  [
    'Régime général level under the instruction: §1.1; window: §1.1 et §1.2',
    NEW,
    { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' },
    ['Instruction DSS/4B/2026/34 §1.1', 'Instruction DSS/4B/2026/34 §1.1 et §1.2'],
  ],
  [
    'Agent de direction under the instruction: R. 123-37 and the guide, not the instruction (silent)',
    NEW,
    { orgName: 'CAF du Nord', level: '9', category: 'AGENT_DE_DIRECTION' },
    [
      'Art. R. 123-37 du code de la sécurité sociale ; guide Ucanss §1.3 (note)',
      'Instruction DSS/4B/2026/34 §1.1 et §1.2',
    ],
  ],
  [
    'Body removed by the instruction: its résumé',
    NEW,
    { orgName: 'AGESSA', grid: 'RS', level: '8' },
    ['Instruction DSS/4B/2026/34 Résumé', 'Instruction DSS/4B/2026/34 §1.1 et §1.2'],
  ],
  [
    'Agent comptable under the instruction: §1.1, and R. 123-48 for what it is',
    NEW,
    { orgName: 'CAF du Nord', grid: 'RG', category: 'AGENT_COMPTABLE' },
    [
      'Instruction DSS/4B/2026/34 §1.1 ; art. R. 123-48 du code de la sécurité sociale',
      'Instruction DSS/4B/2026/34 §1.1 et §1.2',
    ],
  ],
];

describe('citations', () => {
  it.each(rows)('%s', (_name, at, spec, sources) => {
    const d = decide(spec, at);
    expect(d.reasons.map((r) => r.source)).toEqual(sources);
  });

  it('no reason under the circulaire cites a section of the circulaire itself', () => {
    const old = data.ruleSets.list.find((rs) => rs.id === 'DSS/4B/2014/350')!;
    const sources = [
      old.windowSource,
      old.bodiesSource,
      ...[...old.exclusionByCategory.values()].map((r) => r.source),
      ...[...old.bodies.values()]
        .flatMap((b) => [b.regime?.source, b.removed?.source])
        .filter((s): s is string => s !== undefined),
      ...[...old.bodies.values()].flatMap((b) =>
        b.regime ? [...b.regime.levelReadings.values()].map((r) => r.reason.source) : [],
      ),
    ];
    expect(sources.length).toBeGreaterThan(10);
    for (const source of sources) {
      expect(source).toMatch(/^Circulaire DSS\/4B\/2014\/350, citée par le guide Ucanss §1\.[123]/);
      expect(source).not.toMatch(/^Circulaire DSS\/4B\/2014\/350 §/);
    }
    expect(old.bodiesSource).toBe(`${GUIDE} §1.2`);
  });

  it('the instruction cites its own sections, its bodies in §1.1', () => {
    const now = data.ruleSets.list.find((rs) => rs.id === 'DSS/4B/2026/34')!;
    expect(now.bodiesSource).toBe('Instruction DSS/4B/2026/34 §1.1');
    expect(now.windowSource).toBe('Instruction DSS/4B/2026/34 §1.1 et §1.2');
  });

  it('a rule set exclusion names a section of its text or another source, not both', () => {
    const file = data.ruleSetFiles.find((f) => f.id === 'DSS/4B/2026/34')!;
    const bad = { ...file, exclusions: [{ ...file.exclusions[0]!, section: '§1.1' }] };
    const result = ruleSetFileSchema.safeParse(bad);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe('expected either section or source');
  });
});

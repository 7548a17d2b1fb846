import { describe, expect, it } from 'vitest';
import { createOpeningMapper } from '../../../connectors/talentlink/opening-mapping.js';
import type { OpeningMapping } from '../../../connectors/talentlink/opening-mapping-schema.js';
import type { OpeningDto } from '../../../connectors/talentlink/rest/dto.js';
import type { JobSnapshot } from '../../../src/domain/job-snapshot.js';
import {
  CARSAT,
  CGSS,
  editedMapping,
  FETCHED_AT,
  job,
  MINES,
  MSA,
  NO_ORGANIZATION,
  organisms,
  shipped,
  snapshot,
  UNKNOWN_STATUS,
} from './opening-fixtures.js';

/**
 * A real TalentLink job (`OpeningFullDto`, as `GET /position` answers it) read into the neutral
 * `JobSnapshot` through the shipped `mappings/talentlink.yaml` (docs/talentlink.md §3): identity, the body, the
 * classification. Every snapshot a case produces is checked against `jobSnapshotSchema`.
 */

describe('opening mapping: identity', () => {
  it('ids become text, epoch milliseconds become ISO 8601 UTC, fetchedAt is the one given', () => {
    const s = snapshot(job(CARSAT));
    expect(s).toMatchObject({
      source: 'talentlink',
      atsId: '51877',
      jobNumber: 'CARSAT35-2027-0021',
      requisitionNumber: 'DRH-2027-014',
      title: 'Responsable du service paie (H/F)',
      createdAt: '2026-12-02T09:15:00.000Z',
      updatedAt: '2027-01-14T16:42:10.000Z',
      fetchedAt: FETCHED_AT,
    });
    expect(s.unreadable).toEqual([]);
  });

  it('an empty requisition number is no number, and is not a reading error', () => {
    const s = snapshot(job(UNKNOWN_STATUS));
    expect(s.requisitionNumber).toBeNull();
    expect(s.unreadable.map((u) => u.field)).not.toContain('requisitionNumber');
  });

  it('a job without a title keeps an empty title and lists it', () => {
    const s = snapshot(job(CARSAT, { jobTitle: null }));
    expect(s.title).toBe('');
    expect(s.unreadable).toContainEqual({
      field: 'title',
      key: 'jobTitle',
      value: '',
      expected: "l'intitulé de l'offre",
    });
  });
});

describe('opening mapping: what a snapshot cannot do without', () => {
  const cases: Array<{ name: string; opening: OpeningDto; path: string }> = [
    {
      name: 'no updateDate: two reads of the job could not be ordered',
      opening: job(CARSAT, { updateDate: null }),
      path: 'opening.updateDate',
    },
    { name: 'an updateDate beyond any date', opening: job(CARSAT, { updateDate: 9e15 }), path: 'opening.updateDate' },
    { name: 'no id', opening: { ...job(CARSAT), id: undefined } as unknown as OpeningDto, path: 'opening.id' },
    { name: 'no creationDate', opening: job(CARSAT, { creationDate: undefined }), path: 'opening.creationDate' },
    { name: 'a blank job number', opening: job(CARSAT, { jobNumber: '  ' }), path: 'opening.jobNumber' },
  ];
  it.each(cases)('$name → permanent INVALID_RESPONSE naming $path', ({ opening, path }) => {
    const outcome = createOpeningMapper(shipped, organisms)(opening, null, FETCHED_AT);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.kind).toBe('permanent');
    expect(outcome.error.code).toBe('INVALID_RESPONSE');
    expect(outcome.error.message.startsWith(`${path}: expected `)).toBe(true);
  });
});

describe('opening mapping: the body, from the organisation and its ancestors', () => {
  const cgssWithout = job(CGSS, {
    organization: {
      id: 7310,
      name: 'CGSS',
      parentId: 1,
      level: 2,
      structure: [{ id: 1, name: 'UCANSS', parentId: null, level: 1 }],
    },
  });
  const serviceUnderRoot = job(CARSAT, {
    organization: {
      id: 20,
      name: 'Direction des systèmes d’information',
      parentId: 1,
      level: 2,
      structure: [{ id: 1, name: 'UCANSS', parentId: null, level: 1 }],
    },
  });
  const cases: Array<{
    name: string;
    opening: OpeningDto;
    mapping?: OpeningMapping;
    type: string | null;
    territory?: string | null;
    timeZone?: string | null;
  }> = [
    {
      name: 'a CARSAT from its own name',
      opening: job(CARSAT),
      type: 'CARSAT',
      territory: null,
      timeZone: 'Europe/Paris',
    },
    {
      name: 'a CGSS named by an ancestor, its island by a farther one',
      opening: job(CGSS),
      type: 'CGSS',
      territory: 'GUADELOUPE',
      timeZone: 'America/Guadeloupe',
    },
    {
      name: 'a CGSS whose branch names no island: no time zone, as the older mapping does',
      opening: cgssWithout,
      type: 'CGSS',
      territory: null,
      timeZone: null,
    },
    { name: 'an MSA', opening: job(MSA), type: 'MSA', timeZone: 'Europe/Paris' },
    { name: 'a mines body (Filieris)', opening: job(MINES), type: 'CANSSM' },
    { name: 'the department when there is no organisation', opening: job(NO_ORGANIZATION), type: 'URSSAF' },
    { name: "a service under the tenant's root is not the root", opening: serviceUnderRoot, type: null },
    {
      name: 'the root is read when the file does not set it apart',
      opening: serviceUnderRoot,
      mapping: editedMapping((m) => {
        m.organizationTree.notBodies = [];
      }),
      type: 'UCANSS',
    },
    {
      name: 'a job whose own organisation is the root is that body',
      opening: job(CARSAT, { organization: { id: 1, name: 'UCANSS', level: 1, structure: [] } }),
      type: 'UCANSS',
    },
  ];
  it.each(cases)('$name', ({ opening, mapping, type, territory, timeZone }) => {
    const s = snapshot(opening, null, mapping);
    expect(s.organism?.type ?? null).toBe(type);
    if (territory !== undefined) expect(s.organism?.territory).toBe(territory);
    if (timeZone !== undefined) expect(s.organism?.timeZone).toBe(timeZone);
  });

  it('ancestors are listed nearest first whatever their order in the document (by level)', () => {
    expect(snapshot(job(CGSS)).organization).toEqual({
      atsId: '7314',
      name: 'Service des ressources humaines',
      ancestors: [
        { atsId: '7310', name: 'CGSS' },
        { atsId: '7300', name: 'Guadeloupe' },
        { atsId: '1', name: 'UCANSS' },
      ],
    });
  });

  it('a job with neither organisation nor department has no body, and says so', () => {
    const s = snapshot(job(NO_ORGANIZATION, { department: null }));
    expect(s.organism).toBeNull();
    expect(s.organization).toEqual({ atsId: '', name: '', ancestors: [] });
    expect(s.unreadable.map((u) => u.field)).toContain('organism');
  });
});

describe('opening mapping: the classification, where the file says it lives', () => {
  it('LOVs by name, French labels read through the aliases, level prefixes dropped', () => {
    expect(snapshot(job(CARSAT)).classification).toEqual({
      grid: 'RG',
      level: '8',
      minesScale: null,
      minesCareerStart: null,
      jobFamily: 'RESSOURCES_HUMAINES',
      category: 'CADRE',
      collectiveAgreement: 'CCNT_RG',
    });
  });

  it('LOV names are compared without case nor accents', () => {
    const c = snapshot(job(MSA)).classification;
    expect([c.grid, c.level, c.category]).toEqual(['MSA', 'L', 'CADRE']);
  });

  it('a LOV found by nameLovId, whatever the tenant named it', () => {
    const byId = editedMapping((m) => {
      m.classificationFields.level = { lov: { nameLovId: 702 }, stripPrefixes: [] };
    });
    expect(snapshot(job(CGSS), null, byId).classification.level).toBe('9');
    expect(snapshot(job(CGSS)).classification.level).toBeNull();
  });

  it('free-form fields by name (folded): the mines scale and the start of career', () => {
    const c = snapshot(job(MINES)).classification;
    expect([c.grid, c.minesScale, c.minesCareerStart]).toEqual(['MINES', 13, true]);
  });

  it('a free-form field found by lovId once renamed in the tenant', () => {
    const renamed = job(MINES, {
      configurableFields: { lovs: [], freeFormFields: [{ lovId: 811, name: 'Échelon minier', value: '12' }] },
    });
    const byId = editedMapping((m) => {
      m.classificationFields.minesScale = { freeFormField: { lovId: 811 } };
    });
    expect(snapshot(renamed, null, byId).classification.minesScale).toBe(12);
    expect(snapshot(renamed).classification.minesScale).toBeNull();
  });

  it('a custom field found by its unlocalizedLabel, not by its displayed label', () => {
    const custom = editedMapping((m) => {
      m.classificationFields.collectiveAgreement = {
        ...m.classificationFields.collectiveAgreement,
        lov: undefined,
        customField: { unlocalizedLabel: 'COLLECTIVE_AGREEMENT' },
      };
    });
    expect(snapshot(job(MSA), null, custom).classification.collectiveAgreement).toBe('CCN_MSA');
    expect(snapshot(job(MSA)).classification.collectiveAgreement).toBeNull();
  });

  const lov = (name: string, value: string) => ({ nameLovId: 1, valueLovId: 2, name, value });
  const unreadableCases = [
    {
      name: 'a grid outside the table',
      lovs: [lov('Grille de classification', 'Grille 2024')],
      field: 'classification.grid',
      value: 'Grille 2024',
      expected: /^une des valeurs RG, MSA, MINES/,
    },
    {
      name: 'a category outside the table',
      lovs: [lov("Catégorie d'emploi", 'Stagiaire')],
      field: 'classification.category',
      value: 'Stagiaire',
      expected: /EMPLOYE, CADRE/,
    },
    {
      name: 'an agreement outside the table',
      lovs: [lov('Convention collective', 'Syntec')],
      field: 'classification.collectiveAgreement',
      value: 'Syntec',
      expected: /CCNT_RG/,
    },
    {
      name: 'one field given twice with two values',
      lovs: [lov('Niveau ou groupe', '7'), lov('NIVEAU OU GROUPE', '8')],
      field: 'classification.level',
      value: '7 | 8',
      expected: /^une seule valeur$/,
    },
  ];
  it.each(unreadableCases)(
    '$name → null, listed under the name the tenant shows',
    ({ lovs, field, value, expected }) => {
      const s = snapshot(job(CARSAT, { configurableFields: { lovs, freeFormFields: [] } }));
      const [, name] = field.split('.') as [string, keyof JobSnapshot['classification']];
      expect(s.classification[name]).toBeNull();
      const hit = s.unreadable.find((u) => u.field === field);
      expect(hit).toMatchObject({ key: lovs[0]!.name, value });
      expect(hit?.expected).toMatch(expected);
    },
  );

  it('a mines scale that is not a whole number, a start of career that is not yes or no', () => {
    const s = snapshot(
      job(MINES, {
        configurableFields: {
          lovs: [],
          freeFormFields: [
            { lovId: 811, name: 'Échelle (mines)', value: 'treize' },
            { lovId: 812, name: 'Début de carrière (mines)', value: 'peut-être' },
          ],
        },
      }),
    );
    expect([s.classification.minesScale, s.classification.minesCareerStart]).toEqual([null, null]);
    expect(s.unreadable).toEqual([
      { field: 'classification.minesScale', key: 'Échelle (mines)', value: 'treize', expected: 'un nombre entier' },
      {
        field: 'classification.minesCareerStart',
        key: 'Début de carrière (mines)',
        value: 'peut-être',
        expected: 'true ou false',
      },
    ]);
  });

  it('absent and blank values are null without being called unreadable', () => {
    const s = snapshot(job(NO_ORGANIZATION));
    expect(Object.values(s.classification).every((v) => v === null)).toBe(true);
    expect(s.unreadable.filter((u) => u.field.startsWith('classification.'))).toEqual([]);
  });
});

describe('opening mapping: a job family as recruiters pick it', () => {
  it('reads the words of the list as the code the rule sets name (never a silent mismatch)', async () => {
    const { jobFamilyValue } = await import('../../../connectors/talentlink/classification-values.js');
    expect(jobFamilyValue('Chef de service')).toBe('CHEF_DE_SERVICE');
    expect(jobFamilyValue('CHEF_DE_SERVICE')).toBe('CHEF_DE_SERVICE');
    expect(jobFamilyValue('  Comptabilité ')).toBe('COMPTABILITE');
    expect(jobFamilyValue(' - ')).toBeNull();
  });
});

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTalentLinkMapping } from '../../../connectors/talentlink/mapping.js';
import { loadOpeningMapping } from '../../../connectors/talentlink/opening-mapping.js';
import { MappingError } from '../../../src/mappings/yaml-file.js';
import { mappingsDir } from '../../../src/paths.js';

/**
 * `mappings/talentlink.yaml` serves two readers until the switch-over: the older document
 * mapping (`customFields`, `approvalTeam`, `jobExchangeChannel`) and the REST one
 * (`classificationFields`, `jobStatuses`, `organizationTree`, `en3sApprover`). Each ignores the
 * other's keys; a broken line is refused naming the file, the line and the path.
 */

const shippedText = readFileSync(join(mappingsDir(), 'talentlink.yaml'), 'utf8');
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A mappings folder holding the shipped file with one edit. */
function folderWith(edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'en3s-talentlink-yaml-'));
  dirs.push(dir);
  const edited = edit(shippedText);
  expect(edited).not.toBe(shippedText);
  writeFileSync(join(dir, 'talentlink.yaml'), edited);
  return dir;
}

function problemsOf(dir: string): string[] {
  try {
    loadOpeningMapping(dir);
  } catch (error) {
    if (error instanceof MappingError) return error.problems;
    throw error;
  }
  throw new Error('expected a MappingError');
}

describe('mappings/talentlink.yaml: the shipped file', () => {
  it('loads with the older loader, its keys as they were', () => {
    const old = loadTalentLinkMapping();
    expect(old.customFields.level.key).toBe('CLASSIFICATION_LEVEL');
    expect(old.customFields.grid.aliases['REGIME GENERAL']).toBe('RG');
    expect(old.approvalTeam).toBe('EN3S dérogation');
    expect(old.jobExchangeChannel).toBe('UCANSS');
    expect(Object.keys(old).sort()).toEqual(['approvalTeam', 'customFields', 'jobExchangeChannel']);
  });

  it('loads with the REST loader, with the defaults of docs/talentlink.md §3', () => {
    const fields = loadOpeningMapping().classificationFields;
    expect({
      grid: fields.grid.lov,
      level: fields.level.lov,
      category: fields.category.lov,
      jobFamily: fields.jobFamily.lov,
      collectiveAgreement: fields.collectiveAgreement.lov,
      minesScale: fields.minesScale.freeFormField,
      minesCareerStart: fields.minesCareerStart.freeFormField,
    }).toEqual({
      grid: { name: 'Grille de classification' },
      level: { name: 'Niveau ou groupe' },
      category: { name: "Catégorie d'emploi" },
      jobFamily: { name: "Famille d'emploi" },
      collectiveAgreement: { name: 'Convention collective' },
      minesScale: { name: 'Échelle (mines)' },
      minesCareerStart: { name: 'Début de carrière (mines)' },
    });
  });

  it('holds the values and aliases of the older section, for every field they both read', () => {
    const old = loadTalentLinkMapping().customFields;
    const fields = loadOpeningMapping().classificationFields;
    for (const name of ['grid', 'category', 'collectiveAgreement'] as const) {
      expect(fields[name].values).toEqual(old[name].values);
      expect(fields[name].aliases).toMatchObject(old[name].aliases);
    }
    expect(fields.level.stripPrefixes).toEqual(old.level.stripPrefixes);
  });

  it('holds the status table of docs/talentlink.md §6 and the EN3S approver of the guide Ucanss', () => {
    const mapping = loadOpeningMapping();
    expect(mapping.jobStatuses).toEqual({
      Brouillon: 'DRAFT',
      "En attente d'approbation": 'PENDING_APPROVAL',
      Approuvée: 'APPROVED',
      Refusée: 'REFUSED',
      Ouverte: 'OPEN',
      Clôturée: 'CLOSED',
      Annulée: 'CANCELLED',
    });
    expect(mapping.en3sApprover).toEqual({
      login: 'en3s.derogation',
      order: 1,
      stepOrder: 1,
      lovValue: 'dérogation EN3S',
    });
  });
});

describe('mappings/talentlink.yaml: a broken REST section is refused with where and what', () => {
  const cases = [
    {
      name: 'a field read from two places',
      edit: (t: string) =>
        t.replace(
          '    lov: { name: Niveau ou groupe }\n',
          '    lov: { name: Niveau ou groupe }\n    customField: { unlocalizedLabel: LEVEL }\n',
        ),
      problem: new RegExp(
        /talentlink\.yaml:\d+ > classificationFields\.level : /.source +
          /expected exactly one of lov, freeFormField, customField, got lov and customField$/.source,
      ),
    },
    {
      name: 'a LOV given both by id and by name',
      edit: (t: string) =>
        t.replace('lov: { name: Grille de classification }', 'lov: { name: Grille de classification, nameLovId: 701 }'),
      problem: /talentlink\.yaml:\d+ > classificationFields\.grid\.lov : expected exactly one of nameLovId, name$/,
    },
    {
      name: 'a field read from nowhere',
      edit: (t: string) =>
        t.replace(/ {2}jobFamily:\n((?: {4}#.*\n)*) {4}lov: \{ name: Famille d'emploi \}\n/, '  jobFamily: {}\n$1'),
      problem: /classificationFields\.jobFamily : expected exactly one of lov, freeFormField, customField, got none$/,
    },
    {
      name: 'a status given a meaning the snapshot does not have',
      edit: (t: string) => t.replace('  Ouverte: OPEN', '  Ouverte: PUBLISHED'),
      problem: /talentlink\.yaml:\d+ > jobStatuses\.Ouverte : /,
    },
    {
      name: 'two statuses that differ only by accents',
      edit: (t: string) => t.replace('  Annulée: CANCELLED', '  Annulée: CANCELLED\n  Annulee: CLOSED'),
      problem: /jobStatuses\.Annulee : expected a status different from "Annulée" once case and accents are ignored$/,
    },
    {
      name: 'an EN3S approver without its login',
      edit: (t: string) => t.replace('  login: en3s.derogation\n', ''),
      problem: /talentlink\.yaml:\d+ > en3sApprover\.login : /,
    },
  ];
  it.each(cases)('$name', ({ edit, problem }) => {
    const problems = problemsOf(folderWith(edit));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(problem);
  });

  it('the older loader is not disturbed by a broken REST section', () => {
    const dir = folderWith((t) => t.replace('  Ouverte: OPEN', '  Ouverte: PUBLISHED'));
    expect(loadTalentLinkMapping(dir).customFields.level.key).toBe('CLASSIFICATION_LEVEL');
  });
});

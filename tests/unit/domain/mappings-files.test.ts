import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadTalentLinkMapping } from '../../../connectors/talentlink/mapping.js';
import { loadDomainData } from '../../../src/mappings/load.js';
import { MappingError } from '../../../src/mappings/yaml-file.js';
import { mappingsDir } from '../../../src/paths.js';

/** Every shipped data file loads; a broken one is refused naming the file, the line and the path. */

const copies: string[] = [];
function copyOfMappings(): string {
  const dir = mkdtempSync(join(tmpdir(), 'en3s-mappings-'));
  cpSync(mappingsDir(), dir, { recursive: true });
  copies.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof MappingError) return error.problems;
    throw error;
  }
  throw new Error('expected a MappingError');
}

describe('mappings: the shipped files', () => {
  it('load, with both legal texts under their exact ids', () => {
    const data = loadDomainData();
    expect(data.ruleSets.list.map((r) => r.id)).toEqual(['DSS/4B/2014/350', 'DSS/4B/2026/34']);
    // 34 bodies the texts name, 23 outside them (recognised so as to be decided, not unknown).
    expect(data.organismsFile.types.length).toBe(57);
    expect(loadTalentLinkMapping().customFields.level.key).toBe('CLASSIFICATION_LEVEL');
  });

  it('every body a text names is a known body type', () => {
    const data = loadDomainData();
    const types = new Set(data.organismsFile.types.map((t) => t.key));
    for (const rs of data.ruleSetFiles)
      for (const regime of rs.regimes) for (const body of regime.bodies) expect(types).toContain(body);
  });
});

describe('mappings: a broken file is refused with where and what', () => {
  it('a level that is not a label of the grid names file, line and path', () => {
    const dir = copyOfMappings();
    const file = join(dir, 'rulesets', 'instruction-DSS-4B-2026-34.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        "levels: ['7', '8', '9']\n      scopeLabel: niveaux 7 à 9\n  - key: agricole",
        "levels: ['7bis', '8', '9']\n      scopeLabel: niveaux 7 à 9\n  - key: agricole",
      ),
    );
    const problems = problemsOf(() => loadDomainData(dir));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      new RegExp(
        /instruction-DSS-4B-2026-34\.yaml:\d+ > regimes\[0\]\.criterion\.levels\[0\] : /.source +
          /expected one of the knownLevels .* got "7BIS"/.source,
      ),
    );
  });

  it('a wrong type names the path and the expectation', () => {
    const dir = copyOfMappings();
    const file = join(dir, 'rulesets', 'circulaire-DSS-4B-2014-350.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('from: 2014-12-17', 'from: le 17 décembre'));
    const [problem] = problemsOf(() => loadDomainData(dir));
    expect(problem).toMatch(/circulaire-DSS-4B-2014-350\.yaml:\d+ > inForce\.from : /);
  });

  it('a body a text names but organismes.yaml does not know is refused', () => {
    const dir = copyOfMappings();
    const file = join(dir, 'rulesets', 'instruction-DSS-4B-2026-34.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('bodies: [MSA, CCMSA]', 'bodies: [MSA, CCMSA, MUTUELLE_DES_LILAS]'),
    );
    expect(problemsOf(() => loadDomainData(dir))).toEqual([
      'mappings/rulesets (DSS/4B/2026/34) : organisme « MUTUELLE_DES_LILAS » absent de mappings/organismes.yaml',
    ]);
  });

  it('a body a text names but organismes.yaml marks as outside the texts is refused', () => {
    const dir = copyOfMappings();
    const file = join(dir, 'rulesets', 'instruction-DSS-4B-2026-34.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace('bodies: [MSA, CCMSA]', 'bodies: [MSA, CCMSA, MSA_SERVICES]'),
    );
    expect(problemsOf(() => loadDomainData(dir))).toEqual([
      'mappings/rulesets (DSS/4B/2026/34) : organisme « MSA_SERVICES » nommé par ce texte mais ' +
        'marqué hors des textes (outside) dans mappings/organismes.yaml',
    ]);
  });

  it('a phrase that recognises two body types, or a vague phrase that recognises one, is refused', () => {
    const dir = copyOfMappings();
    const file = join(dir, 'organismes.yaml');
    const text = readFileSync(file, 'utf8')
      .replace('match: [msa services, groupe msa services]', 'match: [msa services, groupe msa services, msa]')
      .replace('  - phrase: service medical\n', '  - phrase: drsm\n');
    writeFileSync(file, text);
    const problems = problemsOf(() => loadDomainData(dir));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/organismes\.yaml:\d+ > types\[\d+\]\.match\[2\] : "msa" already recognises MSA/);
    expect(problems[1]).toMatch(/organismes\.yaml:\d+ > ambiguous\[0\]\.phrase : "drsm" is vague, yet recognises DRSM/);
  });

  it('invalid YAML names the line', () => {
    const dir = copyOfMappings();
    writeFileSync(join(dir, 'organismes.yaml'), 'types:\n  - key: CPAM\n    label: [unclosed\n');
    const [problem] = problemsOf(() => loadDomainData(dir));
    expect(problem).toMatch(/organismes\.yaml:\d+ > YAML invalide/);
  });

  it('overlapping texts are refused', () => {
    const dir = copyOfMappings();
    const file = join(dir, 'rulesets', 'circulaire-DSS-4B-2014-350.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('to: 2026-03-11', 'to: 2026-03-20'));
    expect(problemsOf(() => loadDomainData(dir))[0]).toContain('overlap');
  });

  it('an unknown time zone is refused', () => {
    const dir = copyOfMappings();
    const file = join(dir, 'organismes.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('timeZone: Indian/Reunion', 'timeZone: Indian/Atlantis'));
    expect(problemsOf(() => loadDomainData(dir))[0]).toContain('« Indian/Atlantis »');
  });

  it('the TalentLink mapping names a bad value', () => {
    const dir = copyOfMappings();
    const file = join(dir, 'talentlink.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('RSI: RSI }', 'RSI: RSX }'));
    expect(problemsOf(() => loadTalentLinkMapping(dir))[0]).toMatch(
      /talentlink\.yaml:\d+ > customFields\.grid\.values\.RSI : /,
    );
  });
});

import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createOrganismRecognizer, type OrganismRecognizer } from '../domain/organisms.js';
import { organismsFileSchema, type OrganismsFile } from '../domain/organism-schema.js';
import { createRuleSets, type RuleSets } from '../domain/rulesets.js';
import { ruleSetFileSchema, type RuleSetFile } from '../domain/ruleset-schema.js';
import { isValidTimeZone } from '../domain/window.js';
import { mappingsDir } from '../paths.js';
import { MappingError, readYamlFile } from './yaml-file.js';

/**
 * Loads the data that drive the engine: `mappings/rulesets/*.yaml` and `mappings/organismes.yaml`.
 * All problems of all files are collected and thrown together as one `MappingError`.
 */

export interface DomainData {
  ruleSetFiles: RuleSetFile[];
  ruleSets: RuleSets;
  organismsFile: OrganismsFile;
  organisms: OrganismRecognizer;
}

export function loadDomainData(dir: string = mappingsDir()): DomainData {
  const problems: string[] = [];
  const rulesetsDir = join(dir, 'rulesets');
  let names: string[] = [];
  try {
    names = readdirSync(rulesetsDir)
      .filter((n) => n.endsWith('.yaml') || n.endsWith('.yml'))
      .sort();
  } catch {
    problems.push(`${rulesetsDir} : dossier des textes introuvable`);
  }
  if (names.length === 0 && problems.length === 0) problems.push(`${rulesetsDir} : aucun texte (fichier .yaml) trouvé`);
  const ruleSetFiles: RuleSetFile[] = [];
  for (const name of names) {
    const result = readYamlFile(join(rulesetsDir, name), ruleSetFileSchema);
    if (result.ok) ruleSetFiles.push(result.value);
    else problems.push(...result.problems);
  }
  const organismsResult = readYamlFile(join(dir, 'organismes.yaml'), organismsFileSchema);
  if (!organismsResult.ok) problems.push(...organismsResult.problems);
  if (problems.length > 0 || !organismsResult.ok) throw new MappingError(problems);

  const organismsFile = organismsResult.value;
  const knownTypes = new Set(organismsFile.types.map((t) => t.key));
  for (const tz of [
    organismsFile.defaultTimeZone,
    ...organismsFile.territories.map((t) => t.timeZone),
    ...ruleSetFiles.map((r) => r.inForce.timeZone),
  ]) {
    if (!isValidTimeZone(tz))
      problems.push(`mappings : fuseau horaire inconnu « ${tz} » (attendu un nom IANA, ex. Europe/Paris)`);
  }
  const outsideTypes = new Set(organismsFile.types.filter((t) => t.outside !== undefined).map((t) => t.key));
  for (const rs of ruleSetFiles) {
    const listed = [...rs.regimes.flatMap((r) => r.bodies), ...rs.removedBodies.flatMap((r) => r.bodies)];
    for (const body of listed) {
      if (!knownTypes.has(body))
        problems.push(`mappings/rulesets (${rs.id}) : organisme « ${body} » absent de mappings/organismes.yaml`);
      else if (outsideTypes.has(body))
        problems.push(
          `mappings/rulesets (${rs.id}) : organisme « ${body} » nommé par ce texte mais marqué hors ` +
            `des textes (outside) dans mappings/organismes.yaml`,
        );
    }
  }
  const ids = new Set<string>();
  for (const rs of ruleSetFiles) {
    if (ids.has(rs.id)) problems.push(`mappings/rulesets : texte ${rs.id} défini deux fois`);
    ids.add(rs.id);
  }
  if (problems.length > 0) throw new MappingError(problems);

  const zoneLabels = new Map<string, string>([[organismsFile.defaultTimeZone, 'heure de Paris']]);
  for (const t of organismsFile.territories) zoneLabels.set(t.timeZone, `heure de ${t.label}`);
  let ruleSets: RuleSets;
  try {
    ruleSets = createRuleSets(ruleSetFiles, zoneLabels);
  } catch (error) {
    throw new MappingError([`mappings/rulesets : ${(error as Error).message}`]);
  }
  return { ruleSetFiles, ruleSets, organismsFile, organisms: createOrganismRecognizer(organismsFile) };
}

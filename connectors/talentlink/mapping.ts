import { join } from 'node:path';
import type { Offer } from '../../src/domain/offer.js';
import { fold, type OrganismRecognizer } from '../../src/domain/organisms.js';
import { MappingError, readYamlFile } from '../../src/mappings/yaml-file.js';
import { mappingsDir } from '../../src/paths.js';
import type { JobDocument } from './job-document.js';
import { talentLinkMappingSchema, type TalentLinkMapping } from './mapping-schema.js';

/**
 * A job document of the earlier, invented format (still read by `en3s evaluate`) → the facts
 * the rules read (`Offer`), through `mappings/talentlink.yaml` (LOV keys and values) and
 * `mappings/organismes.yaml` (the body). A value the mapping cannot read becomes
 * `null` and is listed in `offer.unreadable`, so the decision says "à vérifier" and names it.
 */

export function loadTalentLinkMapping(dir: string = mappingsDir()): TalentLinkMapping {
  const result = readYamlFile(join(dir, 'talentlink.yaml'), talentLinkMappingSchema);
  if (!result.ok) throw new MappingError(result.problems);
  return result.value;
}

type Unreadable = Offer['unreadable'][number];

function enumValue<T extends string>(
  raw: string | undefined,
  spec: { key: string; values: Record<string, T>; aliases: Record<string, T> },
  field: string,
  unreadable: Unreadable[],
): T | null {
  if (raw === undefined) return null;
  const folded = raw.trim().toUpperCase();
  if (folded === '') return null;
  const value = spec.values[folded] ?? spec.aliases[folded] ?? spec.aliases[folded.replace(/_/g, ' ')];
  if (value !== undefined) return value;
  unreadable.push({
    field,
    key: spec.key,
    value: raw,
    expected: `une des valeurs ${Object.keys(spec.values).join(', ')}`,
  });
  return null;
}

function levelLabel(raw: string | undefined, stripPrefixes: readonly string[]): string | null {
  if (raw === undefined) return null;
  let label = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  for (const prefix of stripPrefixes) {
    if (label.startsWith(`${prefix} `) || (prefix.endsWith('.') && label.startsWith(prefix))) {
      label = label.slice(prefix.length).trim();
      break;
    }
  }
  return label === '' ? null : label;
}

function integerValue(raw: string | undefined, field: string, key: string, unreadable: Unreadable[]): number | null {
  if (raw === undefined || raw.trim() === '') return null;
  const text = raw.trim();
  if (/^[+-]?\d+$/.test(text)) return Number.parseInt(text, 10);
  unreadable.push({ field, key, value: raw, expected: 'un nombre entier' });
  return null;
}

function booleanValue(raw: string | undefined, field: string, key: string, unreadable: Unreadable[]): boolean | null {
  if (raw === undefined || raw.trim() === '') return null;
  const text = fold(raw);
  if (['true', 'oui', 'yes', '1', 'o', 'y'].includes(text)) return true;
  if (['false', 'non', 'no', '0', 'n'].includes(text)) return false;
  unreadable.push({ field, key, value: raw, expected: 'true ou false' });
  return null;
}

export function toOffer(doc: JobDocument, mapping: TalentLinkMapping, organisms: OrganismRecognizer): Offer {
  const fields = new Map<string, string>();
  for (const lov of doc.customFields) fields.set(lov.key, lov.value);
  const cf = mapping.customFields;
  const unreadable: Unreadable[] = [];

  const grid = enumValue(fields.get(cf.grid.key), cf.grid, 'classification.grid', unreadable);
  const category = enumValue(fields.get(cf.category.key), cf.category, 'classification.category', unreadable);
  const collectiveAgreement = enumValue(
    fields.get(cf.collectiveAgreement.key),
    cf.collectiveAgreement,
    'classification.collectiveAgreement',
    unreadable,
  );
  const jobFamilyRaw = fields.get(cf.jobFamily.key)?.trim();

  const recognition = organisms.recognize(doc.organization.code, doc.organization.name);
  return {
    source: 'talentlink',
    atsId: doc.id,
    jobNumber: doc.jobNumber,
    requisitionNumber: doc.requisitionNumber ?? null,
    title: doc.openingName,
    createdAt: doc.creationDate,
    organization: { atsId: doc.organization.id, code: doc.organization.code, name: doc.organization.name },
    organism: recognition.organism,
    classification: {
      grid,
      level: levelLabel(fields.get(cf.level.key), cf.level.stripPrefixes),
      minesScale: integerValue(
        fields.get(cf.minesScale.key),
        'classification.minesScale',
        cf.minesScale.key,
        unreadable,
      ),
      minesCareerStart: booleanValue(
        fields.get(cf.minesCareerStart.key),
        'classification.minesCareerStart',
        cf.minesCareerStart.key,
        unreadable,
      ),
      jobFamily: jobFamilyRaw ? jobFamilyRaw.toUpperCase() : null,
      category,
      collectiveAgreement,
    },
    unreadable,
  };
}

import type { Offer } from '../../src/domain/offer.js';
import { fold } from '../../src/domain/organisms.js';
import {
  booleanValue,
  enumValue,
  integerValue,
  jobFamilyValue,
  levelLabel,
  type Unreadable,
  type ValueSite,
} from './classification-values.js';
import type { ClassificationFieldName, ClassificationFields, FieldSourceSpec } from './opening-mapping-schema.js';
import type { OpeningDto } from './rest/dto.js';

/**
 * The classification of a TalentLink job, read from wherever `mappings/talentlink.yaml` says
 * each field lives: a LOV (`configurableFields.lovs`), a free-form field
 * (`configurableFields.freeFormFields`) or a custom field (`customFields`). Names are compared
 * folded (case and accents ignored), because a tenant's administrator may retype a label.
 */

type Place = 'lov' | 'freeFormField' | 'customField';

interface CompiledSource {
  place: Place;
  /** `nameLovId` (LOV) or `lovId` (free-form field), when the field is found by id. */
  id: number | null;
  /** The folded name (or `unlocalizedLabel`), when the field is found by name. */
  folded: string | null;
  /** How the administrator recognises the field when its document gives no name. */
  shown: string;
}

function compileSource(spec: FieldSourceSpec): CompiledSource {
  if (spec.lov) {
    const { nameLovId, name } = spec.lov;
    return { place: 'lov', id: nameLovId ?? null, folded: name ? fold(name) : null, shown: name ?? `LOV ${nameLovId}` };
  }
  if (spec.freeFormField) {
    const { lovId, name } = spec.freeFormField;
    return {
      place: 'freeFormField',
      id: lovId ?? null,
      folded: name ? fold(name) : null,
      shown: name ?? `champ libre ${lovId}`,
    };
  }
  if (spec.customField) {
    const label = spec.customField.unlocalizedLabel;
    return { place: 'customField', id: null, folded: fold(label), shown: label };
  }
  // The schema lets no field through without exactly one source.
  throw new Error('opening-fields: a classification field without a source passed the schema');
}

interface Entry {
  id: number | null;
  name: string | null;
  shown: string | null;
  value: string | null;
}

function entriesAt(opening: OpeningDto, place: Place): Entry[] {
  if (place === 'lov') {
    return (opening.configurableFields?.lovs ?? []).map((l) => ({
      id: l.nameLovId ?? null,
      name: l.name ?? null,
      shown: l.name ?? null,
      value: l.value ?? null,
    }));
  }
  if (place === 'freeFormField') {
    return (opening.configurableFields?.freeFormFields ?? []).map((f) => ({
      id: f.lovId ?? null,
      name: f.name ?? null,
      shown: f.name ?? null,
      value: f.value ?? null,
    }));
  }
  return (opening.customFields ?? []).map((c) => ({
    id: null,
    name: c.unlocalizedLabel ?? null,
    shown: c.label ?? c.unlocalizedLabel ?? null,
    value: c.value ?? null,
  }));
}

/**
 * The raw text of one field and where it was found. A field given twice with different values
 * (a tenant with two lists of one name) is not guessed at: it is unreadable.
 */
function rawValue(
  opening: OpeningDto,
  source: CompiledSource,
  field: string,
  unreadable: Unreadable[],
): { raw: string | null; site: ValueSite } {
  const matches = entriesAt(opening, source.place).filter((entry) =>
    source.id !== null ? entry.id === source.id : entry.name !== null && fold(entry.name) === source.folded,
  );
  const site: ValueSite = { field, key: matches.find((m) => m.shown)?.shown ?? source.shown };
  const given = matches.map((m) => m.value).filter((v): v is string => v !== null && v.trim() !== '');
  const distinct = new Set(given.map((v) => v.trim()));
  if (distinct.size <= 1) return { raw: given[0] ?? null, site };
  unreadable.push({ ...site, value: [...distinct].join(' | '), expected: 'une seule valeur' });
  return { raw: null, site };
}

export type Classification = Offer['classification'];

export type ClassificationReader = (opening: OpeningDto, unreadable: Unreadable[]) => Classification;

export function createClassificationReader(fields: ClassificationFields): ClassificationReader {
  const sources = Object.fromEntries(
    (Object.keys(fields) as ClassificationFieldName[]).map((name) => [name, compileSource(fields[name])]),
  ) as Record<ClassificationFieldName, CompiledSource>;

  return (opening, unreadable) => {
    const read = (name: ClassificationFieldName) =>
      rawValue(opening, sources[name], `classification.${name}`, unreadable);
    const grid = read('grid');
    const level = read('level');
    const category = read('category');
    const jobFamily = read('jobFamily');
    const minesScale = read('minesScale');
    const minesCareerStart = read('minesCareerStart');
    const agreement = read('collectiveAgreement');
    return {
      grid: enumValue(grid.raw, fields.grid, grid.site, unreadable),
      level: levelLabel(level.raw, fields.level.stripPrefixes),
      minesScale: integerValue(minesScale.raw, minesScale.site, unreadable),
      minesCareerStart: booleanValue(minesCareerStart.raw, minesCareerStart.site, unreadable),
      jobFamily: jobFamilyValue(jobFamily.raw),
      category: enumValue(category.raw, fields.category, category.site, unreadable),
      collectiveAgreement: enumValue(agreement.raw, fields.collectiveAgreement, agreement.site, unreadable),
    };
  };
}

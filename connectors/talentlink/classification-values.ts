import { z } from 'zod';
import type { Offer } from '../../src/domain/offer.js';
import { fold } from '../../src/domain/organisms.js';

/**
 * How a classification value of the tenant is read, whatever field of the vendor's document
 * holds it: the value tables of `mappings/talentlink.yaml` (values and aliases, matched after
 * trimming and upper-casing), level labels kept as labels, whole numbers, yes/no. A value that
 * is present but cannot be read becomes `null` and is listed in `unreadable`, so that the
 * decision says "à vérifier" and names it; an absent or blank value is simply `null` (the
 * decision names missing fields itself).
 *
 * Written once for every TalentLink mapping: the REST mapping (`opening-mapping.ts`) reads
 * through it, and the older document mapping (`mapping.ts`) reads its values the same way.
 */

export type Unreadable = Offer['unreadable'][number];

const upper = z.string().transform((s) => s.trim().toUpperCase());

/** A table of accepted values (and aliases) for a field whose canonical values are `values`. */
export const valueTableShape = <T extends readonly [string, ...string[]]>(values: T) => ({
  values: z.record(upper, z.enum(values)),
  aliases: z.record(upper, z.enum(values)).default({}),
});

export interface ValueTable<T extends string> {
  values: Partial<Record<string, T>>;
  aliases: Partial<Record<string, T>>;
}

/** Where a raw value was read, as the administrator will see it, and the canonical field it feeds. */
export interface ValueSite {
  field: string;
  key: string;
}

const blank = (raw: string | null | undefined): raw is null | undefined =>
  raw === null || raw === undefined || raw.trim() === '';

/** One of the table's canonical values; `AGENT_DE_DIRECTION` also matches an alias written with spaces. */
export function enumValue<T extends string>(
  raw: string | null | undefined,
  table: ValueTable<T>,
  site: ValueSite,
  unreadable: Unreadable[],
): T | null {
  if (blank(raw)) return null;
  const upperCased = raw.trim().toUpperCase();
  const value = table.values[upperCased] ?? table.aliases[upperCased] ?? table.aliases[upperCased.replace(/_/g, ' ')];
  if (value !== undefined) return value;
  unreadable.push({ ...site, value: raw, expected: `une des valeurs ${Object.keys(table.values).join(', ')}` });
  return null;
}

/** A level as a label, never a number ("5A" is not 5); the first matching prefix ("NIVEAU 7") is dropped. */
export function levelLabel(raw: string | null | undefined, stripPrefixes: readonly string[]): string | null {
  if (blank(raw)) return null;
  let label = raw.trim().toUpperCase().replace(/\s+/g, ' ');
  for (const prefix of stripPrefixes) {
    if (label.startsWith(`${prefix} `) || (prefix.endsWith('.') && label.startsWith(prefix))) {
      label = label.slice(prefix.length).trim();
      break;
    }
  }
  return label === '' ? null : label;
}

export function integerValue(raw: string | null | undefined, site: ValueSite, unreadable: Unreadable[]): number | null {
  if (blank(raw)) return null;
  const text = raw.trim();
  if (/^[+-]?\d+$/.test(text)) return Number.parseInt(text, 10);
  unreadable.push({ ...site, value: raw, expected: 'un nombre entier' });
  return null;
}

export function booleanValue(
  raw: string | null | undefined,
  site: ValueSite,
  unreadable: Unreadable[],
): boolean | null {
  if (blank(raw)) return null;
  const text = fold(raw);
  if (['true', 'oui', 'yes', '1', 'o', 'y'].includes(text)) return true;
  if (['false', 'non', 'no', '0', 'n'].includes(text)) return false;
  unreadable.push({ ...site, value: raw, expected: 'true ou false' });
  return null;
}

/**
 * A job family is read as the rule sets name it (`CHEF_DE_SERVICE`), whether the tenant's list
 * holds the code or the words a recruiter picks (« Chef de service »): accents dropped, upper
 * case, anything but letters and digits as one underscore. Never compared character for
 * character with the label, which would make a concerned post silently "not concerned".
 */
export function jobFamilyValue(raw: string | null | undefined): string | null {
  if (blank(raw)) return null;
  const code = raw
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return code === '' ? null : code;
}

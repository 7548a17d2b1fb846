import type { Organism } from './offer.js';
import type { OrganismsFile } from './organism-schema.js';

/**
 * Recognises the body behind an ATS organisation, as recruiters really write it: any case, with
 * or without accents, abbreviated or spelled out. Pure: built once from `organismes.yaml`.
 */

/** Lower case, accents removed, anything but letters and digits folded into single spaces. */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

interface Phrase<T> {
  padded: string;
  target: T;
}

type TypeEntry = OrganismsFile['types'][number];
type TerritoryEntry = OrganismsFile['territories'][number];

export interface Recognition {
  organism: Organism | null;
  /** The phrase that identified the type, for the decision's explanation. */
  matched: string | null;
  /** Set when the type needs its territory (CGSS) and none was found. */
  territoryMissing: boolean;
}

export interface OrganismRecognizer {
  recognize(code: string, name: string): Recognition;
  types(): readonly TypeEntry[];
}

function phrases<T extends { match: string[] }>(entries: readonly T[]): Phrase<T>[] {
  return entries
    .flatMap((target) => target.match.map((m) => ({ padded: ` ${fold(m)} `, target })))
    .sort((a, b) => b.padded.length - a.padded.length);
}

export function createOrganismRecognizer(file: OrganismsFile): OrganismRecognizer {
  const typePhrases = phrases(file.types);
  const territoryPhrases = phrases(file.territories);
  const territoriesByKey = new Map(file.territories.map((t) => [t.key, t]));

  function find<T>(list: Phrase<T>[], haystacks: string[]): Phrase<T> | undefined {
    // Longest phrase first, so that a spelled-out name beats the acronym it contains.
    for (const phrase of list) {
      for (const haystack of haystacks) if (haystack.includes(phrase.padded)) return phrase;
    }
    return undefined;
  }

  return {
    types: () => file.types,
    recognize(code, name) {
      const haystacks = [` ${fold(name)} `, ` ${fold(code)} `];
      const hit = find(typePhrases, haystacks);
      if (!hit) return { organism: null, matched: null, territoryMissing: false };
      const type = hit.target;
      let territory: TerritoryEntry | undefined = type.territory ? territoriesByKey.get(type.territory) : undefined;
      territory ??= find(territoryPhrases, haystacks)?.target;
      const territoryMissing = type.overseas === 'required' && !territory;
      return {
        matched: hit.padded.trim(),
        territoryMissing,
        organism: {
          type: type.key,
          label: type.label,
          timeZone: territory ? territory.timeZone : territoryMissing ? null : file.defaultTimeZone,
          territory: territory?.key ?? null,
          networks: [...type.networks],
        },
      };
    },
  };
}

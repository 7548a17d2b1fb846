import type { Organism } from './offer.js';
import type { OrganismsFile } from './organism-schema.js';

/**
 * Recognises the body behind an ATS organisation, as recruiters really write it: any case, with
 * or without accents, abbreviated or spelled out; and places it in its territory, which gives its
 * legal time. Pure: built once from `organismes.yaml`.
 *
 * Precision before recall: phrases are whole words, the longest wins (« MSA Services » is not a
 * MSA, « Caisse nationale d'assurance vieillesse des professions libérales » not the Cnav), and a
 * phrase that names no one body (« service médical », « SNCF ») recognises nothing.
 */

/**
 * Lower case, accents removed, ligatures spelled out (« Schœlcher »), anything but letters and digits folded into
 * single spaces.
 */
export function fold(text: string): string {
  return lettersOf(text)
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Lower case, accents removed, ligatures spelled out: the letters `fold` and `foldJoined` keep. */
function lettersOf(text: string): string {
  return text
    .replace(/[œŒ]/g, 'oe')
    .replace(/[æÆ]/g, 'ae')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
}

/**
 * `fold`, with letters and figures apart (« CPAM33 » is « cpam 33 », « CGSS971 » « cgss 971 »): how names are searched.
 */
export function foldName(text: string): string {
  return fold(text).replace(/([a-z])(?=[0-9])|([0-9])(?=[a-z])/g, '$1$2 ');
}

/** `fold` keeping the hyphens inside compound names (« saint-martin-d heres »), not those between spaces. */
function foldJoined(text: string): string {
  return lettersOf(text)
    .replace(/[^a-z0-9-]+/g, ' ')
    .replace(/(^|\s)-+|-+(?=\s|$)/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

type TypeEntry = OrganismsFile['types'][number];
type TerritoryDef = OrganismsFile['territories'][number];

export interface Recognition {
  organism: Organism | null;
  /** The phrase that identified the type, for the decision's explanation. */
  matched: string | null;
  /** Set when the body must be placed overseas (a CGSS, or a name naming several territories) and could not be. */
  territoryMissing: boolean;
  /** When nothing was recognised but a vague phrase was (« service médical »): why it names no one body. */
  ambiguous: string | null;
}

export interface OrganismRecognizer {
  recognize(code: string, name: string): Recognition;
  types(): readonly TypeEntry[];
}

interface Phrase<T> {
  padded: string;
  target: T;
}

function sortedPhrases<T>(pairs: Iterable<[string, T]>): Phrase<T>[] {
  const list: Phrase<T>[] = [];
  for (const [text, target] of pairs) list.push({ padded: ` ${foldName(text)} `, target });
  return list.sort((a, b) => b.padded.length - a.padded.length);
}

/**
 * How a territory phrase is read: a name (any body), a town (overseas bodies only), a place served by another
 * territory.
 */
interface Hint {
  kind: 'name' | 'town' | 'served';
  shown: string;
  territories: TerritoryDef[];
  reading: string | null;
}

/**
 * A town with its article, and as French contracts it after « de » and « à »: « le port », « du port », « au port ».
 */
function contracted(phrase: string): string[] {
  const folded = foldName(phrase);
  if (folded.startsWith('le ')) return [phrase, `du ${folded.slice(3)}`, `au ${folded.slice(3)}`];
  if (folded.startsWith('les ')) return [phrase, `des ${folded.slice(4)}`, `aux ${folded.slice(4)}`];
  return [phrase];
}

interface Placement {
  territory: TerritoryDef | null;
  /** When the body could not be placed: every legal time it may be in. */
  zones: string[] | null;
  reading: string | null;
}

const MAINLAND: Placement = Object.freeze({ territory: null, zones: null, reading: null });

export function createOrganismRecognizer(file: OrganismsFile): OrganismRecognizer {
  const typePhrases = sortedPhrases(file.types.flatMap((t) => t.match.map((m): [string, TypeEntry] => [m, t])));
  const vaguePhrases = sortedPhrases(file.ambiguous.map((a): [string, string] => [a.phrase, a.why]));
  const territoriesByKey = new Map(file.territories.map((t) => [t.key, t]));

  // One hint per phrase: a phrase listed under several territories (« antilles ») points at all of them.
  const hints = new Map<string, Hint>();
  const standalone: { pattern: RegExp; hint: Hint }[] = [];
  const hint = (text: string, kind: Hint['kind'], territory: TerritoryDef, reading: string | null) => {
    const key = `${kind} ${foldName(text)}`;
    const found = hints.get(key);
    if (found) {
      if (!found.territories.includes(territory)) found.territories.push(territory);
      return found;
    }
    const created: Hint = { kind, shown: text, territories: [territory], reading };
    hints.set(key, created);
    return created;
  };
  const alone = (m: string, h: Hint) => {
    // Whole, not joined by a hyphen to another word: « Saint-Martin », not « Saint-Martin-d'Hères ».
    const words = foldName(m).split(' ').join('[ -]');
    standalone.push({ pattern: new RegExp(`(?:^| )${words}(?= |$)`), hint: h });
  };
  for (const t of file.territories) {
    for (const m of t.match) for (const v of contracted(m)) hint(v, 'name', t, null);
    for (const m of t.standalone) alone(m, { kind: 'name', shown: m, territories: [t], reading: null });
    for (const m of t.towns)
      for (const v of contracted(m)) hint(v, 'town', t, `« ${m} » lu comme une commune de ${t.label}`);
    for (const place of t.served) {
      for (const m of place.match) hint(m, 'served', t, place.reading);
      for (const m of place.standalone)
        alone(m, { kind: 'served', shown: m, territories: [t], reading: place.reading });
    }
  }
  const hintPhrases = sortedPhrases([...hints.values()].map((h): [string, Hint] => [h.shown, h]));

  function firstFound<T>(list: Phrase<T>[], haystacks: string[]): Phrase<T> | undefined {
    // Longest phrase first, so that a spelled-out name beats the acronym or phrase it contains.
    for (const phrase of list) {
      for (const haystack of haystacks) if (haystack.includes(phrase.padded)) return phrase;
    }
    return undefined;
  }

  /** Every territory hint of one text, the longest first; a phrase inside a longer one found is not read again. */
  function hintsIn(raw: string, haystack: string): Hint[] {
    const found: Hint[] = [];
    let rest = haystack;
    for (const phrase of hintPhrases) {
      if (!rest.includes(phrase.padded)) continue;
      found.push(phrase.target);
      rest = rest.split(phrase.padded).join(' | ');
    }
    const joined = foldJoined(raw);
    for (const s of standalone) if (s.pattern.test(joined)) found.push(s.hint);
    return found;
  }

  function place(type: TypeEntry, raws: string[], haystacks: string[]): Placement {
    if (type.territory) return { territory: territoriesByKey.get(type.territory)!, zones: null, reading: null };
    const overseasOnly = type.overseas === 'required';
    const named = new Set<TerritoryDef>();
    const direct = new Set<TerritoryDef>();
    const towns: Hint[] = [];
    const readings: string[] = [];
    raws.forEach((raw, i) => {
      for (const h of hintsIn(raw, haystacks[i]!)) {
        if (h.kind === 'town') {
          if (overseasOnly) towns.push(h);
          continue;
        }
        for (const t of h.territories) named.add(t);
        if (h.kind === 'name') for (const t of h.territories) direct.add(t);
        if (h.reading !== null && !readings.includes(h.reading)) readings.push(h.reading);
      }
    });
    const allowed = (type.territories ?? []).map((k) => territoriesByKey.get(k)!);
    let candidates: TerritoryDef[];
    if (named.size > 0) {
      candidates = [...named];
      // A town narrows an explicit name (« CGSS Antilles, Sainte-Anne »), never contradicts it.
      for (const town of towns) {
        const narrowed = candidates.filter((t) => town.territories.includes(t));
        if (narrowed.length > 0) candidates = narrowed;
      }
    } else if (towns.length > 0) {
      candidates = allowed.length > 0 ? allowed : file.territories;
      for (const town of towns) {
        const narrowed = candidates.filter((t) => town.territories.includes(t));
        candidates = narrowed.length > 0 ? narrowed : [...new Set([...candidates, ...town.territories])];
      }
      if (candidates.length === 1) readings.push(towns.find((t) => t.territories.includes(candidates[0]!))!.reading!);
    } else if (overseasOnly) {
      candidates = allowed;
    } else {
      return MAINLAND;
    }
    // A served place needs no reading when the name names its territory too (« CGSS Guadeloupe - Saint-Martin »).
    if (candidates.length === 1)
      return {
        territory: candidates[0]!,
        zones: null,
        reading: readings.length > 0 && !direct.has(candidates[0]!) ? readings.join(' ; ') : null,
      };
    const ordered = file.territories.filter((t) => candidates.includes(t));
    return { territory: null, zones: [...new Set(ordered.map((t) => t.timeZone))], reading: null };
  }

  return {
    types: () => file.types,
    recognize(code, name) {
      const raws = [name, code];
      const haystacks = raws.map((raw) => ` ${foldName(raw)} `);
      const hit = firstFound(typePhrases, haystacks);
      if (!hit)
        return {
          organism: null,
          matched: null,
          territoryMissing: false,
          ambiguous: firstFound(vaguePhrases, haystacks)?.target ?? null,
        };
      const type = hit.target;
      const placement = place(type, raws, haystacks);
      const organism: Organism = {
        type: type.key,
        label: type.label,
        timeZone: placement.territory ? placement.territory.timeZone : placement.zones ? null : file.defaultTimeZone,
        territory: placement.territory?.key ?? null,
        networks: [...type.networks],
      };
      if (placement.zones) organism.possibleTimeZones = placement.zones;
      if (placement.reading) organism.placeReading = placement.reading;
      return { organism, matched: hit.padded.trim(), territoryMissing: placement.zones !== null, ambiguous: null };
    },
  };
}

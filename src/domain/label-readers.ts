import type { Reason } from './decision.js';
import {
  type CategoryReading,
  compareFamily,
  type LevelParse,
  type LevelToken,
  parseLevelLabel,
  readCategoryLabel,
  readGridLabel,
  romanOf,
} from './labels.js';

/**
 * What the labels of one offer mean under one rule set, with the reasons saying so. Each distinct
 * label is read once and its outcome kept (a few thousand labels at most: beyond that, the
 * outcome is computed and not kept), so a decision on a label already seen is one Map read.
 */

/** A label seen once is read again only past this many distinct labels. */
const KEPT = 4096;

export const READING = 'lecture : ';

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size < KEPT) cache.set(key, value);
  return value;
}

const readingCache = new WeakMap<Reason, Map<string, Reason>>();

/**
 * The reason with one more reading (French, without the « lecture : » prefix) after its own,
 * built once per reason and reading.
 */
export function withReading(reason: Reason, reading: string): Reason {
  let byReading = readingCache.get(reason);
  if (!byReading) {
    byReading = new Map();
    readingCache.set(reason, byReading);
  }
  let read = byReading.get(reading);
  if (!read) {
    read = Object.freeze({
      ...reason,
      reading: reason.reading ? `${reason.reading} ; ${reading}` : `${READING}${reading}`,
    });
    byReading.set(reading, read);
  }
  return read;
}

/** What a level label means on one régime's grid: in scope, out of it, or undetermined (`null`). */
export interface LevelOutcome {
  inScope: boolean | null;
  reason: Reason;
  /** The grid's labels it was read as (none when it is none of them). */
  labels: readonly string[];
}

export interface LevelGrid {
  heading: string;
  source: string;
  scopeLabel: string;
  knownLevels: readonly string[];
  levels: ReadonlySet<string>;
  lettersAreGroups: boolean;
  intermediateLevelsBelow: number | null;
  /** Whether the grid's labels are letters (groups), for the word a reason uses. */
  groupNoun: boolean;
  knownLevelsText: string;
  /** Added to the reasons finding an offer concerned under this régime (its rule is a reading). */
  inScopeReading: string | null;
}

const frozen = (code: string, message: string, source: string, reading?: string): Reason =>
  Object.freeze(
    reading === undefined ? { code, message, source } : { code, message, source, reading: `${READING}${reading}` },
  );

export function levelNoun(grid: LevelGrid, label: string): string {
  return grid.groupNoun && /^[A-Z]$/.test(label) ? 'groupe' : 'niveau';
}

const orList = (labels: readonly string[]) =>
  labels.length === 1 ? labels[0]! : `${labels.slice(0, -1).join(', ')} ou ${labels[labels.length - 1]}`;

/** The grid's labels one written figure or letter can be; `intermediate` is set when read as an intermediate level. */
function labelsOf(
  grid: LevelGrid,
  known: ReadonlySet<string>,
  romanGrid: boolean,
  token: LevelToken,
  seen: { intermediate: boolean },
): string[] {
  // On a grid of groups, a lone letter is a group (« groupe I »), never a roman figure.
  if (token.letter !== null && (grid.lettersAreGroups || !token.roman))
    return known.has(token.letter) ? [token.letter] : [];
  if (known.has(token.text)) return [token.text];
  if (token.n === null) return [];
  const base = romanGrid ? romanOf(token.n) : String(token.n);
  if (base === null) return [];
  if (token.suffix === '') {
    if (known.has(base)) return [base];
    // « 5 » on the 2024 grid, which has 5A and 5B but no 5: either.
    return romanGrid ? [] : grid.knownLevels.filter((l) => new RegExp(`^${base}[A-Z]+$`).test(l));
  }
  // « 3A », « 5C »: an intermediate level the list does not name, read as one of its level's labels.
  if (romanGrid || grid.intermediateLevelsBelow === null || token.n >= grid.intermediateLevelsBelow) return [];
  seen.intermediate = true;
  return grid.knownLevels.filter((l) => l === base || new RegExp(`^${base}[A-Z]+$`).test(l));
}

/** Every label of the grid a parsed label can be, in grid order; `null` when one part of it is none. */
function candidates(
  grid: LevelGrid,
  known: ReadonlySet<string>,
  romanGrid: boolean,
  parse: LevelParse,
  seen: { intermediate: boolean },
): string[] | null {
  const found = new Set<string>();
  for (const item of parse) {
    const from = labelsOf(grid, known, romanGrid, item.from, seen);
    if (from.length === 0) return null;
    if (item.to === null) {
      for (const l of from) found.add(l);
      continue;
    }
    const to = labelsOf(grid, known, romanGrid, item.to, seen);
    if (to.length === 0) return null;
    const indexes = [...from, ...to].map((l) => grid.knownLevels.indexOf(l));
    for (const l of grid.knownLevels.slice(Math.min(...indexes), Math.max(...indexes) + 1)) found.add(l);
  }
  return grid.knownLevels.filter((l) => found.has(l));
}

/** Level labels of one régime under one text, read once each. */
export class LevelReader {
  private readonly cache = new Map<string, LevelOutcome>();
  private readonly known: ReadonlySet<string>;
  /** The RSI's grid is written in roman figures: « 7 » is VII there. */
  private readonly romanGrid: boolean;

  constructor(private readonly grid: LevelGrid) {
    this.known = new Set(grid.knownLevels);
    this.romanGrid = grid.knownLevels.every((l) => /^[IVX]+$/.test(l));
  }

  /** A label that is not written as one of the grid's own labels (those are read by the rule set directly). */
  read(label: string): LevelOutcome {
    return this.cache.get(label) ?? remember(this.cache, label, this.readOnce(label));
  }

  private readOnce(label: string): LevelOutcome {
    const g = this.grid;
    const parse = parseLevelLabel(label);
    const seen = { intermediate: false };
    const labels = parse === null ? null : candidates(g, this.known, this.romanGrid, parse, seen);
    if (labels === null || labels.length === 0) {
      const message =
        `${g.heading} : « ${label} » n'est pas un niveau de la grille lue par ce texte (` +
        `${g.knownLevelsText}), à vérifier`;
      return { inScope: null, reason: frozen('LEVEL_UNKNOWN', message, g.source), labels: [] };
    }
    const noun = levelNoun(g, labels[0]!);
    const inScope = labels.filter((l) => g.levels.has(l));
    if (inScope.length > 0 && inScope.length < labels.length) {
      const out = labels.filter((l) => !g.levels.has(l));
      const message =
        `${g.heading} : le libellé « ${label} » peut se lire ${noun} ${orList(labels)}, qui ne ` +
        `mènent pas à la même réponse (${orList(inScope)} : concernée ; ${orList(out)} : non ` +
        `concernée), à vérifier`;
      return { inScope: null, reason: frozen('LEVEL_AMBIGUOUS', message, g.source), labels };
    }
    const concerned = inScope.length > 0;
    const message =
      `${g.heading}, ${noun} ${orList(labels)} : ${concerned ? 'concernée' : 'non concernée'} (` + `${g.scopeLabel})`;
    const written = seen.intermediate
      ? `le libellé « ${label} », niveau intermédiaire que la grille du texte ne nomme pas,`
      : `le libellé « ${label} »`;
    const reading =
      labels.length === 1 && !seen.intermediate
        ? `${written} est lu comme le ${noun} ${labels[0]}`
        : `${written} peut se lire ${noun} ${orList(labels)} ; tous ces sens mènent à la même réponse`;
    const full = concerned && g.inScopeReading ? `${reading} ; ${g.inScopeReading}` : reading;
    return {
      inScope: concerned,
      reason: frozen(concerned ? 'LEVEL_IN_SCOPE' : 'LEVEL_OUT_OF_SCOPE', message, g.source, full),
      labels,
    };
  }
}

/** A grid or a job category written in words, and the reading that says how it was read. */
export interface GridRead {
  grid: string;
  reading: string;
}
export interface CategoryRead {
  category: CategoryReading | null;
  reading: string | null;
}

const CATEGORY_NAMES: Record<CategoryReading, string> = {
  AGENT_DE_DIRECTION:
    'agent de direction (art. R. 123-48 : directeur, directeur adjoint, sous-directeur, ' +
    'secrétaire général, directeurs délégués)',
  AGENT_COMPTABLE: 'agent comptable',
  GRID_POST: 'poste classé dans la grille, non comme un agent de direction',
};
const GRID_NAMES: Record<string, string> = {
  RG: 'la grille des employés et cadres du régime général (RG)',
  MSA: 'la grille de la MSA (régime agricole)',
  MINES: 'la grille du régime des mines',
  RS: 'la grille des régimes spéciaux (RS)',
  ARS: 'la grille des ARS',
  RSI: 'la grille du RSI',
};

/** Grids and categories written in words, read once each (they do not depend on the text in force). */
export class WordsReader {
  private readonly grids = new Map<string, GridRead | null>();
  private readonly categories = new Map<string, CategoryRead>();
  private readonly families = new Map<string, 'same' | 'unclear' | 'other'>();

  grid(raw: string): GridRead | null {
    const kept = this.grids.get(raw);
    if (kept !== undefined) return kept;
    const grid = readGridLabel(raw);
    return remember(
      this.grids,
      raw,
      grid === null ? null : { grid, reading: `la grille « ${raw} » est lue comme ${GRID_NAMES[grid]}` },
    );
  }

  category(raw: string): CategoryRead {
    const kept = this.categories.get(raw);
    if (kept !== undefined) return kept;
    const category = readCategoryLabel(raw);
    return remember(this.categories, raw, {
      category,
      reading: category === null ? null : `la catégorie « ${raw} » est lue comme ${CATEGORY_NAMES[category]}`,
    });
  }

  /** A job family against the one a text names (`CHEF_DE_SERVICE`). */
  family(raw: string, named: string): 'same' | 'unclear' | 'other' {
    const key = `${named}\u0000${raw}`;
    return this.families.get(key) ?? remember(this.families, key, compareFamily(raw, named));
  }
}

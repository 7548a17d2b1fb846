/**
 * Labels as recruiters write them, read as a person would: levels and groups ("Niv. VII", "N7",
 * "Cadre niveau 8", "groupe k", "5A/5B"), grids ("employes & cadres", "Régime général") and job
 * categories written as titles ("Directrice adjointe", "dir. adjoint"). Pure and without any
 * knowledge of the law: these functions say what a label can mean; `label-readers.ts` says, per
 * rule set, which of those meanings exist on the grid and whether they lead to one answer.
 */

const stripAccents = (text: string) => text.normalize('NFD').replace(/[\u0300-\u036f]/g, '');

/**
 * Lower case, no accents, inclusive endings dropped: « employé(e) », « adjoint·e », and in words
 * (not in level labels, where « Gr.E » is the group E) « directeur/trice », « adjoint.e ».
 */
function plain(raw: string, loose = true): string {
  const text = stripAccents(raw)
    .toLowerCase()
    .replace(/([a-z])(?:\((?:trice|rice|fe|e|es)\)|·(?:trice|rice|fe|e|es)\b)/g, '$1');
  return loose ? text.replace(/([a-z])[./-](?:trice|rice|fe|e|es)\b/g, '$1') : text;
}

/** Words only: anything but letters and digits separates them. */
const words = (raw: string): string[] => plain(raw).match(/[a-z0-9]+/g) ?? [];

/** Words ending in s or x that are not plurals. */
const NOT_PLURAL = new Set(['sous', 'plus', 'hors', 'dans', 'ucanss']);

/** "cadres" → "cadre", "speciaux" → "special"; short words (RG, ARS) are kept. */
const singular = (word: string): string =>
  NOT_PLURAL.has(word)
    ? word
    : word.endsWith('aux')
      ? `${word.slice(0, -3)}al`
      : word.length > 3 && /[sx]$/.test(word)
        ? word.slice(0, -1)
        : word;

// --- Levels and groups -------------------------------------------------------------------------

/** One figure or letter of a level label, before any grid is known. */
export interface LevelToken {
  /** As written, upper case (`5A`, `VII`, `K`, `SEPT`). */
  text: string;
  /** Its number when it has one: arabic, roman or spelled out. */
  n: number | null;
  /** A subdivision written after the number (`A`, `BIS`), upper case; empty when none. */
  suffix: string;
  /** Written in roman figures. */
  roman: boolean;
  /** The single letter when the token is one letter (a group, or a roman I, V, X). */
  letter: string | null;
}

/** A label: one or more levels (`6/7`, `5A ou 5B`) or ranges (`7 à 9`), every one a possible reading. */
export type LevelParse = readonly { from: LevelToken; to: LevelToken | null }[];

const ROMAN = ['i', 'ii', 'iii', 'iv', 'v', 'vi', 'vii', 'viii', 'ix', 'x', 'xi', 'xii', 'xiii', 'xiv', 'xv'];
const SPELLED: Record<string, number> = {
  un: 1,
  une: 1,
  deux: 2,
  trois: 3,
  quatre: 4,
  cinq: 5,
  six: 6,
  sept: 7,
  huit: 8,
  neuf: 9,
  dix: 10,
};
/** Words around a level that do not change it: the grid, the category in front, "niveau"/"groupe". */
const LEVEL_FILLERS = new Set([
  'niveau',
  'niveaux',
  'niv',
  'nv',
  'nivo',
  'level',
  'groupe',
  'groupes',
  'grp',
  'gr',
  'grille',
  'classification',
  'classe',
  'cadre',
  'cadres',
  'employe',
  'employes',
  'employee',
  'employees',
  'agent',
  'agents',
  'maitrise',
  'technicien',
  'techniciens',
  'technicienne',
  'de',
  'des',
  'du',
  'la',
  'le',
  'les',
  'poste',
  'emploi',
  'rg',
  'regime',
  'general',
  'msa',
]);
/** « l' », « d' »: elided articles before a word, but the groups L and D anywhere else. */
const ELIDED = new Set(['l', 'd']);
/**
 * « NVII », « nivVI »: « N » or « niv » glued to roman figures (two at least, so that « nv » stays
 * a word), split only when one split alone gives them.
 */
function unglued(word: string): string {
  const splits = ['n', 'niv'].filter(
    (p) => word.startsWith(p) && word.length > p.length + 1 && ROMAN.includes(word.slice(p.length)),
  );
  return splits.length === 1 ? word.slice(splits[0]!.length) : word;
}
/** Between two levels: a list of possibilities, or a range. */
const LIST = new Set(['/', ',', '&', 'ou', 'et']);
const RANGE = new Set(['-', 'a', 'au']);
/** Ordinal endings ("7e", "7ème", "1er") are not subdivisions. */
const ORDINAL = new Set(['e', 'eme', 'er', 'ere']);

export const romanOf = (n: number): string | null => (n >= 1 && n <= ROMAN.length ? ROMAN[n - 1]!.toUpperCase() : null);

function levelToken(word: string): LevelToken | null {
  const figure = /^(\d+)([a-z]*)$/.exec(word);
  if (figure) {
    const suffix = ORDINAL.has(figure[2]!) ? '' : figure[2]!.toUpperCase();
    const n = Number.parseInt(figure[1]!, 10);
    return { text: `${n}${suffix}`, n, suffix, roman: false, letter: null };
  }
  const roman = ROMAN.indexOf(word);
  if (roman >= 0)
    return {
      text: word.toUpperCase(),
      n: roman + 1,
      suffix: '',
      roman: true,
      letter: word.length === 1 ? word.toUpperCase() : null,
    };
  if (SPELLED[word] !== undefined)
    return { text: word.toUpperCase(), n: SPELLED[word]!, suffix: '', roman: false, letter: null };
  if (word.length === 1)
    return { text: word.toUpperCase(), n: null, suffix: '', roman: false, letter: word.toUpperCase() };
  return null;
}

/**
 * The levels a label names, or `null` when it holds a word that is neither a level nor one of the
 * words around levels (« niveau 6 minimum », « coef 300 »): such a label is not guessed at.
 */
export function parseLevelLabel(raw: string): LevelParse | null {
  // « 6+ », « ≥ 6 », « > 6 » say more than a level: not guessed at.
  if (/[^\p{L}\p{N}\p{M}\s/,&.°'’()·:_-]/u.test(raw)) return null;
  const all = (plain(raw, false).match(/\d+[a-z]*|[a-z]+|[/,&-]/g) ?? []).map((w) =>
    LEVEL_FILLERS.has(w) || ROMAN.includes(w) ? w : unglued(w),
  );
  // "N7", "N° 7", "N° VII": an N just before a figure is "niveau"; a lone N is the MSA's group N.
  const figureNext = (i: number) =>
    /^\d/.test(all[i + 1] ?? '') || ((all[i + 1] ?? '').length > 1 && ROMAN.includes(all[i + 1]!));
  const kept = all.filter(
    (w, i) =>
      !LEVEL_FILLERS.has(w) &&
      !((w === 'n' || w === 'no') && figureNext(i)) &&
      !(ELIDED.has(w) && LEVEL_FILLERS.has(all[i + 1] ?? '')),
  );
  const items: { from: LevelToken; to: LevelToken | null }[] = [];
  let pending: 'list' | 'range' | null = null;
  for (let i = 0; i < kept.length; i++) {
    const w = kept[i]!;
    const isSeparator = LIST.has(w) || RANGE.has(w);
    // "a" is the range word « à » between two levels, and the group A anywhere else.
    if (isSeparator && (w !== 'a' || (items.length > 0 && i + 1 < kept.length))) {
      if (items.length > 0) pending = RANGE.has(w) ? 'range' : 'list';
      continue;
    }
    // "5 A", "7 bis": a letter right after a figure, ending the label or before a separator, is its subdivision.
    const next = kept[i + 1];
    const endsHere = i + 2 >= kept.length || LIST.has(kept[i + 2]!) || RANGE.has(kept[i + 2]!);
    if (
      /^\d+$/.test(w) &&
      next !== undefined &&
      (next === 'bis' || next === 'ter' || (/^[a-d]$/.test(next) && endsHere))
    ) {
      kept[i + 1] = `${w}${next}`;
      continue;
    }
    const token = levelToken(w);
    if (token === null) return null;
    const last = items[items.length - 1];
    if (pending === 'range' && last && last.to === null) last.to = token;
    else items.push({ from: token, to: null });
    pending = null;
  }
  return items.length > 0 ? items : null;
}

// --- Grids ---------------------------------------------------------------------------------------

type Grid = 'RG' | 'MSA' | 'MINES' | 'RS' | 'ARS' | 'RSI';

const GRID_FILLERS = new Set([
  'grille',
  'classification',
  'de',
  'des',
  'du',
  'la',
  'le',
  'l',
  'd',
  'et',
  'convention',
  'collective',
  'nationale',
  'travail',
  'nouvelle',
  '2024',
]);
/** Per grid: the words it may be written with, and the sets of words that name it on their own. */
const GRID_WORDS: readonly { grid: Grid; allowed: ReadonlySet<string>; names: readonly (readonly string[])[] }[] = [
  {
    grid: 'RG',
    allowed: new Set(['employe', 'cadre', 'regime', 'general', 'rg', 'ccnt', 'ucanss']),
    names: [['employe', 'cadre'], ['regime', 'general'], ['rg']],
  },
  {
    grid: 'MSA',
    allowed: new Set(['regime', 'agricole', 'msa', 'mutualite', 'sociale', 'ra', 'ccn']),
    names: [['msa'], ['regime', 'agricole'], ['mutualite', 'sociale', 'agricole']],
  },
  { grid: 'MINES', allowed: new Set(['regime', 'mine', 'minier', 'canssm']), names: [['mine'], ['minier']] },
  { grid: 'RS', allowed: new Set(['regime', 'special', 'rs']), names: [['regime', 'special'], ['rs']] },
  {
    grid: 'ARS',
    allowed: new Set(['ars', 'agence', 'regionale', 'sante']),
    names: [['ars'], ['agence', 'regionale', 'sante']],
  },
  {
    grid: 'RSI',
    allowed: new Set(['rsi', 'regime', 'social', 'independant']),
    names: [['rsi'], ['social', 'independant']],
  },
];

/** The grid a label names (« Employés et cadres », « employes & cadres », « Régime général »), or `null`. */
export function readGridLabel(raw: string): Grid | null {
  const ws = words(raw)
    .filter((w) => !GRID_FILLERS.has(w))
    .map(singular);
  if (ws.length === 0) return null;
  const found = GRID_WORDS.filter(
    (g) => ws.every((w) => g.allowed.has(w)) && g.names.some((name) => name.every((w) => ws.includes(w))),
  );
  return found.length === 1 ? found[0]!.grid : null;
}

// --- Job categories written as titles -----------------------------------------------------------

export type CategoryReading = 'AGENT_DE_DIRECTION' | 'AGENT_COMPTABLE' | 'GRID_POST';

const CATEGORY_FILLERS = new Set(['de', 'du', 'la', 'le', 'l', 'd', 'des', 'et', 'h', 'f', 'hf', 'poste', 'emploi']);
/** Abbreviations and feminine forms, as one word of the masculine title. */
const TITLE_WORDS: Record<string, string> = {
  directrice: 'directeur',
  dir: 'directeur',
  dirigeante: 'dirigeant',
  adjointe: 'adjoint',
  adj: 'adjoint',
  adjt: 'adjoint',
  generale: 'general',
  gen: 'general',
  gal: 'general',
  deleguee: 'delegue',
  deleg: 'delegue',
  del: 'delegue',
  secr: 'secretaire',
  sec: 'secretaire',
  sousdirecteur: 'sous directeur',
  sousdirectrice: 'sous directeur',
  agente: 'agent',
  comptable: 'comptable',
  financiere: 'financier',
  superieure: 'superieur',
  employee: 'employe',
  technicienne: 'technicien',
};
/**
 * Titles read without doubt. R. 123-48 CSS: « le terme agents de direction s'entend des directeur,
 * directeur adjoint, sous-directeur et secrétaire général, ainsi que des directeurs délégués ».
 * A directeur with a complement (« directeur d'agence », « directeur des ressources humaines »)
 * may be a cadre of the grid; a bare acronym (« DA », « SG ») may mean something else: neither
 * is read.
 */
const CATEGORY_PHRASES: Record<string, CategoryReading> = {
  directeur: 'AGENT_DE_DIRECTION',
  'directeur general': 'AGENT_DE_DIRECTION',
  'directeur adjoint': 'AGENT_DE_DIRECTION',
  'directeur general adjoint': 'AGENT_DE_DIRECTION',
  'sous directeur': 'AGENT_DE_DIRECTION',
  'secretaire general': 'AGENT_DE_DIRECTION',
  'directeur delegue': 'AGENT_DE_DIRECTION',
  'directeur general delegue': 'AGENT_DE_DIRECTION',
  'directeur organisme': 'AGENT_DE_DIRECTION',
  'directeur caisse': 'AGENT_DE_DIRECTION',
  'agent direction': 'AGENT_DE_DIRECTION',
  add: 'AGENT_DE_DIRECTION',
  'agent comptable': 'AGENT_COMPTABLE',
  'directeur comptable financier': 'AGENT_COMPTABLE',
  dcf: 'AGENT_COMPTABLE',
  employe: 'GRID_POST',
  cadre: 'GRID_POST',
  'cadre superieur': 'GRID_POST',
  'agent maitrise': 'GRID_POST',
  technicien: 'GRID_POST',
  'non cadre': 'GRID_POST',
};

/** What a job category written in words is, or `null` when it cannot be told without doubt. */
export function readCategoryLabel(raw: string): CategoryReading | null {
  const all = words(raw);
  // "A.D.D." is ADD.
  const ws =
    all.length > 1 && all.every((w) => w.length === 1) ? [all.join('')] : all.filter((w) => !CATEGORY_FILLERS.has(w));
  const phrase = ws
    .map((w) => TITLE_WORDS[w] ?? TITLE_WORDS[singular(w)] ?? singular(w))
    .map((w) => TITLE_WORDS[w] ?? w)
    .join(' ');
  return CATEGORY_PHRASES[phrase] ?? null;
}

// --- Job families ------------------------------------------------------------------------------

/** A job family as words: `CHEF_DE_SERVICE`, « Chefs de service », « chef de service » → `chef de service`. */
export function familyWords(raw: string): string {
  return words(raw.replace(/_/g, ' '))
    .map(singular)
    .map((w) => (w === 'cheffe' ? 'chef' : w))
    .join(' ');
}

/**
 * How a job family compares with the one a text names: the same words (any case, accents,
 * underscores, plural), other words around them (« Chef de service adjoint »: not told without
 * doubt), or another family.
 */
export function compareFamily(raw: string, named: string): 'same' | 'unclear' | 'other' {
  const a = familyWords(raw);
  const b = familyWords(named);
  if (a === b) return 'same';
  return ` ${a} `.includes(` ${b} `) ? 'unclear' : 'other';
}

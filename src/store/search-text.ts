import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Dialect } from './database.js';

/**
 * Text search that ignores case and accents ("reunion" finds « Réunion », "ETUDES" finds
 * « études »), the same on both databases. The search box's text is folded here in
 * TypeScript; the column's text is folded in SQL:
 * - SQLite: `en3s_fold`, a function registered on each connection (`openSqlite`) that runs
 *   `foldForSearch` itself;
 * - PostgreSQL: `translate` with the table below (built from `foldForSearch`, so it maps each
 *   Latin letter exactly as the TypeScript does), then `lower` for ASCII. No extension
 *   (`unaccent` needs a superuser to create it) and no per-locale behaviour.
 * A `like '%…%'` reads every row of the campaign whatever the column, so no index is built.
 */

/** One character, lower case already, without its diacritics. */
function foldCharacter(character: string): string {
  return character.normalize('NFD').replace(/\p{Mn}/gu, '');
}

const foldedCharacters = new Map<string, string>();

function foldedCharacter(character: string): string {
  let folded = foldedCharacters.get(character);
  if (folded === undefined) {
    folded = foldCharacter(character);
    // Bounded: a hostile text could otherwise fill it with every code point.
    if (foldedCharacters.size < 10_000) foldedCharacters.set(character, folded);
  }
  return folded;
}

/**
 * Lower case, without diacritics: « Île-de-France » → "ile-de-france". Character by character
 * (ASCII as is), which is what normalising the whole text would give and, on SQLite where this
 * runs for every row searched, a third faster.
 */
export function foldForSearch(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the class is every non-ASCII character
  return text.toLowerCase().replace(/[^\x00-\x7f]/g, foldedCharacter);
}

/** The name of the SQLite function registered on every connection. */
export const SQLITE_FOLD_FUNCTION = 'en3s_fold';

/** Latin-1 Supplement, Latin Extended-A and B, Latin Extended Additional: French and beyond. */
const LATIN_RANGES: [number, number][] = [
  [0x00c0, 0x024f],
  [0x1e00, 0x1eff],
];

function translateTable(): { from: string; to: string } {
  let from = '';
  let to = '';
  for (const [first, last] of LATIN_RANGES) {
    for (let code = first; code <= last; code++) {
      const letter = String.fromCodePoint(code);
      const folded = foldForSearch(letter);
      // translate() maps one character to one; longer foldings (none in these ranges) would differ.
      if (folded !== letter && [...folded].length === 1) {
        from += letter;
        to += folded;
      }
    }
  }
  return { from, to };
}

const TABLE = translateTable();

/** `text` folded by the database as `foldForSearch` folds in TypeScript. */
export function foldedSql(dialect: Dialect, text: Expression<string> | RawBuilder<unknown>): RawBuilder<string> {
  if (dialect === 'postgres') return sql<string>`lower(translate(${text}, ${TABLE.from}, ${TABLE.to}))`;
  return sql<string>`${sql.raw(SQLITE_FOLD_FUNCTION)}(${text})`;
}

/** The `like` pattern that finds `text` anywhere in a folded column (escape character `\`). */
export function foldedLikePattern(text: string): string {
  return `%${foldForSearch(text).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

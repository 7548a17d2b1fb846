import { IANAZone } from 'luxon';
import { UsageError } from './output.js';

/**
 * The one reading of an instant typed on the command line (`evaluate --at`, `demo --at`,
 * `sandbox serve --clock`, `sandbox clock --set`), so that every command reads it alike:
 *
 * - with an offset or `Z` (`2027-02-01T10:00:00+01:00`, `…Z`): that instant;
 * - without one (`2027-04-30T23:30`): legal time in Paris, summer time included, whatever the
 *   machine's time zone. A time that does not exist in Paris (the spring-forward hour) or that
 *   exists twice (the fall-back hour) is refused: the administrator gives the offset;
 * - a date alone (`2027-01-01`): midnight, Paris time, at the start of that day;
 * - an impossible date or time (`2027-02-30`, `2027-13-01`, `24:30`, offset `+25:00`) is refused,
 *   never rolled over to another day as `Date.parse` would (`2027-02-30` → 2 March).
 *
 * Bad input is a `UsageError` naming the option and the value, in French.
 */

const PARIS = 'Europe/Paris';

/** What every `--help` of an instant option says of it (French: administrators read it). */
export const INSTANT_HELP =
  'ISO 8601 ; sans décalage, heure légale de Paris (ex. 2027-04-30T23:30) ; une date seule : minuit, heure de Paris';

const SYNTAX = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/;

const MONTHS = [
  'janvier',
  'février',
  'mars',
  'avril',
  'mai',
  'juin',
  'juillet',
  'août',
  'septembre',
  'octobre',
  'novembre',
  'décembre',
];

const pad = (n: number): string => String(n).padStart(2, '0');

function daysInMonth(year: number, month: number): number {
  if (month !== 2) return [4, 6, 9, 11].includes(month) ? 30 : 31;
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
}

/** `+02:00` for 120 minutes. */
function showOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/** Why the fields cannot be a date and time, in French (`date impossible … : why`); null when they can. */
function impossibility(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
): [what: string, why: string] | null {
  if (month < 1 || month > 12) return ['date', `le mois ${pad(month)} n'existe pas (de 01 à 12)`];
  const days = daysInMonth(year, month);
  if (day < 1) return ['date', `le jour ${pad(day)} n'existe pas`];
  if (day > days) return ['date', `${MONTHS[month - 1]} ${year} n'a que ${days} jours`];
  if (hour > 23 || minute > 59)
    return ['heure', `${pad(hour)}:${pad(minute)} n'existe pas (de 00:00 à 23:59 ; minuit est 00:00 le lendemain)`];
  if (second > 59) return ['heure', `la seconde ${pad(second)} n'existe pas (de 00 à 59)`];
  return null;
}

/**
 * The instants at which Paris clocks show this wall time: none in the spring-forward gap, two in
 * the fall-back overlap, one otherwise. `wallMs` is the wall time read as if it were UTC.
 */
function parisInstants(wallMs: number): number[] {
  const zone = IANAZone.create(PARIS);
  const day = 86_400_000;
  // Paris has had at most two offsets within a day of any instant.
  const offsets = new Set([zone.offset(wallMs - day), zone.offset(wallMs), zone.offset(wallMs + day)]);
  return [...offsets]
    .map((offset) => wallMs - offset * 60_000)
    .filter((ms) => zone.offset(ms) === (wallMs - ms) / 60_000)
    .sort((a, b) => a - b);
}

/** The instant an option gives, or `undefined` when it was not given. */
export function parseInstantOption(text: string | undefined, option: string): Date | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  const m = SYNTAX.exec(value);
  if (!m) {
    throw new UsageError(
      `${option} : instant ISO 8601 attendu (ex. 2027-02-01T10:00:00+01:00, ou 2027-02-01T10:00 ` +
        `à l'heure de Paris, ou une date 2027-02-01), reçu « ${text} »`,
    );
  }
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => Number(x ?? 0)) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const millis = m[7] === undefined ? 0 : Number(m[7].slice(0, 3).padEnd(3, '0'));
  const why = impossibility(year, month, day, hour, minute, second);
  if (why) throw new UsageError(`${option} : ${why[0]} impossible dans « ${text} » : ${why[1]}`);
  const wallMs = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  // Date.UTC reads years 0–99 as 1900–1999.
  const wall = new Date(wallMs);
  wall.setUTCFullYear(year);
  const zone = m[8];
  if (zone !== undefined) {
    if (zone === 'Z') return wall;
    const digits = zone.slice(1).replace(':', '');
    const [hh, mm] = [Number(digits.slice(0, 2)), Number(digits.slice(2) || '0')];
    if (hh > 23 || mm > 59)
      throw new UsageError(`${option} : décalage impossible « ${zone} » dans « ${text} » (de -23:59 à +23:59)`);
    const offset = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
    return new Date(wall.getTime() - offset * 60_000);
  }
  const instants = parisInstants(wall.getTime());
  if (instants.length === 1) return new Date(instants[0]!);
  const shown = `${year}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}`;
  if (instants.length === 0) {
    throw new UsageError(
      `${option} : « ${text} » n'existe pas à l'heure de Paris (passage à l'heure d'été, les ` +
        `horloges sautent cette heure) ; précisez le décalage, ex. ${shown}+01:00`,
    );
  }
  const offsets = instants.map((ms) => showOffset((wall.getTime() - ms) / 60_000));
  throw new UsageError(
    `${option} : « ${text} » existe deux fois à l'heure de Paris (passage à l'heure d'hiver) ; ` +
      `précisez le décalage : ${shown}${offsets[0]} (la première) ou ${shown}${offsets[1]} (la seconde)`,
  );
}

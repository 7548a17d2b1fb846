import { DateTime } from 'luxon';
import { escapeHtml } from '../html-escape.js';

/**
 * The shape of an e-mail written by the connector: a few blocks (paragraphs, numbered steps, a
 * short table of facts), rendered once as plain text and once as simple HTML from the same
 * blocks, so the two versions can never say different things. Every value is escaped in the
 * HTML version: job titles and body names come from the ATS and are not trusted.
 */

export type MailBlock =
  | { kind: 'paragraph'; text: string }
  | { kind: 'steps'; items: readonly string[] }
  | { kind: 'facts'; rows: readonly (readonly [label: string, value: string])[] };

export interface ComposedMail {
  subject: string;
  text: string;
  html: string;
}

export function paragraph(text: string): MailBlock {
  return { kind: 'paragraph', text };
}

/** A block kind this file does not render: a compile error, since every kind is handled above. */
function unknownBlock(block: never): never {
  throw new TypeError(`mail block of unknown kind: ${JSON.stringify(block)}`);
}

/** Plain text: paragraphs separated by a blank line, steps numbered, facts as `label : value`. */
export function renderText(blocks: readonly MailBlock[]): string {
  const parts = blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
        return block.text;
      case 'steps':
        return block.items.map((item, i) => `${i + 1}. ${item}`).join('\n');
      case 'facts':
        return block.rows.map(([label, value]) => `${label} : ${value}`).join('\n');
      default:
        return unknownBlock(block);
    }
  });
  return `${parts.join('\n\n')}\n`;
}

/** Simple HTML (no images, no links, no styles a mail client would strip), every value escaped. */
export function renderHtml(subject: string, blocks: readonly MailBlock[]): string {
  const factRow = ([label, value]: readonly [string, string]) =>
    `<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`;
  const body = blocks.map((block) => {
    switch (block.kind) {
      case 'paragraph':
        return `<p>${escapeHtml(block.text)}</p>`;
      case 'steps':
        return `<ol>\n${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('\n')}\n</ol>`;
      case 'facts':
        return `<table>\n${block.rows.map(factRow).join('\n')}\n</table>`;
      default:
        return unknownBlock(block);
    }
  });
  return [
    '<!DOCTYPE html>',
    '<html lang="fr">',
    `<head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

export function composeMail(subject: string, blocks: readonly MailBlock[]): ComposedMail {
  return { subject, text: renderText(blocks), html: renderHtml(subject, blocks) };
}

// ---- French dates -------------------------------------------------------------------------

export const PARIS = 'Europe/Paris';

/** How a recruiter names the legal time of the bodies' zones (docs/domain.md#legal-time-of-the-window). */
const zoneNames: Record<string, string> = {
  'Europe/Paris': 'heure de Paris',
  'America/Guadeloupe': 'heure de la Guadeloupe',
  'America/Martinique': 'heure de la Martinique',
  'America/Cayenne': 'heure de la Guyane',
  'Indian/Reunion': 'heure de La Réunion',
  'Indian/Mayotte': 'heure de Mayotte',
};

export function zoneName(zone: string): string {
  return zoneNames[zone] ?? `heure locale (${zone})`;
}

function local(instant: string, zone: string, what: string): DateTime {
  const dt = DateTime.fromISO(instant, { setZone: true }).setZone(zone).setLocale('fr');
  // A date that cannot be read is a bug of the caller (the workflow stores ISO instants).
  if (!dt.isValid)
    throw new TypeError(
      `${what}: expected an ISO-8601 instant and a known time zone, got ${JSON.stringify(instant)} ` +
        `in ${JSON.stringify(zone)}`,
    );
  return dt;
}

/** `05/01/2027 à 09:00` in the zone. */
export function frenchDateTime(instant: string, zone: string, what = 'date'): string {
  return local(instant, zone, what).toFormat("dd/LL/yyyy 'à' HH:mm");
}

/** `05/01/2027` in the zone. */
export function frenchShortDate(instant: string, zone: string, what = 'date'): string {
  return local(instant, zone, what).toFormat('dd/LL/yyyy');
}

/**
 * The last day of a window whose end is exclusive (`decision.window.end`, midnight after
 * 30 April in the body's zone), written out: `vendredi 30 avril 2027`; `1er` on a first day.
 */
export function frenchLastDay(exclusiveEnd: string, zone: string, what = 'window end'): string {
  const last = local(exclusiveEnd, zone, what).minus({ milliseconds: 1 });
  const day = last.day === 1 ? '1er' : String(last.day);
  return `${last.toFormat('cccc')} ${day} ${last.toFormat('LLLL yyyy')}`;
}

/** Whole days from one instant to a later one (0 when less than a day). */
export function wholeDays(from: string, to: string): number {
  return Math.max(0, Math.floor((Date.parse(to) - Date.parse(from)) / 86_400_000));
}

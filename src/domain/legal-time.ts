import type { Reason } from './decision.js';
import { READING, withReading } from './label-readers.js';
import type { Organism } from './offer.js';
import { type CompiledRuleSet, type RuleSets, windowReason } from './rulesets.js';
import { type CampaignWindow, type WindowCalendar, frenchDate } from './window.js';

/**
 * The legal time a body's window is counted in, and what a decision says of it
 * (docs/domain.md#legal-time-of-the-window: "the window is in the body's own legal time"; reading BODY_LEGAL_TIME and
 * OVERSEAS_TERRITORY of `readings.ts`). A body that cannot be placed is never given Paris time: its window spans every
 * legal time it may be in, from the first to open to the last to close, so that enforcement neither starts late nor
 * stops early wherever it really is; the decision is undetermined.
 */

export const PARIS = 'Europe/Paris';

/**
 * The legal times of the overseas bodies the instruction names (mention Outre-mer: the CGSS of
 * Guadeloupe, Martinique, La Réunion and Guyane, the CSS de Mayotte). Used for a body stored
 * before `possibleTimeZones` existed, which could only be a CGSS without its island.
 */
export const OUTRE_MER_ZONES: readonly string[] = Object.freeze([
  'America/Guadeloupe',
  'America/Martinique',
  'America/Cayenne',
  'Indian/Reunion',
  'Indian/Mayotte',
]);

/** The zones a body that cannot be placed may be in; `null` when it is placed (or unknown: Paris). */
function possibleZones(organism: Organism | null): readonly string[] | null {
  if (organism === null || organism.timeZone !== null) return null;
  return organism.possibleTimeZones?.length ? organism.possibleTimeZones : OUTRE_MER_ZONES;
}

/** The window of the instant's campaign in the body's legal time, or spanning its possible ones. */
export function legalWindow(calendar: WindowCalendar, instantMs: number, organism: Organism | null): CampaignWindow {
  const zones = possibleZones(organism);
  return zones === null
    ? calendar.windowAt(instantMs, organism?.timeZone ?? PARIS)
    : calendar.spanningAt(instantMs, zones);
}

const zoneReadings = new Map<string, string>();

/**
 * The reading a window rests on: the texts give days, not a time zone; they are counted in the
 * body's legal time (`readings.ts`, BODY_LEGAL_TIME), Paris time in mainland France included.
 */
function legalTimeReading(ruleSets: RuleSets, timeZone: string, organism: Organism | null): string | null {
  if (organism === null)
    return "organisme non reconnu : période comptée à l'heure de Paris, faute de connaître son heure légale";
  const place = organism.placeReading;
  if (place !== undefined)
    return `${place} ; la période est à l'heure de l'organisme : ${ruleSets.zoneLabel(timeZone)}`;
  const label = ruleSets.zoneLabel(timeZone);
  let reading = zoneReadings.get(label);
  if (reading === undefined) {
    reading = `la période est à l'heure légale de l'organisme : ${label}`;
    zoneReadings.set(label, reading);
  }
  return reading;
}

/** The window reason, with the reading of the legal time it is counted in. */
export function legalWindowReason(
  ruleSets: RuleSets,
  rs: CompiledRuleSet,
  window: CampaignWindow,
  open: boolean,
  organism: Organism | null,
): Reason {
  if (window.opensIn !== undefined) return spanningWindowReason(ruleSets, rs, window, open);
  const reason = windowReason(ruleSets, rs, window, open);
  const reading = legalTimeReading(ruleSets, window.view.timeZone, organism);
  return reading === null ? reason : withReading(reason, reading);
}

function spanningWindowReason(ruleSets: RuleSets, rs: CompiledRuleSet, window: CampaignWindow, open: boolean): Reason {
  const cached = open ? window.reasons.open : window.reasons.closed;
  if (cached) return cached;
  const opening = ruleSets.zoneLabel(window.opensIn!);
  const closing = ruleSets.zoneLabel(window.view.timeZone);
  const span =
    `du ${frenchDate(window.startMs, window.opensIn!)}, ${opening}, au ` +
    `${frenchDate(window.endMs - 1, window.view.timeZone)}, ${closing}`;
  const { campaign } = window.view;
  const reason: Reason = Object.freeze({
    code: open ? 'WINDOW_OPEN' : 'WINDOW_CLOSED',
    message: open
      ? `Période EN3S ${campaign} en cours dans au moins un des territoires possibles de l'organisme (${span})`
      : `Hors période EN3S dans tous les territoires possibles de l'organisme (période ${campaign} : ${span})`,
    source: rs.windowSource,
    reading:
      `${READING}territoire de l'organisme non reconnu, donc son heure légale inconnue : la ` +
      `période n'est pas comptée à l'heure de Paris ` +
      `mais de son début le plus tôt (${opening}) à sa fin la plus tardive (${closing}) parmi ` +
      `les territoires possibles, ` +
      `pour ne jamais l'ouvrir trop tard ni la fermer trop tôt là où l'organisme se trouve`,
  });
  if (open) window.reasons.open = reason;
  else window.reasons.closed = reason;
  return reason;
}

const territoryUnknown = new Map<string, Reason>();

/** Why a body that must be placed overseas, and could not be, leaves the decision undetermined. */
export function territoryUnknownReason(ruleSets: RuleSets, organism: Organism): Reason {
  const zones = possibleZones(organism) ?? OUTRE_MER_ZONES;
  const key = `${organism.label}\u0000${zones.join(' ')}`;
  let reason = territoryUnknown.get(key);
  if (!reason) {
    const labels = zones.map((z) => ruleSets.zoneLabel(z));
    const possible = labels.length > 1 ? `${labels.slice(0, -1).join(', ')} ou ${labels.at(-1)}` : labels[0];
    reason = Object.freeze({
      code: 'TERRITORY_UNKNOWN',
      message:
        `${organism.label} sans territoire reconnu : heure légale inconnue (${possible}), à ` +
        `vérifier ; période comptée sur tous ces territoires, jamais à l'heure de Paris`,
      source: 'mappings/organismes.yaml',
    });
    territoryUnknown.set(key, reason);
  }
  return reason;
}

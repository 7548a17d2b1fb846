import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/eligibility.js';
import { OUTRE_MER_ZONES } from '../../../src/domain/legal-time.js';
import { data, decide, offerOf } from '../../support/domain.js';

/**
 * The window of an overseas body, in its own legal time (docs/domain.md#legal-time-of-the-window: "The window is in the
 * body's own legal time … An overseas body whose territory cannot be read is undetermined, and its window must never be
 * computed in Paris time"). The window is 1 January → 30 April (Instruction DSS/4B/2026/34 §1.1 and §1.2), which
 * applies to the CGSS of Guadeloupe, Martinique, La Réunion, Guyane and to the CSS de Mayotte (mention Outre-mer).
 */
type Spec = Parameters<typeof decide>[0];
type Row = [proves: string, spec: Spec, at: string, expected: { open: boolean; concerned: boolean | null }];

const rg8 = (orgName: string): Spec => ({ orgName, grid: 'RG', level: '8' });

const placed: Row[] = [
  [
    'legal time: 30 April 23:30 in Pointe-à-Pitre is inside, though 1 May 05:30 in Paris',
    rg8('CGSS de la Guadeloupe - Pointe-à-Pitre'),
    '2027-04-30T23:30:00-04:00',
    { open: true, concerned: true },
  ],
  [
    'the same instant for a body in Paris is outside',
    rg8('CPAM de Paris'),
    '2027-04-30T23:30:00-04:00',
    { open: false, concerned: true },
  ],
  [
    'legal time: 1 May 00:30 in Saint-Denis de La Réunion is outside, though 30 April 22:30 in Paris',
    rg8('CGSS de La Réunion - Saint-Denis'),
    '2027-05-01T00:30:00+04:00',
    { open: false, concerned: true },
  ],
  [
    'a CAF de La Réunion closes on Réunion time too, not Paris time',
    rg8('CAF de La Réunion'),
    '2027-05-01T00:30:00+04:00',
    { open: false, concerned: true },
  ],
  [
    'a CAF de la Guadeloupe is open until midnight in Guadeloupe',
    rg8('CAF de la Guadeloupe'),
    '2027-04-30T23:30:00-04:00',
    { open: true, concerned: true },
  ],
  [
    'Saint-Martin, served by the CGSS de Guadeloupe: 30 April 23:30 local is inside',
    rg8('CGSS Saint-Martin'),
    '2027-04-30T23:30:00-04:00',
    { open: true, concerned: true },
  ],
  [
    'Saint-Barthélemy idem for its CAF',
    rg8('CAF - antenne de Saint-Barthélemy'),
    '2027-04-30T23:59:00-04:00',
    { open: true, concerned: true },
  ],
  [
    'Marie-Galante is Guadeloupe',
    rg8('CGSS Marie-Galante'),
    '2027-04-30T23:30:00-04:00',
    { open: true, concerned: true },
  ],
  [
    'Martinique: Fort-de-France 30 April 23:59 local is inside',
    rg8('CGSS Fort-de-France'),
    '2027-04-30T23:59:00-04:00',
    { open: true, concerned: true },
  ],
  [
    'Guyane: Kourou 30 April 23:30 local is inside',
    rg8('CGSS de la Guyane - Kourou'),
    '2027-04-30T23:30:00-03:00',
    { open: true, concerned: true },
  ],
  [
    'Guyane: Saint-Laurent-du-Maroni 1 May 00:00 local is outside',
    rg8('CGSS Saint-Laurent-du-Maroni'),
    '2027-05-01T00:00:00-03:00',
    { open: false, concerned: true },
  ],
  [
    'La Réunion: Saint-Paul 1 January 00:00 local is inside, still 31 December in Paris',
    rg8('CGSS Saint-Paul'),
    '2027-01-01T00:00:00+04:00',
    { open: true, concerned: true },
  ],
  [
    'La Réunion: Le Port 31 December 23:59 local is before the window',
    rg8('CGSS - agence du Port'),
    '2026-12-31T23:59:00+04:00',
    { open: false, concerned: true },
  ],
  [
    'Mayotte: Dzaoudzi 1 May 00:00 local is outside',
    rg8('CSS de Mayotte - Dzaoudzi'),
    '2027-05-01T00:00:00+03:00',
    { open: false, concerned: true },
  ],
  [
    'the ARS of Guadeloupe, Saint-Martin et Saint-Barthélemy: 1 January 00:00 in Paris is still 31 December there',
    { orgName: 'ARS de Guadeloupe, Saint-Martin et Saint-Barthélemy', grid: 'ARS', level: '8' },
    '2027-01-01T00:00:00+01:00',
    { open: false, concerned: true },
  ],
];

/** Cannot be placed: undetermined, and its window spans every zone it may be in (here the four CGSS territories). */
const unplaced: Row[] = [
  [
    'a CGSS without its island at 30 April 23:30 in the Antilles: still open, never closed early',
    rg8('CGSS'),
    '2027-04-30T23:30:00-04:00',
    { open: true, concerned: null },
  ],
  [
    '… and at 1 May 00:00 in the Antilles it is closed everywhere',
    rg8('CGSS'),
    '2027-05-01T00:00:00-04:00',
    { open: false, concerned: null },
  ],
  [
    '… at 1 January 00:00 in La Réunion it is already open, never opened late',
    rg8('CGSS'),
    '2027-01-01T00:00:00+04:00',
    { open: true, concerned: null },
  ],
  [
    '… at 31 December 23:59 in La Réunion it is not yet open anywhere',
    rg8('CGSS'),
    '2026-12-31T23:59:00+04:00',
    { open: false, concerned: null },
  ],
  [
    '… at 1 May 02:00 in Paris (Paris time would say closed) it is open',
    rg8('Caisse générale de sécurité sociale'),
    '2027-05-01T02:00:00+02:00',
    { open: true, concerned: null },
  ],
  [
    'a CGSS of Saint-Pierre (Martinique or La Réunion) at 1 May 00:30 in La Réunion: open in Martinique',
    rg8('CGSS Saint-Pierre'),
    '2027-05-01T00:30:00+04:00',
    { open: true, concerned: null },
  ],
  [
    'a DRSM Antilles-Guyane at 1 May 00:30 in Cayenne: still 30 April in the Antilles',
    rg8('DRSM Antilles-Guyane'),
    '2027-05-01T00:30:00-03:00',
    { open: true, concerned: null },
  ],
  [
    'a CAF Océan Indien at 1 May 00:30 in La Réunion: still 30 April in Mayotte',
    rg8('CAF Océan Indien'),
    '2027-05-01T00:30:00+04:00',
    { open: true, concerned: null },
  ],
  [
    'a CGSS without its island, level 3: not concerned whatever its territory',
    { orgName: 'CGSS', grid: 'RG', level: '3' },
    '2027-02-01T12:00:00Z',
    { open: true, concerned: false },
  ],
];

describe('eligibility: an overseas body’s window is in its own legal time', () => {
  it.each(placed)('%s', (_proves, spec, at, { open, concerned }) => {
    const d = decide(spec, at);
    expect(d.windowOpen).toBe(open);
    expect(d.concerned).toBe(concerned);
    expect(d.requiresEn3sApproval).toBe(concerned === true && open);
    expect(d.missing).toEqual([]);
  });

  it('the window reason says the reading it rests on, and which territory a served place belongs to', () => {
    const reunion = decide(rg8('CAF de La Réunion'), '2027-02-01T12:00:00Z');
    expect(reunion.reasons.at(-1)).toMatchObject({
      code: 'WINDOW_OPEN',
      reading: "lecture : la période est à l'heure légale de l'organisme : heure de La Réunion",
    });
    const saintMartin = decide(rg8('CGSS Saint-Martin'), '2027-02-01T12:00:00Z').reasons.at(-1)!;
    expect(saintMartin.message).toBe('Période EN3S 2027 en cours (du 01/01/2027 au 30/04/2027, heure de Guadeloupe)');
    expect(saintMartin.reading).toBe(
      'lecture : Saint-Martin est servi par les organismes de Guadeloupe (CGSS, CAF, ARS de ' +
        "Guadeloupe, Saint-Martin et Saint-Barthélemy) ; la période est à l'heure de l'organisme : " +
        'heure de Guadeloupe',
    );
  });
});

describe('eligibility: an overseas body that cannot be placed is undetermined, never in Paris time', () => {
  it.each(unplaced)('%s', (_proves, spec, at, { open, concerned }) => {
    const d = decide(spec, at);
    expect(d.windowOpen).toBe(open);
    expect(d.concerned).toBe(concerned);
    expect(d.requiresEn3sApproval).toBe(concerned === null ? (open ? null : false) : concerned && open);
    expect(d.window.timeZone).not.toBe('Europe/Paris');
    if (concerned === null) {
      expect(d.missing).toContain('organism.territory');
      expect(d.reasons.map((r) => r.code)).toEqual([
        'LEVEL_IN_SCOPE',
        'TERRITORY_UNKNOWN',
        open ? 'WINDOW_OPEN' : 'WINDOW_CLOSED',
      ]);
    }
  });

  it('its window runs from the first zone to open (La Réunion) to the last to close (the Antilles)', () => {
    const d = decide(rg8('CGSS'), '2027-02-01T12:00:00Z');
    expect(d.window).toEqual({
      campaign: 2027,
      start: '2027-01-01T00:00:00.000+04:00',
      end: '2027-05-01T00:00:00.000-04:00',
      timeZone: 'America/Guadeloupe',
    });
  });

  it('says so in French, with the reading it rests on, and no longer claims Paris time', () => {
    const [, territory, window] = decide(rg8('CGSS'), '2027-02-01T12:00:00Z').reasons;
    expect(territory).toEqual({
      code: 'TERRITORY_UNKNOWN',
      message:
        'Caisse générale de sécurité sociale sans territoire reconnu : heure légale inconnue ' +
        '(heure de Guadeloupe, heure de Martinique, heure de Guyane ou heure de La Réunion), à ' +
        "vérifier ; période comptée sur tous ces territoires, jamais à l'heure de Paris",
      source: 'mappings/organismes.yaml',
    });
    expect(window!.message).toBe(
      "Période EN3S 2027 en cours dans au moins un des territoires possibles de l'organisme (du " +
        '01/01/2027, heure de La Réunion, au 30/04/2027, heure de Guadeloupe)',
    );
    expect(window!.source).toBe('Instruction DSS/4B/2026/34 §1.1 et §1.2');
    expect(window!.reading).toMatch(
      /^lecture : territoire de l'organisme non reconnu.*n'est pas comptée à l'heure de Paris/,
    );
  });

  it('a body stored before its possible zones were recorded spans the zones of the mention Outre-mer', () => {
    const offer = offerOf(rg8('CGSS'));
    const { possibleTimeZones: _dropped, ...stored } = offer.organism!;
    const d = evaluate({ ...offer, organism: stored }, Date.parse('2027-05-01T03:30:00Z'), data.ruleSets);
    expect(d.windowOpen).toBe(true);
    expect(d.concerned).toBeNull();
    expect(d.window.start).toBe('2027-01-01T00:00:00.000+04:00');
    expect(d.window.end).toBe('2027-05-01T00:00:00.000-04:00');
  });

  it('is open exactly when the window is open in at least one zone it may be in', () => {
    const offer = offerOf(rg8('CGSS'));
    const zones = offer.organism!.possibleTimeZones!;
    const instruction = data.ruleSets.list.find((rs) => rs.id === 'DSS/4B/2026/34')!;
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2027, 0, 1), max: Date.UTC(2035, 0, 1) }),
        fc.constantFrom(0, 1),
        (ms, nearEdge) => {
          // Half the instants within a day of a window edge, where the zones disagree.
          const year = new Date(ms).getUTCFullYear();
          const at = nearEdge ? Date.UTC(year, ms % 2 === 0 ? 0 : 4, 1) + ((ms % 172_800_000) - 86_400_000) : ms;
          const inSome = zones.some((zone) => {
            const w = instruction.calendar.windowAt(at, zone);
            return at >= w.startMs && at < w.endMs;
          });
          expect(evaluate(offer, at, data.ruleSets).windowOpen).toBe(inSome);
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('the fallback zones are the mention Outre-mer’s, and none is Paris', () => {
    expect(OUTRE_MER_ZONES).not.toContain('Europe/Paris');
  });
});

describe('eligibility: overseas bodies outside the texts keep their own legal time', () => {
  it('the CAFAT is not concerned, its window in Nouméa time', () => {
    const d = decide(rg8('CAFAT'), '2027-02-01T12:00:00Z');
    expect(d.concerned).toBe(false);
    expect(d.window.timeZone).toBe('Pacific/Noumea');
  });

  it('the CPS de Saint-Pierre-et-Miquelon is not concerned, in Miquelon time', () => {
    const d = decide(rg8('CPS de Saint-Pierre-et-Miquelon'), '2027-02-01T12:00:00Z');
    expect(d.concerned).toBe(false);
    expect(d.window.timeZone).toBe('America/Miquelon');
  });
});

import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { OUTRE_MER_ZONES } from '../../../src/domain/legal-time.js';
import { data } from '../../support/domain.js';

/**
 * Every territory an overseas body serves, for any body type (docs/domain.md#legal-time-of-the-window: "Know every
 * territory an overseas body serves, not only its main island"). The instruction DSS/4B/2026/34 (mention Outre-mer)
 * names the CGSS of Guadeloupe, Martinique, La Réunion and Guyane and the CSS de Mayotte; in the DOM the CAF, URSSAF
 * and ARS exist beside the CGSS and are placed the same way.
 */
type Row = [name: string, type: string, territory: string | null, proves: string];

const zoneOf: Record<string, string> = {
  GUADELOUPE: 'America/Guadeloupe',
  MARTINIQUE: 'America/Martinique',
  GUYANE: 'America/Cayenne',
  REUNION: 'Indian/Reunion',
  MAYOTTE: 'Indian/Mayotte',
};

const placed: Row[] = [
  ['CGSS de la Guadeloupe', 'CGSS', 'GUADELOUPE', 'the main island'],
  ['CGSS Guadeloupe - antenne de Saint-Martin', 'CGSS', 'GUADELOUPE', 'Saint-Martin named with its caisse'],
  ['CGSS Saint-Martin', 'CGSS', 'GUADELOUPE', 'Saint-Martin alone: served by the CGSS de Guadeloupe'],
  ['CGSS - agence de Saint-Barthélemy', 'CGSS', 'GUADELOUPE', 'Saint-Barthélemy: idem'],
  ['CAF de Saint-Martin', 'CAF', 'GUADELOUPE', 'a CAF naming Saint-Martin is the CAF de la Guadeloupe’s'],
  ['CGSS Marie-Galante', 'CGSS', 'GUADELOUPE', 'an island of the Guadeloupe archipelago'],
  ['CGSS - antenne des Saintes', 'CGSS', 'GUADELOUPE', 'les Saintes'],
  ['CGSS La Désirade', 'CGSS', 'GUADELOUPE', 'La Désirade'],
  ['CGSS Basse-Terre', 'CGSS', 'GUADELOUPE', 'the prefecture of Guadeloupe'],
  ['Caisse générale de sécurité sociale - Pointe-à-Pitre', 'CGSS', 'GUADELOUPE', 'its seat'],
  ['ARS de Guadeloupe, Saint-Martin et Saint-Barthélemy', 'ARS', 'GUADELOUPE', 'the ARS serving the three'],
  ['CAF de la Guadeloupe', 'CAF', 'GUADELOUPE', 'a CAF, not only a CGSS'],
  ['CGSS Fort-de-France', 'CGSS', 'MARTINIQUE', 'Martinique by its seat'],
  ['CGSS Schœlcher', 'CGSS', 'MARTINIQUE', 'with the ligature'],
  ['CAF de la Martinique', 'CAF', 'MARTINIQUE', 'a CAF of Martinique'],
  ['CGSS - agence du Robert', 'CGSS', 'MARTINIQUE', 'a town of Martinique, read for a CGSS'],
  ['CGSS de la Guyane - Kourou', 'CGSS', 'GUYANE', 'Guyane'],
  ['CGSS Saint-Laurent-du-Maroni', 'CGSS', 'GUYANE', 'the town in full, not Saint-Laurent elsewhere'],
  ['Caf de la Guyane', 'CAF', 'GUYANE', 'a CAF of Guyane'],
  ['URSSAF Cayenne', 'URSSAF', 'GUYANE', 'any body type naming Cayenne'],
  ['CGSS de La Réunion - Saint-Denis', 'CGSS', 'REUNION', 'La Réunion'],
  ['CGSS Saint-Paul', 'CGSS', 'REUNION', 'Saint-Paul: of all CGSS territories, only in La Réunion'],
  ['CGSS - agence du Port', 'CGSS', 'REUNION', '« Le Port », a town read only for a CGSS'],
  ['CGSS Saint-Pierre (La Réunion)', 'CGSS', 'REUNION', 'Saint-Pierre narrowed by its island'],
  [
    'Caisse d’allocations familiales de La Réunion',
    'CAF',
    'REUNION',
    'the CAF de La Réunion is on Réunion time, not Paris',
  ],
  ['CAF Saint-Denis de la Réunion', 'CAF', 'REUNION', 'Saint-Denis de La Réunion, not Saint-Denis (93)'],
  ['CSS de Mayotte', 'CSS_MAYOTTE', 'MAYOTTE', 'CSS de Mayotte (mention Outre-mer)'],
  ['CSSM - Mamoudzou', 'CSS_MAYOTTE', 'MAYOTTE', 'its acronym and seat'],
  ['CSS de Mayotte - Dzaoudzi', 'CSS_MAYOTTE', 'MAYOTTE', 'Petite-Terre'],
  ['ARS Mayotte', 'ARS', 'MAYOTTE', 'the ARS of Mayotte'],
  ['CGSS971', 'CGSS', 'GUADELOUPE', 'the department number glued to the acronym'],
];

/** Homonyms in mainland France: the body stays in Paris time. */
const mainland: Row[] = [
  ['CPAM de la Seine-Saint-Denis', 'CPAM', null, 'Seine-Saint-Denis is not Saint-Denis de La Réunion'],
  ['CAF de la Seine-Saint-Denis', 'CAF', null, 'idem for a CAF'],
  [
    'URSSAF Île-de-France - site de Saint-Denis',
    'URSSAF',
    null,
    'Saint-Denis (93): a town name is read only for a CGSS',
  ],
  ['CPAM de l’Isère - Saint-Martin-d’Hères', 'CPAM', null, 'Saint-Martin-d’Hères is not Saint-Martin'],
  ['CAF de Maine-et-Loire - Saint-Barthélemy-d’Anjou', 'CAF', null, 'Saint-Barthélemy-d’Anjou is not Saint-Barthélemy'],
  ['CPAM des Landes - Saint-Paul-lès-Dax', 'CPAM', null, 'Saint-Paul-lès-Dax is not Saint-Paul'],
  ['Carsat Centre-Val de Loire - Saint-Pierre-des-Corps', 'CARSAT', null, 'Saint-Pierre-des-Corps is not Saint-Pierre'],
  ['MSA Loire-Atlantique - Vendée, site de Sainte-Anne', 'MSA', null, 'Sainte-Anne is read only for a CGSS'],
  ['CAF de la Charente-Maritime - Saintes', 'CAF', null, 'Saintes is not les Saintes'],
  [
    'CAF des Bouches-du-Rhône - Les Saintes-Maries-de-la-Mer',
    'CAF',
    null,
    'Les Saintes-Maries-de-la-Mer is not les Saintes',
  ],
  ['CPAM du Calvados - Le Port de Caen', 'CPAM', null, '« le port » is read only for a CGSS'],
  ['UGECAM Île-de-France - Saint-Laurent', 'UGECAM', null, 'Saint-Laurent is read only for a CGSS'],
];

/** A body that must be overseas, or names islands in different zones, and cannot be placed. */
const unplaced: [name: string, type: string, zones: string[], proves: string][] = [
  [
    'CGSS',
    'CGSS',
    ['America/Guadeloupe', 'America/Martinique', 'America/Cayenne', 'Indian/Reunion'],
    'a CGSS without its island: the four of the mention Outre-mer',
  ],
  [
    'Caisse générale de sécurité sociale',
    'CGSS',
    ['America/Guadeloupe', 'America/Martinique', 'America/Cayenne', 'Indian/Reunion'],
    'spelled out',
  ],
  [
    'CGSS Saint-Pierre',
    'CGSS',
    ['America/Martinique', 'Indian/Reunion'],
    'Saint-Pierre is in Martinique and in La Réunion',
  ],
  [
    'CGSS - agence de Sainte-Anne',
    'CGSS',
    ['America/Guadeloupe', 'America/Martinique'],
    'Sainte-Anne is in Guadeloupe and in Martinique',
  ],
  [
    'CGSS Sainte-Marie',
    'CGSS',
    ['America/Martinique', 'Indian/Reunion'],
    'Sainte-Marie is in Martinique and in La Réunion',
  ],
  ['CGSS Saint-Joseph', 'CGSS', ['America/Martinique', 'Indian/Reunion'], 'Saint-Joseph idem'],
  ['CGSS Antilles', 'CGSS', ['America/Guadeloupe', 'America/Martinique'], 'the Antilles are two islands'],
  [
    'DRSM Antilles-Guyane',
    'DRSM',
    ['America/Guadeloupe', 'America/Martinique', 'America/Cayenne'],
    'a régional service spanning two zones',
  ],
  ['CAF Océan Indien', 'CAF', ['Indian/Reunion', 'Indian/Mayotte'], 'La Réunion or Mayotte'],
  ['CGSS Martinique / Guyane', 'CGSS', ['America/Martinique', 'America/Cayenne'], 'two territories named'],
  [
    'CGSS - Direction',
    'CGSS',
    ['America/Guadeloupe', 'America/Martinique', 'America/Cayenne', 'Indian/Reunion'],
    'a department, no island',
  ],
];

const recognise = (name: string) => data.organisms.recognize('', name);

describe('organisms: every territory an overseas body serves', () => {
  it.each(placed)('"%s" is a %s of %s: %s', (name, type, territory) => {
    const { organism, territoryMissing } = recognise(name);
    expect(organism?.type).toBe(type);
    expect(organism?.territory).toBe(territory);
    expect(organism?.timeZone).toBe(zoneOf[territory!]);
    expect(territoryMissing).toBe(false);
  });

  it('says what placing rests on when the name does not name the territory itself', () => {
    expect(recognise('CGSS Saint-Martin').organism?.placeReading).toMatch(
      /^Saint-Martin est servi par les organismes de Guadeloupe/,
    );
    expect(recognise('CGSS Saint-Paul').organism?.placeReading).toBe(
      '« saint paul » lu comme une commune de La Réunion',
    );
    expect(recognise('CGSS de la Guadeloupe').organism).not.toHaveProperty('placeReading');
    expect(recognise('CGSS Guadeloupe - antenne de Saint-Martin').organism).not.toHaveProperty('placeReading');
  });
});

describe('organisms: a mainland homonym is not an overseas territory', () => {
  it.each(mainland)('"%s" is a %s in mainland France: %s', (name, type) => {
    const { organism } = recognise(name);
    expect(organism?.type).toBe(type);
    expect(organism?.territory).toBeNull();
    expect(organism?.timeZone).toBe('Europe/Paris');
  });
});

describe('organisms: an overseas body that cannot be placed has no time zone, only its possible ones', () => {
  it.each(unplaced)('"%s" (%s) may be in %j: %s', (name, type, zones) => {
    const { organism, territoryMissing } = recognise(name);
    expect(organism?.type).toBe(type);
    expect(organism?.timeZone).toBeNull();
    expect(organism?.territory).toBeNull();
    expect(organism?.possibleTimeZones).toEqual(zones);
    expect(territoryMissing).toBe(true);
  });

  it('a tenant node above it can still place it (the older mapping’s code field, or an ancestor)', () => {
    expect(data.organisms.recognize('Guadeloupe', 'CGSS').organism?.territory).toBe('GUADELOUPE');
    expect(data.organisms.recognize('CGSS-974', 'CGSS').organism?.territory).toBe('REUNION');
  });
});

describe('organisms: the legal times of the territories', () => {
  it('Saint-Martin and Saint-Barthélemy: Guadeloupe’s offset all year (America/Marigot, America/St_Barthelemy)', () => {
    const guadeloupe = data.organismsFile.territories.find((t) => t.key === 'GUADELOUPE')!;
    expect(guadeloupe.served.map((p) => p.label)).toEqual(['Saint-Martin', 'Saint-Barthélemy']);
    for (const place of guadeloupe.served) {
      for (let day = 0; day < 366 * 3; day += 5) {
        const at = DateTime.fromISO('2026-01-01T00:00:00Z').plus({ days: day });
        expect(at.setZone(place.timeZone).offset, `${place.label} ${at.toISODate()}`).toBe(
          at.setZone(guadeloupe.timeZone).offset,
        );
      }
    }
  });

  it('the overseas zones used for a body stored without its possible zones are those of the mention Outre-mer', () => {
    const file = data.organismsFile;
    const cgss = file.types.find((t) => t.key === 'CGSS')!;
    const mayotte = file.types.find((t) => t.key === 'CSS_MAYOTTE')!;
    const keys = [...cgss.territories!, mayotte.territory!];
    expect(new Set(OUTRE_MER_ZONES)).toEqual(
      new Set(file.territories.filter((t) => keys.includes(t.key)).map((t) => t.timeZone)),
    );
  });
});

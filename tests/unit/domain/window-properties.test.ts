import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { WindowCalendar } from '../../../src/domain/window.js';

/**
 * The calendar finds an instant's local year by arithmetic and caches; luxon is the reference.
 * Zones from far east to far west, instants from 1900 to 2200, and the edges of every year.
 */
const zones = [
  'Europe/Paris',
  'America/Guadeloupe',
  'America/Martinique',
  'America/Cayenne',
  'Indian/Reunion',
  'Indian/Mayotte',
  'Pacific/Kiritimati',
  'Pacific/Pago_Pago',
];

describe('window calendar against luxon', () => {
  const calendar = new WindowCalendar({ month: 1, day: 1 }, { month: 4, day: 30 });

  it('the campaign of an instant is its local year, and the window is [1 Jan, 1 May) local', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(1900, 0, 1), max: Date.UTC(2200, 0, 1) }),
        fc.constantFrom(...zones),
        (ms, zone) => {
          const local = DateTime.fromMillis(ms, { zone });
          const window = calendar.windowAt(ms, zone);
          expect(window.campaign).toBe(local.year);
          expect(window.startMs).toBe(DateTime.fromObject({ year: local.year, month: 1, day: 1 }, { zone }).toMillis());
          expect(window.endMs).toBe(DateTime.fromObject({ year: local.year, month: 5, day: 1 }, { zone }).toMillis());
        },
      ),
      { numRuns: 20_000 },
    );
  });

  it('around each new year, one millisecond either side', () => {
    for (const zone of zones) {
      for (let year = 2024; year <= 2030; year++) {
        const start = DateTime.fromObject({ year, month: 1, day: 1 }, { zone }).toMillis();
        expect(calendar.windowAt(start, zone).campaign).toBe(year);
        expect(calendar.windowAt(start - 1, zone).campaign).toBe(year - 1);
      }
    }
  });
});

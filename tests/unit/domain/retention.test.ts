import { describe, expect, it } from 'vitest';
import { retentionDay, retentionEnds, retentionScope } from '../../../src/domain/retention.js';

/**
 * The retention of personal data: a campaign is the calendar year of its window, in Paris time;
 * its data may go `months` after that year ends.
 */

describe('retentionScope', () => {
  it.each([
    // [case, now, months, last campaign that may go, data received before]
    ['the very instant campaign 2026 may go', '2028-01-31T23:00:00.000Z', 13, 2026, '2025-12-31T23:00:00.000Z'],
    ['one minute before it (Paris time)', '2028-01-31T22:59:00.000Z', 13, 2025, '2024-12-31T23:00:00.000Z'],
    ['twelve months, in summer time', '2028-06-15T10:00:00.000Z', 12, 2026, '2025-12-31T23:00:00.000Z'],
    ['one month: the past year goes in February', '2027-02-01T00:00:00.000Z', 1, 2026, '2025-12-31T23:00:00.000Z'],
  ])('%s', (_case, now, months, lastCampaign, receivedBefore) => {
    expect(retentionScope(Date.parse(now), months)).toEqual({ lastCampaign, receivedBefore });
  });

  it('agrees with retentionEnds: a campaign may go from the instant its retention ends, not before', () => {
    for (const months of [1, 12, 13, 36]) {
      const ends = Date.parse(retentionEnds(2026, months));
      expect(retentionScope(ends, months).lastCampaign).toBe(2026);
      expect(retentionScope(ends - 1, months).lastCampaign).toBe(2025);
    }
  });

  it('refuses a negative or fractional number of months', () => {
    expect(() => retentionScope(Date.now(), -1)).toThrow(/months expected an integer from 0, got -1/);
    expect(() => retentionScope(Date.now(), 1.5)).toThrow(RangeError);
  });
});

describe('retentionDay', () => {
  it('is the Paris calendar day', () => {
    expect(retentionDay(Date.parse('2030-03-02T22:59:00.000Z'))).toBe('2030-03-02');
    expect(retentionDay(Date.parse('2030-03-02T23:00:00.000Z'))).toBe('2030-03-03');
  });
});

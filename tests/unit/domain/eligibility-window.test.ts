import { describe, expect, it } from 'vitest';
import { decide } from '../../support/domain.js';

/**
 * When: the window is 1 January 00:00 → 30 April 24:00 in the body's own legal time
 * (Instruction DSS/4B/2026/34 §1.1 and §1.2), and the text is the one in force at the instant.
 */
const paris = { orgName: 'CPAM de Paris', grid: 'RG', level: '8' };
const reunion = { orgName: 'CGSS de La Réunion', grid: 'RG', level: '8' };
const guadeloupe = { orgName: 'CGSS de la Guadeloupe', grid: 'RG', level: '8' };
const mayotte = { orgName: 'CSS de Mayotte', grid: 'RG', level: '8' };
const guyane = { orgName: 'ARS Guyane', grid: 'ARS', level: '8' };

type Row = [name: string, spec: typeof paris, at: string, open: boolean];

const rows: Row[] = [
  ['Paris: 31 December 23:59:59 is before the window', paris, '2026-12-31T23:59:59+01:00', false],
  ['Paris: 1 January 00:00 opens the window', paris, '2027-01-01T00:00:00+01:00', true],
  ['Paris: 30 April 23:59:59 is still inside', paris, '2027-04-30T23:59:59+02:00', true],
  ['Paris: 1 May 00:00 is after the window', paris, '2027-05-01T00:00:00+02:00', false],
  [
    'La Réunion: 1 January 00:00 local (still 31 December in Paris) is inside',
    reunion,
    '2027-01-01T00:00:00+04:00',
    true,
  ],
  ['La Réunion: 31 December 23:59 local is before the window', reunion, '2026-12-31T23:59:00+04:00', false],
  ['La Réunion: 30 April 23:59 local is inside', reunion, '2027-04-30T23:59:00+04:00', true],
  [
    'La Réunion: 1 May 00:30 local is after, though it is still 30 April in Paris',
    reunion,
    '2027-05-01T00:30:00+04:00',
    false,
  ],
  ['Paris at that same instant (22:30 on 30 April) is still inside', paris, '2027-05-01T00:30:00+04:00', true],
  [
    'Guadeloupe: 30 April 23:59 local is inside, though it is already 1 May in Paris',
    guadeloupe,
    '2027-04-30T23:59:00-04:00',
    true,
  ],
  ['Paris at that same instant (1 May 05:59) is outside', paris, '2027-04-30T23:59:00-04:00', false],
  ['Guadeloupe: 1 January 00:00 in Paris is still 31 December there', guadeloupe, '2027-01-01T00:00:00+01:00', false],
  ['Mayotte: 1 May 00:00 local closes the window', mayotte, '2027-05-01T00:00:00+03:00', false],
  ['Mayotte: 30 April 23:00 local is inside', mayotte, '2027-04-30T23:00:00+03:00', true],
  ['Guyane: 30 April 23:30 local is inside', guyane, '2027-04-30T23:30:00-03:00', true],
  ['Guyane: 1 May 00:00 local is after', guyane, '2027-05-01T00:00:00-03:00', false],
  ['Summer: outside the window', paris, '2027-08-15T12:00:00+02:00', false],
];

describe('eligibility: the window in each body’s legal time', () => {
  it.each(rows)('%s', (_name, spec, at, open) => {
    const d = decide(spec, at);
    expect(d.windowOpen).toBe(open);
    expect(d.requiresEn3sApproval).toBe(open);
    expect(d.reasons.at(-1)?.code).toBe(open ? 'WINDOW_OPEN' : 'WINDOW_CLOSED');
  });

  it('gives the window as instants in the body’s time zone', () => {
    expect(decide(reunion, '2027-02-01T12:00:00Z').window).toEqual({
      campaign: 2027,
      start: '2027-01-01T00:00:00.000+04:00',
      end: '2027-05-01T00:00:00.000+04:00',
      timeZone: 'Indian/Reunion',
    });
    expect(decide(paris, '2027-02-01T12:00:00Z').window).toEqual({
      campaign: 2027,
      start: '2027-01-01T00:00:00.000+01:00',
      end: '2027-05-01T00:00:00.000+02:00',
      timeZone: 'Europe/Paris',
    });
  });

  it('says the window in French with the local time', () => {
    expect(decide(reunion, '2027-02-01T12:00:00Z').reasons.at(-1)?.message).toBe(
      'Période EN3S 2027 en cours (du 01/01/2027 au 30/04/2027, heure de La Réunion)',
    );
  });
});

describe('eligibility: the text in force at the instant', () => {
  const msaL = { orgName: 'MSA Midi-Pyrénées Nord', grid: 'MSA', level: 'L' };
  const rsi = { orgName: 'RSI Bretagne', grid: 'RSI', level: 'VIII' };

  it('11 March 2026 23:59:59 in Paris is still under the circulaire', () => {
    const d = decide(paris, '2026-03-11T23:59:59+01:00');
    expect(d.ruleSet).toBe('DSS/4B/2014/350');
    expect(d.reasons[0]?.source).toBe('Circulaire DSS/4B/2014/350, citée par le guide Ucanss §1.2 et §1.3');
  });

  it('12 March 2026 00:00 in Paris is under the instruction (immediate application)', () => {
    const d = decide(paris, '2026-03-12T00:00:00+01:00');
    expect(d.ruleSet).toBe('DSS/4B/2026/34');
    expect(d.reasons[0]?.source).toBe('Instruction DSS/4B/2026/34 §1.1');
  });

  it('MSA group L: undetermined the day before (a group is no circulaire level), concerned the day after', () => {
    expect(decide(msaL, '2026-03-11T10:00:00+01:00').concerned).toBeNull();
    expect(decide(msaL, '2026-03-12T10:00:00+01:00').concerned).toBe(true);
  });

  it('RSI: concerned the day before, removed the day after', () => {
    expect(decide(rsi, '2026-03-11T10:00:00+01:00').concerned).toBe(true);
    const after = decide(rsi, '2026-03-12T10:00:00+01:00');
    expect(after.concerned).toBe(false);
    expect(after.reasons[0]?.code).toBe('BODY_REMOVED');
  });

  it('the circulaire applies from 17 December 2014', () => {
    expect(decide(paris, '2014-12-16T23:59:59+01:00').ruleSet).toBeNull();
    expect(decide(paris, '2014-12-17T00:00:00+01:00').ruleSet).toBe('DSS/4B/2014/350');
  });
});

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en3s, en3sInProcess } from '../../support/cli.js';

/**
 * `--at` without an offset is legal time in Paris (summer time included), whatever the machine's
 * zone; a date alone is midnight in Paris; an impossible date is refused, never rolled over. The
 * same reading serves `demo --at`, `sandbox serve --clock` and `sandbox clock --set`.
 * The job is a CARSAT in Brittany (mainland: its window is 1 January 00:00 → 30 April 24:00, Paris time).
 */

const mainland = fileURLToPath(
  new URL('../../fixtures/talentlink-rest/positions--carsat-bretagne.json', import.meta.url),
);

async function decisionAt(at: string): Promise<{ at: string; windowOpen: boolean }> {
  const r = await en3sInProcess('evaluate', '--at', at, mainland);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout);
}

describe('en3s evaluate --at: an instant without an offset is Paris time', () => {
  it('in winter (UTC+1): the window opens at midnight in Paris, 23:00 UTC the day before', async () => {
    expect(await decisionAt('2026-12-31T23:30')).toMatchObject({ at: '2026-12-31T22:30:00.000Z', windowOpen: false });
    expect(await decisionAt('2027-01-01T00:30')).toMatchObject({ at: '2026-12-31T23:30:00.000Z', windowOpen: true });
  });

  it('in summer (UTC+2): 30 April 23:30 in Paris is inside, 1 May 00:30 outside', async () => {
    expect(await decisionAt('2027-04-30T23:30')).toMatchObject({ at: '2027-04-30T21:30:00.000Z', windowOpen: true });
    expect(await decisionAt('2027-05-01T00:30')).toMatchObject({ at: '2027-04-30T22:30:00.000Z', windowOpen: false });
  });

  it('an instant with an offset or Z keeps its meaning', async () => {
    expect(await decisionAt('2027-04-30T23:30Z')).toMatchObject({ at: '2027-04-30T23:30:00.000Z', windowOpen: false });
    expect(await decisionAt('2027-04-30T23:30:00+02:00')).toMatchObject({
      at: '2027-04-30T21:30:00.000Z',
      windowOpen: true,
    });
    expect(await decisionAt('2027-01-01T00:30:00-0500')).toMatchObject({
      at: '2027-01-01T05:30:00.000Z',
      windowOpen: true,
    });
  });

  it('a date alone is midnight in Paris, at the start of that day', async () => {
    expect(await decisionAt('2027-01-01')).toMatchObject({ at: '2026-12-31T23:00:00.000Z', windowOpen: true });
    expect(await decisionAt('2027-05-01')).toMatchObject({ at: '2027-04-30T22:00:00.000Z', windowOpen: false });
    expect(await decisionAt('2028-02-29')).toMatchObject({ at: '2028-02-28T23:00:00.000Z' });
  });

  it('does not depend on the machine’s time zone', () => {
    for (const TZ of ['UTC', 'America/Los_Angeles', 'Asia/Tokyo']) {
      const r = en3s(['evaluate', '--at', '2027-04-30T23:30', '-'], {
        input: readFileSync(mainland, 'utf8'),
        env: { TZ },
      });
      expect(r.code, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ at: '2027-04-30T21:30:00.000Z', windowOpen: true });
    }
  });
});

describe('en3s evaluate --at: what is refused', () => {
  it.each([
    ['2027-02-30', "date impossible dans « 2027-02-30 » : février 2027 n'a que 28 jours"],
    ['2027-02-29', "date impossible dans « 2027-02-29 » : février 2027 n'a que 28 jours"],
    ['2027-13-01', "date impossible dans « 2027-13-01 » : le mois 13 n'existe pas"],
    ['2027-04-31T10:00', "date impossible dans « 2027-04-31T10:00 » : avril 2027 n'a que 30 jours"],
    ['2027-01-15T24:30', 'heure impossible dans « 2027-01-15T24:30 »'],
    ['2027-01-15T24:00', 'heure impossible dans « 2027-01-15T24:00 »'],
    ['2027-01-15T10:60', 'heure impossible dans « 2027-01-15T10:60 »'],
    ['2027-01-15T10:00:00+25:00', 'décalage impossible « +25:00 »'],
    ['2027-00-10', "le mois 00 n'existe pas"],
    ['2027-01-00', "le jour 00 n'existe pas"],
    ['demain', 'instant ISO 8601 attendu'],
    ['15/01/2027', 'instant ISO 8601 attendu'],
    ['2027-01-15 10:00', 'instant ISO 8601 attendu'],
  ])('%s: exit 2, a French message naming --at and the value, nothing on stdout', async (at, expected) => {
    const r = await en3sInProcess('evaluate', '--at', at, mainland);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain(`en3s : --at : `);
    expect(r.stderr).toContain(expected);
    expect(r.stderr).toContain(`« ${at} »`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('the hour skipped in spring and the hour repeated in autumn are refused: the offset must be given', async () => {
    const spring = await en3sInProcess('evaluate', '--at', '2027-03-28T02:30', mainland);
    expect(spring.code).toBe(2);
    expect(spring.stdout).toBe('');
    expect(spring.stderr).toContain(
      "--at : « 2027-03-28T02:30 » n'existe pas à l'heure de Paris (passage à l'heure d'été",
    );
    const autumn = await en3sInProcess('evaluate', '--at', '2027-10-31T02:30', mainland);
    expect(autumn.code).toBe(2);
    expect(autumn.stdout).toBe('');
    expect(autumn.stderr).toContain('2027-10-31T02:30+02:00 (la première) ou 2027-10-31T02:30+01:00 (la seconde)');
    // With the offset, both are accepted.
    expect(await decisionAt('2027-10-31T02:30+01:00')).toMatchObject({ at: '2027-10-31T01:30:00.000Z' });
    expect(await decisionAt('2027-10-31T02:30+02:00')).toMatchObject({ at: '2027-10-31T00:30:00.000Z' });
  });
});

describe('the same reading of instants in every command', () => {
  it('--help of evaluate, demo and sandbox says an instant without an offset is Paris time', async () => {
    for (const args of [
      ['evaluate', '--help'],
      ['demo', '--help'],
      ['sandbox', 'serve', '--help'],
      ['sandbox', 'clock', '--help'],
    ]) {
      const r = await en3sInProcess(...args);
      expect(r.code).toBe(0);
      const help = r.stdout.replace(/\s+/g, ' ');
      expect(help, args.join(' ')).toContain(
        'sans décalage, heure légale de Paris (ex. 2027-04-30T23:30) ; une date seule : minuit, heure de Paris',
      );
    }
  });

  it('demo --at and sandbox clock --set refuse an impossible date before starting or calling anything', async () => {
    const demo = await en3sInProcess('demo', '--at', '2027-02-30T10:00');
    expect(demo.code).toBe(2);
    expect(demo.stderr).toContain("--at : date impossible dans « 2027-02-30T10:00 » : février 2027 n'a que 28 jours");
    const clock = await en3sInProcess('sandbox', 'clock', '--url', 'http://127.0.0.1:9', '--set', '2027-04-31');
    expect(clock.code).toBe(2);
    expect(clock.stdout).toBe('');
    expect(clock.stderr).toContain("--set : date impossible dans « 2027-04-31 » : avril 2027 n'a que 30 jours");
    expect(clock.stderr).not.toContain('injoignable');
  });
});

import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, parseMonthDayTime } from '../../../src/config.js';
import { dueRuns, finalCron } from '../../../src/reports/schedule.js';

/**
 * The final report and the recap are due at the end of the "période d'affectation" (instruction
 * DSS/4B/2026/34 §3): the setting `reportsFinalAt` (`EN3S_REPORTS_FINAL_AT`, `MM-DD` or
 * `MM-DDTHH:mm`, Paris time), 2 May at 07:00 unless set, refused with its name when it names no
 * day of every year or a day before every body's window has closed.
 */

const finalAt = (value: string) => loadConfig({ EN3S_REPORTS_FINAL_AT: value }).reportsFinalAt;

describe('reportsFinalAt', () => {
  it('defaults to 2 May at 07:00, today’s behaviour', () => {
    expect(loadConfig({}).reportsFinalAt).toBe('05-02T07:00');
  });

  it.each([
    ['a day alone: at 07:00', '06-30', '06-30T07:00'],
    ['a day and a time', '07-15T18:30', '07-15T18:30'],
    ['the first day allowed: every window has closed, even in the Antilles (UTC−4)', '05-02T00:00', '05-02T00:00'],
    ['the last day of the year', '12-31T23:59', '12-31T23:59'],
    ['spaces around', ' 06-01 ', '06-01T07:00'],
  ])('accepts %s', (_name, value, stored) => {
    expect(finalAt(value)).toBe(stored);
  });

  it.each([
    ['29 February, not in every year', '02-29'],
    ['1 May: the window has not closed everywhere yet', '05-01T12:00'],
    ['a day inside the window', '04-30'],
    ['31 June', '06-31'],
    ['month 13', '13-01'],
    ['24:00', '06-30T24:00'],
    ['one figure', '6-30'],
    ['a year', '2027-06-30'],
    ['words', 'fin juin'],
  ])('refuses %s with the variable’s name and what was expected, in French', (_name, value) => {
    expect(() => finalAt(value)).toThrow(ConfigError);
    try {
      finalAt(value);
    } catch (error) {
      expect((error as ConfigError).problems).toEqual([
        `EN3S_REPORTS_FINAL_AT : attendu MM-JJ ou MM-JJTHH:mm (heure de Paris), du 05-02 au 12-31, ` +
          `ex. 05-02T07:00 ; reçu « ${value} »`,
      ]);
    }
  });

  it('takes it by its key as well (config file, overrides)', () => {
    expect(loadConfig({}, { reportsFinalAt: '09-01' }).reportsFinalAt).toBe('09-01T07:00');
  });

  it('reads back the stored value', () => {
    expect(parseMonthDayTime('06-30T18:30')).toEqual({ month: 6, day: 30, hour: 18, minute: 30 });
    expect(parseMonthDayTime('02-29')).toBeNull();
  });
});

describe('the schedule at the setting’s instant', () => {
  const keys = (now: string, finalAt?: string, done: string[] = []) =>
    dueRuns(new Date(now), new Set(done), ['csv'], finalAt).map((r) => r.scheduleKey);

  it('is node-cron’s expression of the day and time', () => {
    expect(finalCron()).toBe('0 7 2 5 *');
    expect(finalCron('06-30T18:30')).toBe('30 18 30 6 *');
  });

  it.each([
    [
      'the default: 2 May 07:00 Paris',
      '2027-05-02T05:00:00.000Z',
      undefined,
      ['final:2027:report:csv', 'final:2027:recap:csv'],
    ],
    [
      '30 June 18:30 Paris: no final report on 2 May, the last Monday of the window instead',
      '2027-05-02T05:00:00.000Z',
      '06-30T18:30',
      ['weekly:2027-04-26:report:csv'],
    ],
    ['one second before 30 June 18:30 (CEST)', '2027-06-30T16:29:59.000Z', '06-30T18:30', []],
    [
      '30 June 18:30 Paris: the final report and the recap',
      '2027-06-30T16:30:00.000Z',
      '06-30T18:30',
      ['final:2027:report:csv', 'final:2027:recap:csv'],
    ],
    [
      'missed, made later in the year',
      '2027-11-02T10:00:00.000Z',
      '06-30T18:30',
      ['final:2027:report:csv', 'final:2027:recap:csv'],
    ],
    ['and from the next Monday on, nothing until the final one', '2027-05-10T06:00:00.000Z', '06-30', []],
  ] as [string, string, string | undefined, string[]][])('%s', (_name, now, finalAt, expected) => {
    expect(keys(now, finalAt)).toEqual(expected);
  });

  it('names the slot’s instant in the runs', () => {
    const [run] = dueRuns(new Date('2027-07-01T00:00:00.000Z'), new Set(), ['csv'], '06-30T18:30');
    expect(run?.slot).toMatchObject({
      kind: 'final',
      campaign: 2027,
      dueAt: '2027-06-30T16:30:00.000Z',
      key: 'final:2027',
    });
    expect(run?.fileName).toBe('en3s-rapport-2027-final.csv');
  });
});

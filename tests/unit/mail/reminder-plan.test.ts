import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planFollowUp, type MailRecord } from '../../../src/mail/follow-up.js';
import { planReminders, type FollowUp, type ReminderSettings } from '../../../src/mail/reminder-plan.js';

const H = 3_600_000;
const ASKED = '2027-01-05T08:00:00.000Z';
const T = (hours: number) => new Date(Date.parse(ASKED) + hours * H).toISOString();
const settings: ReminderSettings = { reminderAfterHours: 48, maxReminders: 2, alertAdminsAfterHours: 120 };
const fresh = (over: Partial<FollowUp> = {}): FollowUp => ({
  askedAt: ASKED,
  remindersSent: 0,
  lastReminderAt: null,
  adminsAlertedAt: null,
  stopAt: null,
  ...over,
});

describe('what is due (cases)', () => {
  it.each([
    ['just after the request: nothing, the first reminder 48 h later', fresh(), T(1), [], T(48)],
    ['one millisecond before 48 h: still nothing', fresh(), new Date(Date.parse(T(48)) - 1).toISOString(), [], T(48)],
    ['at 48 h: the first reminder', fresh(), T(48), [{ kind: 'reminder', number: 1, dueAt: T(48) }], T(120)],
    [
      'the first reminder sent late, at 60 h: the second 48 h after it, not at 96 h',
      fresh({ remindersSent: 1, lastReminderAt: T(60) }),
      T(100),
      [],
      T(108),
    ],
    [
      'back after days down: one reminder, not a burst',
      fresh(),
      T(110),
      [{ kind: 'reminder', number: 1, dueAt: T(48) }],
      T(120),
    ],
    [
      'at 120 h with a reminder due too: the alert first, then the reminder',
      fresh({ remindersSent: 1, lastReminderAt: T(48) }),
      T(130),
      [
        { kind: 'admin_alert', dueAt: T(120) },
        { kind: 'reminder', number: 2, dueAt: T(96) },
      ],
      null,
    ],
    [
      'every reminder sent, the alert sent: nothing ever again',
      fresh({ remindersSent: 2, lastReminderAt: T(96), adminsAlertedAt: T(120) }),
      T(1000),
      [],
      null,
    ],
    [
      'the window ends before the reminder: nothing, and nothing to wait for',
      fresh({ stopAt: T(40) }),
      T(10),
      [],
      null,
    ],
    ['at the window’s end, a reminder already due is not sent', fresh({ stopAt: T(50) }), T(50), [], null],
    [
      'the alert falls after the window’s end: only the reminders are planned',
      fresh({ stopAt: T(100) }),
      T(50),
      [{ kind: 'reminder', number: 1, dueAt: T(48) }],
      null,
    ],
  ] as const)('%s', (_name, followUp, now, due, next) => {
    expect(planReminders(followUp, settings, now)).toEqual({ due, nextDueAt: next });
  });

  it('sends no reminder when none are allowed, and no alert when it is switched off', () => {
    expect(
      planReminders(fresh(), { reminderAfterHours: 24, maxReminders: 0, alertAdminsAfterHours: null }, T(500)),
    ).toEqual({ due: [], nextDueAt: null });
  });

  it('refuses settings and inputs that are bugs', () => {
    expect(() => planReminders(fresh(), { ...settings, reminderAfterHours: 0 }, T(1))).toThrow(/reminderAfterHours/);
    expect(() => planReminders(fresh(), { ...settings, maxReminders: 1.5 }, T(1))).toThrow(/maxReminders/);
    expect(() => planReminders(fresh({ remindersSent: -1 }), settings, T(1))).toThrow(/remindersSent/);
    expect(() => planReminders(fresh({ askedAt: 'hier' }), settings, T(1))).toThrow(/askedAt/);
  });
});

/** A follow-up run by a scheduler that looks at arbitrary instants and sends whatever is due. */
const arbitrarySettings = fc.record({
  reminderAfterHours: fc.integer({ min: 1, max: 200 }),
  maxReminders: fc.integer({ min: 0, max: 5 }),
  alertAdminsAfterHours: fc.option(fc.integer({ min: 1, max: 600 }), { nil: null }),
});
const arbitraryStop = fc.option(fc.integer({ min: 1, max: 2_000 }), { nil: null });

interface Sent {
  kind: 'reminder' | 'admin_alert';
  number?: number;
  at: number;
}

function run(
  s: ReminderSettings,
  stopHours: number | null,
  nextTick: (now: number, plannedNext: string | null) => number | null,
): Sent[] {
  const state = fresh({ stopAt: stopHours === null ? null : T(stopHours) });
  const sent: Sent[] = [];
  let now = Date.parse(ASKED);
  for (let i = 0; i < 400; i++) {
    const iso = new Date(now).toISOString();
    const plan = planReminders(state, s, iso);
    expect(planReminders(state, s, iso)).toEqual(plan); // the same question, the same answer
    if (plan.nextDueAt !== null) expect(Date.parse(plan.nextDueAt)).toBeGreaterThan(now);
    for (const due of plan.due) {
      expect(Date.parse(due.dueAt)).toBeLessThanOrEqual(now);
      if (due.kind === 'reminder') {
        sent.push({ kind: 'reminder', number: due.number, at: now });
        state.remindersSent += 1;
        state.lastReminderAt = iso;
      } else {
        sent.push({ kind: 'admin_alert', at: now });
        state.adminsAlertedAt = iso;
      }
    }
    const next = nextTick(now, plan.due.length > 0 ? iso : plan.nextDueAt);
    if (next === null) break;
    now = next;
  }
  return sent;
}

describe('what is due (properties)', () => {
  it('any looks: ≤ maxReminders, numbered, ≥ reminderAfterHours apart; ≤ 1 alert, not early; none past window', () => {
    fc.assert(
      fc.property(
        arbitrarySettings,
        arbitraryStop,
        fc.array(fc.integer({ min: 1, max: 100 * 60 }), { minLength: 1, maxLength: 200 }),
        (s, stop, gapsMinutes) => {
          let i = 0;
          const sent = run(s, stop, (now) => (i < gapsMinutes.length ? now + gapsMinutes[i++]! * 60_000 : null));
          const reminders = sent.filter((m) => m.kind === 'reminder');
          expect(reminders.length).toBeLessThanOrEqual(s.maxReminders);
          expect(reminders.map((m) => m.number)).toEqual(reminders.map((_m, k) => k + 1));
          let last = Date.parse(ASKED);
          for (const r of reminders) {
            expect(r.at - last).toBeGreaterThanOrEqual(s.reminderAfterHours * H);
            last = r.at;
          }
          const alerts = sent.filter((m) => m.kind === 'admin_alert');
          expect(alerts.length).toBeLessThanOrEqual(s.alertAdminsAfterHours === null ? 0 : 1);
          for (const a of alerts) expect(a.at).toBeGreaterThanOrEqual(Date.parse(T(s.alertAdminsAfterHours!)));
          if (stop !== null) for (const m of sent) expect(m.at).toBeLessThan(Date.parse(T(stop)));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('looking exactly when it says: each reminder and the alert that fit before the window ends go out on time', () => {
    fc.assert(
      fc.property(arbitrarySettings, arbitraryStop, (s, stop) => {
        const sent = run(s, stop, (_now, next) => (next === null ? null : Date.parse(next)));
        const stopMs = stop === null ? Infinity : Date.parse(T(stop));
        const expectedReminders = Array.from({ length: s.maxReminders }, (_x, k) =>
          Date.parse(T((k + 1) * s.reminderAfterHours)),
        ).filter((at) => at < stopMs);
        expect(sent.filter((m) => m.kind === 'reminder').map((m) => m.at)).toEqual(expectedReminders);
        const alertAt = s.alertAdminsAfterHours === null ? null : Date.parse(T(s.alertAdminsAfterHours));
        expect(sent.filter((m) => m.kind === 'admin_alert').map((m) => m.at)).toEqual(
          alertAt !== null && alertAt < stopMs ? [alertAt] : [],
        );
      }),
      { numRuns: 300 },
    );
  });
});

describe('the follow-up from the mails recorded', () => {
  const mail = (over: Partial<MailRecord>): MailRecord => ({
    kind: 'submit_request',
    reason: 'submit',
    turn: 0,
    sequence: 0,
    status: 'sent',
    sent_at: ASKED,
    ...over,
  });

  it('asks for the request while it has not gone (failed or in flight do not count)', () => {
    expect(planFollowUp([], { reason: 'submit', turn: 0 }, settings, T(0), null)).toEqual({
      followUp: null,
      send: [{ kind: 'submit_request', sequence: 0 }],
      nextDueAt: null,
    });
    const notYet = [
      mail({ status: 'failed', sent_at: null }),
      mail({ kind: 'resubmit_request', reason: 'resubmit', status: 'sending', sent_at: null }),
    ];
    expect(planFollowUp(notYet, { reason: 'resubmit', turn: 0 }, settings, T(0), null).send).toEqual([
      { kind: 'resubmit_request', sequence: 0 },
    ]);
    expect(planFollowUp([], { reason: 'submit', turn: 0 }, settings, T(10), T(10)).send).toEqual([]);
  });

  it('reads the request, the reminders and the alert of this ask only, then plans', () => {
    const mails = [
      mail({}),
      mail({ kind: 'reminder', sequence: 1, sent_at: T(50) }),
      // Another ask (a re-submission after turn 1) does not count for this one.
      mail({ kind: 'reminder', reason: 'resubmit', turn: 1, sequence: 1, sent_at: T(55) }),
      mail({ kind: 'reminder', sequence: 2, status: 'failed', sent_at: null }),
    ];
    const plan = planFollowUp(mails, { reason: 'submit', turn: 0 }, settings, T(98), null);
    expect(plan.followUp).toEqual({
      askedAt: ASKED,
      remindersSent: 1,
      lastReminderAt: T(50),
      adminsAlertedAt: null,
      stopAt: null,
    });
    expect(plan.send).toEqual([{ kind: 'reminder', sequence: 2, lastReminder: true }]);
    expect(plan.nextDueAt).toBe(T(120));
    const alerted = [
      ...mails.slice(0, 2),
      mail({ kind: 'reminder', sequence: 2, sent_at: T(98) }),
      mail({ kind: 'admin_alert', sent_at: T(120) }),
    ];
    expect(planFollowUp(alerted, { reason: 'submit', turn: 0 }, settings, T(500), null)).toMatchObject({
      send: [],
      nextDueAt: null,
    });
  });
});

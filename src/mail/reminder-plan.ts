import { z } from 'zod';

/**
 * When to remind the recruiters of a job still unsubmitted, and when to tell the
 * administrators, from what was already sent. Pure: the instant is a parameter, the answer
 * depends only on the arguments, so the workflow can ask at any tick (or twice) and gets the
 * same answer until something is recorded as sent.
 *
 * The rules:
 * - reminder n+1 falls due `reminderAfterHours` after the last mail to the recruiters (the
 *   request, or reminder n), at most `maxReminders` reminders: measured from the last mail sent,
 *   not from a fixed calendar, so a service stopped for days sends one reminder when it comes
 *   back, not a burst of them;
 * - the administrators' alert falls due `alertAdminsAfterHours` after the request, once;
 * - nothing falls due at or after `stopAt` (the window's end: the job is then released).
 */

export const reminderSettingsSchema = z.object({
  /** Hours between the request (or the last reminder) and the next reminder. */
  reminderAfterHours: z.number().positive().finite(),
  /** Reminders at most, after the request (0: none). */
  maxReminders: z.number().int().min(0),
  /** Hours after the request when the administrators are told the job is still unsubmitted; null: never. */
  alertAdminsAfterHours: z.number().positive().finite().nullable(),
});
export type ReminderSettings = z.infer<typeof reminderSettingsSchema>;

export interface FollowUp {
  /** When the request (to submit, or to submit again) was sent. */
  askedAt: string;
  remindersSent: number;
  /** When the last reminder was sent; null when none was. */
  lastReminderAt: string | null;
  /** When the administrators were told; null when they were not. */
  adminsAlertedAt: string | null;
  /** Nothing falls due at or after this instant (the window's end); null: no end. */
  stopAt: string | null;
}

export type DueMail = { kind: 'reminder'; number: number; dueAt: string } | { kind: 'admin_alert'; dueAt: string };

export interface ReminderPlan {
  /** What is due now, the administrators' alert first; empty when nothing is. */
  due: DueMail[];
  /**
   * The earliest instant after `now` at which something not due now falls due, or null when
   * nothing more ever will. Once what is due now is sent and recorded, plan again: the next
   * reminder is counted from the instant the last one was sent.
   */
  nextDueAt: string | null;
}

const HOUR_MS = 3_600_000;

function instant(value: string, what: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms))
    throw new TypeError(`planReminders ${what}: expected an ISO-8601 instant, got ${JSON.stringify(value)}`);
  return ms;
}

/** Every mail still to come, with the instant it falls due (some may be due already). */
function pending(followUp: FollowUp, settings: ReminderSettings): DueMail[] {
  const askedMs = instant(followUp.askedAt, 'askedAt');
  const upcoming: DueMail[] = [];
  if (settings.alertAdminsAfterHours !== null && followUp.adminsAlertedAt === null) {
    upcoming.push({
      kind: 'admin_alert',
      dueAt: new Date(askedMs + settings.alertAdminsAfterHours * HOUR_MS).toISOString(),
    });
  }
  if (followUp.remindersSent < settings.maxReminders) {
    const lastMs = followUp.lastReminderAt === null ? askedMs : instant(followUp.lastReminderAt, 'lastReminderAt');
    upcoming.push({
      kind: 'reminder',
      number: followUp.remindersSent + 1,
      dueAt: new Date(lastMs + settings.reminderAfterHours * HOUR_MS).toISOString(),
    });
  }
  return upcoming;
}

export function planReminders(followUp: FollowUp, settings: ReminderSettings, now: string): ReminderPlan {
  const checked = reminderSettingsSchema.safeParse(settings);
  // Settings are validated when the service starts: invalid ones here are a bug.
  if (!checked.success)
    throw new RangeError(
      `planReminders settings: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  if (!Number.isInteger(followUp.remindersSent) || followUp.remindersSent < 0) {
    throw new RangeError(`planReminders remindersSent: expected an integer from 0, got ${followUp.remindersSent}`);
  }
  const nowMs = instant(now, 'now');
  const stopMs = followUp.stopAt === null ? Infinity : instant(followUp.stopAt, 'stopAt');
  const upcoming = pending(followUp, settings).filter((m) => Date.parse(m.dueAt) < stopMs);
  const due = nowMs < stopMs ? upcoming.filter((m) => Date.parse(m.dueAt) <= nowMs) : [];
  const later = upcoming.map((m) => Date.parse(m.dueAt)).filter((ms) => ms > nowMs);
  return { due, nextDueAt: later.length === 0 ? null : new Date(Math.min(...later)).toISOString() };
}

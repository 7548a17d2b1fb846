import type { AskReason } from '../domain/job-process.js';
import type { RecruiterMailKind, RecruiterMailStatus } from '../store/schema.js';
import { planReminders, type FollowUp, type ReminderSettings } from './reminder-plan.js';

/**
 * From the mails already recorded for a job (`listJobMails`) to what is due now: the request
 * while it has not gone, then the reminders and the administrators' alert of `planReminders`.
 * Pure; the caller claims each mail it gets (`claimMail`), so asking twice sends once.
 */

/** What the follow-up reads of a recorded mail (a `RecruiterMail` row fits). */
export interface MailRecord {
  kind: RecruiterMailKind;
  reason: AskReason;
  turn: number;
  sequence: number;
  status: RecruiterMailStatus;
  sent_at: string | null;
}

/** What the workflow asks of the recruiters now (its `asked` memory). */
export interface Ask {
  reason: AskReason;
  turn: number;
}

export type MailToSend =
  | { kind: 'submit_request' | 'resubmit_request'; sequence: 0 }
  | { kind: 'reminder'; sequence: number; lastReminder: boolean }
  | { kind: 'admin_alert'; sequence: 0 };

export interface FollowUpPlan {
  /** The follow-up as recorded, or null while the request has not been sent. */
  followUp: FollowUp | null;
  send: MailToSend[];
  /** When to look again (see `ReminderPlan.nextDueAt`); null: nothing more will fall due. */
  nextDueAt: string | null;
}

/** The follow-up of one ask, from the mails sent for it; null while its request has not gone. */
export function followUpOf(mails: readonly MailRecord[], ask: Ask, stopAt: string | null): FollowUp | null {
  const sent = mails.filter(
    (m) => m.reason === ask.reason && m.turn === ask.turn && m.status === 'sent' && m.sent_at !== null,
  );
  const request = sent.find((m) => m.kind === 'submit_request' || m.kind === 'resubmit_request');
  if (!request) return null;
  const reminders = sent.filter((m) => m.kind === 'reminder').sort((a, b) => a.sequence - b.sequence);
  const alert = sent.find((m) => m.kind === 'admin_alert');
  return {
    askedAt: request.sent_at!,
    remindersSent: reminders.length,
    lastReminderAt:
      reminders.length === 0
        ? null
        : reminders
            .map((m) => m.sent_at!)
            .sort()
            .at(-1)!,
    adminsAlertedAt: alert?.sent_at ?? null,
    stopAt,
  };
}

export function planFollowUp(
  mails: readonly MailRecord[],
  ask: Ask,
  settings: ReminderSettings,
  now: string,
  stopAt: string | null,
): FollowUpPlan {
  const followUp = followUpOf(mails, ask, stopAt);
  if (!followUp) {
    const open = stopAt === null || Date.parse(now) < Date.parse(stopAt);
    return {
      followUp: null,
      send: open ? [{ kind: ask.reason === 'resubmit' ? 'resubmit_request' : 'submit_request', sequence: 0 }] : [],
      nextDueAt: null,
    };
  }
  const plan = planReminders(followUp, settings, now);
  return {
    followUp,
    send: plan.due.map((d) =>
      d.kind === 'reminder'
        ? { kind: 'reminder', sequence: d.number, lastReminder: d.number === settings.maxReminders }
        : { kind: 'admin_alert', sequence: 0 },
    ),
    nextDueAt: plan.nextDueAt,
  };
}

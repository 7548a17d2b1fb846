import type { AtsOutcome, AtsPort } from '../../connectors/ats-port.js';
import type { ProcessCommand, ProcessMemory } from '../domain/job-process.js';
import { appendLedger } from '../store/ledger.js';
import {
  claimMail,
  listJobMails,
  recordMailFailed,
  recordMailSent,
  type MailRequest,
} from '../store/recruiter-mails.js';
import { getOffer, listOffers } from '../store/offers.js';
import type { Db } from '../store/database.js';
import { memoryFromRecord } from '../pipeline/offer-memory.js';
import { planFollowUp, type MailToSend } from './follow-up.js';
import type { Mailer } from './mailer.js';
import { adminAlert, reminder, resubmitRequest, submitRequest, type JobMailFacts } from './recruiter-messages.js';
import type { ReminderSettings } from './reminder-plan.js';
import type { ComposedMail } from './mail-layout.js';

/**
 * Sends what the ATS cannot do for the connector: the e-mail asking a job's recruiters to submit
 * its approval, the reminders, and the administrators' alert when it stays unsubmitted. The
 * process decides that a job needs asking (`ask_recruiter`); this follows it up. Addresses are
 * read from the ATS just before a mail goes and never kept: the mail ledger and the ledger hold
 * the recruiters' user ids only.
 */

type AskCommand = Extract<ProcessCommand, { kind: 'ask_recruiter' }>;

/** How long a request waits before asking again for a mail another sender holds. */
const MAIL_PENDING_WAIT_MS = 5_000;

/** The ledger entry of a follow-up mail sent. */
function ledgerKind(mail: MailToSend): 'recruiter.reminded' | 'admins.alerted' {
  const kind: 'recruiter.reminded' | 'admins.alerted' =
    mail.kind === 'admin_alert' ? 'admins.alerted' : 'recruiter.reminded';
  return kind;
}

export interface RecruiterFollowUpOptions {
  db: Db;
  ats: Pick<AtsPort, 'userEmail'>;
  mailer: Mailer;
  settings: ReminderSettings;
  /** Administrators' addresses for the alert (a setting); none: no alert mail, the dashboard still lists the job. */
  adminAddresses: readonly string[];
  /** How recruiters see the EN3S approver in a job's team. */
  approverLabel: string;
  owner: string;
  leaseMs: number;
  clock: { now(): Date };
}

type Sent = AtsOutcome<{ note: string; recipientIds: string[] }>;

const failure = (code: string, message: string, transient: boolean): Sent => ({
  ok: false,
  error: { kind: transient ? 'transient' : 'permanent', code, message },
});

function factsOf(memory: ProcessMemory, approverLabel: string): JobMailFacts {
  const s = memory.snapshot;
  return {
    jobNumber: s.jobNumber,
    requisitionNumber: s.requisitionNumber,
    title: s.title,
    bodyName: s.organization.name || null,
    windowEnd: memory.decision.window.end,
    timeZone: memory.decision.window.timeZone,
    approverLabel,
    citedText: memory.decision.ruleSet ? `${memory.decision.ruleSet}` : null,
  };
}

export function createRecruiterFollowUp(o: RecruiterFollowUpOptions) {
  async function addresses(userIds: readonly string[]): Promise<AtsOutcome<string[]>> {
    const out: string[] = [];
    for (const id of userIds) {
      const found = await o.ats.userEmail(id);
      if (!found.ok) return found;
      if (found.value) out.push(found.value);
    }
    return { ok: true, value: out };
  }

  function compose(
    memory: ProcessMemory,
    mail: MailToSend,
    ask: { reason: 'submit' | 'resubmit' },
    askedAt: string,
    remindersSent: number,
    recruiters: number,
  ): ComposedMail {
    const facts = factsOf(memory, o.approverLabel);
    switch (mail.kind) {
      case 'submit_request':
        return submitRequest(facts);
      case 'resubmit_request':
        return resubmitRequest({
          ...facts,
          submissionObservedAt: memory.submission?.observedAt ?? askedAt,
          approvedWithoutEn3s: memory.snapshot.status === 'APPROVED',
        });
      case 'reminder':
        return reminder({
          ...facts,
          reason: ask.reason,
          askedAt,
          reminderNumber: mail.sequence,
          lastReminder: mail.lastReminder,
        });
      case 'admin_alert':
        return adminAlert({
          ...facts,
          reason: ask.reason,
          askedAt,
          remindersSent,
          recruiterCount: recruiters,
          now: o.clock.now().toISOString(),
        });
    }
  }

  /** Sends one mail of the plan under its claim; the recipients are the job's recruiters (or the administrators). */
  async function sendOne(
    memory: ProcessMemory,
    ask: { reason: 'submit' | 'resubmit'; turn: number },
    mail: MailToSend,
    recruiterIds: string[],
    askedAt: string,
    remindersSent: number,
  ): Promise<Sent> {
    const s = memory.snapshot;
    const toAdmins = mail.kind === 'admin_alert';
    if (toAdmins && o.adminAddresses.length === 0)
      return { ok: true, value: { note: 'no administrator address configured', recipientIds: [] } };
    const composed = compose(memory, mail, ask, askedAt, remindersSent, recruiterIds.length);
    const request: MailRequest = {
      source: s.source,
      ats_id: s.atsId,
      campaign: memory.campaign,
      kind: mail.kind,
      reason: ask.reason,
      turn: ask.turn,
      sequence: mail.sequence,
      audience: toAdmins ? 'administrators' : 'recruiters',
      recipientIds: toAdmins ? [] : recruiterIds,
      subject: composed.subject,
    };
    const now = o.clock.now().toISOString();
    const claim = await claimMail(o.db, request, { owner: o.owner, leaseMs: o.leaseMs, now });
    if (claim.outcome === 'already-sent')
      return { ok: true, value: { note: 'already sent', recipientIds: request.recipientIds.slice() } };
    if (claim.outcome !== 'claimed') {
      // Another sender holds the mail (or held it, and died: its lease runs out). A wait that
      // spends no attempt, like a gateway limit: counting it would dead-letter the request of a
      // sender killed mid-send before its lease freed the mail.
      return {
        ok: false,
        error: {
          kind: 'throttled',
          code: 'MAIL_PENDING',
          message: `${mail.kind} for job ${s.atsId}: ${claim.outcome}`,
          retryAfterMs: MAIL_PENDING_WAIT_MS,
        },
      };
    }
    let to: string[] = [...o.adminAddresses];
    if (!toAdmins) {
      const found = await addresses(recruiterIds);
      if (!found.ok) {
        await recordMailFailed(o.db, claim.mail.id, o.owner, {
          mailer: o.mailer.name,
          code: found.error.code,
          message: found.error.message,
          now,
          retryAt: found.error.kind === 'permanent' ? null : now,
        });
        return { ok: false, error: found.error };
      }
      to = found.value;
    }
    if (to.length === 0) {
      await recordMailFailed(o.db, claim.mail.id, o.owner, {
        mailer: o.mailer.name,
        code: 'NO_RECIPIENT',
        message: `job ${s.atsId}: no recruiter with an e-mail address`,
        now,
        retryAt: null,
      });
      return failure('NO_RECIPIENT', `job ${s.atsId}: no recruiter with an e-mail address`, false);
    }
    const sent = await o.mailer.send({
      to,
      subject: composed.subject,
      text: composed.text,
      html: composed.html,
      idempotencyKey: claim.mail.mail_key,
    });
    const after = o.clock.now().toISOString();
    if (!sent.ok) {
      await recordMailFailed(o.db, claim.mail.id, o.owner, {
        mailer: o.mailer.name,
        code: sent.error.code,
        message: sent.error.message,
        smtpCode: sent.error.smtpCode ?? null,
        now: after,
        retryAt: sent.error.transient ? after : null,
      });
      return failure(sent.error.code, sent.error.message, sent.error.transient);
    }
    await recordMailSent(o.db, claim.mail.id, o.owner, {
      mailer: o.mailer.name,
      messageId: sent.value.messageId,
      accepted: sent.value.accepted,
      rejected: sent.value.rejected,
      now: after,
    });
    return {
      ok: true,
      value: { note: `${mail.kind} sent (${o.mailer.name})`, recipientIds: request.recipientIds.slice() },
    };
  }

  /** The reminders and the administrators' alert due now for one job still awaiting its submission. */
  async function followUp(memory: ProcessMemory): Promise<number> {
    if (!memory.asked) return 0;
    const s = memory.snapshot;
    const ask = { reason: memory.asked.reason, turn: memory.asked.turn };
    const key = { source: s.source, ats_id: s.atsId, campaign: memory.campaign };
    const mails = await listJobMails(o.db, key);
    const now = o.clock.now().toISOString();
    const plan = planFollowUp(mails, ask, o.settings, now, memory.decision.window.end);
    if (!plan.followUp) return 0;
    const recruiterIds = s.team.recruiters.map((m) => m.userId);
    let sent = 0;
    for (const mail of plan.send) {
      const result = await sendOne(memory, ask, mail, recruiterIds, plan.followUp.askedAt, plan.followUp.remindersSent);
      if (!result.ok || result.value.note === 'already sent' || result.value.note.startsWith('no administrator'))
        continue;
      sent += 1;
      await appendLedger(
        o.db,
        [
          {
            offer_source: s.source,
            offer_ats_id: s.atsId,
            campaign: memory.campaign,
            actor: 'system',
            kind: ledgerKind(mail),
            data: {
              reason: ask.reason,
              turn: ask.turn,
              sequence: mail.sequence,
              recipientIds: result.value.recipientIds,
            },
          },
        ],
        o.clock.now().toISOString(),
      );
    }
    return sent;
  }

  return {
    /** Every job still awaiting its submission: the reminders and alerts due now. Returns the mails sent. */
    async sweep(campaign: number): Promise<number> {
      let sent = 0;
      for (let offset = 0; ; offset += 200) {
        const page = await listOffers(o.db, { campaign, state: 'awaiting_submission', limit: 200, offset });
        for (const record of page.items) {
          const memory = memoryFromRecord(record);
          if (memory) sent += await followUp(memory);
        }
        if (page.items.length < 200) return sent;
      }
    },
    /** The request the process asked for (`ask_recruiter`): sent once per job, reason and turn. */
    async ask(command: AskCommand): Promise<Sent> {
      const memory = memoryFromRecord(
        await getOffer(o.db, { source: command.source, ats_id: command.atsId, campaign: command.campaign }),
      );
      if (!memory)
        return failure('NOT_FOUND', `job ${command.atsId}: not known in campaign ${command.campaign}`, false);
      const ask = { reason: command.reason, turn: memory.asked?.turn ?? 0 };
      const mails = await listJobMails(o.db, {
        source: command.source,
        ats_id: command.atsId,
        campaign: command.campaign,
      });
      const plan = planFollowUp(mails, ask, o.settings, o.clock.now().toISOString(), memory.decision.window.end);
      const request = plan.send.find((m) => m.kind === 'submit_request' || m.kind === 'resubmit_request');
      if (!request)
        return {
          ok: true,
          value: { note: plan.followUp ? 'already sent' : 'window closed: not sent', recipientIds: [] },
        };
      if (command.recruiterIds.length === 0)
        return failure('NO_RECIPIENT', `job ${command.atsId}: no recruiter in its team`, false);
      return sendOne(memory, ask, request, command.recruiterIds, o.clock.now().toISOString(), 0);
    },
  };
}

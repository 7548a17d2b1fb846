import type { AtsFailure, AtsOutcome, JobRead } from '../../connectors/ats-port.js';
import type { ProcessCommand, ProcessCommandBody } from '../domain/job-process.js';
import { getOffer } from '../store/offers.js';
import { appendLedger } from '../store/ledger.js';
import {
  claimCommands,
  completeCommand,
  deadLetterCommand,
  retryCommand,
  type OutboxCommand,
} from '../store/outbox.js';
import { inTransaction } from '../store/transaction.js';
import type { PipelineContext } from './context.js';
import { storeSnapshots, type ReadSnapshot } from './snapshot-events.js';
import { Loop, type LoopOptions } from './loop.js';
import { withRequestId } from './request-context.js';
import { stillWanted } from './offer-memory.js';

/**
 * Carries outbox commands to the ATS (through its port) and to the recruiters. A command is done
 * only once the ATS answered it; the job is then read back and goes into the inbox as a
 * snapshot, so the process sees the effect through the same path as any other change — a team
 * call is believed only once a snapshot shows it. The read-backs of the team calls of one batch
 * are made together (one call for up to 100 jobs). Transient failures are retried with
 * exponential backoff and full jitter; a gateway limit ("throttled") is a wait that spends no
 * attempt; after `maxAttempts` — or at once on a permanent failure — the command goes to
 * dead-letter with its last error, except a take-down, tried again every 30 s at most for as long
 * as its failures are transient. A command the process no longer wants when its turn comes
 * (its key is not among the job's `wanted`) is marked done without being sent.
 */

/** Sends what the ATS cannot: the e-mail asking a recruiter to submit the approval. */
export interface RecruiterMail {
  ask(
    command: Extract<ProcessCommand, { kind: 'ask_recruiter' }>,
  ): Promise<AtsOutcome<{ note: string; recipientIds: string[] }>>;
}

export interface DispatcherOptions extends Partial<LoopOptions> {
  owner: string;
  leaseMs?: number;
  batchSize?: number;
  /** Offers whose commands are sent at the same time (each offer's own commands stay in order); default 8. */
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * The longest wait between two attempts of a take-down (it is never dead-lettered on a transient failure); default 30
   * s.
   */
  takeDownMaxDelayMs?: number;
  /** Random source for the jitter, injectable for tests. */
  random?: () => number;
  /** Told of each command not sent (circuit open, a limit, a mail held elsewhere), to log the episode once. */
  onNotSent?: (error: AtsFailure) => void;
}

/** The connector did not call the ATS (circuit open, a gateway limit): the command was not sent at all. */
const notSent = (error: AtsFailure): boolean => error.code === 'CIRCUIT_OPEN' || error.kind === 'throttled';

/**
 * Whether a failure uses up one of the command's attempts. Not when it was not sent, nor when the
 * ATS as a whole was failing (the call opened the circuit or was the trial of an open one): an
 * outage of any length must not dead-letter commands that would go through once it ends.
 */
const counted = (error: AtsFailure): boolean => !notSent(error) && error.outage !== true;

type Outcome =
  | { kind: 'done'; reads: JobRead[]; note: string; skipped?: true; readBack?: true; recipientIds?: string[] }
  | { kind: 'retry'; error: AtsFailure }
  | { kind: 'dead'; error: AtsFailure };

const READ_BACK_BATCH = 100;

export class Dispatcher extends Loop {
  private readonly o: Required<Omit<DispatcherOptions, keyof LoopOptions | 'onNotSent'>>;
  private readonly onNotSent: ((error: AtsFailure) => void) | undefined;

  constructor(
    private readonly ctx: PipelineContext & { recruiterMail?: RecruiterMail },
    options: DispatcherOptions,
  ) {
    super('dispatcher', ctx.log, options);
    this.o = {
      owner: options.owner,
      leaseMs: options.leaseMs ?? 60_000,
      batchSize: options.batchSize ?? 100,
      concurrency: options.concurrency ?? 8,
      maxAttempts: options.maxAttempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
      takeDownMaxDelayMs: options.takeDownMaxDelayMs ?? 30_000,
      random: options.random ?? Math.random,
    };
    this.onNotSent = options.onNotSent;
  }

  async runOnce(): Promise<number> {
    const { store, clock } = this.ctx;
    const commands = await claimCommands(store.db, {
      owner: this.o.owner,
      leaseMs: this.o.leaseMs,
      limit: this.o.batchSize,
      now: clock.now().toISOString(),
    });
    // The commands of one offer go in their order, one after the other (a team before the
    // approval that needs it); different offers are served side by side, so one slow answer of
    // the ATS does not hold up every other offer.
    const lanes = new Map<string, OutboxCommand[]>();
    for (const command of commands) {
      const lane = `${command.source}\u0000${command.ats_id}`;
      const queued = lanes.get(lane);
      if (queued) queued.push(command);
      else lanes.set(lane, [command]);
    }
    const pending = [...lanes.values()];
    const readBack = new Set<string>();
    const runLane = async (): Promise<void> => {
      for (let lane = pending.shift(); lane; lane = pending.shift()) {
        for (const command of lane) {
          if (this.stopping) return;
          // A slow batch may outlive the lease of its last commands, and another dispatcher may
          // have taken them over: calling the ATS now would send the same command twice at once.
          if (command.lease_until !== null && Date.parse(command.lease_until) <= clock.now().getTime()) {
            this.ctx.log.warn('outbox lease expired before dispatch, command left to its new owner', {
              outboxId: command.id,
            });
            continue;
          }
          if (await this.dispatch(command)) readBack.add(command.ats_id);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, pending.length) }, runLane));
    await this.readBack([...new Set([...readBack, ...this.unreadBack])]);
    return commands.length;
  }

  /**
   * The jobs whose team was set, read back together and kept as snapshots. The command is done
   * (the ATS answered 204), but the process believes the change only once a snapshot shows it:
   * a read-back that fails is tried again at the next run (and the change listing would bring
   * the job anyway).
   */
  private readonly unreadBack = new Set<string>();

  private async readBack(jobIds: string[]): Promise<void> {
    const { store, log, ats } = this.ctx;
    for (let i = 0; i < jobIds.length; i += READ_BACK_BATCH) {
      const ids = jobIds.slice(i, i + READ_BACK_BATCH);
      const read = await ats.fetchJobs(ids, { lane: 'approver' });
      if (!read.ok) {
        log.warn('read-back after team calls failed, tried again at the next run', {
          jobs: ids.length,
          code: read.error.code,
        });
        for (const id of ids) if (this.unreadBack.size < 10_000) this.unreadBack.add(id);
        continue;
      }
      for (const id of ids) this.unreadBack.delete(id);
      const stored = await inTransaction(store, (trx) => storeSnapshots(trx, ats.name, read.value, 'read-back'));
      for (const s of stored) this.ctx.snapshots?.put(ats.name, s.eventId, s.read);
    }
  }

  /** Backoff before attempt `attempt + 1`: full jitter over an exponential ceiling, never below Retry-After. */
  delayMs(attempt: number, retryAfterMs?: number, maxDelayMs = this.o.maxDelayMs): number {
    const ceiling = Math.min(maxDelayMs, this.o.baseDelayMs * 2 ** attempt);
    return Math.max(retryAfterMs ?? 0, Math.round(ceiling / 2 + (this.o.random() * ceiling) / 2));
  }

  private async execute(command: OutboxCommand): Promise<Outcome> {
    const { ats } = this.ctx;
    const body = { kind: command.kind, ...(command.payload as object) } as ProcessCommandBody;
    const job = command.ats_id;
    if (
      body.kind !== 'notify_admins' &&
      !stillWanted(
        await getOffer(this.ctx.store.db, {
          source: command.source,
          ats_id: command.ats_id,
          campaign: command.campaign,
        }),
        command.idempotency_key,
      )
    ) {
      // EN3S answered, the job left the scope or was closed, or a newer snapshot asks for another
      // call: the process's latest evaluation no longer asks for this one.
      return { kind: 'done', reads: [], note: 'no longer wanted by the process: not sent', skipped: true };
    }
    switch (body.kind) {
      case 'notify_admins':
        // Administrators see alerts on the dashboard (from the jobs and the ledger); the log line
        // names the job by its id only.
        this.ctx.log.warn('alert', { topic: body.topic, job, message: body.message });
        return { kind: 'done', reads: [], note: 'notified' };
      case 'set_approver':
      case 'remove_approver': {
        const sent = await ats.setTeam(job, body.team);
        return sent.ok
          ? { kind: 'done', reads: [], note: 'applied', readBack: true }
          : this.failed(command, sent.error);
      }
      case 'take_down':
        return this.takeDown(command, body.postingIds);
      case 'read_postings': {
        const read = await ats.fetchJob(job, { withPostings: true });
        return read.ok ? { kind: 'done', reads: [read.value], note: 'read' } : this.failed(command, read.error);
      }
      case 'ask_recruiter': {
        const mail = this.ctx.recruiterMail;
        if (!mail)
          return {
            kind: 'dead',
            error: { kind: 'permanent', code: 'NO_MAILER', message: 'no mailer configured to ask the recruiter' },
          };
        const sent = await mail.ask({
          ...body,
          idempotencyKey: command.idempotency_key,
          source: command.source,
          atsId: command.ats_id,
          campaign: command.campaign,
        });
        // The ledger names who was written to by their ATS user ids, never an address.
        return sent.ok
          ? { kind: 'done', reads: [], note: sent.value.note, recipientIds: sent.value.recipientIds }
          : this.failed(command, sent.error);
      }
    }
  }

  /**
   * Takes the job's premature postings down, then reads the job again: without that read nothing
   * else reads its postings, and the process would believe them still up. Tried again (an unpost
   * whose answer was lost may have gone through, or the read after it failed), the job is read
   * first and only what is still live is unposted: the ATS never gets the same take-down twice.
   * The unpost is all or nothing and answers 404 when one posting is already down; each is then
   * taken down alone, so a 404 says that very posting is down.
   */
  private async takeDown(command: OutboxCommand, postingIds: string[]): Promise<Outcome> {
    const { ats } = this.ctx;
    const job = command.ats_id;
    let live = postingIds;
    if (command.last_error !== null) {
      const before = await ats.fetchJob(job, { withPostings: true, lane: 'takedown' });
      if (!before.ok) return this.failed(command, before.error);
      const up = new Set((before.value.snapshot.postings ?? []).map((p) => p.id));
      live = postingIds.filter((id) => up.has(id));
      if (live.length === 0)
        return { kind: 'done', reads: [before.value], note: 'already applied: no posting still live' };
    }
    let applied = 0;
    const sent = await ats.takeDownPostings(live);
    if (sent.ok) applied = live.length;
    else if (sent.error.kind !== 'already-applied') return this.failed(command, sent.error);
    else if (live.length > 1) {
      for (const id of live) {
        const one = await ats.takeDownPostings([id]);
        if (one.ok) applied += 1;
        else if (one.error.kind !== 'already-applied') return this.failed(command, one.error);
      }
    }
    const read = await ats.fetchJob(job, { withPostings: true, lane: 'takedown' });
    if (!read.ok) return this.failed(command, read.error);
    const note =
      applied === postingIds.length
        ? 'applied'
        : applied === 0
          ? 'already applied (NOT_FOUND)'
          : `applied to ${applied} of ${postingIds.length}, the others already down`;
    return { kind: 'done', reads: [read.value], note };
  }

  private failed(command: OutboxCommand, error: AtsFailure): Outcome {
    if (error.kind === 'already-applied') return { kind: 'done', reads: [], note: `already applied (${error.code})` };
    if (error.kind === 'throttled') return { kind: 'retry', error };
    if (error.kind === 'transient' && (!counted(error) || command.attempts + 1 < this.o.maxAttempts))
      return { kind: 'retry', error };
    // A premature posting must not stay up because the ATS failed more often than usual: a
    // take-down keeps being tried (its waits capped) rather than waiting for an administrator.
    if (error.kind === 'transient' && command.kind === 'take_down') return { kind: 'retry', error };
    return { kind: 'dead', error };
  }

  /** Sends one command and records its outcome; true when its job is to be read back. */
  private async dispatch(command: OutboxCommand): Promise<boolean> {
    const { store, clock, log } = this.ctx;
    let outcome: Outcome;
    try {
      outcome = await withRequestId(command.request_id ?? `outbox:${command.id}`, () => this.execute(command));
    } catch (error) {
      // A bug or an unexpected library failure: treat as transient so the command is not lost.
      outcome = {
        kind: 'retry',
        error: {
          kind: 'transient',
          code: 'UNEXPECTED',
          message: error instanceof Error ? error.message : String(error),
        },
      };
    }
    const now = clock.now();
    const nowIso = now.toISOString();
    const offer = {
      offer_source: command.source,
      offer_ats_id: command.ats_id,
      campaign: command.campaign,
      actor: 'system' as const,
    };
    // Returns the snapshots stored from the ATS's answer, handed to the inbox worker once committed.
    const stored = await inTransaction(
      store,
      async (trx): Promise<{ eventId: string; read: ReadSnapshot }[] | null> => {
        if (outcome.kind === 'done') {
          if (outcome.skipped) {
            // Under the offer's lock (the workflow writes under it too): if an evaluation since
            // wants it again, it goes back to the queue instead, to be sent after all.
            const current = await getOffer(
              trx,
              { source: command.source, ats_id: command.ats_id, campaign: command.campaign },
              { forUpdate: true },
            );
            if (stillWanted(current, command.idempotency_key)) {
              await retryCommand(trx, command.id, this.o.owner, {
                error: command.last_error ?? '',
                nextAttemptAt: nowIso,
                uncounted: true,
              });
              return null;
            }
          }
          if (
            !(await completeCommand(trx, command.id, this.o.owner, {
              now: nowIso,
              result: { note: outcome.note },
              ...(outcome.skipped ? { skipped: true } : {}),
            }))
          )
            return null;
          const answer = await storeSnapshots(trx, command.source, outcome.reads, 'read-back');
          if (!outcome.skipped) {
            await appendLedger(
              trx,
              [
                {
                  ...offer,
                  kind: 'ats.answer',
                  data: {
                    command: command.kind,
                    idempotencyKey: command.idempotency_key,
                    outcome: 'done',
                    note: outcome.note,
                    attempt: command.attempts + 1,
                    ...(outcome.recipientIds ? { recipientIds: outcome.recipientIds } : {}),
                  },
                },
              ],
              nowIso,
            );
          } else {
            await appendLedger(
              trx,
              [
                {
                  ...offer,
                  kind: 'command.skipped',
                  data: { command: command.kind, idempotencyKey: command.idempotency_key },
                },
              ],
              nowIso,
            );
          }
          return answer;
        }
        const error = outcome.error;
        const summary = `${error.code}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message}`;
        if (outcome.kind === 'retry') {
          if (notSent(error)) {
            // The ATS was not called (its circuit is open, or the call budget or its gateway said
            // "not now"): not an attempt, nothing for the ledger. Wait, spread over a second so the
            // waiting commands do not all ask at once. Counting these would dead-letter every
            // command of an outage of minutes.
            const wait = (error.retryAfterMs ?? 0) + Math.round(250 + this.o.random() * 1000);
            await retryCommand(trx, command.id, this.o.owner, {
              error: summary,
              nextAttemptAt: new Date(now.getTime() + wait).toISOString(),
              uncounted: true,
            });
            return null;
          }
          // Sent, and failed with the whole ATS failing: recorded, but not counted (see `counted`).
          const outage = !counted(error);
          const cap = command.kind === 'take_down' ? this.o.takeDownMaxDelayMs : this.o.maxDelayMs;
          const next = new Date(now.getTime() + this.delayMs(command.attempts, error.retryAfterMs, cap)).toISOString();
          if (command.kind === 'take_down' && command.attempts + 1 >= this.o.maxAttempts) {
            log.warn('take-down still failing, tried again', {
              offer: command.ats_id,
              attempts: command.attempts + 1,
              error: error.code,
            });
          }
          if (
            !(await retryCommand(trx, command.id, this.o.owner, {
              error: summary,
              nextAttemptAt: next,
              uncounted: outage,
            }))
          )
            return null;
          const attempt = outage ? { outage: true } : { attempt: command.attempts + 1 };
          await appendLedger(
            trx,
            [
              {
                ...offer,
                kind: 'ats.answer',
                data: {
                  command: command.kind,
                  idempotencyKey: command.idempotency_key,
                  outcome: 'retry',
                  error: summary,
                  nextAttemptAt: next,
                  ...attempt,
                },
              },
            ],
            nowIso,
          );
        } else {
          if (!(await deadLetterCommand(trx, command.id, this.o.owner, summary))) return null;
          await appendLedger(
            trx,
            [
              {
                ...offer,
                kind: 'command.dead',
                data: {
                  command: command.kind,
                  idempotencyKey: command.idempotency_key,
                  error: summary,
                  attempts: command.attempts + 1,
                },
              },
            ],
            nowIso,
          );
        }
        return null;
      },
    );
    for (const s of stored ?? []) this.ctx.snapshots?.put(command.source, s.eventId, s.read);
    if (outcome.kind === 'retry' && notSent(outcome.error)) this.onNotSent?.(outcome.error);
    if (outcome.kind === 'dead')
      log.error('command dead-lettered', { command: command.kind, offer: command.ats_id, error: outcome.error.code });
    return outcome.kind === 'done' && outcome.readBack === true && stored !== null;
  }
}

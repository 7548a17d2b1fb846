import type { AtsConnector, AtsError, AtsResult } from '../../connectors/ats-connector.js';
import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import type { CommandBody } from '../domain/workflow.js';
import { insertEvent } from '../store/inbox.js';
import { getOffer } from '../store/offers.js';
import { appendLedger } from '../store/ledger.js';
import { claimCommands, completeCommand, deadLetterCommand, retryCommand, type OutboxCommand } from '../store/outbox.js';
import { inTransaction } from '../store/transaction.js';
import type { PipelineContext } from './context.js';
import { SNAPSHOT_EVENT } from './inbox-worker.js';
import { Loop, type LoopOptions } from './loop.js';
import { withRequestId } from './request-context.js';
import { stillWanted } from './offer-memory.js';

/**
 * Carries outbox commands to the ATS. A command is done only once the ATS answered it; the job
 * document the ATS returns goes back into the inbox as a snapshot, so the workflow sees the
 * effect through the same path as any other change. Transient failures are retried with
 * exponential backoff and full jitter (at least `Retry-After`); after `maxAttempts` — or at once
 * on a permanent failure — the command goes to dead-letter with its last error. A command the
 * workflow no longer wants when its turn comes (its key is not among the offer's `wanted`) is
 * marked done without being sent: a lock still retrying must not lock an offer EN3S approved.
 */

export interface DispatcherOptions extends Partial<LoopOptions> {
  owner: string;
  leaseMs?: number;
  batchSize?: number;
  /** Offers whose commands are sent at the same time (each offer's own commands stay in order); default 8. */
  concurrency?: number;
  maxAttempts?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Random source for the jitter, injectable for tests. */
  random?: () => number;
}

/** The connector refused to call the ATS (circuit open): the command was not sent at all. */
const notSent = (error: AtsError): boolean => error.code === 'CIRCUIT_OPEN';

/**
 * Whether a failure uses up one of the command's attempts. Not when it was not sent, nor when the
 * ATS as a whole was failing (the call opened the circuit or was the trial of an open one): an
 * outage of any length must not dead-letter commands that would go through once it ends.
 */
const counted = (error: AtsError): boolean => !notSent(error) && error.outage !== true;

type Outcome = { kind: 'done'; doc: JobDocument | null; note: string; skipped?: true } | { kind: 'retry'; error: AtsError } | { kind: 'dead'; error: AtsError };

export class Dispatcher extends Loop {
  private readonly o: Required<Omit<DispatcherOptions, keyof LoopOptions>>;

  constructor(
    private readonly ctx: PipelineContext & { ats: AtsConnector },
    options: DispatcherOptions,
  ) {
    super('dispatcher', ctx.log, options);
    this.o = {
      owner: options.owner,
      leaseMs: options.leaseMs ?? 60_000,
      batchSize: options.batchSize ?? 20,
      concurrency: options.concurrency ?? 8,
      maxAttempts: options.maxAttempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 5 * 60_000,
      random: options.random ?? Math.random,
    };
  }

  async runOnce(): Promise<number> {
    const { store, clock } = this.ctx;
    const commands = await claimCommands(store.db, { owner: this.o.owner, leaseMs: this.o.leaseMs, limit: this.o.batchSize, now: clock.now().toISOString() });
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
    const runLane = async (): Promise<void> => {
      for (let lane = pending.shift(); lane; lane = pending.shift()) {
        for (const command of lane) {
          if (this.stopping) return;
          // A slow batch may outlive the lease of its last commands, and another dispatcher may
          // have taken them over: calling the ATS now would send the same command twice at once.
          if (command.lease_until !== null && Date.parse(command.lease_until) <= clock.now().getTime()) {
            this.ctx.log.warn('outbox lease expired before dispatch, command left to its new owner', { outboxId: command.id });
            continue;
          }
          await this.dispatch(command);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.o.concurrency, pending.length) }, runLane));
    return commands.length;
  }

  /** Backoff before attempt `attempt + 1`: full jitter over an exponential ceiling, never below Retry-After. */
  delayMs(attempt: number, retryAfterMs?: number): number {
    const ceiling = Math.min(this.o.maxDelayMs, this.o.baseDelayMs * 2 ** attempt);
    return Math.max(retryAfterMs ?? 0, Math.round(ceiling / 2 + (this.o.random() * ceiling) / 2));
  }

  private async execute(command: OutboxCommand): Promise<Outcome> {
    const { ats } = this.ctx;
    const body = { kind: command.kind, ...(command.payload as object) } as CommandBody;
    const key = command.idempotency_key;
    const job = command.ats_id;
    let result: AtsResult<JobDocument>;
    if (body.kind !== 'notify' && !stillWanted(await getOffer(this.ctx.store.db, { source: command.source, ats_id: command.ats_id, campaign: command.campaign }), key)) {
      // EN3S answered, the offer left the scope or was closed, or the effect already shows:
      // the workflow's latest evaluation no longer asks for it.
      return { kind: 'done', doc: null, note: 'no longer wanted by the workflow: not sent', skipped: true };
    }
    switch (body.kind) {
      case 'notify':
        // Administrators see alerts on the dashboard (from the offers and the ledger); the log line
        // names the offer by its reference only.
        this.ctx.log.warn('alert', { topic: body.topic, offer: job, message: body.message });
        return { kind: 'done', doc: null, note: 'notified' };
      case 'assign_team':
        result = await ats.assignApprovalTeam(job, body.teamName, key);
        break;
      case 'start_approval':
        result = await ats.startApproval(job, { processName: body.processName, message: body.message, dueDate: body.dueDate, alertOnAction: body.alertOnAction }, key);
        break;
      case 'set_lock':
        result = await ats.setPublicationLock(job, body.locked, body.reason, key);
        break;
      case 'withdraw_posting':
        result = await ats.withdrawPosting(job, body.postingId, body.reason, key);
        break;
    }
    if (result.ok) return { kind: 'done', doc: result.value, note: 'applied' };
    if (result.error.kind === 'already-applied') {
      // The ATS already holds the effect (409 ALREADY_STARTED…): a success; read the job back.
      const current = await ats.getJob(job);
      return { kind: 'done', doc: current.ok ? current.value : null, note: `already applied (${result.error.code})` };
    }
    if (result.error.kind === 'transient' && (!counted(result.error) || command.attempts + 1 < this.o.maxAttempts)) return { kind: 'retry', error: result.error };
    return { kind: 'dead', error: result.error };
  }

  private async dispatch(command: OutboxCommand): Promise<void> {
    const { store, clock, log } = this.ctx;
    let outcome: Outcome;
    try {
      outcome = await withRequestId(command.request_id ?? `outbox:${command.id}`, () => this.execute(command));
    } catch (error) {
      // A bug or an unexpected library failure: treat as transient so the command is not lost.
      outcome = { kind: 'retry', error: { kind: 'transient', code: 'UNEXPECTED', message: error instanceof Error ? error.message : String(error) } };
    }
    const now = clock.now();
    const nowIso = now.toISOString();
    const offer = { offer_source: command.source, offer_ats_id: command.ats_id, campaign: command.campaign, actor: 'system' as const };
    // Returns the ATS's answer stored as a snapshot row, handed to the inbox worker once committed.
    const snapshot = await inTransaction(store, async (trx): Promise<{ eventId: string; doc: JobDocument } | null> => {
      if (outcome.kind === 'done') {
        if (outcome.skipped) {
          // Under the offer's lock (the workflow writes under it too): if an evaluation since
          // wants it again, it goes back to the queue instead, to be sent after all.
          const current = await getOffer(trx, { source: command.source, ats_id: command.ats_id, campaign: command.campaign }, { forUpdate: true });
          if (stillWanted(current, command.idempotency_key)) {
            await retryCommand(trx, command.id, this.o.owner, { error: command.last_error ?? '', nextAttemptAt: nowIso, uncounted: true });
            return null;
          }
        }
        let answer: { eventId: string; doc: JobDocument } | null = null;
        if (!(await completeCommand(trx, command.id, this.o.owner, { now: nowIso, result: { note: outcome.note, version: outcome.doc?.version ?? null, ...(outcome.skipped ? { skipped: true } : {}) } }))) return null;
        if (outcome.doc) {
          const eventId = `cmd:${command.idempotency_key}:v${outcome.doc.version}`;
          const stored = await insertEvent(trx, {
            source: command.source,
            event_id: eventId,
            event_type: SNAPSHOT_EVENT,
            occurred_at: null,
            received_at: nowIso,
            content_type: 'application/json',
            body: JSON.stringify(outcome.doc),
            job_id: outcome.doc.id,
            job_version: outcome.doc.version,
          });
          if (stored === 'inserted') answer = { eventId, doc: outcome.doc };
        }
        await appendLedger(trx, [{ ...offer, kind: 'ats.answer', data: { command: command.kind, idempotencyKey: command.idempotency_key, outcome: 'done', note: outcome.note, attempt: command.attempts + 1 } }], nowIso);
        return answer;
      }
      const error = outcome.error;
      const summary = `${error.code}${error.status ? ` (HTTP ${error.status})` : ''}: ${error.message}`;
      if (outcome.kind === 'retry') {
        if (notSent(error)) {
          // The ATS was not called (its circuit is open): not an attempt, nothing for the ledger.
          // Wait for the breaker's trial, spread over a second so the waiting commands do not all
          // ask at once. Counting these would dead-letter every command of an outage of minutes.
          const wait = (error.retryAfterMs ?? 0) + Math.round(250 + this.o.random() * 1000);
          await retryCommand(trx, command.id, this.o.owner, { error: summary, nextAttemptAt: new Date(now.getTime() + wait).toISOString(), uncounted: true });
          return null;
        }
        // Sent, and failed with the whole ATS failing: recorded, but not counted (see `counted`).
        const outage = !counted(error);
        const next = new Date(now.getTime() + this.delayMs(command.attempts, error.retryAfterMs)).toISOString();
        if (!(await retryCommand(trx, command.id, this.o.owner, { error: summary, nextAttemptAt: next, uncounted: outage }))) return null;
        const attempt = outage ? { outage: true } : { attempt: command.attempts + 1 };
        await appendLedger(trx, [{ ...offer, kind: 'ats.answer', data: { command: command.kind, idempotencyKey: command.idempotency_key, outcome: 'retry', error: summary, nextAttemptAt: next, ...attempt } }], nowIso);
      } else {
        if (!(await deadLetterCommand(trx, command.id, this.o.owner, summary))) return null;
        await appendLedger(trx, [{ ...offer, kind: 'command.dead', data: { command: command.kind, idempotencyKey: command.idempotency_key, error: summary, attempts: command.attempts + 1 } }], nowIso);
      }
      return null;
    });
    if (snapshot) this.ctx.documents?.put(command.source, snapshot.eventId, snapshot.doc);
    if (outcome.kind === 'dead') log.error('command dead-lettered', { command: command.kind, offer: command.ats_id, error: outcome.error.code });
  }
}

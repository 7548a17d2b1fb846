import { createHash } from 'node:crypto';
import type { Transaction } from 'kysely';
import { evaluate } from '../domain/eligibility.js';
import type { ReadSnapshot } from './snapshot-events.js';
import {
  campaignOf,
  stepProcess,
  type ProcessEvent,
  type ProcessFact,
  type ProcessMemory,
  type ProcessResult,
} from '../domain/job-process.js';
import { appendLedger, type NewLedgerEntry } from '../store/ledger.js';
import { getOffer, upsertOffer, type OfferKey } from '../store/offers.js';
import { stampOfferChange } from '../store/offer-changes.js';
import { enqueueCommand, reviveSkippedCommand } from '../store/outbox.js';
import type { Database } from '../store/schema.js';
import type { PipelineContext } from './context.js';
import { memoryFromRecord, recordFromMemory } from './offer-memory.js';

/**
 * The one place where an event meets the store: inside the caller's transaction, load the
 * job's memory (locked), run the pure process, and write the new state (stamped with its change
 * number, from which the projector writes the report's projection), the ledger entries and the
 * outbox commands together. Everything here is idempotent: the same snapshot applied twice
 * changes nothing the second time.
 */

export interface EventMeta {
  eventId: string;
  type: string;
  body?: string;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

function ledgerEntries(key: OfferKey, facts: readonly ProcessFact[]): NewLedgerEntry[] {
  return facts.map((fact) => ({
    offer_source: key.source,
    offer_ats_id: key.ats_id,
    campaign: key.campaign,
    actor: fact.actor,
    actor_name: fact.actorName ?? null,
    kind: fact.kind,
    data: fact.data,
  }));
}

/**
 * `wantedBefore`: the commands the previous evaluation wanted. Only a command wanted anew can
 * have been skipped meanwhile (the dispatcher skips under the offer's lock what the latest
 * evaluation does not want), so only those are looked for among the skipped ones.
 */
async function persist(
  trx: Transaction<Database>,
  result: ProcessResult,
  leading: ProcessFact[],
  now: string,
  wantedBefore: readonly string[],
  requestId: string,
): Promise<void> {
  const memory = result.memory;
  const key = { source: memory.snapshot.source, ats_id: memory.snapshot.atsId, campaign: memory.campaign };
  if (result.changed) {
    const record = recordFromMemory(memory);
    await upsertOffer(trx, record, now);
  }
  // Commands before the ledger: on PostgreSQL the ledger's lock is held to the commit, and an
  // enqueue may wait for a dispatcher that is completing the same command and wants that lock.
  const alreadyQueued = new Set<string>();
  const revived = new Set<string>();
  for (const command of result.commands) {
    const { idempotencyKey, source, atsId, campaign, kind, ...payload } = command;
    const enqueued = await enqueueCommand(trx, {
      idempotency_key: idempotencyKey,
      source,
      ats_id: atsId,
      campaign,
      kind,
      payload,
      now,
      request_id: requestId,
    });
    if (enqueued === 'duplicate') {
      alreadyQueued.add(idempotencyKey);
      if (!wantedBefore.includes(idempotencyKey) && (await reviveSkippedCommand(trx, idempotencyKey, now)))
        revived.add(idempotencyKey);
    }
  }
  // The workflow asks again for every command it still wants; the ledger records a request once,
  // and again when a command it had given up (skipped, nothing sent) is wanted anew.
  const facts = result.facts.flatMap((f) => {
    if (f.kind !== 'command.requested') return [f];
    const key = String(f.data.idempotencyKey);
    if (revived.has(key)) return [{ ...f, data: { ...f.data, again: true } }];
    return alreadyQueued.has(key) ? [] : [f];
  });
  const entries = ledgerEntries(key, [...leading, ...facts]);
  if (entries.length > 0) await appendLedger(trx, entries, now);
  // Last: the change number's counter stays locked to the commit (`offer-changes.ts`); the
  // projector writes the report's projection of the row from it.
  if (result.changed) await stampOfferChange(trx, key);
}

/** A snapshot of a job (read from a queue, the change listing or a command's read-back) applied at `now`. */
export async function applySnapshot(
  ctx: PipelineContext,
  trx: Transaction<Database>,
  read: ReadSnapshot,
  meta: EventMeta,
  now: Date,
): Promise<ProcessResult> {
  const { snapshot, posting } = read;
  const decision = evaluate(snapshot, now, ctx.domain.ruleSets);
  const at = now.toISOString();
  const campaign = campaignOf(decision, now.getTime());
  const key = { source: snapshot.source, ats_id: snapshot.atsId, campaign };
  const memory = memoryFromRecord(await getOffer(trx, key, { forUpdate: true }));
  const result = stepProcess(
    memory,
    { kind: 'snapshot', at, snapshot, ...(posting ? { posting } : {}) },
    decision,
    ctx.policy,
  );
  const received: ProcessFact = {
    kind: 'event.received',
    actor: 'system',
    data: {
      eventId: meta.eventId,
      type: meta.type,
      origin: read.origin,
      updatedAt: snapshot.updatedAt,
      atsStatus: snapshot.atsStatus,
      ...(meta.body ? { bodySha256: sha256(meta.body) } : {}),
    },
  };
  await persist(trx, result, [received], at, memory?.wanted ?? [], meta.eventId);
  return result;
}

/** Time passed, or an administrator acted: the remembered offer evaluated again at `now`. */
export async function applyToKnownOffer(
  ctx: PipelineContext,
  trx: Transaction<Database>,
  key: OfferKey,
  event: Extract<ProcessEvent, { kind: 'tick' | 'override' }>,
  now: Date,
): Promise<ProcessResult | null> {
  const memory: ProcessMemory | null = memoryFromRecord(await getOffer(trx, key, { forUpdate: true }));
  if (!memory) return null;
  const decision = evaluate(memory.snapshot, now, ctx.domain.ruleSets);
  const result = stepProcess(memory, event, decision, ctx.policy);
  await persist(
    trx,
    result,
    [],
    now.toISOString(),
    memory.wanted,
    event.kind === 'tick' ? `tick:${event.at}` : `admin:${event.by}:${event.at}`,
  );
  return result;
}

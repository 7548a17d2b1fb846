import { DateTime } from 'luxon';
import { z } from 'zod';
import { retryDeadLetterAsAdministrator } from '../pipeline/retry-dead-letter.js';
import { applyToKnownOffer } from '../pipeline/apply.js';
import type { PipelineContext } from '../pipeline/context.js';
import { getBoardEntry, saveBoardEntry, type BoardEntry } from '../store/en3s-board.js';
import { appendLedger } from '../store/ledger.js';
import { stampOfferChange } from '../store/offer-changes.js';
import { getOffer, markOfferChecked, type OfferKey, type OfferRecord } from '../store/offers.js';
import { getCommandStatus } from '../store/outbox.js';
import { inTransaction } from '../store/transaction.js';
import type { Principal } from './auth.js';
import { AdminError, badRequest, notFound } from './errors.js';
import { integerText, parseInput, yearText } from './input-problems.js';

/**
 * What an administrator can do, for the pages and the API alike. Each action is written to the
 * ledger with the administrator's name and the reason given, in the same transaction as its
 * effect. None of them answers for EN3S: an override only says whether the offer is in the
 * scope of the période EN3S; EN3S's "validé" or "refusé" comes from the ATS alone.
 */

export interface ActionDeps {
  ctx: PipelineContext;
  reconcileNow: () => Promise<unknown>;
  /** Told of every reconciliation run from here, for the dashboard's status. */
  onReconciled?: (outcome: ReconcileOutcome) => void;
}

export const REASON_MIN = 5;
export const REASON_MAX = 1000;

const reasonRequired = `motif obligatoire : ${REASON_MIN} caractères au moins, pour le registre`;

/** The reason of an action, for the ledger: trimmed, its runs of white space made one space. */
export const reasonInput = z
  .string({ error: reasonRequired })
  .transform((v) => v.trim().replace(/\s+/g, ' '))
  .refine((v) => v.length >= REASON_MIN, { error: reasonRequired })
  .refine((v) => v.length <= REASON_MAX, { error: `motif trop long : ${REASON_MAX} caractères au plus` })
  .meta({ description: `Le motif, pour le registre (${REASON_MIN} à ${REASON_MAX} caractères)` });

/** The reason of a dashboard form, or a 400 saying what it needs. */
export function parseReason(value: unknown): string {
  const parsed = reasonInput.safeParse(value);
  if (!parsed.success) throw badRequest(parsed.error.issues[0]!.message);
  return parsed.data;
}

/** An offer's key in a path: `{source}/{atsId}/{campaign}`. */
export const offerKeyInput = z.object({
  source: z.string().min(1).max(100, { error: 'source de l’offre : 100 caractères au plus' }),
  atsId: z.string().min(1).max(200, { error: 'identifiant de l’offre : 200 caractères au plus' }),
  campaign: yearText('campagne : une année sur quatre chiffres attendue'),
});

export function offerKeyOf(source: string, atsId: string, campaign: string): OfferKey {
  const key = parseInput('params', offerKeyInput, { source, atsId, campaign });
  return { source: key.source, ats_id: key.atsId, campaign: key.campaign };
}

const noOffer = (key: OfferKey) =>
  notFound(`aucune offre ${key.ats_id} (${key.source}) pour la campagne ${key.campaign}`);

/** Forces the scope (`true` concerned, `false` not concerned) or removes the override (`null`). */
export async function overrideScope(
  deps: ActionDeps,
  key: OfferKey,
  concerned: boolean | null,
  reason: string,
  principal: Principal,
) {
  const { ctx } = deps;
  const now = ctx.clock.now();
  const result = await inTransaction(ctx.store, (trx) =>
    applyToKnownOffer(
      ctx,
      trx,
      key,
      { kind: 'override', at: now.toISOString(), concerned, by: principal.name, reason },
      now,
    ),
  );
  if (!result) throw noOffer(key);
  ctx.log.info('offer scope overridden by an administrator', {
    offer: key.ats_id,
    campaign: key.campaign,
    concerned,
    via: principal.via,
  });
  return { state: result.memory.state, commands: result.commands.map((c) => c.kind) };
}

/** Evaluates the offer again now (rules in force, window, policy), as the timekeeper would. */
export async function reevaluate(deps: ActionDeps, key: OfferKey, reason: string, principal: Principal) {
  const { ctx } = deps;
  const now = ctx.clock.now();
  const result = await inTransaction(ctx.store, async (trx) => {
    if (!(await getOffer(trx, key))) throw noOffer(key);
    await appendLedger(
      trx,
      [
        {
          offer_source: key.source,
          offer_ats_id: key.ats_id,
          campaign: key.campaign,
          actor: 'administrator',
          actor_name: principal.name,
          kind: 'admin.reevaluate',
          data: { reason, via: principal.via },
        },
      ],
      now.toISOString(),
    );
    return applyToKnownOffer(ctx, trx, key, { kind: 'tick', at: now.toISOString() }, now);
  });
  if (!result) throw noOffer(key);
  return { state: result.memory.state, commands: result.commands.map((c) => c.kind) };
}

/**
 * The administrator looked at an offer flagged "à vérifier" and says so: the ledger keeps who,
 * when, why and the job's version they saw, and the flag goes. It comes back when a newer
 * version of the job, read from the ATS, still lacks the data to decide (see `reviewChecked`).
 */
export async function markChecked(deps: ActionDeps, key: OfferKey, reason: string, principal: Principal) {
  const { ctx } = deps;
  const at = ctx.clock.now().toISOString();
  await inTransaction(ctx.store, async (trx) => {
    const record = await getOffer(trx, key, { forUpdate: true });
    if (!record) throw noOffer(key);
    if (!record.review_needed)
      throw new AdminError(
        409,
        'CONFLICT',
        `l’offre ${record.job_number} n’est pas signalée « à vérifier » : rien à marquer comme vérifié`,
      );
    const updatedAt = record.offer.updatedAt;
    await appendLedger(
      trx,
      [
        {
          offer_source: key.source,
          offer_ats_id: key.ats_id,
          campaign: key.campaign,
          actor: 'administrator',
          actor_name: principal.name,
          kind: 'admin.review_checked',
          data: { reason, via: principal.via, updatedAt },
        },
      ],
      at,
    );
    await markOfferChecked(trx, key, { by: principal.name, at, reason, updatedAt }, at);
    await stampOfferChange(trx, key);
  });
  ctx.log.info('flagged offer marked as checked by an administrator', {
    offer: key.ats_id,
    campaign: key.campaign,
    via: principal.via,
  });
  return { reviewNeeded: false };
}

/** A command's number in a path. */
export const commandIdInput = z.object({ id: integerText(1, 999_999_999_999, 'numéro de commande : entier attendu') });

/** A dead-lettered command goes back to the queue, due now. */
export async function retryDeadLetter(deps: ActionDeps, id: number, reason: string, principal: Principal) {
  const { ctx } = deps;
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx.store, async (trx) => {
    const command = await getCommandStatus(trx, id);
    if (!command) throw notFound(`aucune commande n° ${id}`);
    if (
      command.status !== 'dead' ||
      !(await retryDeadLetterAsAdministrator(
        trx,
        { ...command, id: Number(command.id) },
        { name: principal.name, via: principal.via, reason },
        now,
      ))
    ) {
      throw new AdminError(
        409,
        'CONFLICT',
        `la commande n° ${id} n’est pas en échec (état : ${command.status}) : rien à relancer`,
      );
    }
    return { id: Number(command.id), status: 'pending' as const };
  });
}

export interface ReconcileOutcome {
  at: string;
  ok: boolean;
  /** Jobs the change listing returned (before an interruption, for a failed run). */
  listed: number | null;
  /** Versions of jobs not yet in the inbox, handed to the pipeline. */
  inserted: number | null;
  /** The instant the listing started from. */
  since: string | null;
  /** The run stopped at its bound of pages and goes on by itself. */
  more: boolean;
  error: string | null;
}

/** Lists the jobs changed in the ATS since the last run and feeds them to the pipeline, now. */
export async function reconcileNow(deps: ActionDeps, reason: string, principal: Principal): Promise<ReconcileOutcome> {
  const { ctx } = deps;
  const at = ctx.clock.now().toISOString();
  await appendLedger(
    ctx.store.db,
    [
      {
        offer_source: null,
        offer_ats_id: null,
        campaign: null,
        actor: 'administrator',
        actor_name: principal.name,
        kind: 'admin.reconcile',
        data: { reason, via: principal.via },
      },
    ],
    at,
  );
  let raw: unknown;
  try {
    raw = await deps.reconcileNow();
  } catch (error) {
    raw = { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
  const r = (raw ?? {}) as {
    ok?: unknown;
    listed?: unknown;
    inserted?: unknown;
    since?: unknown;
    more?: unknown;
    error?: unknown;
  };
  const outcome: ReconcileOutcome = {
    at,
    ok: r.ok === true,
    listed: typeof r.listed === 'number' ? r.listed : null,
    inserted: typeof r.inserted === 'number' ? r.inserted : null,
    since: typeof r.since === 'string' ? r.since : null,
    more: r.more === true,
    error:
      r.ok === true
        ? null
        : typeof r.error === 'string'
          ? r.error.slice(0, 300)
          : 'erreur inattendue (voir les journaux du service)',
  };
  deps.onReconciled?.(outcome);
  return outcome;
}

export const BOARD_NOTE_MAX = 500;

const blankAsMissing = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? undefined : v);

/** What an administrator says of a post entered on EN3S's online job board: the day (default today), a short note. */
export const boardEntryInput = z.strictObject(
  {
    enteredOn: z.preprocess(
      blankAsMissing,
      z.iso.date({ error: 'date de saisie : une date aaaa-mm-jj attendue (ex. 2027-01-12)' }).optional(),
    ),
    note: z.preprocess(
      (v) => (typeof v === 'string' ? blankAsMissing(v.trim().replace(/\s+/g, ' ')) : v),
      z
        .string({ error: 'note : un texte attendu' })
        .max(BOARD_NOTE_MAX, { error: `note trop longue : ${BOARD_NOTE_MAX} caractères au plus` })
        .optional(),
    ),
  },
  {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `champ inconnu : ${issue.keys.join(', ')} ; attendu enteredOn (date de saisie) et note`
        : undefined,
  },
);

export type BoardEntryInput = z.output<typeof boardEntryInput>;

export function parseBoardEntry(raw: unknown): BoardEntryInput {
  const parsed = boardEntryInput.safeParse(raw);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => i.message).join(' ; '));
  return parsed.data;
}

/** Today in the body's legal time (the day a post entered now is entered on), `YYYY-MM-DD`. */
export function boardToday(record: OfferRecord, now: Date): string {
  return DateTime.fromJSDate(now, { zone: record.offer.organism?.timeZone ?? 'Europe/Paris' }).toISODate()!;
}

const frenchDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;

export interface BoardEntryOutcome {
  /**
   * `created`: the first recording; `superseded`: it replaces the one in force; `unchanged`: the same day and note
   * again, nothing written.
   */
  outcome: 'created' | 'superseded' | 'unchanged';
  entry: BoardEntry;
  supersedes: BoardEntry | null;
}

/**
 * Records that the post was entered on EN3S's online job board (instruction DSS/4B/2026/34 §1.2)
 * on a day no later than today in the body's legal time, nor before the year before the campaign.
 * In one transaction: the ledger entry (who, when, the day, the note, the recording it replaces)
 * and the entry in force. Recording it again with another day or note replaces that one; the
 * ledger keeps both. Refused for an offer not concerned: it has nothing to enter there.
 */
export async function recordBoardEntry(
  deps: ActionDeps,
  key: OfferKey,
  input: BoardEntryInput,
  principal: Principal,
): Promise<BoardEntryOutcome> {
  const { ctx } = deps;
  const now = ctx.clock.now();
  const at = now.toISOString();
  const outcome = await inTransaction(ctx.store, async (trx): Promise<BoardEntryOutcome> => {
    const record = await getOffer(trx, key, { forUpdate: true });
    if (!record) throw noOffer(key);
    if (record.concerned === 'no')
      throw new AdminError(
        409,
        'CONFLICT',
        `l’offre ${record.job_number} n’est pas concernée par la période EN3S : aucun poste à ` +
          `saisir sur la bourse de l’EN3S`,
      );
    const today = boardToday(record, now);
    const enteredOn = input.enteredOn ?? today;
    const earliest = `${key.campaign - 1}-01-01`;
    if (enteredOn > today || enteredOn < earliest) {
      throw badRequest(
        `date de saisie : du ${frenchDay(earliest)} à aujourd’hui (${frenchDay(today)}, heure ` +
          `légale de l’organisme) attendue, reçu « ${frenchDay(enteredOn)} »`,
      );
    }
    const note = input.note ?? null;
    const previous = await getBoardEntry(trx, key);
    if (previous && previous.entered_on === enteredOn && previous.note === note)
      return { outcome: 'unchanged', entry: previous, supersedes: null };
    const supersedes = previous && {
      enteredOn: previous.entered_on,
      note: previous.note,
      recordedBy: previous.recorded_by,
      recordedAt: previous.recorded_at,
      seq: previous.ledger_seq,
    };
    const [written] = await appendLedger(
      trx,
      [
        {
          offer_source: key.source,
          offer_ats_id: key.ats_id,
          campaign: key.campaign,
          actor: 'administrator',
          actor_name: principal.name,
          kind: 'admin.board_entry',
          data: { enteredOn, note, via: principal.via, supersedes },
        },
      ],
      at,
    );
    const entry = await saveBoardEntry(trx, {
      ...key,
      entered_on: enteredOn,
      note,
      recorded_by: principal.name,
      recorded_at: at,
      ledger_seq: written!.seq,
      revision: (previous?.revision ?? 0) + 1,
    });
    return { outcome: previous ? 'superseded' : 'created', entry, supersedes: previous };
  });
  ctx.log.info('post recorded as entered on the EN3S board', {
    offer: key.ats_id,
    campaign: key.campaign,
    outcome: outcome.outcome,
    via: principal.via,
  });
  return outcome;
}

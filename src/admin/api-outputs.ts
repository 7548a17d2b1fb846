import { z } from 'zod';
import { jobProcessStates } from '../domain/job-process-states.js';
import { scopes } from '../domain/scope.js';
import { reportFormats, reportKinds } from '../reports/options.js';
import { OUTBOX_STATUSES } from '../store/outbox-status.js';
import { adminErrorCodes } from './errors.js';

/**
 * What each route of the admin API answers, as zod schemas: the OpenAPI document is generated
 * from them, and the contract test validates every real answer against that document, so a
 * field added, renamed or retyped here or in the code without the other fails the suite. The
 * offer's own record (the job's snapshot, the decision) and the ledger's `data` belong to the
 * domain and are described by their main fields only.
 */

const instant = z.iso.datetime().meta({ description: 'Instant ISO 8601 (UTC)' });
const localInstant = z.iso.datetime({ offset: true }).meta({ description: 'Instant ISO 8601 avec son décalage' });
const int = z.number().int();
const count = z.number().int().min(0);

export const problem = z
  .object({
    type: z.string().meta({ description: 'URN du type de problème (urn:en3s:problem:…)' }),
    title: z.string().meta({ description: 'Titre du type de problème (français)' }),
    status: int.min(400).max(599),
    detail: z.string().meta({ description: 'Ce qui ne va pas et où (français)' }),
    code: z.enum(adminErrorCodes as [string, ...string[]]),
    message: z.string().meta({ description: 'Identique à detail (pour les clients de la première version)' }),
  })
  .meta({ id: 'Problem', description: 'Refus au format application/problem+json (RFC 9457)' });

/** `{items, next}`: the one page shape of every list (`next` is null on the last page). */
const page = <T extends z.ZodType>(item: T) => ({
  items: z.array(item),
  next: z.string().nullable().meta({ description: 'Curseur de la page suivante (?cursor=), null à la fin' }),
});

const state = z.enum(jobProcessStates);
const concerned = z.enum(scopes);

/** The columns that name an offer and say where it stands (`OfferHeader`). */
const offerHeader = {
  source: z.string(),
  ats_id: z.string(),
  campaign: int,
  state,
  job_number: z.string(),
  title: z.string(),
};

export const offerListItem = z
  .object({
    ...offerHeader,
    organism_type: z.string().nullable(),
    organism_name: z.string().nullable(),
    regime: z.string().nullable(),
    concerned,
    review_needed: z.boolean(),
    violation: z.boolean(),
    updated_at: instant,
    submitted_at: instant.nullable(),
    asked_at: instant.nullable(),
    asked_reason: z.string().nullable(),
  })
  .meta({ id: 'OfferListItem' });

export const offerPage = z.object({ campaign: int, total: count, ...page(offerListItem) }).meta({ id: 'OfferPage' });

export const ledgerEntry = z
  .object({
    seq: int.min(1),
    at: instant,
    offer_source: z.string().nullable(),
    offer_ats_id: z.string().nullable(),
    campaign: int.nullable(),
    actor: z.enum(['system', 'recruiter', 'en3s', 'administrator']),
    actor_name: z.string().nullable(),
    kind: z.string(),
    data: z.unknown().meta({ description: 'Les données de l’entrée, telles qu’enregistrées' }),
    prev_hash: z.string(),
    hash: z.string(),
    description: z.string().meta({ description: 'L’entrée en français' }),
  })
  .meta({ id: 'LedgerEntry' });

export const timelinePage = z.object(page(ledgerEntry)).meta({ id: 'TimelinePage' });

export const command = z
  .object({
    id: int,
    idempotency_key: z.string(),
    source: z.string(),
    ats_id: z.string(),
    campaign: int,
    kind: z.string(),
    payload: z.unknown(),
    status: z.enum(OUTBOX_STATUSES),
    attempts: count,
    next_attempt_at: instant,
    lease_owner: z.string().nullable(),
    lease_until: instant.nullable(),
    last_error: z.string().nullable(),
    created_at: instant,
    done_at: instant.nullable(),
    result: z.unknown(),
    request_id: z.string().nullable(),
  })
  .meta({ id: 'Command' });

export const commandPage = z.object(page(command)).meta({ id: 'CommandPage' });

export const boardEntry = z
  .object({
    enteredOn: z.string().meta({ description: 'Jour de saisie (AAAA-MM-JJ, heure légale de l’organisme)' }),
    note: z.string().nullable(),
    recordedBy: z.string(),
    recordedAt: instant,
    revision: int.min(1),
    ledgerSeq: int.min(1),
  })
  .meta({ id: 'BoardEntry' });

export const offerDetail = z
  .object({
    offer: z
      .looseObject({
        ...offerHeader,
        concerned,
        review_needed: z.boolean(),
        violation: z.boolean(),
        offer: z.looseObject({}).meta({ description: 'Le dernier instantané de l’offre lu dans l’ATS' }),
        decision: z.looseObject({}).nullable(),
      })
      .meta({ description: 'L’offre : instantané, décision, mémoire du processus' }),
    commands: z.array(command),
    en3sBoard: boardEntry.nullable(),
    timeline: z.array(ledgerEntry).meta({ description: 'Les premières entrées du registre (voir …/timeline)' }),
  })
  .meta({ id: 'OfferDetail' });

const alert = z.object({
  key: z.enum([
    'published_without_approval',
    'violations',
    'undetermined',
    'awaiting_submission',
    'unanswered',
    'dead_letters',
    'ats_unreachable',
  ]),
  label: z.string(),
  count,
  href: z.string(),
  filter: z.record(z.string(), z.string()).nullable(),
});

const reconcileOutcome = z
  .object({
    at: instant,
    ok: z.boolean(),
    listed: count.nullable(),
    inserted: count.nullable(),
    since: instant.nullable(),
    more: z.boolean(),
    error: z.string().nullable(),
  })
  .meta({ id: 'ReconcileOutcome' });

export const operationsView = z
  .object({
    circuit: z
      .object({ state: z.string(), consecutiveFailures: count.optional(), retryInMs: z.number().optional() })
      .nullable(),
    atsUnreachable: z.boolean(),
    lastReconcile: reconcileOutcome.nullable(),
    reconcileCursorAt: instant.nullable(),
    inbox: z.looseObject({ byStatus: z.record(z.string(), count) }),
    outbox: z.looseObject({ byStatus: z.record(z.string(), count), due: count }),
    holds: z.looseObject({ current: z.array(z.unknown()), recent: z.array(z.unknown()) }).nullable(),
  })
  .meta({ id: 'Operations' });

export const overviewAnswer = z
  .object({
    campaign: z.object({
      campaign: int,
      start: localInstant,
      end: localInstant,
      timeZone: z.string(),
      status: z.enum(['upcoming', 'open', 'closed']),
      ruleSetNow: z
        .object({
          id: z.string(),
          citation: z.string(),
          title: z.string(),
          from: z.string(),
          to: z.string().nullable(),
        })
        .nullable(),
    }),
    counts: z.record(z.string(), count),
    total: count,
    alerts: z.array(alert),
    awaitingSubmission: z.object({ items: z.array(offerListItem), total: count, href: z.string() }),
    operations: operationsView,
  })
  .meta({ id: 'Overview' });

export const statusAnswer = z
  .object({
    operations: operationsView,
    settings: z.record(z.string(), z.unknown()).meta({ description: 'Les réglages, secrets masqués' }),
  })
  .meta({ id: 'Status' });

export const reportRun = z
  .object({
    id: int,
    kind: z.enum(reportKinds),
    campaign: int,
    format: z.enum(reportFormats),
    options: z.record(z.string(), z.unknown()),
    generatedAt: instant,
    fileName: z.string(),
    files: z.array(z.object({ name: z.string(), sha256: z.string(), bytes: count })),
    rowCount: count,
    trigger: z.enum(['cli', 'schedule', 'api']),
    dueAt: instant.nullable(),
    scheduleKey: z.string().nullable(),
    recordedAt: instant,
    projectionCursor: int.nullable(),
    download: z.string().nullable().meta({ description: 'Lien du fichier, null s’il n’est pas servi' }),
  })
  .meta({ id: 'ReportRun' });

export const reportRunPage = z.object(page(reportRun)).meta({ id: 'ReportRunPage' });

export const actionResult = z
  .object({ state, commands: z.array(z.string()).meta({ description: 'Les commandes demandées' }) })
  .meta({ id: 'ActionResult' });

export const checkedAnswer = z.object({ reviewNeeded: z.literal(false) });
export const retryAnswer = z.object({ id: int, status: z.literal('pending') });
export { reconcileOutcome };

export const boardAnswer = z
  .object({
    outcome: z.enum(['created', 'superseded', 'unchanged']),
    entry: boardEntry,
    supersedes: boardEntry.nullable(),
  })
  .meta({ id: 'BoardEntryOutcome' });

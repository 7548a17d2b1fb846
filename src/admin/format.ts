import { DateTime } from 'luxon';
import type { ProcessCommandKind } from '../domain/job-process.js';
import { capitalise } from '../domain/rulesets.js';
import { jobProcessStates, jobProcessTable, type JobProcessState } from '../domain/job-process-states.js';
import { scopes, scopeWords } from '../domain/scope.js';
import type { DomainData } from '../mappings/load.js';
import type { OutboxStatus } from '../store/outbox-status.js';

/**
 * How the dashboard writes values for administrators: French, dates `jj/mm/aaaa`, times in
 * Paris unless a body's own legal time is asked for.
 */

export const PARIS = 'Europe/Paris';

const numberFormat = new Intl.NumberFormat('fr-FR');

export function frenchNumber(n: number): string {
  return numberFormat.format(n);
}

/** `jj/mm/aaaa hh:mm` of an ISO instant, in Paris (or the zone given); `—` when absent or unreadable. */
export function frenchDateTime(instant: string | null | undefined, zone: string = PARIS): string {
  if (!instant) return '—';
  const dt = DateTime.fromISO(instant, { zone: 'utc' }).setZone(zone);
  return dt.isValid ? dt.toFormat('dd/LL/yyyy HH:mm') : '—';
}

/** `jj/mm/aaaa hh:mm:ss` of an ISO instant in Paris: the ledger's steps, seconds apart, in their order. */
export function frenchDateTimeSeconds(instant: string | null | undefined): string {
  if (!instant) return '—';
  const dt = DateTime.fromISO(instant, { zone: 'utc' }).setZone(PARIS);
  return dt.isValid ? dt.toFormat('dd/LL/yyyy HH:mm:ss') : '—';
}

/** `jj/mm/aaaa` of an ISO instant in a zone, or of a calendar date `YYYY-MM-DD` as it is. */
export function frenchDate(value: string | null | undefined, zone: string = PARIS): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}`;
  const dt = DateTime.fromISO(value, { zone: 'utc' }).setZone(zone);
  return dt.isValid ? dt.toFormat('dd/LL/yyyy') : '—';
}

export function stateLabelOf(state: string): string {
  return (jobProcessStates as readonly string[]).includes(state)
    ? jobProcessTable[state as JobProcessState].label
    : state;
}

export const actorLabels: Record<string, string> = {
  system: 'Connecteur',
  recruiter: 'Recruteur',
  en3s: 'EN3S',
  administrator: 'Administrateur',
};

/**
 * The scope retained. "À vérifier" is kept for the flag an administrator must look at
 * (`review_needed`); the undetermined scope is named for what it is.
 */
export const concernedLabels: Record<string, string> = Object.fromEntries(
  scopes.map((scope) => [scope, scopeWords[scope].label]),
);

/**
 * The commands of the process (`ProcessCommand`), as administrators read them: one for each kind, or it does not
 * compile.
 */
const processCommandLabels: Record<ProcessCommandKind, string> = {
  set_approver: 'Poser l’approbateur « EN3S dérogation » dans l’équipe de l’offre',
  remove_approver: 'Retirer l’approbateur EN3S de l’équipe (fin de période)',
  read_postings: 'Relire les annonces de l’offre',
  take_down: 'Retirer les annonces publiées sans l’approbation de l’EN3S',
  ask_recruiter: 'Demander par e-mail au recruteur de « Soumettre pour approbation »',
  notify_admins: 'Prévenir les administrateurs',
};
/**
 * Looked up by the kind stored in the outbox or the ledger (rows of the earlier connector show their kind as stored).
 */
export const commandLabels: Readonly<Record<string, string>> = processCommandLabels;

export const outboxStatusLabels: Readonly<Record<OutboxStatus, string>> = {
  pending: 'En attente',
  in_flight: 'En cours',
  done: 'Faite',
  skipped: 'Abandonnée sans envoi (plus demandée)',
  dead: 'En échec (abandonnée)',
};

/** What a job's status means (the tenant's mapping), beside the status text the ATS gives. */
export const jobStatusLabels: Record<string, string> = {
  DRAFT: 'brouillon',
  PENDING_APPROVAL: 'en attente d’approbation',
  APPROVED: 'approuvée',
  REFUSED: 'refusée',
  OPEN: 'ouverte',
  CLOSED: 'clôturée',
  CANCELLED: 'annulée',
  UNKNOWN: 'sens inconnu (statut absent de la correspondance)',
};

/** Why the recruiter was asked to submit. */
export const askReasonLabels: Record<string, string> = {
  submit: '« Soumettre pour approbation »',
  resubmit:
    'soumettre de nouveau pour approbation (la soumission observée n’avait pas l’EN3S établie parmi ses approbateurs)',
};

/** Where EN3S stood in a submission the connector observed (`en3sIncluded`, `en3sOnly`). */
export function en3sInSubmission(included: unknown, only: unknown): string {
  if (included === true)
    return only === true
      ? 'EN3S seul approbateur'
      : only === false
        ? 'EN3S parmi d’autres approbateurs'
        : 'EN3S parmi les approbateurs';
  if (included === false) return 'EN3S absente des approbateurs';
  return 'EN3S non établi';
}

/** An answer observed (`status`, `byEn3s`): attributed to EN3S only when it was the only approver. */
export function answerLabel(status: unknown, byEn3s: unknown): string {
  if (status === 'APPROVED')
    return byEn3s === true
      ? 'approuvée par l’EN3S (seul approbateur)'
      : 'approbation observée (l’EN3S n’était pas le seul approbateur : l’ATS ne dit pas qui a approuvé)';
  if (status === 'REFUSED')
    return byEn3s === true ? 'refusée par l’EN3S (seul approbateur)' : 'refus observé (l’ATS ne dit pas qui a refusé)';
  return String(status);
}

/** Régime keys and their labels, as the texts name them (the latest text wins; RSI from the older one). */
export function regimeLabels(domain: DomainData): Map<string, string> {
  const labels = new Map<string, string>();
  const files = [...domain.ruleSetFiles].sort((a, b) => a.inForce.from.localeCompare(b.inForce.from));
  for (const file of files) for (const regime of file.regimes) labels.set(regime.key, capitalise(regime.label));
  for (const type of domain.organismsFile.types)
    if (type.regime !== undefined && !labels.has(type.regime)) labels.set(type.regime, type.regime);
  return labels;
}

/** Every network named in the bodies file, in file order. */
export function networksOf(domain: DomainData): string[] {
  return [...new Set(domain.organismsFile.types.flatMap((t) => t.networks))];
}

/** The body types reporting to a network: the network filter is an indexed filter on the type. */
export function typesOfNetwork(domain: DomainData, network: string): string[] {
  return domain.organismsFile.types.filter((t) => t.networks.includes(network)).map((t) => t.key);
}

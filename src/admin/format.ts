import { DateTime } from 'luxon';
import { capitalise } from '../domain/rulesets.js';
import { offerStates, stateTable, type OfferState } from '../domain/workflow-states.js';
import type { DomainData } from '../mappings/load.js';

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

/** `jj/mm/aaaa` of an ISO instant in a zone, or of a calendar date `YYYY-MM-DD` as it is. */
export function frenchDate(value: string | null | undefined, zone: string = PARIS): string {
  if (!value) return '—';
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return `${value.slice(8, 10)}/${value.slice(5, 7)}/${value.slice(0, 4)}`;
  const dt = DateTime.fromISO(value, { zone: 'utc' }).setZone(zone);
  return dt.isValid ? dt.toFormat('dd/LL/yyyy') : '—';
}

/** The calendar date `YYYY-MM-DD` of an instant in a zone. */
export function isoDateIn(instant: Date, zone: string = PARIS): string {
  return DateTime.fromJSDate(instant, { zone }).toISODate()!;
}

export function stateLabelOf(state: string): string {
  return (offerStates as readonly string[]).includes(state) ? stateTable[state as OfferState].label : state;
}

export const actorLabels: Record<string, string> = {
  system: 'Connecteur',
  recruiter: 'Recruteur',
  en3s: 'EN3S',
  administrator: 'Administrateur',
};

export const concernedLabels: Record<string, string> = { yes: 'Concernée', no: 'Non concernée', undetermined: 'À vérifier' };

export const commandLabels: Record<string, string> = {
  assign_team: 'Poser l’équipe « EN3S dérogation »',
  start_approval: 'Lancer le processus d’approbation',
  set_lock: 'Verrouiller ou déverrouiller la publication',
  withdraw_posting: 'Retirer l’annonce publiée',
  notify: 'Prévenir les administrateurs',
};

export const outboxStatusLabels: Record<string, string> = {
  pending: 'En attente',
  in_flight: 'En cours',
  done: 'Faite',
  dead: 'En échec (abandonnée)',
};

export const postingStatusLabels: Record<string, string> = {
  DRAFT: 'Brouillon',
  PUBLISHED: 'Publiée',
  WITHDRAWN: 'Retirée',
  EXPIRED: 'Expirée',
};

export const jobStatusLabels: Record<string, string> = { DRAFT: 'Brouillon', OPEN: 'Ouverte', CLOSED: 'Clôturée', CANCELLED: 'Annulée' };

export const approvalStatusLabels: Record<string, string> = {
  NOT_STARTED: 'Non lancé',
  IN_PROGRESS: 'En cours',
  APPROVED: 'Approuvé',
  REJECTED: 'Rejeté',
  CANCELLED: 'Annulé',
};

/** Régime keys and their labels, as the texts name them (the latest text wins; RSI from the older one). */
export function regimeLabels(domain: DomainData): Map<string, string> {
  const labels = new Map<string, string>();
  const files = [...domain.ruleSetFiles].sort((a, b) => a.inForce.from.localeCompare(b.inForce.from));
  for (const file of files) for (const regime of file.regimes) labels.set(regime.key, capitalise(regime.label));
  for (const type of domain.organismsFile.types) if (!labels.has(type.regime)) labels.set(type.regime, type.regime);
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

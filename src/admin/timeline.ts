import type { LedgerEntry } from '../store/ledger.js';
import { actorLabels, commandLabels, frenchDate, frenchDateTime, stateLabelOf } from './format.js';

/**
 * The ledger of one offer read as a story: who did what, when. Each entry becomes one line in
 * French (its kind and data say what happened, its actor who did it: the connector, the
 * recruiter, EN3S or an administrator by name); the raw entry stays one click away for audits.
 */

export interface TimelineLine {
  seq: number;
  at: string;
  actor: string;
  /** The administrator's name, for administrator entries. */
  actorName: string | null;
  what: string;
  kind: string;
  hash: string;
  data: unknown;
}

type Data = Record<string, unknown>;
const text = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));
const command = (kind: unknown) => commandLabels[text(kind)] ?? text(kind);

const origins: Record<string, string> = {
  webhook: 'notification',
  queue: 'file d’événements',
  reconciliation: 'réconciliation',
  command: 'réponse à une commande',
  fetch: 'lecture dans l’ATS',
};

function scope(concerned: unknown): string {
  return concerned === true ? 'concernée' : concerned === false ? 'non concernée' : 'à vérifier';
}

const describe: Record<string, (d: Data) => string> = {
  'event.received': (d) => `Offre reçue de l’ATS (${origins[text(d.origin)] ?? text(d.origin)}, version ${text(d.version)})`,
  'event.duplicate': (d) => `Version ${text(d.version)} déjà traitée : rien ne change`,
  'event.stale': (d) => `Version ${text(d.version)} plus ancienne que la ${text(d.lastVersion)} déjà traitée : ignorée`,
  'event.rejected': (d) => `Notification refusée : ${text(d.error)}`,
  decision: (d) => {
    const reasons = Array.isArray(d.reasons) ? (d.reasons as Data[]).map((r) => `${text(r.message)} (${text(r.source)})`).join(' ; ') : '';
    return `Décision : ${scope(d.concerned)}${d.ruleSet ? `, selon ${text(d.ruleSet)}` : ''}${reasons ? ` — ${reasons}` : ''}`;
  },
  'admin.override': (d) =>
    `${d.concerned === null ? 'Forçage du périmètre retiré' : `Périmètre forcé : ${scope(d.concerned)}`} — motif : ${text(d.reason)}`,
  'admin.reevaluate': (d) => `Nouvelle évaluation demandée — motif : ${text(d.reason)}`,
  'admin.retry': (d) => `Commande n° ${text(d.commandId)} (${command(d.command)}) remise en file — motif : ${text(d.reason)}`,
  'admin.reconcile': (d) => `Réconciliation avec l’ATS demandée — motif : ${text(d.reason)}`,
  'en3s.decision': (d) =>
    `Réponse de l’EN3S : ${d.decision === 'APPROVED' ? 'validé (dérogation accordée)' : 'refusé (poste réservé aux élèves)'}${d.decidedAt ? ` le ${frenchDateTime(text(d.decidedAt))}` : ''}`,
  'team.assigned': (d) => `Équipe « EN3S dérogation » posée par ${d.by === 'connector' ? 'le connecteur' : 'le recruteur'}`,
  'approval.started': (d) =>
    `Processus d’approbation lancé par ${d.by === 'connector' ? 'le connecteur' : 'le recruteur'}${d.dueDate ? `, échéance le ${frenchDate(text(d.dueDate))}` : ''}`,
  'approval.cancelled': () => 'Processus d’approbation annulé dans l’ATS',
  'violation.detected': (d) =>
    `Publication sans accord de l’EN3S sur ${text(d.channel)} le ${frenchDateTime(text(d.publishedAt))} (${text(d.why)}) : ${d.action === 'withdraw' ? 'retrait demandé' : 'signalée'}`,
  'state.changed': (d) => `État : ${d.from ? `${stateLabelOf(text(d.from))} → ` : ''}${stateLabelOf(text(d.to))}`,
  'command.requested': (d) => `Commande demandée à l’ATS : ${command(d.kind)}`,
  'ats.answer': (d) =>
    d.outcome === 'done'
      ? `L’ATS a exécuté : ${command(d.command)} (essai ${text(d.attempt)})`
      : d.outage === true
        ? `L’ATS, injoignable, n’a pas répondu à « ${command(d.command)} » (${text(d.error)}) : essai non décompté, nouvel essai le ${frenchDateTime(text(d.nextAttemptAt))}`
        : `L’ATS n’a pas répondu à « ${command(d.command)} » (essai ${text(d.attempt)}, ${text(d.error)}) : nouvel essai le ${frenchDateTime(text(d.nextAttemptAt))}`,
  'command.dead': (d) => `Commande abandonnée après ${text(d.attempts)} essais : ${command(d.command)} (${text(d.error)})`,
  'window.opened': (d) => `Ouverture de la période EN3S ${text(d.campaign)} (${text(d.timeZone)})`,
  'window.closed': (d) => `Fin de la période EN3S ${text(d.campaign)} (${text(d.timeZone)})`,
  'ruleset.in_force': (d) => `Entrée en vigueur du texte ${text(d.ruleSet)}`,
};

export function timelineLine(entry: LedgerEntry): TimelineLine {
  const data = (entry.data && typeof entry.data === 'object' ? entry.data : {}) as Data;
  const describeKind = describe[entry.kind];
  return {
    seq: entry.seq,
    at: entry.at,
    actor: actorLabels[entry.actor] ?? entry.actor,
    actorName: entry.actor_name,
    what: describeKind ? describeKind(data) : `${entry.kind}`,
    kind: entry.kind,
    hash: entry.hash,
    data: entry.data,
  };
}

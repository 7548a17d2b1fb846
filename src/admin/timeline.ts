import { scopeOf, scopeWords } from '../domain/scope.js';
import type { LedgerEntry } from '../store/ledger.js';
import { errorText } from './command-errors.js';
import {
  actorLabels,
  answerLabel,
  askReasonLabels,
  commandLabels,
  en3sInSubmission,
  frenchDateTime,
  stateLabelOf,
} from './format.js';

/**
 * The ledger of one offer read as a story: who did what, when. Each entry becomes one line in
 * French (its kind and data say what happened, its actor who did it: the connector, the
 * recruiter, EN3S or an administrator by name); the raw entry stays one click away for audits.
 *
 * The wordings say what the connector observed, and when it observed it: the real ATS dates
 * neither submissions nor answers, and the connector starts no approval and locks nothing. An
 * answer is EN3S's own only when EN3S was the only approver of the submission.
 */

export interface TimelineLine {
  seq: number;
  at: string;
  actor: string;
  /** The administrator's name, for administrator entries. */
  actorName: string | null;
  what: string;
  kind: string;
  /** Its family for the filter; null for a kind the table does not know. */
  family: TimelineFamily | null;
  hash: string;
  data: unknown;
}

type Data = Record<string, unknown>;
/** Recipients named by their ATS user id, never by address. */
const recipients = (ids: unknown): string =>
  Array.isArray(ids) && ids.length > 0 ? ids.map((id) => `utilisateur ${String(id)}`).join(', ') : 'aucun';

const text = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v));
const command = (kind: unknown) => commandLabels[text(kind)] ?? text(kind);
const when = (v: unknown) => frenchDateTime(typeof v === 'string' ? v : null);
/** A calendar date `YYYY-MM-DD` as `jj/mm/aaaa`. */
const day = (v: unknown) =>
  typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v.slice(8, 10)}/${v.slice(5, 7)}/${v.slice(0, 4)}` : '—';

/** How a snapshot of the job was read (`EventMeta.origin` of `src/pipeline/apply.ts`). */
export const originLabels: Record<string, string> = {
  queue: 'file d’attente',
  listing: 'listage des changements',
  'read-back': 'relecture après une commande',
};

function scope(concerned: unknown): string {
  return scopeWords[scopeOf(typeof concerned === 'boolean' ? concerned : null)].inSentence;
}

/** `(essai n)` only when the entry records its attempt. */
const attemptOf = (d: Data) => (typeof d.attempt === 'number' ? ` (essai ${d.attempt})` : '');

/** What a done command's note says, in French: `applied`, `already applied…`, `applied to n of m…`. */
function doneNote(note: string): string {
  const partial = /^applied to (\d+) of (\d+)/.exec(note);
  if (partial) return ` (faite pour ${partial[1]} sur ${partial[2]} ; les autres déjà faites)`;
  return note.startsWith('already applied') ? ' (déjà fait)' : '';
}

/**
 * The outcome of a command the dispatcher carried. Only the team and posting calls go to the
 * ATS; the e-mail to the recruiter goes through the mailer, and an alert to the administrators
 * is raised by the connector itself (dashboard and service log).
 */
function commandDone(d: Data): string {
  const note = text(d.note);
  const attempt = attemptOf(d);
  switch (d.command) {
    case 'ask_recruiter':
      if (note === 'already sent') return `E-mail au recruteur déjà envoyé (déjà fait), rien de plus envoyé${attempt}`;
      if (note.includes('not sent')) return `E-mail au recruteur non envoyé : période EN3S close${attempt}`;
      return `E-mail envoyé au recruteur (${recipients(d.recipientIds)}) : ${command(d.command)}${attempt}`;
    case 'notify_admins':
      return `Alerte levée par le connecteur pour les administrateurs (rien n’est envoyé à l’ATS)${attempt}`;
    case 'read_postings':
      return `Annonces relues dans l’ATS${attempt}`;
    default:
      return `L’ATS a accepté : ${command(d.command)}${doneNote(note)}${attempt}`;
  }
}

/** A command the process asks for; an alert to the administrators is not a call to the ATS. */
function commandRequested(d: Data): string {
  if (d.kind === 'notify_admins')
    return (
      `Alerte aux administrateurs demandée${d.again === true ? ' de nouveau' : ''} (tableau de ` +
      `bord et journal du service)`
    );
  return d.again === true
    ? `Commande demandée de nouveau (elle avait été abandonnée sans envoi) : ${command(d.kind)}`
    : `Commande demandée : ${command(d.kind)}`;
}

/** The one table of wordings: every kind of ledger entry the process, the pipeline and the actions write. */
const describe: Record<string, (d: Data) => string> = {
  'event.received': (d) =>
    `Offre lue dans l’ATS (${originLabels[text(d.origin)] ?? text(d.origin)}) : modifiée le ${when(d.updatedAt)}, ` +
    `statut « ${text(d.atsStatus)} »`,
  'event.duplicate': (d) => `Lecture déjà traitée (offre modifiée le ${when(d.updatedAt)}) : rien ne change`,
  'event.stale': (d) =>
    `Lecture plus ancienne (offre modifiée le ${when(d.updatedAt)}) que celle déjà traitée ` +
    `(modifiée le ${when(d.knownUpdatedAt)}) : ignorée`,
  'event.rejected': (d) => `Lecture refusée : ${errorText(d.error)}`,
  decision: (d) => {
    const reasons = Array.isArray(d.reasons)
      ? (d.reasons as Data[])
          .map((r) => `${text(r.message)} (${text(r.source)}${r.reading ? ` ; ${text(r.reading)}` : ''})`)
          .join(' ; ')
      : '';
    return (
      `Décision : ${scope(d.concerned)}${d.ruleSet ? `, selon ${text(d.ruleSet)}` : ''}` +
      `${reasons ? ` — ${reasons}` : ''}`
    );
  },
  'admin.override': (d) =>
    `${d.concerned === null ? 'Forçage du périmètre retiré' : `Périmètre forcé : ${scope(d.concerned)}`} ` +
    `— motif : ${text(d.reason)}`,
  'admin.reevaluate': (d) => `Nouvelle évaluation demandée — motif : ${text(d.reason)}`,
  'admin.retry': (d) =>
    `Commande n° ${text(d.commandId)} (${command(d.command)}) remise en file — motif : ${text(d.reason)}`,
  'admin.review_checked': (d) =>
    `Offre marquée comme vérifiée (version modifiée le ${when(d.updatedAt)}) — motif : ${text(d.reason)}`,
  'admin.reconcile': (d) => `Réconciliation avec l’ATS demandée — motif : ${text(d.reason)}`,
  'admin.board_entry': (d) => {
    const before = (d.supersedes ?? null) as Data | null;
    return (
      `Poste saisi sur la bourse en ligne des postes de l’EN3S le ${day(d.enteredOn)}` +
      `${d.note ? ` — note : ${text(d.note)}` : ''}` +
      `${
        before
          ? ` (remplace la saisie du ${day(before.enteredOn)} enregistrée par ${text(before.recordedBy)} ` +
            `le ${when(before.recordedAt)} ; le registre garde les deux)`
          : ''
      }`
    );
  },
  'approver.observed': (d) =>
    d.by === 'connector'
      ? 'Approbateur EN3S posé : vu dans l’équipe de l’offre après la demande du connecteur'
      : 'Approbateur EN3S vu dans l’équipe de l’offre, posé par le recruteur',
  'submission.observed': (d) =>
    `Soumission pour approbation observée (${en3sInSubmission(d.en3sIncluded, d.en3sOnly)})${
      d.basis === 'pending_not_seen'
        ? ' — statut « en attente d’approbation » jamais lu : soumission déduite du statut suivant'
        : ''
    }`,
  'answer.observed': (d) =>
    `Réponse observée : ${answerLabel(d.status, d.byEn3s)}${d.atsStatus ? `, statut « ${text(d.atsStatus)} »` : ''}`,
  'recruiter.asked': (d) => `Recruteur à solliciter : ${askReasonLabels[text(d.reason)] ?? text(d.reason)}`,
  'recruiter.reminded': (d) =>
    `E-mail de relance n° ${text(d.sequence)} envoyé aux recruteurs (${recipients(d.recipientIds)}) ` +
    `: ${askReasonLabels[text(d.reason)] ?? text(d.reason)}`,
  'admins.alerted': (d) =>
    `Administrateurs prévenus par e-mail : offre toujours non soumise (` +
    `${askReasonLabels[text(d.reason)] ?? text(d.reason)})`,
  'violation.detected': (d) =>
    `Annonce ${text(d.postingId)} en ligne sans l’approbation de l’EN3S (publiée le ${when(d.postedAt)}) ` +
    `: ${d.action === 'take_down' ? 'retrait demandé' : 'signalée (mode observation)'}`,
  'posting.gone': (d) => `Annonce ${text(d.postingId)} plus en ligne (constaté à la relecture des annonces)`,
  'process.left': (d) => `Sortie du processus EN3S : offre désormais ${scope(d.concerned)}`,
  'state.changed': (d) => `État : ${d.from ? `${stateLabelOf(text(d.from))} → ` : ''}${stateLabelOf(text(d.to))}`,
  'transition.unexpected': (d) =>
    `Passage inattendu de « ${stateLabelOf(text(d.from))} » à « ${stateLabelOf(text(d.to))} » : suivi tel qu’observé`,
  'command.requested': commandRequested,
  'ats.answer': (d) =>
    d.outcome === 'done'
      ? commandDone(d)
      : d.outage === true
        ? `L’ATS, injoignable, n’a pas répondu à « ${command(d.command)} » (${errorText(d.error)}) : ` +
          `essai non décompté, nouvel essai le ${when(d.nextAttemptAt)}`
        : `Échec de « ${command(d.command)} » (` +
          `${typeof d.attempt === 'number' ? `essai ${d.attempt}, ` : ''}${errorText(d.error)}) ` +
          `: nouvel essai le ${when(d.nextAttemptAt)}`,
  'command.skipped': (d) => `Commande abandonnée : plus demandée — ${command(d.command)} (rien n’a été envoyé)`,
  'command.dead': (d) =>
    `Commande abandonnée après ${text(d.attempts)} essais : ${command(d.command)} (${errorText(d.error)})`,
  'window.opened': (d) => `Ouverture de la période EN3S ${text(d.campaign)} (${text(d.timeZone)})`,
  'window.closed': (d) => `Fin de la période EN3S ${text(d.campaign)} (${text(d.timeZone)})`,
  'ruleset.in_force': (d) => `Entrée en vigueur du texte ${text(d.ruleSet)}`,
  'projection.reset': (d) =>
    `Projection du rapport recalculée pour toutes les offres (${text(d.lastChange)} ` +
    `modification(s) d’offres enregistrée(s))`,
  'retention.purge': (d) =>
    `Données personnelles purgées (campagnes jusqu’à ${text(d.lastCampaign)}, conservation ` +
    `${text(d.retentionMonths)} ` +
    `mois${d.trigger === 'schedule' ? ', purge quotidienne' : ', purge lancée à la main'}) : ${text(d.inboxBodies)} ` +
    `document(s) de l’ATS reçu(s), destinataires de ${text(d.mailRecipients)} e-mail(s), ${text(d.mailboxMessages)} ` +
    `message(s) de la boîte de démonstration`,
};

/** Every kind of ledger entry that has a French wording. */
export const describedKinds: readonly string[] = Object.keys(describe);

export function describeEntry(kind: string, data: unknown): string {
  const describeKind = describe[kind];
  return describeKind ? describeKind((data && typeof data === 'object' ? data : {}) as Data) : kind;
}

/** The families an administrator filters the timeline by, in the order the form shows them. */
export const timelineFamilies = {
  ats: 'Lectures et constats dans l’ATS',
  commandes: 'Commandes à l’ATS',
  decisions: 'Décisions et états',
  courriels: 'Courriels aux recruteurs',
  administrateurs: 'Administrateurs (actions et alertes)',
  periode: 'Période EN3S et textes',
} as const;
export type TimelineFamily = keyof typeof timelineFamilies;

const familyOfKind: Record<string, TimelineFamily> = {
  'event.received': 'ats',
  'event.duplicate': 'ats',
  'event.stale': 'ats',
  'event.rejected': 'ats',
  'approver.observed': 'ats',
  'submission.observed': 'ats',
  'answer.observed': 'ats',
  'violation.detected': 'ats',
  'posting.gone': 'ats',
  decision: 'decisions',
  'state.changed': 'decisions',
  'transition.unexpected': 'decisions',
  'process.left': 'decisions',
  'recruiter.asked': 'courriels',
  'recruiter.reminded': 'courriels',
  'admins.alerted': 'administrateurs',
  'window.opened': 'periode',
  'window.closed': 'periode',
  'ruleset.in_force': 'periode',
  'retention.purge': 'periode',
  'projection.reset': 'periode',
};

/**
 * The family of an entry: by its kind, and for a command by what it is: an e-mail to the
 * recruiter or an alert to the administrators is not a call to the ATS. Unknown kinds fall in
 * the ATS's readings only if named so; an administrator's own entries are all `admin.*`.
 */
export function familyOf(kind: string, data: unknown): TimelineFamily | null {
  if (kind.startsWith('admin.')) return 'administrateurs';
  if (kind.startsWith('command.') || kind === 'ats.answer') {
    const d = (data && typeof data === 'object' ? data : {}) as Data;
    const commandKind = d.command ?? d.kind;
    return commandKind === 'notify_admins'
      ? 'administrateurs'
      : commandKind === 'ask_recruiter'
        ? 'courriels'
        : 'commandes';
  }
  return familyOfKind[kind] ?? null;
}

export function timelineLine(entry: LedgerEntry): TimelineLine {
  return {
    seq: entry.seq,
    at: entry.at,
    actor: actorLabels[entry.actor] ?? entry.actor,
    actorName: entry.actor_name,
    what: describeEntry(entry.kind, entry.data),
    kind: entry.kind,
    family: familyOf(entry.kind, entry.data),
    hash: entry.hash,
    data: entry.data,
  };
}

/** Consecutive lines shown as one: a run of the same duplicate read, or a line alone. */
export interface TimelineGroup {
  first: TimelineLine;
  last: TimelineLine;
  lines: TimelineLine[];
}

/**
 * Folds each run of consecutive "already handled" reads of the same version (a duplicate
 * snapshot, worded alike) into one group; every other line is a group of its own.
 */
export function foldDuplicates(lines: readonly TimelineLine[]): TimelineGroup[] {
  const groups: TimelineGroup[] = [];
  for (const line of lines) {
    const open = groups.at(-1);
    if (
      open &&
      line.kind === 'event.duplicate' &&
      open.last.kind === 'event.duplicate' &&
      open.last.what === line.what
    ) {
      open.lines.push(line);
      open.last = line;
    } else {
      groups.push({ first: line, last: line, lines: [line] });
    }
  }
  return groups;
}

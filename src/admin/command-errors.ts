import { html, type SafeHtml } from './html.js';

/**
 * The last error of a command, as an administrator reads it: what happened, in French, from the
 * failure's code; the code itself in `<code>` and the ATS's or the mailer's own text (English,
 * as the connector recorded it) in its title, for support. The dispatcher records errors as
 * `CODE (HTTP 400): text` or `CODE: text`.
 */

const codeLabels: Readonly<Record<string, string>> = {
  CIRCUIT_OPEN: 'non envoyée : l’ATS ne répondait plus, le connecteur attend avant de le rappeler',
  OVER_QPS: 'non envoyée : limite d’appels par seconde de la clé d’API atteinte',
  OVER_QUOTA: 'non envoyée : quota d’appels de la clé d’API épuisé',
  NOT_AUTHORIZED: 'l’ATS a refusé la clé d’API ou les identifiants',
  FORBIDDEN: 'l’ATS interdit cet appel à l’utilisateur de l’API',
  NOT_FOUND: 'introuvable dans l’ATS',
  JOB_NOT_FOUND: 'offre introuvable dans l’ATS',
  POSTING_NOT_FOUND: 'diffusion introuvable dans l’ATS',
  JOB_CLOSED: 'offre clôturée dans l’ATS',
  INVALID_INPUT: 'l’ATS a refusé les données envoyées',
  INVALID_ARGUMENT: 'l’ATS a refusé les données envoyées',
  INVALID_RESPONSE: 'réponse de l’ATS illisible',
  INVALID_DOCUMENT: 'document de l’ATS illisible',
  UNKNOWN_USER: 'utilisateur inconnu de l’ATS',
  UNKNOWN_DEPARTMENT: 'organisme inconnu de l’ATS',
  NOT_AN_APPROVER: 'l’utilisateur n’est pas approbateur de l’offre',
  NO_APPROVERS: 'l’offre n’a pas d’approbateur',
  NOT_PENDING: 'aucune approbation en cours',
  ALREADY_DECIDED: 'approbation déjà décidée',
  PUBLICATION_REFUSED: 'publication refusée par l’ATS',
  TIMEOUT: 'l’ATS n’a pas répondu à temps',
  NETWORK: 'l’ATS est injoignable (réseau)',
  UNEXPECTED: 'erreur inattendue du connecteur',
  NO_MAILER: 'aucun envoi d’e-mails configuré pour écrire au recruteur',
  NO_RECIPIENT: 'aucun destinataire : le recruteur n’a pas d’adresse e-mail connue',
  INVALID_MAIL: 'adresse e-mail refusée',
  MAIL_PENDING: 'e-mail en cours d’envoi par une autre instance',
  MAILBOX: 'boîte d’envoi des e-mails en erreur',
  CONFIG: 'configuration incomplète',
  INVALID_BODY: 'contenu de l’événement illisible',
  REDELIVERED: 'élément de la file revenu après sa suppression',
  POSTING_NOT_LIVE: 'annonce plus en ligne',
};

function labelOf(code: string, status: number | null): string {
  const known = codeLabels[code];
  if (known) return known;
  if (status !== null && status >= 500) return `l’ATS a échoué (HTTP ${status}), à réessayer`;
  if (status !== null && status >= 300 && status < 400)
    return `l’ATS a répondu par une redirection (HTTP ${status}), non suivie`;
  if (status !== null) return `refusée par l’ATS (HTTP ${status})`;
  return 'erreur';
}

interface RecordedError {
  /** `CODE` or `CODE (HTTP 400)`. */
  shown: string;
  label: string;
  /** The ATS's or the mailer's own text, as recorded (often English). */
  detail: string;
}

/** A recorded error read back: `CODE (HTTP 400): text` or `CODE: text`; null when it is neither. */
function readError(error: string): RecordedError | null {
  const parsed = /^([A-Z][A-Z0-9_]*)(?: \(HTTP (\d{3})\))?(?::\s?([\s\S]*))?$/.exec(error);
  if (!parsed) return null;
  const [, code, status, detail] = parsed;
  const label = labelOf(code!, status ? Number(status) : null);
  return { shown: status ? `${code} (HTTP ${status})` : code!, label, detail: detail ?? '' };
}

/** `—` when there is none. */
export function commandErrorHtml(error: string | null): SafeHtml | string {
  if (error === null || error === '') return '—';
  const read = readError(error);
  if (!read) return html`Erreur <code>${error}</code>`;
  const label = `${read.label.charAt(0).toUpperCase()}${read.label.slice(1)}`;
  return html`${label} <code title="${read.detail}">${read.shown}</code>`;
}

/**
 * The same in plain text, for sentences (the offer's timeline): the French label and the code;
 * the recorded text itself stays in the entry's raw data. A text that is not `CODE: …` (the
 * connector's own French) is shown as it is.
 */
export function errorText(error: unknown): string {
  if (typeof error !== 'string' || error === '') return 'erreur non précisée';
  const read = readError(error);
  return read ? `${read.label} — ${read.shown}` : error;
}

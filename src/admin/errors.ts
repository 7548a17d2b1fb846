import type { Response } from 'express';

/**
 * Expected refusals of the dashboard and API: a status, a stable code and a French message
 * naming what is wrong and where. Routes return or throw `AdminError`; the JSON API answers
 * `application/problem+json` (RFC 9457: `type`, `title`, `status`, `detail`, plus the `code` and
 * `message` its first clients read), the pages render the message. Anything else is a bug: 500
 * without detail.
 */

/** Each code with the French title of its problem type (the same for every occurrence). */
export const problemTitles = {
  UNAUTHENTICATED: 'Authentification requise',
  INVALID_TOKEN: 'Jeton d’API refusé',
  CSRF_TOKEN_INVALID: 'Jeton anti-CSRF absent ou invalide',
  RATE_LIMITED: 'Trop de tentatives',
  PROXY_NOT_DECLARED: 'Proxy inverse non déclaré',
  BAD_REQUEST: 'Requête invalide',
  MALFORMED_JSON: 'JSON mal formé',
  PAYLOAD_TOO_LARGE: 'Corps de requête trop volumineux',
  NOT_FOUND: 'Ressource introuvable',
  CONFLICT: 'Conflit avec l’état actuel',
  ATS_UNAVAILABLE: 'ATS injoignable',
  REPORTS_UNAVAILABLE: 'Rapports indisponibles',
  INTERNAL_ERROR: 'Erreur interne du service',
} as const;

export type AdminErrorCode = keyof typeof problemTitles;
export const adminErrorCodes = Object.keys(problemTitles) as AdminErrorCode[];

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The problem type of a code: a URN, stable, documented in docs/admin-api.md. */
export const problemType = (code: AdminErrorCode) => `urn:en3s:problem:${code.toLowerCase().replace(/_/g, '-')}`;

export class AdminError extends Error {
  override readonly name = 'AdminError';
  constructor(
    readonly status: number,
    readonly code: AdminErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string) => new AdminError(400, 'BAD_REQUEST', message);
export const notFound = (message: string) => new AdminError(404, 'NOT_FOUND', message);

export function problemOf(error: AdminError) {
  return {
    type: problemType(error.code),
    title: problemTitles[error.code],
    status: error.status,
    detail: error.message,
    code: error.code,
    message: error.message,
  };
}

export function sendJsonError(res: Response, error: AdminError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).type(PROBLEM_CONTENT_TYPE).json(problemOf(error));
}

/** What body parsers and unknown failures become. */
export function toAdminError(error: unknown): AdminError | null {
  if (error instanceof AdminError) return error;
  const e = error as { type?: string; status?: number } | null;
  if (e?.type === 'entity.parse.failed')
    return new AdminError(400, 'MALFORMED_JSON', 'corps de la requête : JSON mal formé');
  if (e?.type === 'entity.too.large')
    return new AdminError(413, 'PAYLOAD_TOO_LARGE', 'corps de la requête trop volumineux');
  if (typeof e?.status === 'number' && e.status >= 400 && e.status < 500) {
    return new AdminError(e.status, 'BAD_REQUEST', 'requête illisible');
  }
  return null;
}

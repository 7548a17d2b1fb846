import type { Response } from 'express';

/**
 * Expected refusals of the dashboard and API: a status, a stable code and a French message
 * naming what is wrong and where. Routes return or throw `AdminError`; the JSON API answers
 * `{code, message}`, the pages render the message. Anything else is a bug: 500 without detail.
 */

export type AdminErrorCode =
  | 'UNAUTHENTICATED'
  | 'INVALID_TOKEN'
  | 'CSRF_TOKEN_INVALID'
  | 'RATE_LIMITED'
  | 'PROXY_NOT_DECLARED'
  | 'BAD_REQUEST'
  | 'MALFORMED_JSON'
  | 'PAYLOAD_TOO_LARGE'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'ATS_UNAVAILABLE'
  | 'REPORTS_UNAVAILABLE'
  | 'INTERNAL_ERROR';

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

export function sendJsonError(res: Response, error: AdminError): void {
  for (const [name, value] of Object.entries(error.headers)) res.setHeader(name, value);
  res.status(error.status).json({ code: error.code, message: error.message });
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

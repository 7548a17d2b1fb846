import type { ErrorRequestHandler, Response } from 'express';
import type { PayloadError, PayloadErrorCode, PayloadErrorWhere } from '../../connectors/talentlink/payload.js';
import { MAX_BODY_BYTES } from '../../connectors/talentlink/payload.js';
import type { Logger } from '../pipeline/context.js';
import type { SignatureFailureCode } from './signature.js';

/**
 * The answers of the ingest endpoints. Every refusal is JSON `{code, message, where?}` with a
 * French message naming what is wrong; no answer ever carries a stack trace, and bad input
 * never gets a 5xx (a 5xx tells the ATS to retry, which only makes sense when we failed).
 */

export type IngestErrorCode =
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'PAYLOAD_TOO_LARGE'
  | 'MALFORMED_REQUEST'
  | SignatureFailureCode
  | Exclude<PayloadErrorCode, 'TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE'>
  | 'ID_MISMATCH'
  | 'PUSH_DISABLED'
  | 'QUEUE_ALERTS_DISABLED'
  | 'UNKNOWN_QUEUE'
  | 'STORE_UNAVAILABLE'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'INTERNAL_ERROR';

export interface ErrorAnswer {
  status: number;
  code: IngestErrorCode;
  message: string;
  where?: PayloadErrorWhere;
  headers?: Record<string, string>;
}

export function sendError(res: Response, answer: ErrorAnswer): void {
  for (const [name, value] of Object.entries(answer.headers ?? {})) res.setHeader(name, value);
  const body: Record<string, unknown> = { code: answer.code, message: answer.message };
  if (answer.where) body.where = answer.where;
  res.status(answer.status).json(body);
}

const payloadLabels: Record<PayloadErrorCode, string> = {
  UNSUPPORTED_MEDIA_TYPE: 'type de contenu non pris en charge',
  TOO_LARGE: 'corps trop volumineux',
  INVALID_ENCODING: 'le corps n’est pas du texte UTF-8 valide',
  DOCTYPE_FORBIDDEN: 'DTD et déclarations d’entités interdites',
  TOO_DEEP: 'imbrication trop profonde',
  TOO_MANY_ATTRIBUTES: 'trop d’attributs',
  FORBIDDEN_NAME: 'nom d’élément ou de clé interdit',
  MALFORMED_XML: 'XML mal formé',
  MALFORMED_JSON: 'JSON mal formé',
  NAMESPACE_MISMATCH: 'espace de noms XML inattendu',
  UNKNOWN_EVENT_TYPE: 'type d’événement inconnu',
  INVALID_NOTIFICATION: 'notification non conforme au contrat',
  INVALID_JOB: 'document d’offre non conforme au contrat',
};

/** A parser refusal as an answer: its code, a French label, the parser's precise detail and where. */
export function payloadAnswer(error: PayloadError): ErrorAnswer {
  const message = `notification refusée : ${payloadLabels[error.code]} (${error.message})`;
  const where = error.where ? { where: error.where } : {};
  if (error.code === 'TOO_LARGE') return { status: 413, code: 'PAYLOAD_TOO_LARGE', message, ...where };
  if (error.code === 'UNSUPPORTED_MEDIA_TYPE') return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message, ...where };
  return { status: 400, code: error.code, message, ...where };
}

export function tooLargeAnswer(bytes?: number): ErrorAnswer {
  const size = bytes === undefined ? 'le corps dépasse' : `le corps fait ${bytes} octets, au-delà de`;
  return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `${size} la limite de ${MAX_BODY_BYTES} octets (1 Mio)` };
}

interface HttpError {
  type?: unknown;
  status?: unknown;
  statusCode?: unknown;
  length?: unknown;
  encoding?: unknown;
}

/**
 * Errors raised while reading the request (express's body parser) as answers: too large, a
 * compressed body, an aborted or truncated upload. Undefined for anything else, which is a bug.
 */
export function requestErrorAnswer(error: unknown): ErrorAnswer | undefined {
  const e = (typeof error === 'object' && error !== null ? error : {}) as HttpError;
  const status = typeof e.status === 'number' ? e.status : typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (e.type === 'entity.too.large') return tooLargeAnswer(typeof e.length === 'number' ? e.length : undefined);
  if (e.type === 'encoding.unsupported') {
    const encoding = typeof e.encoding === 'string' ? ` « ${e.encoding.slice(0, 40)} »` : '';
    return { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: `encodage de contenu${encoding} non pris en charge : envoyer le corps sans compression` };
  }
  if (status < 400 || status >= 500) return undefined;
  const what =
    e.type === 'request.aborted'
      ? 'requête interrompue avant la fin du corps'
      : e.type === 'request.size.invalid'
        ? 'la taille du corps ne correspond pas à Content-Length'
        : 'requête mal formée';
  return { status: 400, code: 'MALFORMED_REQUEST', message: what };
}

/** The last resort: an unexpected error is logged (message only) and answered 500 without detail. */
export function internalErrorHandler(log: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, next) => {
    if (res.headersSent) {
      next(error);
      return;
    }
    const answer = requestErrorAnswer(error);
    if (!answer) log.error('ingest: unexpected error', { path: req.path, error: error instanceof Error ? error.message : String(error) });
    sendError(res, answer ?? { status: 500, code: 'INTERNAL_ERROR', message: 'erreur interne du service : la requête n’a pas été traitée' });
  };
}

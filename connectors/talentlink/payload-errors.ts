/**
 * The stable error codes of payload parsing. The webhook route answers 415 for
 * `UNSUPPORTED_MEDIA_TYPE`, 413 may be chosen for `TOO_LARGE`, and 400 for every other code.
 */
export const payloadErrorCodes = [
  'UNSUPPORTED_MEDIA_TYPE',
  'TOO_LARGE',
  'INVALID_ENCODING',
  'DOCTYPE_FORBIDDEN',
  'TOO_DEEP',
  'TOO_MANY_ATTRIBUTES',
  'FORBIDDEN_NAME',
  'MALFORMED_XML',
  'MALFORMED_JSON',
  'NAMESPACE_MISMATCH',
  'UNKNOWN_EVENT_TYPE',
  'INVALID_NOTIFICATION',
  'INVALID_JOB',
] as const;
export type PayloadErrorCode = (typeof payloadErrorCodes)[number];

/** Where in the body the problem is: a line and column (1-based), a character offset, or a field path. */
export interface PayloadErrorWhere {
  line?: number;
  column?: number;
  /** Character offset (0-based) in the decoded text. */
  offset?: number;
  /** Field path in the JSON shape, e.g. `job.approvalProcess.steps[0].status`. */
  path?: string;
}

export interface PayloadError {
  code: PayloadErrorCode;
  message: string;
  where?: PayloadErrorWhere;
}

export type Failure = { ok: false; error: PayloadError };

export function fail(code: PayloadErrorCode, message: string, where?: PayloadErrorWhere): Failure {
  return where ? { ok: false, error: { code, message, where } } : { ok: false, error: { code, message } };
}

/** Line and column (both 1-based) of a character offset; only computed on the error path. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/** A failure located at an offset: `(ligne L, colonne C)` is appended to the message. */
export function failAt(code: PayloadErrorCode, message: string, text: string, offset: number): Failure {
  const { line, column } = lineColumn(text, offset);
  return fail(code, `${message} (ligne ${line}, colonne ${column})`, { line, column, offset });
}

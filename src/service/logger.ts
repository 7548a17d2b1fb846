import winston from 'winston';
import type { Logger } from '../logger.js';
import { currentRequestId } from '../pipeline/request-context.js';

/**
 * JSON logs without personal data: keys that hold people's names, e-mails or secrets are
 * redacted wherever they appear, and e-mail addresses are masked inside any text.
 */

const REDACTED_KEYS = new RegExp(
  '^(firstname|lastname|email|e-mail|password|passwd|secret|secrets|authorization|api_?key|cookie|token|' +
    'members|createdby|decidedby|startedby|username|user)$',
  'i',
);
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[…]';
  if (typeof value === 'string') return value.replace(EMAIL, '[e-mail masqué]');
  if (Array.isArray(value)) return value.map((v) => redact(v, depth + 1));
  if (value && typeof value === 'object') {
    if (value instanceof Error) return { message: redact(value.message, depth + 1) };
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value))
      out[key] = REDACTED_KEYS.test(key) ? '[masqué]' : redact(v, depth + 1);
    return out;
  }
  return value;
}

const redactFormat = winston.format((info) => {
  const requestId = currentRequestId();
  const cleaned = redact(
    requestId && info.requestId === undefined ? { ...info, requestId } : { ...info },
  ) as winston.Logform.TransformableInfo;
  // winston keeps its level/message symbols on the original object.
  for (const symbol of Object.getOwnPropertySymbols(info))
    (cleaned as unknown as Record<symbol, unknown>)[symbol] = (info as unknown as Record<symbol, unknown>)[symbol];
  return cleaned;
});

export function createLogger(
  level: string,
  options: { silent?: boolean; stream?: NodeJS.WritableStream } = {},
): Logger & { winston: winston.Logger } {
  const logger = winston.createLogger({
    level,
    silent: options.silent ?? false,
    format: winston.format.combine(redactFormat(), winston.format.timestamp(), winston.format.json()),
    transports: [
      options.stream ? new winston.transports.Stream({ stream: options.stream }) : new winston.transports.Console(),
    ],
  });
  return {
    winston: logger,
    info: (m, meta) => logger.info(m, meta),
    warn: (m, meta) => logger.warn(m, meta),
    error: (m, meta) => logger.error(m, meta),
    debug: (m, meta) => logger.debug(m, meta),
  };
}

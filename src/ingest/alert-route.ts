import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from '../logger.js';

/**
 * `POST /webhooks/talentlink/:token`: the alert a queue of the ATS sends when an element is
 * added (docs/talentlink.md §5). The real ATS cannot sign it, so it is a poke and nothing more: the token in
 * the URL only keeps strangers from poking (it is written in the tenant's settings and in
 * proxies' logs, so it grants nothing else), and the body is neither trusted nor needed.
 *
 * In order, and nothing more on a refusal: the token, compared in constant time before a byte
 * of the body is read (wrong or missing: 404, as for any unknown address); a body declared or
 * found over 64 KB (413); then 202 at once, and only then a drain is asked for: of the queue
 * the body names when it is a configured one, else of every configured queue. Coalescing the
 * requests is the scheduler's job (`queue-scheduler.ts`). Mount before any body parser.
 */

export const ALERT_ROUTE = '/webhooks/talentlink/:token';
export const MAX_ALERT_BODY_BYTES = 64 * 1024;
/** A token shorter than this could be guessed. */
export const MIN_ALERT_TOKEN_LENGTH = 24;

export type AlertOutcome = 'accepted' | 'not-found' | 'too-large' | 'malformed';

export interface AlertRouteDeps {
  /** The accepted tokens: several during a rotation. None: every alert is refused. */
  tokens: readonly string[];
  /** The configured queues: the only ones an alert can name. */
  queueNames: readonly string[];
  /** Asks for drains, after the answer went out. Must not throw. */
  requestDrain(queueNames: readonly string[]): void;
  log: Logger;
  /** Once per request, for the metrics. Must not throw. */
  onOutcome?: (outcome: AlertOutcome) => void;
}

/** The tokens of the setting (space-separated), or what is wrong with it; never repeats a token. */
export function parseAlertTokens(setting: string): { ok: true; tokens: string[] } | { ok: false; message: string } {
  const tokens = setting.split(/\s+/).filter((t) => t !== '');
  if (tokens.length === 0) return { ok: false, message: 'alert tokens: expected at least one token, got none' };
  for (const [index, token] of tokens.entries()) {
    if (token.length < MIN_ALERT_TOKEN_LENGTH || !/^[A-Za-z0-9._~-]+$/.test(token)) {
      return {
        ok: false,
        message:
          `alert tokens: token ${index + 1}: expected at least ${MIN_ALERT_TOKEN_LENGTH} characters ` +
          `among A-Z a-z 0-9 . _ ~ -, got ${token.length} characters`,
      };
    }
  }
  return { ok: true, tokens };
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/**
 * A constant-time check of a presented token against every accepted one: equal-length digests
 * compared with `timingSafeEqual`, all of them every time, so neither the length nor the
 * position of a match shows in the time taken.
 */
export function tokenMatcher(tokens: readonly string[]): (presented: string | undefined) => boolean {
  const accepted = tokens.map(digest);
  return (presented) => {
    const candidate = digest(presented ?? '');
    let match = false;
    for (const token of accepted) match = timingSafeEqual(candidate, token) || match;
    return match && presented !== undefined && presented !== '';
  };
}

export function createAlertRouter(deps: AlertRouteDeps): Router {
  const matches = tokenMatcher(deps.tokens);
  const outcome = (value: AlertOutcome) => safely(deps.log, () => deps.onOutcome?.(value));

  const refuse = (res: Response, status: number, code: string, message: string, what: AlertOutcome) => {
    outcome(what);
    deps.log.debug('queue alert refused', { outcome: what, status });
    // The rest of the body is not read: the connection ends with the answer.
    res.setHeader('Connection', 'close');
    res.status(status).json({ code, message });
  };

  const receive: RequestHandler = async (req, res) => {
    if (!matches(req.params.token as string | undefined))
      return refuse(res, 404, 'NOT_FOUND', 'aucune ressource à cette adresse', 'not-found');
    const declared = Number(req.get('content-length') ?? 0);
    if (declared > MAX_ALERT_BODY_BYTES)
      return refuse(res, 413, 'PAYLOAD_TOO_LARGE', tooLarge(`${declared} octets annoncés`), 'too-large');
    const body = await readCapped(req, MAX_ALERT_BODY_BYTES);
    if (body === 'too-large')
      return refuse(
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        tooLarge(`plus de ${MAX_ALERT_BODY_BYTES} octets reçus`),
        'too-large',
      );
    if (body === 'aborted')
      return refuse(res, 400, 'MALFORMED_REQUEST', 'requête interrompue avant la fin du corps', 'malformed');
    res.status(202).json({ status: 'accepted' });
    outcome('accepted');
    const named = namedQueue(body, deps.queueNames);
    const queues = named === undefined ? [...deps.queueNames] : [named];
    // One line per alert repeated every few seconds in a busy tenant: a detail (the metrics count them).
    deps.log.debug('queue alert accepted', { queues, named: named !== undefined });
    safely(deps.log, () => deps.requestDrain(queues));
  };

  const otherMethod: RequestHandler = (req, res) => {
    if (!matches(req.params.token as string | undefined))
      return refuse(res, 404, 'NOT_FOUND', 'aucune ressource à cette adresse', 'not-found');
    res.setHeader('Allow', 'POST');
    res.status(405).json({
      code: 'METHOD_NOT_ALLOWED',
      message: `méthode ${req.method} non permise sur l’adresse d’alerte : POST attendu`,
    });
  };

  const router = express.Router();
  router.post(ALERT_ROUTE, receive);
  router.all(ALERT_ROUTE, otherMethod);
  return router;
}

const tooLarge = (what: string) =>
  `corps de l’alerte trop volumineux (${what}) : la limite est de ${MAX_ALERT_BODY_BYTES} octets (64 Kio)`;

/** The body, at most `max` bytes of it: stops reading (and says so) as soon as there are more. */
function readCapped(req: Request, max: number): Promise<Buffer | 'too-large' | 'aborted'> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (result: Buffer | 'too-large' | 'aborted') => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('aborted', onError);
      if (result !== 'aborted' && !(result instanceof Buffer)) req.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) done('too-large');
      else chunks.push(chunk);
    };
    const onEnd = () => done(Buffer.concat(chunks));
    const onError = () => done('aborted');
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('aborted', onError);
  });
}

/** The configured queue the body names (`{"queueName": …}`), or undefined: the body is only a hint. */
function namedQueue(body: Buffer, queueNames: readonly string[]): string | undefined {
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return undefined;
  const name = (json as Record<string, unknown>).queueName;
  return typeof name === 'string' && queueNames.includes(name) ? name : undefined;
}

function safely(log: Logger, fn: () => void): void {
  try {
    fn();
  } catch (error) {
    log.error('queue alert hook failed', { error: error instanceof Error ? error.message : String(error) });
  }
}

import express, { type ErrorRequestHandler, type Request, type RequestHandler, type Response, type Router } from 'express';
import { MAX_BODY_BYTES, parseNotification } from '../../connectors/talentlink/payload.js';
import type { JobDocument, Notification, QueueAlert } from '../../connectors/talentlink/job-document.js';
import type { Clock, Logger } from '../pipeline/context.js';
import type { Store } from '../store/database.js';
import { groupingInboxWriter } from '../store/inbox-writer.js';
import { internalErrorHandler, payloadAnswer, requestErrorAnswer, sendError, type ErrorAnswer, type IngestErrorCode } from './answers.js';
import { notificationEvent, storableText } from './inbox-event.js';
import { createSignatureVerifier, type SignatureCheck } from './signature.js';

/**
 * `POST /webhooks/talentlink` (spec §2). The checks run cheapest first and each refusal names
 * its reason: media type (415), size (413), signature (401), body (400), id (400); then the
 * event is committed to the inbox (with the others that arrived in the same turn of the event
 * loop, in one transaction) and only then acknowledged (202, or 200 for a duplicate).
 * A store failure answers 503 with Retry-After: the ATS retries anything but 2xx, so nothing is
 * lost as long as no 2xx goes out before the commit.
 *
 * The router reads the body itself, raw: the signature covers the exact bytes. Mount it before
 * any JSON or text body parser of the host application.
 */

export const WEBHOOK_PATH = '/webhooks/talentlink';
const ACCEPTED_MEDIA_TYPES = ['application/xml', 'text/xml', 'application/json'];

/** What the metrics count: the result of each request, by refusal code. */
export type IngestOutcome = 'accepted' | 'duplicate' | 'queue-alert' | IngestErrorCode;

export interface AcceptedEvent {
  id: string;
  type: string;
  jobId: string;
  /** The job as parsed from the stored body, when the receiver parsed it (saves parsing it again). */
  job?: JobDocument;
}

export interface WebhookDeps {
  store: Store;
  clock: Clock;
  log: Logger;
  /** `whsec_…` secrets; several during a rotation. At least one. */
  secrets: readonly string[];
  /** Default 300 s. */
  toleranceSeconds?: number;
  /** Full notifications accepted (`push` mode); default true. */
  acceptNotifications?: boolean;
  /** Queue alert mode: the configured queues and what to do on an alert (wake the poller). Absent: alerts refused. */
  queueAlerts?: { queueNames: readonly string[]; onAlert(queueName: string): void };
  /** After a new event was committed (wake the inbox worker). Must not throw. */
  onAccepted?: (event: AcceptedEvent) => void;
  /** Once per request, for the metrics. Must not throw. */
  onOutcome?: (outcome: IngestOutcome) => void;
  /** `Retry-After` of a 503, in seconds; default 30. */
  retryAfterSeconds?: number;
}

export function createWebhookRouter(deps: WebhookDeps): Router {
  const verifier = createSignatureVerifier({ secrets: deps.secrets, toleranceSeconds: deps.toleranceSeconds ?? 300 });
  // Notifications that arrive together are committed together (one transaction), each acknowledged only once committed.
  const inbox = groupingInboxWriter(deps.store);
  const log = deps.log;
  const outcome = (value: IngestOutcome) => safely(() => deps.onOutcome?.(value), log);

  const refuse = (req: Request, res: Response, answer: ErrorAnswer) => {
    // The claimed id, unverified before the signature check, is cut short: it comes from the sender.
    const claimedId = String(req.get('webhook-id') ?? '').slice(0, 100);
    log.warn('webhook refused', { outcome: answer.code, status: answer.status, webhookId: claimedId });
    outcome(answer.code);
    sendError(res, answer);
  };

  const requireMediaType: RequestHandler = (req, res, next) => {
    const problem = mediaTypeProblem(req.get('content-type'));
    if (problem) refuse(req, res, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: problem });
    else next();
  };

  const receive: RequestHandler = async (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const signature = verifier.verify(req.headers, body, deps.clock.now());
    if (!signature.ok) return refuse(req, res, { status: 401, code: signature.code, message: signature.message });
    const contentType = req.get('content-type') ?? '';
    const parsed = parseNotification(body, contentType);
    if (!parsed.ok) return refuse(req, res, payloadAnswer(parsed.error));
    if (parsed.kind === 'queue-alert') return alert(req, res, parsed.alert, signature);
    return notification(req, res, parsed.notification, signature, body, contentType);
  };

  function alert(req: Request, res: Response, alert: QueueAlert, signature: SignatureCheck & { ok: true }) {
    const queues = deps.queueAlerts;
    if (!queues) {
      return refuse(req, res, { status: 400, code: 'QUEUE_ALERTS_DISABLED', message: 'alerte de file refusée : le mode « alert » n’est pas activé (EN3S_INGEST_MODES)' });
    }
    if (alert.id !== undefined && alert.id !== signature.id) return refuse(req, res, idMismatch(signature.id, alert.id));
    if (!queues.queueNames.includes(alert.queueName)) {
      const name = JSON.stringify(alert.queueName.slice(0, 100));
      return refuse(req, res, { status: 400, code: 'UNKNOWN_QUEUE', message: `alerte de file refusée : la file ${name} n’est pas configurée (EN3S_QUEUE_NAMES)` });
    }
    res.status(202).json({ status: 'accepted', id: signature.id, queueName: alert.queueName });
    log.info('queue alert accepted', { eventId: signature.id, queueName: alert.queueName, outcome: 'queue-alert' });
    outcome('queue-alert');
    safely(() => queues.onAlert(alert.queueName), log);
  }

  async function notification(req: Request, res: Response, n: Notification, signature: SignatureCheck & { ok: true }, body: Buffer, contentType: string) {
    if (deps.acceptNotifications === false) {
      return refuse(req, res, { status: 400, code: 'PUSH_DISABLED', message: 'notification refusée : le mode « push » n’est pas activé (EN3S_INGEST_MODES)' });
    }
    if (n.id !== signature.id) return refuse(req, res, idMismatch(signature.id, n.id));
    const text = storableText(body);
    if (!text.ok) return refuse(req, res, { status: 400, code: 'INVALID_ENCODING', message: `notification refusée : ${text.reason}` });
    let stored: 'inserted' | 'duplicate';
    try {
      stored = await inbox.insert(notificationEvent(n, { text: text.text, contentType }, deps.clock.now()));
    } catch (error) {
      log.error('webhook not stored', { eventId: n.id, type: n.type, jobId: n.job.id, error: error instanceof Error ? error.message : String(error) });
      const retryAfter = String(deps.retryAfterSeconds ?? 30);
      return refuse(req, res, {
        status: 503,
        code: 'STORE_UNAVAILABLE',
        message: `base de données indisponible : la notification ${JSON.stringify(n.id)} n’a pas été enregistrée, la renvoyer dans ${retryAfter} s`,
        headers: { 'Retry-After': retryAfter },
      });
    }
    const result = stored === 'inserted' ? 'accepted' : 'duplicate';
    res.status(stored === 'inserted' ? 202 : 200).json({ status: result, id: n.id });
    log.info('webhook received', { eventId: n.id, type: n.type, jobId: n.job.id, jobVersion: n.job.version, outcome: result });
    outcome(result);
    if (stored === 'inserted') safely(() => deps.onAccepted?.({ id: n.id, type: n.type, jobId: n.job.id, job: n.job }), log);
  }

  const methodNotAllowed: RequestHandler = (req, res) => {
    res.setHeader('Allow', 'POST');
    sendError(res, { status: 405, code: 'METHOD_NOT_ALLOWED', message: `méthode ${req.method} non permise sur ${WEBHOOK_PATH} : POST attendu` });
  };

  const router = express.Router();
  router.post(WEBHOOK_PATH, requireMediaType, express.raw({ type: '*/*', limit: MAX_BODY_BYTES, inflate: false }), receive);
  router.all(WEBHOOK_PATH, methodNotAllowed);
  const bodyError: ErrorRequestHandler = (error: unknown, req, res, next) => {
    const answer = res.headersSent ? undefined : requestErrorAnswer(error);
    if (answer) refuse(req, res, answer);
    else next(error);
  };
  router.use(WEBHOOK_PATH, bodyError, internalErrorHandler(log));
  return router;
}

/** Why a `Content-Type` is refused, or undefined when it is one of the three the contract allows, in UTF-8. */
export function mediaTypeProblem(header: string | undefined): string | undefined {
  const expected = 'attendu application/xml, text/xml ou application/json';
  if (header === undefined || header.trim() === '') return `en-tête Content-Type absent : ${expected}`;
  const [rawType = '', ...params] = header.split(';');
  const type = rawType.trim().toLowerCase();
  if (!ACCEPTED_MEDIA_TYPES.includes(type)) return `type de contenu ${JSON.stringify(type.slice(0, 80))} non pris en charge : ${expected}`;
  for (const param of params) {
    const [name = '', value = ''] = param.split('=');
    if (name.trim().toLowerCase() !== 'charset') continue;
    const charset = value.trim().replace(/^"|"$/g, '').toLowerCase();
    if (charset !== 'utf-8' && charset !== 'utf8') return `jeu de caractères ${JSON.stringify(charset.slice(0, 40))} non pris en charge : utf-8 attendu`;
  }
  return undefined;
}

function idMismatch(headerId: string, bodyId: string): ErrorAnswer {
  return {
    status: 400,
    code: 'ID_MISMATCH',
    message: `l’en-tête webhook-id ${JSON.stringify(headerId.slice(0, 100))} diffère de l’identifiant de la notification ${JSON.stringify(bodyId.slice(0, 100))}`,
    where: { path: 'id' },
  };
}

/** Hooks (metrics, poking a loop) must never turn an acknowledged event into an error. */
function safely(fn: () => void, log: Logger): void {
  try {
    fn();
  } catch (error) {
    log.error('ingest hook failed', { error: error instanceof Error ? error.message : String(error) });
  }
}

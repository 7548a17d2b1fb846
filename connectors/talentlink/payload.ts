import { XMLValidator } from 'fast-xml-parser';
import {
  jobDocumentSchema,
  notificationSchema,
  notificationTypes,
  queueAlertSchema,
  type JobDocument,
  type Notification,
  type QueueAlert,
} from './job-document.js';
import { fail, failAt, type Failure, type PayloadError } from './payload-errors.js';
import {
  checkDeclaredEncoding,
  checkJsonDepth,
  checkNoDoctype,
  checkSize,
  decodeUtf8,
  formatOfContentType,
  type BodyFormat,
} from './payload-guards.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { rootNamespace, scanXml, type XmlRoot } from './xml-scan.js';
import { createXmlParser, jobShape, normalise, notificationShape, UndefinedEntityError } from './xml-normalise.js';
import { formatIssues, showValue, summariseIssues } from './zod-issues.js';
import { openingDtoSchema, type OpeningDto } from './rest/dto.js';

/**
 * Parsing of what the ATS sends (docs/talentlink.md §8) into the typed shapes of `job-document.ts`. Every
 * outcome is a value: bad input of any kind gives `{ok: false, error: {code, message, where}}`,
 * never an exception. The order of checks matters: cheap raw-text guards first (size, UTF-8,
 * DTD, depth, attribute counts, forbidden names), then the parser, then the schema.
 */

export {
  payloadErrorCodes,
  type PayloadError,
  type PayloadErrorCode,
  type PayloadErrorWhere,
} from './payload-errors.js';
export { MAX_BODY_BYTES, MAX_DEPTH, MAX_ATTRIBUTES_PER_ELEMENT, MAX_ATTRIBUTES_TOTAL } from './payload-guards.js';

export const NOTIFICATION_NAMESPACE = 'urn:talentlink-style:notification:1';

export type NotificationParseResult =
  | { ok: true; kind: 'notification'; notification: Notification }
  | { ok: true; kind: 'queue-alert'; alert: QueueAlert }
  | { ok: false; error: PayloadError };

export type JobParseResult =
  | { ok: true; kind: 'job'; job: JobDocument }
  /** A job of the real API (`OpeningFullDto`, bare or as a `GET /position` answer of one job). */
  | { ok: true; kind: 'opening'; opening: OpeningDto }
  | { ok: false; error: PayloadError };

type Tree = { ok: true; value: unknown } | Failure;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
const own = (node: Record<string, unknown>, key: string): unknown => (Object.hasOwn(node, key) ? node[key] : undefined);

/** A notification or a queue alert, from a webhook body and its `Content-Type`. */
export function parseNotification(body: Buffer | string, contentType: string): NotificationParseResult {
  const tree = readBody(body, contentType);
  return tree.ok ? validateNotification(tree.value) : tree;
}

/**
 * A job document from text: a bare job (`<job>` or the JSON job) or a whole notification, of
 * which the job is taken; or, in JSON, a job of the real API (`OpeningFullDto`, whose id is a
 * number, bare or inside a `GET /position` answer), read behind the same guards. `auto` tells
 * XML from JSON by the first character.
 */
export function parseJobDocument(text: string, format: 'json' | 'xml' | 'auto'): JobParseResult {
  const tooLarge = checkSize(text);
  if (tooLarge) return tooLarge;
  const decoded = decodeUtf8(text);
  if (!decoded.ok) return decoded;
  const actual = format === 'auto' ? sniffFormat(decoded.text) : format;
  if (actual === undefined) {
    return fail(
      'UNSUPPORTED_MEDIA_TYPE',
      'le texte n’est ni du XML ni du JSON (il devrait commencer par « < » ou « { »)',
    );
  }
  const tree = actual === 'xml' ? readXml(decoded.text, 'job') : readJson(decoded.text);
  if (!tree.ok) return tree;
  let job = tree.value;
  if (actual === 'json') {
    const opening = openingOf(job);
    if (opening) return opening;
  }
  if (actual === 'json' && isRecord(job) && isRecord(own(job, 'job'))) job = own(job, 'job');
  const parsed = jobDocumentSchema.safeParse(job);
  if (parsed.success) return { ok: true, kind: 'job', job: parsed.data };
  const issues = formatIssues(parsed.error, job, 'job');
  return fail('INVALID_JOB', summariseIssues(issues), { path: issues[0]?.path ?? 'job' });
}

/** The real API's job, when the JSON is one (a numeric `id`, or `{data: {positions: [one job]}}`). */
function openingOf(value: unknown): JobParseResult | undefined {
  let candidate = value;
  let path = 'opening';
  const data = isRecord(value) ? own(value, 'data') : undefined;
  const positions = isRecord(data) ? own(data, 'positions') : undefined;
  if (Array.isArray(positions)) {
    if (positions.length !== 1)
      return fail('INVALID_JOB', `data.positions : une seule offre attendue, reçu ${positions.length}`, {
        path: 'data.positions',
      });
    candidate = positions[0];
    path = 'data.positions[0]';
  } else if (!(isRecord(value) && typeof own(value, 'id') === 'number')) {
    return undefined;
  }
  const parsed = openingDtoSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, kind: 'opening', opening: parsed.data };
  const issues = formatIssues(parsed.error, candidate, path);
  return fail('INVALID_JOB', summariseIssues(issues), { path: issues[0]?.path ?? path });
}

/**
 * Only the `id` of a notification, for acknowledging a queue element (docs/talentlink.md §8) without
 * validating the whole document: a queue element that fails validation later must still be
 * removable from the queue.
 */
export function extractNotificationId(body: Buffer | string, contentType: string): { ok: true; id: string } | Failure {
  const tree = readBody(body, contentType);
  if (!tree.ok) return tree;
  const id = isRecord(tree.value) ? own(tree.value, 'id') : undefined;
  if (typeof id === 'string' && id !== '') return { ok: true, id };
  return fail('INVALID_NOTIFICATION', `id : attendu un texte non vide, reçu ${showValue(id)}`, { path: 'id' });
}

function readBody(body: Buffer | string, contentType: string): Tree {
  const media = formatOfContentType(contentType);
  if (!media.ok) return media;
  const tooLarge = checkSize(body);
  if (tooLarge) return tooLarge;
  const decoded = decodeUtf8(body);
  if (!decoded.ok) return decoded;
  return media.format === 'xml' ? readXml(decoded.text, 'notification') : readJson(decoded.text);
}

function sniffFormat(text: string): BodyFormat | undefined {
  const first = /\S/.exec(text)?.[0];
  return first === '<' ? 'xml' : first === '{' ? 'json' : undefined;
}

function validateNotification(data: unknown): NotificationParseResult {
  if (!isRecord(data))
    return fail('INVALID_NOTIFICATION', `attendu un objet, reçu ${showValue(data)}`, { path: '(root)' });
  const type = own(data, 'type');
  const isAlert =
    type === 'queue.element.added' ||
    (type === undefined && own(data, 'queueName') !== undefined && own(data, 'job') === undefined);
  if (isAlert) {
    const alert = queueAlertSchema.safeParse(data);
    if (alert.success) return { ok: true, kind: 'queue-alert', alert: alert.data };
    const issues = formatIssues(alert.error, data);
    return fail('INVALID_NOTIFICATION', summariseIssues(issues), { path: issues[0]?.path ?? '(root)' });
  }
  if (typeof type === 'string' && !(notificationTypes as readonly string[]).includes(type)) {
    return fail(
      'UNKNOWN_EVENT_TYPE',
      `type : type d’événement inconnu ${showValue(type)}, attendu l’un de ` +
        `${[...notificationTypes, 'queue.element.added'].join('|')}`,
      { path: 'type' },
    );
  }
  const parsed = notificationSchema.safeParse(data);
  if (parsed.success) return { ok: true, kind: 'notification', notification: parsed.data };
  const issues = formatIssues(parsed.error, data);
  return fail('INVALID_NOTIFICATION', summariseIssues(issues), { path: issues[0]?.path ?? '(root)' });
}

function readJson(text: string): Tree {
  const tooDeep = checkJsonDepth(text);
  if (tooDeep) return tooDeep;
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    const syntax = findJsonSyntaxError(text);
    if (syntax) return failAt('MALFORMED_JSON', `JSON mal formé : ${syntax.reason}`, text, syntax.offset);
    return fail('MALFORMED_JSON', 'JSON mal formé');
  }
}

/** The kinds of fault fast-xml-parser's validator reports (`err.code`). */
const xmlFaults: Readonly<Record<string, string>> = {
  InvalidTag: 'balise invalide ou mal fermée',
  InvalidAttr: 'attribut invalide',
  InvalidChar: 'caractère interdit à cet endroit',
  InvalidXml: 'structure invalide',
};

/** `expected`: the root the caller wants; `job` also accepts a whole notification. */
function readXml(text: string, expected: 'notification' | 'job'): Tree {
  const refused = checkNoDoctype(text) ?? checkDeclaredEncoding(text);
  if (refused) return refused;
  const scanned = scanXml(text);
  if (!scanned.ok) return scanned;
  const validation = XMLValidator.validate(text);
  if (validation !== true) {
    const { code, msg, line, col } = validation.err;
    // The validator's own sentence is English: its kind of fault in French, the element or
    // attribute it names (quoted in its message) kept as is.
    const named = /'([^']{1,100})'/.exec(msg)?.[1];
    const fault =
      code === 'InvalidAttr' && /repeated/.test(msg)
        ? 'attribut répété'
        : code === 'InvalidAttr' && /without value/.test(msg)
          ? 'attribut sans valeur'
          : (xmlFaults[code] ?? 'document invalide');
    return fail(
      'MALFORMED_XML',
      `XML mal formé : ${fault}${named ? ` (« ${named} »)` : ''} (ligne ${line}, colonne ${col})`,
      { line, column: col },
    );
  }
  const root = scanned.root;
  if (!root) return fail('MALFORMED_XML', 'XML mal formé : aucun élément racine');
  const rootProblem = checkRoot(root, expected, text);
  if (rootProblem) return rootProblem;
  let parsed: unknown;
  try {
    parsed = createXmlParser().parse(text);
  } catch {
    return fail('MALFORMED_XML', 'XML mal formé : document illisible');
  }
  const node = isRecord(parsed) ? own(parsed, root.localName) : undefined;
  try {
    if (root.localName === 'job') return { ok: true, value: normalise(node, jobShape, 'job') };
    const notification = normalise(node, notificationShape, '');
    if (expected === 'notification') return { ok: true, value: notification };
    return { ok: true, value: isRecord(notification) ? own(notification, 'job') : undefined };
  } catch (error) {
    if (error instanceof UndefinedEntityError) {
      return fail(
        'MALFORMED_XML',
        `XML mal formé : entité ${error.reference} non définie dans ${error.path} (sans DTD, seuls ` +
          `&lt; &gt; &amp; &quot; &apos; et les références de caractères existent)`,
        {
          path: error.path,
        },
      );
    }
    throw error;
  }
}

function checkRoot(root: XmlRoot, expected: 'notification' | 'job', text: string): Failure | undefined {
  const accepted = expected === 'notification' ? ['notification'] : ['job', 'notification'];
  if (!accepted.includes(root.localName)) {
    const code = expected === 'notification' ? 'INVALID_NOTIFICATION' : 'INVALID_JOB';
    const wanted = accepted.map((name) => `<${name}>`).join(' ou ');
    return failAt(code, `élément racine ${wanted} attendu, reçu <${root.qname}>`, text, root.offset);
  }
  const namespace = rootNamespace(root);
  // A bare <job> may come without a namespace (e.g. exported on its own); a notification may not.
  if (root.localName === 'job' && namespace === undefined) return undefined;
  if (namespace !== NOTIFICATION_NAMESPACE) {
    const actual = namespace === undefined ? 'sans espace de noms' : `dans l’espace de noms ${showValue(namespace)}`;
    return failAt(
      'NAMESPACE_MISMATCH',
      `élément racine <${root.qname}> ${actual}, attendu « ${NOTIFICATION_NAMESPACE} »`,
      text,
      root.offset,
    );
  }
  return undefined;
}

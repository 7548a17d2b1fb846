import type { JobDocument, Notification } from '../job-document.js';

/**
 * XML form of a notification (spec §2), written exactly as the sample
 * `notification-approval-decided.xml`: namespace `urn:talentlink-style:notification:1`, scalar
 * fields as child elements, people, LOVs, teams, steps, lock and postings as attributes, two
 * spaces of indentation. Written by hand because the element/attribute split and the order of
 * fields are part of the contract, and every value goes through `escapeText`/`escapeAttribute`.
 */

export const notificationNamespace = 'urn:talentlink-style:notification:1';

// Characters XML 1.0 cannot carry at all; removed rather than producing an unparsable document.
const forbidden = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function escapeText(value: string): string {
  return value.replace(forbidden, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttribute(value: string): string {
  // Tabs and line breaks are encoded so attribute normalisation does not turn them into spaces.
  return escapeText(value).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;');
}

type AttributeValue = string | number | boolean | undefined | null;

function attributes(values: [string, AttributeValue][]): string {
  return values
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined && entry[1] !== null)
    .map(([name, value]) => ` ${name}="${escapeAttribute(String(value))}"`)
    .join('');
}

function element(indent: string, name: string, attrs: [string, AttributeValue][], children: string[]): string {
  const open = `${indent}<${name}${attributes(attrs)}`;
  if (children.length === 0) return `${open}/>`;
  return `${open}>\n${children.join('\n')}\n${indent}</${name}>`;
}

function textElement(indent: string, name: string, value: string | undefined): string[] {
  return value === undefined ? [] : [`${indent}<${name}>${escapeText(value)}</${name}>`];
}

/** The `<job>` element of a notification, at the given indentation. */
export function jobToXml(job: JobDocument, indent = '  '): string {
  const i1 = `${indent}  `;
  const i2 = `${i1}  `;
  const i3 = `${i2}  `;
  const children: string[] = [
    ...textElement(i1, 'jobNumber', job.jobNumber),
    ...textElement(i1, 'requisitionNumber', job.requisitionNumber),
    ...textElement(i1, 'openingName', job.openingName),
    ...textElement(i1, 'creationDate', job.creationDate),
  ];
  if (job.createdBy) {
    const p = job.createdBy;
    children.push(element(i1, 'createdBy', [['userId', p.userId], ['firstName', p.firstName], ['lastName', p.lastName], ['email', p.email]], []));
  }
  const org = job.organization;
  children.push(element(i1, 'organization', [['id', org.id], ['code', org.code], ['name', org.name]], []));
  children.push(element(i1, 'customFields', [], job.customFields.map((lov) => element(i2, 'lov', [['key', lov.key], ['value', lov.value]], []))));
  children.push(
    element(
      i1,
      'teams',
      [],
      job.teams.map((team) =>
        element(i2, 'team', [['role', team.role], ['name', team.name]], team.members.map((m) => element(i3, 'member', [['userId', m.userId], ['name', m.name], ['email', m.email]], []))),
      ),
    ),
  );
  const ap = job.approvalProcess;
  if (ap) {
    const steps = ap.steps.map((s) =>
      element(i2, 'step', [['order', s.order], ['team', s.team], ['status', s.status], ['decidedAt', s.decidedAt], ['decidedBy', s.decidedBy], ['comment', s.comment]], []),
    );
    children.push(
      element(i1, 'approvalProcess', [['name', ap.name], ['version', ap.version], ['status', ap.status], ['startedAt', ap.startedAt], ['startedBy', ap.startedBy], ['dueDate', ap.dueDate]], steps),
    );
  }
  const lock = job.publicationLock;
  if (lock) children.push(element(i1, 'publicationLock', [['locked', lock.locked], ['reason', lock.reason], ['since', lock.since]], []));
  children.push(
    element(
      i1,
      'postings',
      [],
      job.postings.map((p) => element(i2, 'posting', [['id', p.id], ['channel', p.channel], ['status', p.status], ['publishedAt', p.publishedAt], ['withdrawnAt', p.withdrawnAt]], [])),
    ),
  );
  children.push(...textElement(i1, 'status', job.status));
  return element(indent, 'job', [['id', job.id], ['version', job.version]], children);
}

/** The whole XML body of a notification, with its declaration and a final newline, as the sample. */
export function notificationToXml(notification: Notification): string {
  const root = `<notification xmlns="${notificationNamespace}"${attributes([['id', notification.id], ['type', notification.type], ['occurredAt', notification.occurredAt]])}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${root}\n${jobToXml(notification.job)}\n</notification>\n`;
}

export function notificationToJson(notification: Notification): string {
  return JSON.stringify({ id: notification.id, type: notification.type, occurredAt: notification.occurredAt, job: notification.job });
}

/** The body and content type of a notification in the requested format. */
export function renderNotification(notification: Notification, format: 'xml' | 'json'): { body: string; contentType: string } {
  return format === 'xml'
    ? { body: notificationToXml(notification), contentType: 'application/xml; charset=utf-8' }
    : { body: notificationToJson(notification), contentType: 'application/json; charset=utf-8' };
}

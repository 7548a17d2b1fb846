import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { XMLParser } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { jobDocumentSchema, notificationSchema, type Notification } from '../../../connectors/talentlink/job-document.js';
import { parseNotification } from '../../../connectors/talentlink/payload.js';
import { escapeAttribute, escapeText, notificationToJson, notificationToXml } from '../../../connectors/talentlink/sandbox/notification-xml.js';

const sample = (name: string): string => readFileSync(fileURLToPath(new URL(`../../fixtures/talentlink/${name}`, import.meta.url)), 'utf8');

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', parseTagValue: false, parseAttributeValue: false, isArray: (name) => ['lov', 'team', 'member', 'step', 'posting'].includes(name) });

describe('notification XML', () => {
  it('writes the sample notification byte for byte from the sample job', () => {
    const job = jobDocumentSchema.parse(JSON.parse(sample('spec-sample-job-48213.json')));
    const notification: Notification = { id: 'evt-2027-000042', type: 'job.approval.decided', occurredAt: '2027-01-12T10:31:00Z', job };
    expect(notificationToXml(notification)).toBe(sample('spec-sample-notification-approval-decided.xml'));
  });

  it('writes every fixture notification so that the connector parses it back to the same document', () => {
    const fixtures = readdirSync(fileURLToPath(new URL('../../fixtures/talentlink/', import.meta.url))).filter((f) => /^job\..+\.json$/.test(f));
    expect(fixtures.length).toBeGreaterThan(5);
    for (const file of fixtures) {
      const notification = notificationSchema.parse(JSON.parse(sample(file)));
      const parsed = parseNotification(notificationToXml(notification), 'application/xml; charset=utf-8');
      expect(parsed, file).toEqual({ ok: true, kind: 'notification', notification });
      const viaJson = parseNotification(notificationToJson(notification), 'application/json');
      expect(viaJson, file).toEqual({ ok: true, kind: 'notification', notification });
    }
  });

  it('escapes markup characters so that a parser gets the original text back', () => {
    const job = jobDocumentSchema.parse(JSON.parse(sample('spec-sample-job-48213.json')));
    job.openingName = 'Responsable <R&D> "pôle" études & statistiques';
    job.organization.name = 'CAF "Nord" & <Pas-de-Calais>';
    job.customFields = [{ key: 'JOB_FAMILY', value: 'A&B <C> "D"\nE' }];
    job.publicationLock = { locked: true, reason: 'Période EN3S : attente "validé" & <refusé>', since: '2027-01-12T10:31:00Z' };
    const notification: Notification = { id: 'evt-1', type: 'job.updated', occurredAt: '2027-01-12T10:31:00Z', job };
    const xml = notificationToXml(notification);
    expect(xml).not.toMatch(/<R&D>/);
    const parsed = parser.parse(xml);
    expect(parsed.notification.job.openingName).toBe(job.openingName);
    expect(parsed.notification.job.organization.name).toBe(job.organization.name);
    // Line breaks in attributes travel as character references, which the connector decodes.
    expect(parsed.notification.job.customFields.lov[0].value).toBe('A&B <C> "D"&#10;E');
    expect(parseNotification(xml, 'application/xml')).toEqual({ ok: true, kind: 'notification', notification });
  });

  it('drops characters XML cannot carry', () => {
    expect(escapeText('a\u0001b\u0008c')).toBe('abc');
    expect(escapeAttribute('x\ty')).toBe('x&#9;y');
  });

  it('writes optional parts only when present, and empty lists as empty elements', () => {
    const job = jobDocumentSchema.parse({ id: '1', version: 1, jobNumber: 'NVHADD00001', openingName: 'Poste', creationDate: '2027-01-01T00:00:00Z', organization: { id: '300', code: 'X', name: 'Y' }, status: 'DRAFT' });
    const xml = notificationToXml({ id: 'evt-2', type: 'job.created', occurredAt: '2027-01-01T00:00:00Z', job });
    expect(xml).toContain('    <customFields/>\n    <teams/>\n    <postings/>\n    <status>DRAFT</status>');
    expect(xml).not.toContain('approvalProcess');
    expect(xml).not.toContain('requisitionNumber');
    expect(JSON.parse(notificationToJson({ id: 'evt-2', type: 'job.created', occurredAt: '2027-01-01T00:00:00Z', job }))).toMatchObject({ id: 'evt-2', job: { id: '1' } });
  });
});

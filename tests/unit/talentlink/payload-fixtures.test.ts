import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { notificationTypes } from '../../../connectors/talentlink/job-document.js';
import { parseJobDocument, parseNotification } from '../../../connectors/talentlink/payload.js';

const dir = fileURLToPath(new URL('../../fixtures/talentlink/', import.meta.url));
const read = (name: string) => readFileSync(dir + name);
const notificationFiles = readdirSync(dir).filter((f) => /^job\.[a-z.]+--.+\.(xml|json)$/.test(f));
const contentTypeOf = (file: string) => (file.endsWith('.xml') ? 'application/xml' : 'application/json; charset=utf-8');

describe('fixtures as the ATS sends them', () => {
  it('cover every notification type, in XML and in JSON', () => {
    for (const type of notificationTypes) {
      for (const extension of ['.xml', '.json']) {
        expect(
          notificationFiles.some((f) => f.startsWith(`${type}--`) && f.endsWith(extension)),
          `${type}${extension}`,
        ).toBe(true);
      }
    }
  });

  it.each(notificationFiles)('%s parses into a notification of the type its name says', (file) => {
    const result = parseNotification(read(file), contentTypeOf(file));
    if (!result.ok) throw new Error(`${file}: ${result.error.code} ${result.error.message}`);
    expect(result.kind).toBe('notification');
    if (result.kind !== 'notification') return;
    expect(result.notification.type).toBe(file.split('--')[0]);
    expect(result.notification.job.organization.code).not.toBe('');
  });

  it.each(notificationFiles.filter((f) => f.endsWith('.xml')))(
    '%s gives the same notification as its JSON twin',
    (file) => {
      const fromXml = parseNotification(read(file), 'application/xml');
      const fromJson = parseNotification(read(file.replace(/\.xml$/, '.json')), 'application/json');
      expect(fromXml.ok && fromJson.ok).toBe(true);
      expect(fromXml).toEqual(fromJson);
    },
  );

  it('the spec sample: the XML notification holds exactly the JSON job document', () => {
    const notification = parseNotification(read('spec-sample-notification-approval-decided.xml'), 'application/xml');
    const job = parseJobDocument(read('spec-sample-job-48213.json').toString('utf8'), 'json');
    if (!notification.ok || notification.kind !== 'notification' || !job.ok || job.kind !== 'job')
      throw new Error('sample did not parse');
    expect(notification.notification.job).toEqual(job.job);
    expect(job.job.approvalProcess?.steps[0]).toEqual({
      order: 1,
      team: 'EN3S dérogation',
      status: 'APPROVED',
      decidedAt: '2027-01-12T10:31:00Z',
      decidedBy: 'u-en3s',
    });
    expect(job.job.publicationLock).toEqual({ locked: false });
    expect(job.job.customFields).toContainEqual({ key: 'CLASSIFICATION_LEVEL', value: '7' });
    expect(notification.notification).toMatchObject({ id: 'evt-2027-000042', type: 'job.approval.decided' });
  });

  it('parseJobDocument takes the job out of a whole notification, in either format', () => {
    const fromXml = parseJobDocument(read('spec-sample-notification-approval-decided.xml').toString('utf8'), 'auto');
    const fromJsonNotification = parseJobDocument(
      read('job.approval.decided--carsat-alsace-moselle.json').toString('utf8'),
      'auto',
    );
    const bare = parseJobDocument(read('spec-sample-job-48213.json').toString('utf8'), 'auto');
    expect(fromXml).toEqual(bare);
    expect(fromJsonNotification).toEqual(bare);
  });

  it('decodes the predefined entities of the XML (&apos; &amp;) into the text', () => {
    const result = parseNotification(read('job.updated--caf-gironde.xml'), 'application/xml');
    expect(result.ok && result.kind === 'notification' && result.notification.job.openingName).toBe(
      'Manager opérationnel du pôle prestations & accès aux droits',
    );
    const msa = parseNotification(read('job.approval.decided--msa-alpes-du-nord-groupe-l.xml'), 'text/xml');
    expect(msa.ok && msa.kind === 'notification' && msa.notification.job.approvalProcess?.steps[0]?.comment).toBe(
      "Poste proposé aux élèves sortants de l'EN3S (promotion 2027) : dérogation refusée.",
    );
  });

  it('reads a prefixed notification namespace (tl:notification) like the default one', () => {
    const result = parseNotification(read('job.posting.withdrawn--cnieg.xml'), 'application/xml');
    expect(result.ok && result.kind === 'notification' && result.notification.job.postings[0]?.status).toBe(
      'WITHDRAWN',
    );
  });

  it.each(['queue-alert.json', 'queue-alert-bare.json'])('%s is a queue alert', (file) => {
    const result = parseNotification(read(file), 'application/json');
    expect(result).toMatchObject({ ok: true, kind: 'queue-alert', alert: { queueName: 'en3s-job-events' } });
  });
});

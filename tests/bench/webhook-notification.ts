import { createHmac } from 'node:crypto';
import type { Notification } from '../../connectors/talentlink/job-document.js';
import { notificationToXml } from '../../connectors/talentlink/sandbox/notification-xml.js';

/**
 * The notification the webhook bench sends: a `job.approval.started` of a senior offer as the
 * sandbox writes it (same XML writer), with the recruitment team, the approval team and its
 * step, the publication lock, three postings and the offer's custom fields, about 4 KB. Rendered once with placeholders;
 * each request only splices in a fresh event id and job id and signs the result, so the load
 * generator spends its time sending, not building XML.
 */

const EVENT_ID = '@@EVENT@@';
const JOB_ID = '@@JOB@@';

function sampleNotification(): Notification {
  const member = (userId: string, name: string, email: string) => ({ userId, name, email });
  return {
    id: EVENT_ID,
    type: 'job.approval.started',
    occurredAt: '2027-01-18T09:14:05Z',
    job: {
      id: JOB_ID,
      version: 4,
      jobNumber: 'NVHADD04213',
      requisitionNumber: 'REQ-2027-0412',
      openingName: 'Responsable du département gestion des prestations et de la relation aux assurés',
      creationDate: '2027-01-18T08:57:31Z',
      createdBy: { userId: 'u-2231', firstName: 'Sophie', lastName: 'Marchand', email: 'sophie.marchand@cpam-gironde.example' },
      organization: { id: '233', code: 'CPAM-GIRONDE', name: 'CPAM de la Gironde' },
      customFields: [
        { key: 'CLASSIFICATION_GRID', value: 'RG' },
        { key: 'CLASSIFICATION_LEVEL', value: '8' },
        { key: 'JOB_CATEGORY', value: 'CADRE' },
        { key: 'JOB_FAMILY', value: 'MANAGEMENT' },
        { key: 'CONTRACT_TYPE', value: 'CDI' },
        { key: 'WORKING_TIME', value: 'TEMPS_PLEIN' },
        { key: 'LOCATION', value: 'Bordeaux (33)' },
        { key: 'SALARY_RANGE', value: '52000-61000' },
        { key: 'REMOTE_WORK', value: '2 jours par semaine' },
        { key: 'START_DATE', value: '2027-04-01' },
        { key: 'DIRECTION', value: 'Direction des prestations et de la relation client' },
        { key: 'SERVICE', value: 'Département gestion des prestations en espèces' },
        { key: 'REPLACEMENT', value: 'Remplacement d’un départ en retraite' },
        { key: 'BUDGET_CODE', value: 'CPAM33-2027-RH-0412' },
        { key: 'INTERNAL_MOBILITY', value: 'OUVERT' },
        {
          key: 'CANDIDATE_PROFILE',
          value:
            'Titulaire d’un diplôme de niveau 7 ou du certificat EN3S, vous justifiez d’une expérience réussie du management d’équipes de production et de la conduite du changement. Vous maîtrisez la réglementation des prestations en espèces et savez piloter l’activité par les indicateurs.',
        },
        {
          key: 'MISSIONS',
          value:
            'Piloter l’activité des trois services du département (180 collaborateurs), garantir la qualité et les délais de paiement, conduire les projets de transformation numérique et animer le dialogue avec les partenaires institutionnels.',
        },
      ],
      teams: [
        {
          role: 'operational',
          members: [
            member('u-2231', 'AA REC CPAM DE LA GIRONDE Sophie Marchand', 'sophie.marchand@cpam-gironde.example'),
            member('u-2232', 'AA REC CPAM DE LA GIRONDE Luc Fabre', 'luc.fabre@cpam-gironde.example'),
            member('u-2240', 'DRH CPAM DE LA GIRONDE Nathalie Roussel', 'nathalie.roussel@cpam-gironde.example'),
            member('u-2251', 'MANAGER CPAM DE LA GIRONDE Pierre Laborde', 'pierre.laborde@cpam-gironde.example'),
            member('u-2263', 'ASSISTANTE RH CPAM DE LA GIRONDE Julie Mercier', 'julie.mercier@cpam-gironde.example'),
          ],
        },
        {
          role: 'approval',
          name: 'EN3S dérogation',
          members: [member('u-en3s', 'EN3S Direction des études', 'derogations@en3s.example'), member('u-en3s-2', 'EN3S Service des concours', 'concours@en3s.example')],
        },
      ],
      approvalProcess: {
        name: 'Validation en période EN3S',
        version: 2,
        status: 'IN_PROGRESS',
        startedAt: '2027-01-18T09:14:05Z',
        startedBy: 'ucanss:en3s-connector:BO',
        dueDate: '2027-01-28',
        steps: [{ order: 1, team: 'EN3S dérogation', status: 'PENDING' }],
      },
      publicationLock: { locked: true, reason: 'Période EN3S : publication suspendue dans l’attente de la réponse de l’EN3S', since: '2027-01-18T09:14:04Z' },
      postings: [
        { id: 'p-90412', channel: 'UCANSS', status: 'DRAFT' },
        { id: 'p-90413', channel: 'INTRANET', status: 'DRAFT' },
        { id: 'p-90414', channel: 'APEC', status: 'DRAFT' },
      ],
      status: 'OPEN',
    },
  };
}

export interface NotificationFactory {
  /** Size in bytes of one body (ids of the bench's length). */
  bytes: number;
  /** The XML body of event `eventId` on job `jobId`. */
  body(eventId: string, jobId: string): string;
}

export function notificationFactory(): NotificationFactory {
  const text = notificationToXml(sampleNotification());
  const [beforeEvent, afterEvent] = text.split(EVENT_ID) as [string, string];
  const [between, afterJob] = afterEvent.split(JOB_ID) as [string, string];
  if (afterJob === undefined || afterJob.includes(JOB_ID) || afterEvent.split(JOB_ID).length !== 2) {
    throw new Error('bench notification: the placeholders must each appear once');
  }
  const body = (eventId: string, jobId: string) => beforeEvent + eventId + between + jobId + afterJob;
  return { bytes: Buffer.byteLength(body('evt-bench-000000-0000000', '1000000'), 'utf8'), body };
}

/** Standard Webhooks headers of one request, signed with `key` (the decoded `whsec_` secret) at `seconds`. */
export function signedWebhookHeaders(key: Buffer, eventId: string, seconds: number, body: string): Record<string, string> {
  const signature = createHmac('sha256', key).update(`${eventId}.${seconds}.${body}`).digest('base64');
  return {
    'content-type': 'application/xml; charset=utf-8',
    'webhook-id': eventId,
    'webhook-timestamp': String(seconds),
    'webhook-signature': `v1,${signature}`,
  };
}

import type { JobDocument } from '../../connectors/talentlink/job-document.js';

/**
 * Job documents as the ATS sends them (docs/talentlink.md §8), built from the few fields a test cares about.
 * People are fictitious.
 */
export interface JobSpec {
  id?: string;
  version?: number;
  orgCode?: string;
  orgName: string;
  grid?: string;
  level?: string;
  category?: string;
  agreement?: string;
  family?: string;
  scale?: string;
  careerStart?: string;
  title?: string;
  creationDate?: string;
}

let counter = 0;

export function jobDocument(spec: JobSpec): JobDocument {
  counter += 1;
  const fields: [string, string | undefined][] = [
    ['CLASSIFICATION_GRID', spec.grid],
    ['CLASSIFICATION_LEVEL', spec.level],
    ['JOB_CATEGORY', spec.category],
    ['COLLECTIVE_AGREEMENT', spec.agreement],
    ['JOB_FAMILY', spec.family],
    ['MINES_SCALE', spec.scale],
    ['MINES_CAREER_START', spec.careerStart],
  ];
  return {
    id: spec.id ?? `t-${counter}`,
    version: spec.version ?? 1,
    jobNumber: `NVHADD${String(counter).padStart(5, '0')}`,
    openingName: spec.title ?? "Responsable d'unité",
    creationDate: spec.creationDate ?? '2027-01-05T09:00:00Z',
    createdBy: { userId: 'u-100' },
    organization: { id: `org-${counter}`, code: spec.orgCode ?? '', name: spec.orgName },
    customFields: fields
      .filter((f): f is [string, string] => f[1] !== undefined)
      .map(([key, value]) => ({ key, value })),
    teams: [{ role: 'operational', members: [{ userId: 'u-100' }] }],
    postings: [{ id: 'p-1', channel: 'UCANSS', status: 'DRAFT' }],
    status: 'OPEN',
  };
}

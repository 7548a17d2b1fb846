import type { Directory } from './directory.js';
import type { JobRecord, MemberRecord, PostingRecord } from './state.js';

/**
 * The full DTOs of the tenant's objects, as the real API would give them with every field of
 * `dto-shapes.ts` selected: numbers for ids, epoch milliseconds for dates, `null` where the
 * tenant holds nothing. The query's selection is applied afterwards.
 */

type Dto = Record<string, unknown>;

function departmentRef(directory: Directory, id: number): Dto | null {
  const node = directory.node(id);
  if (!node) return null;
  return { ...node, structure: directory.ancestors(id) };
}

function member(directory: Directory, m: MemberRecord): Dto {
  const u = directory.users.get(m.userId);
  return {
    order: m.order,
    lovValue: m.lovValue,
    user: u
      ? { id: u.id, login: u.login, fullName: directory.fullName(u), language: u.language }
      : { id: m.userId, login: null, fullName: null, language: null },
  };
}

export function openingDto(directory: Directory, job: JobRecord): Dto {
  return {
    id: job.id,
    jobNumber: job.jobNumber,
    requisitionNumber: job.requisitionNumber,
    jobTitle: job.jobTitle,
    status: job.status,
    headCount: 1,
    company: 'UCANSS',
    language: job.language,
    contractType: job.contractType,
    creationDate: job.creationDate,
    updateDate: job.updateDate,
    dueDate: job.dueDate,
    organization: departmentRef(directory, job.organizationId),
    department: departmentRef(directory, job.departmentId),
    configurableFields: {
      lovs: job.lovs.map((l) => ({ ...l })),
      freeFormFields: job.freeFormFields.map((f) => ({ ...f })),
    },
    customFields: job.customFields.map((c) => ({ ...c })),
    team: {
      recruiters: job.team.recruiters.map((m) => member(directory, m)),
      operationals: job.team.operationals.map((m) => member(directory, m)),
      approvers: job.team.approvers.map((a) => ({ ...member(directory, a), stepOrder: a.stepOrder })),
    },
  };
}

export function postingDto(directory: Directory, posting: PostingRecord, job: JobRecord | undefined): Dto {
  return {
    id: posting.id,
    status: posting.status,
    creationDate: posting.creationDate,
    updateDate: posting.updateDate,
    postingStartDate: posting.postingStartDate,
    postingEndDate: posting.postingEndDate,
    endDate: posting.endDate,
    jobAdTitle: posting.jobAdTitle,
    language: posting.language,
    openingId: posting.openingId,
    opening: job ? openingDto(directory, job) : null,
  };
}

export function userDto(directory: Directory, id: number, createdAt: number): Dto | null {
  const u = directory.users.get(id);
  if (!u) return null;
  return {
    id: u.id,
    login: u.login,
    firstName: u.firstName,
    lastName: u.lastName,
    email: u.email,
    language: u.language,
    status: u.status,
    creationDate: createdAt,
    updateDate: createdAt,
  };
}

export function departmentDto(directory: Directory, id: number): Dto | null {
  const d = directory.department(id);
  const node = directory.node(id);
  if (!d || !node) return null;
  return { id: d.id, name: d.name, code: d.code, parentId: d.parentId, level: node.level, active: true };
}

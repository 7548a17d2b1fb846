import { z } from 'zod';

/**
 * The shapes of the real TalentLink REST API (back-office API v23.1) that the connector reads
 * and writes: docs/talentlink.md §1–§5. Only the fields the connector selects are listed. Ids are
 * JSON numbers (int64) and dates epoch milliseconds. A field left out of a GraphQL selection is
 * absent, and an empty selected object comes back `null`, so every field is optional and
 * nullable here: what a use needs is checked where it is used, with the path in the message.
 * Unknown fields are dropped (zod objects strip them).
 */

const id = z.number().int();
const epochMs = z.number().int();
const opt = <T extends z.ZodTypeAny>(schema: T) => schema.nullish();

export const userRefDtoSchema = z.object({
  id: opt(id),
  login: opt(z.string()),
  fullName: opt(z.string()),
  language: opt(z.string()),
});

export const teamMemberDtoSchema = z.object({
  order: opt(z.number().int()),
  lovValue: opt(z.string()),
  user: opt(userRefDtoSchema),
});

export const approverDtoSchema = teamMemberDtoSchema.extend({
  stepOrder: opt(z.number().int()),
});

export const teamDtoSchema = z.object({
  recruiters: opt(z.array(teamMemberDtoSchema)),
  operationals: opt(z.array(teamMemberDtoSchema)),
  approvers: opt(z.array(approverDtoSchema)),
});

export const departmentStructureDtoSchema = z.object({
  id: opt(id),
  name: opt(z.string()),
  parentId: opt(id),
  level: opt(z.number().int()),
});

export const departmentDtoSchema = departmentStructureDtoSchema.extend({
  structure: opt(z.array(departmentStructureDtoSchema)),
});

export const lovDtoSchema = z.object({
  nameLovId: opt(id),
  valueLovId: opt(id),
  name: opt(z.string()),
  value: opt(z.string()),
});

export const freeFormFieldDtoSchema = z.object({
  lovId: opt(id),
  name: opt(z.string()),
  value: opt(z.string()),
});

export const customFieldDtoSchema = z.object({
  label: opt(z.string()),
  value: opt(z.string()),
  unlocalizedLabel: opt(z.string()),
  order: opt(z.number().int()),
});

/** `OpeningFullDto`, the job ("position", "opening"), as far as the connector selects it. */
export const openingDtoSchema = z.object({
  id,
  jobNumber: opt(z.string()),
  requisitionNumber: opt(z.string()),
  jobTitle: opt(z.string()),
  status: opt(z.string()),
  creationDate: opt(epochMs),
  updateDate: opt(epochMs),
  dueDate: opt(epochMs),
  organization: opt(departmentDtoSchema),
  department: opt(departmentDtoSchema),
  configurableFields: opt(
    z.object({
      lovs: opt(z.array(lovDtoSchema)),
      freeFormFields: opt(z.array(freeFormFieldDtoSchema)),
    }),
  ),
  customFields: opt(z.array(customFieldDtoSchema)),
  team: opt(teamDtoSchema),
});
export type OpeningDto = z.infer<typeof openingDtoSchema>;

/** `PublishedAdvertDto`: one posting of a job on one target, optionally with its job. */
export const publishedAdvertDtoSchema = z.object({
  id,
  status: opt(z.string()),
  creationDate: opt(epochMs),
  updateDate: opt(epochMs),
  postingStartDate: opt(epochMs),
  postingEndDate: opt(epochMs),
  endDate: opt(epochMs),
  /** Not in the vendor's flattened DTO but in its GraphQL listing (§2, (I)): the job posted. */
  openingId: opt(id),
  opening: opt(openingDtoSchema),
});
export type PublishedAdvertDto = z.infer<typeof publishedAdvertDtoSchema>;

/** `UserFullDto`, as far as the connector selects it (the e-mail only to write to a recruiter). */
export const userDtoSchema = z.object({
  id,
  login: opt(z.string()),
  firstName: opt(z.string()),
  lastName: opt(z.string()),
  email: opt(z.string()),
  status: opt(z.string()),
});
export type UserDto = z.infer<typeof userDtoSchema>;

export const departmentListDtoSchema = departmentStructureDtoSchema.extend({ id });

/** `GET /{resource}?query=…` answers `{data: {<root>: [...]}}` (§2). */
export const positionsAnswerSchema = z.object({ data: z.object({ positions: z.array(openingDtoSchema).nullish() }) });
export const publishedAdvertsAnswerSchema = z.object({
  data: z.object({ publishedAdverts: z.array(publishedAdvertDtoSchema).nullish() }),
});
export const usersAnswerSchema = z.object({ data: z.object({ users: z.array(userDtoSchema).nullish() }) });
export const departmentsAnswerSchema = z.object({
  data: z.object({ departments: z.array(departmentListDtoSchema).nullish() }),
});

/** `GET /queues` (§5). */
export const queuesDtoSchema = z.object({
  queues: z.array(z.object({ name: z.string(), elementsCount: opt(z.number().int()) })).nullish(),
});

/** `GET /queues/position/{queueName}/oldest-element` (§5). */
export const queuedPositionDtoSchema = z.object({
  idInQueue: id,
  queueName: opt(z.string()),
  openingID: id,
  departmentID: opt(id),
  jobStatus: opt(z.string()),
});
export type QueuedPositionDto = z.infer<typeof queuedPositionDtoSchema>;

/** `GET /queues/posting-target/{queueName}/oldest-element` (§5). */
export const queuedPostingTargetDtoSchema = z.object({
  idInQueue: id,
  queueName: opt(z.string()),
  id,
  advertName: opt(z.string()),
});
export type QueuedPostingTargetDto = z.infer<typeof queuedPostingTargetDtoSchema>;

/** The write shape of a team member (§4): `{order, user: {id}, lovValue}`, plus `stepOrder` for approvers. */
export interface TeamMemberWrite {
  order: number;
  user: { id: number };
  lovValue?: string;
}
export interface ApproverWrite extends TeamMemberWrite {
  stepOrder?: number;
}
/** `PATCH /position/{id}` body that sets the whole team (§4). */
export interface PositionTeamPatch {
  team: { recruiters: TeamMemberWrite[]; operationals: TeamMemberWrite[]; approvers: ApproverWrite[] };
}
/** `PUT /publishedadvert/unpost` body (§4). */
export interface UnpostBody {
  postingTargets: number[];
}

import { z } from 'zod';

/**
 * The job document and the notification envelope of the earlier TalentLink-style interface (docs/talentlink.md §8),
 * after XML or JSON parsing: XML attributes have become plain keys, repeated elements arrays.
 * Both the connector (client side) and the sandbox (server side) speak this shape.
 */

const isoInstant = z.iso.datetime({ offset: true });
const calendarDate = z.iso.date();

export const personSchema = z.object({
  userId: z.string().min(1),
  firstName: z.string().optional(),
  lastName: z.string().optional(),
  email: z.string().optional(),
});

export const lovSchema = z.object({ key: z.string().min(1), value: z.string() });

export const teamMemberSchema = z.object({
  userId: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
});

export const teamSchema = z.object({
  role: z.enum(['operational', 'approval']),
  name: z.string().optional(),
  members: z.array(teamMemberSchema).default([]),
});

export const approvalStepSchema = z.object({
  order: z.coerce.number().int().min(1),
  team: z.string(),
  status: z.enum(['PENDING', 'APPROVED', 'REJECTED']),
  decidedAt: isoInstant.optional(),
  decidedBy: z.string().optional(),
  comment: z.string().optional(),
});

export const approvalProcessSchema = z.object({
  name: z.string(),
  version: z.coerce.number().int().min(0),
  status: z.enum(['NOT_STARTED', 'IN_PROGRESS', 'APPROVED', 'REJECTED', 'CANCELLED']),
  startedAt: isoInstant.optional(),
  startedBy: z.string().optional(),
  dueDate: calendarDate.optional(),
  steps: z.array(approvalStepSchema).default([]),
});

export const publicationLockSchema = z.object({
  locked: z.boolean(),
  reason: z.string().optional(),
  since: isoInstant.optional(),
});

export const postingSchema = z.object({
  id: z.string().min(1),
  channel: z.string().min(1),
  status: z.enum(['DRAFT', 'PUBLISHED', 'WITHDRAWN', 'EXPIRED']),
  publishedAt: isoInstant.optional(),
  withdrawnAt: isoInstant.optional(),
});

export const jobDocumentSchema = z.object({
  id: z.string().min(1),
  version: z.coerce.number().int().min(0),
  jobNumber: z.string().min(1),
  requisitionNumber: z.string().optional(),
  openingName: z.string(),
  creationDate: isoInstant,
  createdBy: personSchema.optional(),
  organization: z.object({ id: z.string(), code: z.string().default(''), name: z.string().default('') }),
  customFields: z.array(lovSchema).default([]),
  teams: z.array(teamSchema).default([]),
  approvalProcess: approvalProcessSchema.optional(),
  publicationLock: publicationLockSchema.optional(),
  postings: z.array(postingSchema).default([]),
  status: z.enum(['DRAFT', 'OPEN', 'CLOSED', 'CANCELLED']),
});

export type JobDocument = z.infer<typeof jobDocumentSchema>;
export type Posting = z.infer<typeof postingSchema>;
export type ApprovalProcess = z.infer<typeof approvalProcessSchema>;

export const notificationTypes = [
  'job.created',
  'job.updated',
  'job.approval.started',
  'job.approval.decided',
  'job.posting.published',
  'job.posting.withdrawn',
  'job.closed',
] as const;
export type NotificationType = (typeof notificationTypes)[number];

export const notificationSchema = z.object({
  id: z.string().min(1),
  type: z.enum(notificationTypes),
  occurredAt: isoInstant,
  job: jobDocumentSchema,
});
export type Notification = z.infer<typeof notificationSchema>;

/** Queue alert mode (docs/talentlink.md §8): a bare signed alert saying that a queue has a new element. */
export const queueAlertSchema = z.object({
  id: z.string().min(1).optional(),
  type: z.literal('queue.element.added').optional(),
  queueName: z.string().min(1),
});
export type QueueAlert = z.infer<typeof queueAlertSchema>;

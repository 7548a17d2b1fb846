import { z } from 'zod';
import { lovSchema, personSchema } from '../job-document.js';

/**
 * Inputs of the operations that the REST API and the driver API accept, as zod schemas so that a
 * bad body is answered 400 with the path of the wrong field.
 */

const isoInstant = z.iso.datetime({ offset: true });

const customFieldsInput = z
  .union([z.array(lovSchema), z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()]))])
  .transform((v) => (Array.isArray(v) ? v : Object.entries(v).map(([key, value]) => ({ key, value: String(value) }))));

export const organizationInputSchema = z.object({
  code: z.string().min(1),
  name: z.string().min(1),
  id: z.string().min(1).optional(),
});

export const initialPostingSchema = z.object({
  channel: z.string().min(1).default('UCANSS'),
  status: z.enum(['DRAFT', 'PUBLISHED']).default('DRAFT'),
  publishedAt: isoInstant.optional(),
});

export const createJobInputSchema = z.object({
  title: z.string().trim().min(1),
  organization: organizationInputSchema,
  customFields: customFieldsInput.default([]),
  recruiter: personSchema.optional(),
  requisitionNumber: z.string().min(1).optional(),
  jobNumber: z.string().min(1).optional(),
  status: z.enum(['DRAFT', 'OPEN']).default('OPEN'),
  creationDate: isoInstant.optional(),
  /** The recruiter already filled the approval team in ("Membres de l'équipe"). */
  approvalTeam: z.string().min(1).optional(),
  /** Postings on creation; default one DRAFT posting on UCANSS. */
  postings: z.array(initialPostingSchema).optional(),
});
export type CreateJobInput = z.input<typeof createJobInputSchema>;

export const updateJobInputSchema = z
  .object({
    title: z.string().trim().min(1).optional(),
    organization: organizationInputSchema.optional(),
    customFields: customFieldsInput.optional(),
    requisitionNumber: z.string().min(1).optional(),
    status: z.enum(['DRAFT', 'OPEN']).optional(),
  })
  .strict();
export type UpdateJobInput = z.input<typeof updateJobInputSchema>;

export const teamInputSchema = z.object({ name: z.string().trim().min(1) });

export const startApprovalInputSchema = z.object({
  processName: z.string().trim().min(1).optional(),
  message: z.string().optional(),
  dueDate: z.iso.date().optional(),
  alertOnAction: z.boolean().optional(),
});
export type StartApprovalInput = z.input<typeof startApprovalInputSchema>;

export const lockInputSchema = z.object({ locked: z.boolean(), reason: z.string().optional() });

export const withdrawInputSchema = z.object({ reason: z.string().optional() });

export const publishInputSchema = z.object({ channel: z.string().min(1).default('UCANSS') });

export const decisionInputSchema = z.object({
  comment: z.string().optional(),
  decidedBy: z.string().min(1).optional(),
});

/** A zod failure as one line naming each wrong field, for `{code: 'BAD_REQUEST', message}`. */
export function describeIssues(error: z.ZodError, where = 'body'): string {
  return error.issues.map((i) => `${[where, ...i.path].join('.')}: ${i.message}`).join('; ');
}

import { z } from 'zod';
import { organismSchema, offerSchema } from './offer.js';

/**
 * A job as the connector observed it in the ATS at one instant, in neutral terms: what the
 * pipeline reasons on, whatever the ATS. A connector builds it from its own documents (the
 * TalentLink one through `mappings/talentlink.yaml`); `src/` never sees the vendor's shapes.
 *
 * What the real ATS can tell is all there is: a status whose meaning comes from the tenant's
 * mapping, the people of the job's team (ids, never names or e-mails), the postings when they
 * were read with the job, and the instant of its last change. There is no version number:
 * `updatedAt` orders two snapshots of one job, and at an equal `updatedAt` the one fetched
 * later (`fetchedAt`) wins.
 */

/** What a job's status means, read from the tenant's mapping (docs/talentlink.md §6). */
export const jobStatusMeanings = [
  'DRAFT',
  'PENDING_APPROVAL',
  'APPROVED',
  'REFUSED',
  'OPEN',
  'CLOSED',
  'CANCELLED',
  'UNKNOWN',
] as const;
export type JobStatusMeaning = (typeof jobStatusMeanings)[number];

export const teamMemberSchema = z.object({
  /** The ATS's user id, as a string whatever the ATS's type. */
  userId: z.string().min(1),
  order: z.number().int(),
  /** Approvers only: the approval step the member belongs to. */
  stepOrder: z.number().int().nullable(),
  /** The member's role label in the team (TalentLink's `lovValue`), when given. */
  role: z.string().nullable(),
});
export type TeamMember = z.infer<typeof teamMemberSchema>;

export const jobTeamSchema = z.object({
  recruiters: z.array(teamMemberSchema),
  operationals: z.array(teamMemberSchema),
  approvers: z.array(teamMemberSchema),
});
export type JobTeam = z.infer<typeof jobTeamSchema>;

export const jobPostingSchema = z.object({
  id: z.string().min(1),
  /** The posting target's status as the ATS gives it, for the ledger; a listed posting is live. */
  atsStatus: z.string().nullable(),
  /** When it went out (the posting's start, else its creation), ISO 8601; null when not given. */
  postedAt: z.string().nullable(),
});
export type JobPosting = z.infer<typeof jobPostingSchema>;

const offerFacts = offerSchema.pick({
  source: true,
  atsId: true,
  jobNumber: true,
  requisitionNumber: true,
  title: true,
  createdAt: true,
  organism: true,
  classification: true,
  unreadable: true,
});

export const jobSnapshotSchema = offerFacts.extend({
  /** The job's last change in the ATS (TalentLink `updateDate`), ISO 8601 UTC. */
  updatedAt: z.string(),
  /** When the connector read this snapshot, ISO 8601 UTC. */
  fetchedAt: z.string(),
  /** The body as the ATS names it, and its ancestors, nearest first (the body is recognised from them). */
  organization: z.object({
    atsId: z.string(),
    name: z.string(),
    ancestors: z.array(z.object({ atsId: z.string(), name: z.string() })),
  }),
  organism: organismSchema.nullable(),
  status: z.enum(jobStatusMeanings),
  /** The status text exactly as the ATS gave it. */
  atsStatus: z.string(),
  team: jobTeamSchema,
  /** The job's live postings, or null when they were not read with this snapshot. */
  postings: z.array(jobPostingSchema).nullable(),
});
export type JobSnapshot = z.infer<typeof jobSnapshotSchema>;

/** Whether `a` is a later observation of the same job than `b` (spec: updateDate, then fetch order). */
export function isNewerSnapshot(
  a: Pick<JobSnapshot, 'updatedAt' | 'fetchedAt'>,
  b: Pick<JobSnapshot, 'updatedAt' | 'fetchedAt'>,
): boolean {
  const byUpdate = Date.parse(a.updatedAt) - Date.parse(b.updatedAt);
  if (byUpdate !== 0) return byUpdate > 0;
  return Date.parse(a.fetchedAt) >= Date.parse(b.fetchedAt);
}

import { z } from 'zod';

/**
 * The canonical offer: what the domain knows of one job offer, whatever the ATS.
 * Built from a TalentLink-style job document by `connectors/talentlink/mapping.ts` through
 * `mappings/talentlink.yaml` and `mappings/organismes.yaml`. No personal data: people are ids.
 */

export const classificationGrids = ['RG', 'MSA', 'MINES', 'RS', 'ARS', 'RSI'] as const;
export type ClassificationGrid = (typeof classificationGrids)[number];

export const jobCategories = ['EMPLOYE', 'CADRE', 'AGENT_DE_DIRECTION', 'AGENT_COMPTABLE'] as const;
export const collectiveAgreements = ['CCNT_RG', 'CCN_MSA', 'PUBLIC', 'OTHER'] as const;

export const organismSchema = z.object({
  /** Body type key of `mappings/organismes.yaml`, e.g. `CARSAT`, `CGSS`, `MSA`. */
  type: z.string().min(1),
  /** Readable label of the type, e.g. `Caisse d'assurance retraite et de la santé au travail`. */
  label: z.string(),
  /** IANA zone of the body's legal time; `null` when it cannot be told (a CGSS without its island). */
  timeZone: z.string().nullable(),
  /** Overseas territory key when recognised (`GUADELOUPE`, `MARTINIQUE`, `REUNION`, `GUYANE`, `MAYOTTE`). */
  territory: z.string().nullable(),
  /** Networks ("réseaux") it reports to, primary first, e.g. `['Cnav', 'Cnam']`. */
  networks: z.array(z.string()),
});
export type Organism = z.infer<typeof organismSchema>;

export const offerSchema = z.object({
  source: z.string().min(1),
  atsId: z.string().min(1),
  version: z.number().int().min(0),
  jobNumber: z.string().min(1),
  requisitionNumber: z.string().nullable(),
  title: z.string(),
  createdAt: z.string(),
  createdBy: z.string().nullable(),
  organization: z.object({ atsId: z.string(), code: z.string(), name: z.string() }),
  /** `null` when the body was not recognised: the decision is then undetermined. */
  organism: organismSchema.nullable(),
  classification: z.object({
    grid: z.enum(classificationGrids).nullable(),
    level: z.string().nullable(),
    minesScale: z.number().int().nullable(),
    minesCareerStart: z.boolean().nullable(),
    jobFamily: z.string().nullable(),
    category: z.enum(jobCategories).nullable(),
    collectiveAgreement: z.enum(collectiveAgreements).nullable(),
  }),
  /** Custom-field values the mapping could not read, e.g. a grid "XX": the field is then null. */
  unreadable: z.array(z.object({ field: z.string(), key: z.string(), value: z.string(), expected: z.string() })),
  /** Names of the approval teams on the job. */
  approvalTeams: z.array(z.string()),
  approval: z
    .object({
      name: z.string(),
      version: z.number().int(),
      status: z.enum(['NOT_STARTED', 'IN_PROGRESS', 'APPROVED', 'REJECTED', 'CANCELLED']),
      startedAt: z.string().nullable(),
      startedBy: z.string().nullable(),
      dueDate: z.string().nullable(),
      /** The EN3S step's outcome, when the EN3S team decided. */
      en3sDecision: z.enum(['APPROVED', 'REJECTED']).nullable(),
      decidedAt: z.string().nullable(),
      decidedBy: z.string().nullable(),
    })
    .nullable(),
  publicationLocked: z.boolean(),
  postings: z.array(
    z.object({
      id: z.string(),
      channel: z.string(),
      status: z.enum(['DRAFT', 'PUBLISHED', 'WITHDRAWN', 'EXPIRED']),
      publishedAt: z.string().nullable(),
      withdrawnAt: z.string().nullable(),
    }),
  ),
  status: z.enum(['DRAFT', 'OPEN', 'CLOSED', 'CANCELLED']),
});
export type Offer = z.infer<typeof offerSchema>;

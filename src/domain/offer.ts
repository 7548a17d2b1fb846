import { z } from 'zod';

/**
 * The canonical offer: the facts the rules read of one job offer, whatever the ATS (its body,
 * its classification, what could not be read). A job as observed in the ATS, with its status,
 * team and postings, is a `JobSnapshot` (`job-snapshot.ts`), which extends these facts.
 * No personal data.
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
  /** Overseas territory key when recognised (`GUADELOUPE`, `MARTINIQUE`, `REUNION`, `GUYANE`, `MAYOTTE`, …). */
  territory: z.string().nullable(),
  /** Networks ("réseaux") it reports to, primary first, e.g. `['Cnav', 'Cnam']`; none for a body outside the texts. */
  networks: z.array(z.string()),
  /** When `timeZone` is null: the legal times the body may be in (its type's territories, or those its name names). */
  possibleTimeZones: z.array(z.string()).optional(),
  /**
   * French, when placing the body rests on a reading, e.g. « Saint-Martin est servi par les organismes de Guadeloupe ».
   */
  placeReading: z.string().optional(),
});
export type Organism = z.infer<typeof organismSchema>;

export const offerSchema = z.object({
  source: z.string().min(1),
  atsId: z.string().min(1),
  jobNumber: z.string().min(1),
  requisitionNumber: z.string().nullable(),
  title: z.string(),
  createdAt: z.string(),
  /** The body as the ATS names it (`code` only where the ATS gives one). */
  organization: z.object({ atsId: z.string(), code: z.string().optional(), name: z.string() }),
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
});
export type Offer = z.infer<typeof offerSchema>;

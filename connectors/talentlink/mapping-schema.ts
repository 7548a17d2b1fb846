import { z } from 'zod';
import { classificationGrids, collectiveAgreements, jobCategories } from '../../src/domain/offer.js';

/** The shape of `mappings/talentlink.yaml`: which LOV key holds which canonical field. */

const upper = z.string().transform((s) => s.trim().toUpperCase());
const enumField = <T extends readonly [string, ...string[]]>(values: T) =>
  z.object({
    key: z.string().min(1),
    values: z.record(upper, z.enum(values)),
    aliases: z.record(upper, z.enum(values)).default({}),
  });

export const talentLinkMappingSchema = z.object({
  customFields: z.object({
    grid: enumField(classificationGrids),
    level: z.object({ key: z.string().min(1), stripPrefixes: z.array(upper).default([]) }),
    minesScale: z.object({ key: z.string().min(1) }),
    minesCareerStart: z.object({ key: z.string().min(1) }),
    jobFamily: z.object({ key: z.string().min(1) }),
    category: enumField(jobCategories),
    collectiveAgreement: enumField(collectiveAgreements),
  }),
  approvalTeam: z.string().min(1),
  jobExchangeChannel: z.string().min(1),
});

export type TalentLinkMapping = z.infer<typeof talentLinkMappingSchema>;

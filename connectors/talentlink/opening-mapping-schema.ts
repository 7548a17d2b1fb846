import { z } from 'zod';
import { jobStatusMeanings } from '../../src/domain/job-snapshot.js';
import { classificationGrids, collectiveAgreements, jobCategories } from '../../src/domain/offer.js';
import { fold } from '../../src/domain/organisms.js';
import { valueTableShape } from './classification-values.js';

/**
 * The sections of `mappings/talentlink.yaml` that read a job of the real TalentLink REST API
 * (`OpeningFullDto`, docs/talentlink.md §3 and §6): where each classification field is read, what each
 * status text means, which ancestors of the organisation tree are not bodies, and the EN3S
 * approver the connector adds to a team. The older keys of the file (`customFields`,
 * `approvalTeam`, `jobExchangeChannel`) are read by `mapping-schema.ts` and ignored here.
 */

const name = z.string().trim().min(1);
const lovId = z.number().int();

/**
 * Where a field is read: a list of values (LOV) by its `nameLovId` or its `name`, a free-form
 * field by its `lovId` or its `name`, or a custom field by its `unlocalizedLabel`. Exactly one.
 */
const sourceShape = {
  lov: z.object({ nameLovId: lovId.optional(), name: name.optional() }).strict().optional(),
  freeFormField: z.object({ lovId: lovId.optional(), name: name.optional() }).strict().optional(),
  customField: z.object({ unlocalizedLabel: name }).strict().optional(),
};

type SourceInput = { [K in keyof typeof sourceShape]?: z.output<(typeof sourceShape)[K]> };

function checkOneSource(field: SourceInput, ctx: z.RefinementCtx): void {
  const given = (['lov', 'freeFormField', 'customField'] as const).filter((place) => field[place] !== undefined);
  if (given.length !== 1) {
    ctx.addIssue({
      code: 'custom',
      message:
        `expected exactly one of lov, freeFormField, customField, got ` +
        `${given.length === 0 ? 'none' : given.join(' and ')}`,
    });
    return;
  }
  const place = given[0]!;
  const ids = { lov: 'nameLovId', freeFormField: 'lovId' } as const;
  if (place === 'customField') return;
  const spec = field[place] as { name?: string; nameLovId?: number; lovId?: number };
  const byId = spec[ids[place]] !== undefined;
  if (byId === (spec.name !== undefined)) {
    ctx.addIssue({ code: 'custom', path: [place], message: `expected exactly one of ${ids[place]}, name` });
  }
}

const field = <S extends z.ZodRawShape>(shape: S) =>
  z
    .object({ ...sourceShape, ...shape })
    .strict()
    .superRefine((value, ctx) => checkOneSource(value as SourceInput, ctx));

const upper = z.string().transform((s) => s.trim().toUpperCase());

export const classificationFieldsSchema = z.object({
  grid: field(valueTableShape(classificationGrids)),
  level: field({ stripPrefixes: z.array(upper).default([]) }),
  category: field(valueTableShape(jobCategories)),
  jobFamily: field({}),
  minesScale: field({}),
  minesCareerStart: field({}),
  collectiveAgreement: field(valueTableShape(collectiveAgreements)),
});
export type ClassificationFields = z.infer<typeof classificationFieldsSchema>;
export type ClassificationFieldName = keyof ClassificationFields;
export type FieldSourceSpec = SourceInput;

/** `UNKNOWN` is what the mapper says of a text missing from the table, never a line of it. */
const knownMeaning = z.enum(jobStatusMeanings).exclude(['UNKNOWN']);

/** Status text → meaning; two texts that fold alike (case, accents) would make the table ambiguous. */
const jobStatusesSchema = z.record(name, knownMeaning).superRefine((table, ctx) => {
  const seen = new Map<string, string>();
  for (const text of Object.keys(table)) {
    const key = fold(text);
    const earlier = seen.get(key);
    if (earlier !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: [text],
        message: `expected a status different from "${earlier}" once case and accents are ignored`,
      });
    seen.set(key, text);
  }
});

export const openingMappingSchema = z.object({
  classificationFields: classificationFieldsSchema,
  jobStatuses: jobStatusesSchema,
  organizationTree: z.object({ notBodies: z.array(name).default([]) }).strict(),
  en3sApprover: z
    .object({
      login: name,
      order: z.number().int().min(1),
      stepOrder: z.number().int().min(1),
      lovValue: name,
    })
    .strict(),
});
export type OpeningMapping = z.infer<typeof openingMappingSchema>;

import { z } from 'zod';
import { classificationGrids, collectiveAgreements, jobCategories } from './offer.js';

/**
 * The shape of one legal text in `mappings/rulesets/*.yaml`. Everything the eligibility engine
 * knows of the law is data of this shape; the engine itself holds no body, level or date.
 */

const calendarDate = z.iso.date();
const monthDay = z.object({ month: z.number().int().min(1).max(12), day: z.number().int().min(1).max(31) });
const label = z.union([z.string().min(1), z.number()]).transform((v) => String(v).trim().toUpperCase());

const levelsCriterion = z.object({
  kind: z.literal('levels'),
  /** Grids whose labels this régime reads; the first is assumed when the offer names none. */
  grids: z.array(z.enum(classificationGrids)).min(1),
  /** Every label of the grid(s): a label outside this list is unreadable, hence undetermined. */
  knownLevels: z.array(label).min(1),
  /** The labels concerned. */
  levels: z.array(label).min(1),
  /** When set, only jobs under one of these collective agreements are concerned. */
  collectiveAgreements: z.array(z.enum(collectiveAgreements)).optional(),
  scopeLabel: z.string().min(1),
});

const minesCriterion = z.object({
  kind: z.literal('mines'),
  grids: z.array(z.enum(classificationGrids)).min(1),
  jobFamily: z.string().min(1),
  scale: z.number().int(),
  careerStart: z.boolean(),
  scopeLabel: z.string().min(1),
});

export const ruleSetFileSchema = z
  .object({
    id: z.string().regex(/^DSS\/\w+\/\d{4}\/\d+$/, 'expected an id such as DSS/4B/2026/34'),
    citation: z.string().min(1),
    title: z.string().min(1),
    signed: calendarDate,
    inForce: z.object({ from: calendarDate, to: calendarDate.nullable(), timeZone: z.string().min(1) }),
    window: z.object({ from: monthDay, to: monthDay, section: z.string().min(1) }),
    exclusions: z.array(
      z.object({
        code: z.string().min(1),
        categories: z.array(z.enum(jobCategories)).min(1),
        message: z.string().min(1),
        section: z.string().min(1),
      }),
    ),
    regimes: z
      .array(
        z.object({
          key: z.string().min(1),
          label: z.string().min(1),
          section: z.string().min(1),
          bodies: z.array(z.string().min(1)).min(1),
          criterion: z.discriminatedUnion('kind', [levelsCriterion, minesCriterion]),
        }),
      )
      .min(1),
    removedBodies: z.array(
      z.object({ bodies: z.array(z.string().min(1)).min(1), code: z.string().min(1), message: z.string().min(1), section: z.string().min(1) }),
    ),
  })
  .superRefine((file, ctx) => {
    file.regimes.forEach((regime, i) => {
      const c = regime.criterion;
      if (c.kind !== 'levels') return;
      c.levels.forEach((level, j) => {
        if (!c.knownLevels.includes(level)) {
          ctx.addIssue({
            code: 'custom',
            path: ['regimes', i, 'criterion', 'levels', j],
            message: `expected one of the knownLevels (${c.knownLevels.join(', ')}), got "${level}"`,
          });
        }
      });
    });
    const seen = new Map<string, string>();
    file.regimes.forEach((regime, i) =>
      regime.bodies.forEach((body, j) => {
        const other = seen.get(body);
        if (other) {
          ctx.addIssue({ code: 'custom', path: ['regimes', i, 'bodies', j], message: `body ${body} is already listed under ${other}` });
        }
        seen.set(body, regime.key);
      }),
    );
  });

export type RuleSetFile = z.infer<typeof ruleSetFileSchema>;
export type RegimeRule = RuleSetFile['regimes'][number];

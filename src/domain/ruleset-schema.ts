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
  /**
   * Every label of the grid(s), lowest first (a range « 7 à 9 » is read in this order): a label
   * none of whose readings is in this list is unreadable, hence undetermined.
   */
  knownLevels: z.array(label).min(1),
  /** A single letter is a group of the grid (the MSA's A–N), never a roman figure (I, V, X). */
  lettersAreGroups: z.boolean().default(false),
  /**
   * The grid has intermediate levels below this one (the 2024 régime général grid: 4B, 5A, 5B…):
   * a subdivision the list does not name (« 3A », « 5C ») is read as one of the level's own labels.
   */
  intermediateLevelsBelow: z.number().int().optional(),
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
    /**
     * When the text is known only through another document (the circulaire of 2014, through the
     * UCANSS guide): every source then reads `<citation>, <citedThrough> <section>`, the section
     * being the other document's.
     */
    citedThrough: z.string().min(1).optional(),
    /** The section that lists the bodies (cited when a body is not among them). */
    bodiesSection: z.string().min(1),
    title: z.string().min(1),
    signed: calendarDate,
    inForce: z.object({ from: calendarDate, to: calendarDate.nullable(), timeZone: z.string().min(1) }),
    window: z.object({ from: monthDay, to: monthDay, section: z.string().min(1) }),
    exclusions: z.array(
      z
        .object({
          code: z.string().min(1),
          categories: z.array(z.enum(jobCategories)).min(1),
          message: z.string().min(1),
          /** A section of this text… */
          section: z.string().min(1).optional(),
          /** …or, when the text itself does not say it, where the rule really is. */
          source: z.string().min(1).optional(),
          /** French: set when the exclusion rests on a reading the text does not state, and what it rests on. */
          reading: z.string().min(1).optional(),
        })
        .refine((e) => (e.section === undefined) !== (e.source === undefined), {
          message: 'expected either section or source',
        }),
    ),
    regimes: z
      .array(
        z.object({
          key: z.string().min(1),
          label: z.string().min(1),
          section: z.string().min(1),
          /** French: set when finding an offer concerned under this régime rests on a reading of the text. */
          reading: z.string().min(1).optional(),
          bodies: z.array(z.string().min(1)).min(1),
          /**
           * French, per body type: set when placing that body under this régime rests on a reading (the CNSA after
           * 2021).
           */
          bodyReadings: z.record(z.string().min(1), z.string().min(1)).optional(),
          criterion: z.discriminatedUnion('kind', [levelsCriterion, minesCriterion]),
        }),
      )
      .min(1),
    removedBodies: z.array(
      z.object({
        bodies: z.array(z.string().min(1)).min(1),
        code: z.string().min(1),
        message: z.string().min(1),
        section: z.string().min(1),
      }),
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
    file.regimes.forEach((regime, i) => {
      regime.bodies.forEach((body, j) => {
        const other = seen.get(body);
        if (other) {
          ctx.addIssue({
            code: 'custom',
            path: ['regimes', i, 'bodies', j],
            message: `body ${body} is already listed under ${other}`,
          });
        }
        seen.set(body, regime.key);
      });
    });
  });

export type RuleSetFile = z.infer<typeof ruleSetFileSchema>;
export type RegimeRule = RuleSetFile['regimes'][number];

import { z } from 'zod';

/** The shape of `mappings/organismes.yaml`: body types, territories and how to recognise them. */

const phrase = z.union([z.string().min(1), z.number()]).transform((v) => String(v));

export const organismsFileSchema = z
  .object({
    territories: z.array(
      z.object({ key: z.string().min(1), label: z.string().min(1), timeZone: z.string().min(1), match: z.array(phrase).min(1) }),
    ),
    defaultTimeZone: z.string().min(1),
    types: z
      .array(
        z.object({
          key: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case key such as CPAM or CSS_MAYOTTE'),
          label: z.string().min(1),
          regime: z.enum(['general', 'agricole', 'mines', 'speciaux', 'ars', 'rsi']),
          networks: z.array(z.string().min(1)).min(1),
          overseas: z.literal('required').optional(),
          territory: z.string().optional(),
          match: z.array(phrase).min(1),
        }),
      )
      .min(1),
  })
  .superRefine((file, ctx) => {
    const territories = new Set(file.territories.map((t) => t.key));
    file.types.forEach((type, i) => {
      if (type.territory && !territories.has(type.territory)) {
        ctx.addIssue({ code: 'custom', path: ['types', i, 'territory'], message: `expected one of ${[...territories].join(', ')}, got "${type.territory}"` });
      }
    });
    const keys = new Set<string>();
    file.types.forEach((type, i) => {
      if (keys.has(type.key)) ctx.addIssue({ code: 'custom', path: ['types', i, 'key'], message: `duplicate body type ${type.key}` });
      keys.add(type.key);
    });
  });

export type OrganismsFile = z.infer<typeof organismsFileSchema>;

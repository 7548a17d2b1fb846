import { z } from 'zod';
import { foldName } from './organisms.js';

/**
 * The shape of `mappings/organismes.yaml`: territories and their legal times, body types (those
 * the texts name and those outside them), how to recognise each, and the phrases too vague to
 * recognise anything on their own.
 */

const phrase = z.union([z.string().min(1), z.number()]).transform((v) => String(v));
const phrases = z.array(phrase);

/** A territory served by the bodies of another (Saint-Martin by those of Guadeloupe). */
const servedPlace = z.object({
  label: z.string().min(1),
  /** The place's own legal time: checked by the tests to keep the serving territory's offsets. */
  timeZone: z.string().min(1),
  match: phrases.min(1),
  /**
   * Names that are also the start or end of compound town names elsewhere (Saint-Martin-d'Hères,
   * Saint-Barthélemy-d'Anjou): read only when not joined by a hyphen to another word.
   */
  standalone: phrases.default([]),
  /** French: why a body naming this place is the serving territory's (shown in decisions as a reading). */
  reading: z.string().min(1),
});

const territory = z.object({
  key: z.string().regex(/^[A-Z][A-Z_]*$/, 'expected an upper-case key such as GUADELOUPE'),
  label: z.string().min(1),
  timeZone: z.string().min(1),
  /** Names of the territory, or of places found nowhere else in France: read for any body. */
  match: phrases.min(1),
  /**
   * Names read for any body, but only when not joined by a hyphen to another word (« Les Saintes », not « Les
   * Saintes-Maries-de-la-Mer »).
   */
  standalone: phrases.default([]),
  /**
   * Towns whose name exists elsewhere too (Saint-Denis, Saint-Paul, Le Port): read only for a body
   * that must be overseas (a CGSS), and only when they point at one territory.
   */
  towns: phrases.default([]),
  served: z.array(servedPlace).default([]),
});

const bodyType = z.object({
  key: z.string().regex(/^[A-Z][A-Z0-9_]*$/, 'expected an upper-case key such as CPAM or CSS_MAYOTTE'),
  label: z.string().min(1),
  /** The régime of a body the texts name; absent for a body outside the texts. */
  regime: z.enum(['general', 'agricole', 'mines', 'speciaux', 'ars', 'rsi']).optional(),
  /** French: why no text names this social security body (or why it is not one); it is then never concerned. */
  outside: z.string().min(1).optional(),
  networks: z.array(z.string().min(1)).default([]),
  /** The body cannot be placed in time without its territory (a CGSS). */
  overseas: z.literal('required').optional(),
  /** The one territory of the body (CSS de Mayotte, CAFAT). */
  territory: z.string().optional(),
  /** Where a body of this type may be: its possible legal times when its name does not say. */
  territories: z.array(z.string()).optional(),
  match: phrases.min(1),
});

export const organismsFileSchema = z
  .object({
    territories: z.array(territory),
    defaultTimeZone: z.string().min(1),
    types: z.array(bodyType).min(1),
    /** Phrases that name no one body (« service médical », « SNCF »): never a match, and why. */
    ambiguous: z.array(z.object({ phrase, why: z.string().min(1) })).default([]),
  })
  .superRefine((file, ctx) => {
    const territories = new Set(file.territories.map((t) => t.key));
    const known = (key: string) => territories.has(key);
    const expected = `expected one of ${[...territories].join(', ')}`;
    const keys = new Set<string>();
    file.types.forEach((type, i) => {
      const at = (...path: (string | number)[]) => ['types', i, ...path];
      if (type.territory && !known(type.territory))
        ctx.addIssue({ code: 'custom', path: at('territory'), message: `${expected}, got "${type.territory}"` });
      type.territories?.forEach((t, j) => {
        if (!known(t)) ctx.addIssue({ code: 'custom', path: at('territories', j), message: `${expected}, got "${t}"` });
      });
      if (type.overseas === 'required' && !type.territories?.length) {
        ctx.addIssue({
          code: 'custom',
          path: at('territories'),
          message: 'expected the territories a body that must be overseas may be in',
        });
      }
      if ((type.regime === undefined) === (type.outside === undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: at('regime'),
          message: 'expected either a régime (a body the texts name) or `outside` (a body outside the texts), not both',
        });
      }
      if (type.regime !== undefined && type.networks.length === 0)
        ctx.addIssue({ code: 'custom', path: at('networks'), message: 'expected at least one network' });
      if (keys.has(type.key))
        ctx.addIssue({ code: 'custom', path: at('key'), message: `duplicate body type ${type.key}` });
      keys.add(type.key);
    });
    // One phrase, one meaning: a phrase of two body types, or of a body and the vague list, is a data error.
    const owner = new Map<string, string>();
    file.types.forEach((type, i) => {
      type.match.forEach((m, j) => {
        const folded = foldName(m);
        const other = owner.get(folded);
        if (other !== undefined && other !== type.key)
          ctx.addIssue({
            code: 'custom',
            path: ['types', i, 'match', j],
            message: `"${m}" already recognises ${other}`,
          });
        owner.set(folded, type.key);
      });
    });
    file.ambiguous.forEach((a, i) => {
      const other = owner.get(foldName(a.phrase));
      if (other !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['ambiguous', i, 'phrase'],
          message: `"${a.phrase}" is vague, yet recognises ${other}`,
        });
    });
    // A territory phrase read for any body must not also be a town read only overseas.
    const named = new Set(
      file.territories.flatMap((t) =>
        [...t.match, ...t.standalone, ...t.served.flatMap((p) => [...p.match, ...p.standalone])].map(foldName),
      ),
    );
    file.territories.forEach((t, i) => {
      t.towns.forEach((town, j) => {
        if (named.has(foldName(town)))
          ctx.addIssue({
            code: 'custom',
            path: ['territories', i, 'towns', j],
            message: `"${town}" is also a name read for any body`,
          });
      });
    });
  });

export type OrganismsFile = z.infer<typeof organismsFileSchema>;

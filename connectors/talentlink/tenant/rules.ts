import { DateTime, IANAZone } from 'luxon';
import { z } from 'zod';

/**
 * The tenant's statuses and rules (docs/talentlink.md §6) as a table of settings. The real tenant's status
 * texts and its publication rule are assumptions (A): each one is a line here, so that a test
 * (or an integrator who learnt the real tenant's texts) changes a setting, not the code.
 */

const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$/, 'expected MM-DD');

export const tenantRulesSchema = z.object({
  /** The status texts a job shows, as the tenant's French UI labels them. */
  statuses: z
    .object({
      draft: z.string().min(1).default('Brouillon'),
      pendingApproval: z.string().min(1).default("En attente d'approbation"),
      approved: z.string().min(1).default('Approuvée'),
      refused: z.string().min(1).default('Refusée'),
      open: z.string().min(1).default('Ouverte'),
      closed: z.string().min(1).default('Clôturée'),
      cancelled: z.string().min(1).default('Annulée'),
    })
    .prefault({}),
  /** The status texts of a posting (a published advert); the vendor publishes none. */
  postingStatuses: z
    .object({ posted: z.string().min(1).default('POSTED'), unposted: z.string().min(1).default('UNPOSTED') })
    .prefault({}),
  /**
   * The période EN3S as the tenant's publication rule sees it: every year from `from` 00:00 to
   * `to` 24:00 in `timeZone` (the tenant is configured in Paris time, whatever the body's island).
   */
  periodeEn3s: z
    .object({
      from: monthDay.default('01-01'),
      to: monthDay.default('04-30'),
      timeZone: z
        .string()
        .refine((zone) => IANAZone.isValidZone(zone), 'expected an IANA time zone')
        .default('Europe/Paris'),
    })
    .prefault({}),
  /**
   * false (default): during the période, a job with approvers that is not approved cannot be
   * published. true: it is refused only once it was submitted for approval at least once.
   */
  publishRefusedOnlyOnceSubmitted: z.boolean().default(false),
  /** true (default): editing an approved job keeps it approved; false: it goes back to draft. */
  editKeepsApproval: z.boolean().default(true),
  /**
   * How `PATCH /position/{id}` applies `team` (unknown in the contract, §4 (A)). `replace`
   * (default): each list sent replaces the job's list, a list left out is emptied. `merge`: a
   * list left out is kept, members sent are added or updated by user id.
   */
  teamPatch: z.enum(['replace', 'merge']).default('replace'),
});
export type TenantRules = z.infer<typeof tenantRulesSchema>;
export type TenantRulesInput = z.input<typeof tenantRulesSchema>;
export type StatusKey = keyof TenantRules['statuses'];

/** Whether `instantMs` falls inside the période EN3S of its own year, in the rule's time zone. */
export function inPeriodeEn3s(instantMs: number, window: TenantRules['periodeEn3s']): boolean {
  const at = DateTime.fromMillis(instantMs, { zone: window.timeZone });
  if (!at.isValid)
    throw new RangeError(`rules.periodeEn3s.timeZone: unknown time zone ${JSON.stringify(window.timeZone)}`);
  const day = (md: string) => {
    const [month, dayOfMonth] = md.split('-').map(Number) as [number, number];
    return DateTime.fromObject({ year: at.year, month, day: dayOfMonth }, { zone: window.timeZone });
  };
  const start = day(window.from).startOf('day');
  const endExclusive = day(window.to).startOf('day').plus({ days: 1 });
  return at >= start && at < endExclusive;
}

/** The status key of a status text, or null when the text is none of the table's. */
export function statusKeyOf(rules: TenantRules, text: string): StatusKey | null {
  const entry = Object.entries(rules.statuses).find(([, label]) => label === text);
  return entry ? (entry[0] as StatusKey) : null;
}

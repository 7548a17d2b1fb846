import { z } from 'zod';
import { defaultDepartments, defaultUsers, tenantDepartmentSchema, tenantUserSchema } from './directory.js';
import { defaultQueues, queueDefinitionSchema } from './queues.js';
import { tenantRulesSchema } from './rules.js';

/**
 * Options of the simulated tenant, validated once by `createTenant`. `createTenant()` alone gives
 * the tenant of docs/talentlink.md §1–§7: user `demo:demo:BO`, password and API key `demo`, 8 calls per second,
 * no monthly quota, the rules table's defaults, the two queues, the EN3S approver and a few
 * recruiters, the organisation tree of the UCANSS bodies.
 */

export const tenantOptionsSchema = z.object({
  /** The API user, `Company:login:BO`. */
  user: z
    .string()
    .regex(/^[^:]+:[^:]+:BO$/, 'expected Company:login:BO')
    .default('demo:demo:BO'),
  password: z.string().min(1).default('demo'),
  apiKey: z.string().min(1).default('demo'),
  /** Calls per second per API key, in a sliding window of 1,000 ms; 0 disables the limit. */
  callsPerSecond: z.number().int().min(0).default(8),
  /** Calls allowed over a rolling 30 days of the tenant's clock; null: no quota (Back Office class). */
  monthlyQuota: z.number().int().min(1).nullable().default(null),
  clock: z
    .object({
      /** The instant the tenant's clock shows at start (ISO 8601); none: real time. */
      start: z.iso.datetime({ offset: true }).optional(),
      /** Frozen clocks move only when told to (`tenant.clock.advance`). */
      frozen: z.boolean().default(false),
    })
    .prefault({}),
  /** Seed of every random draw (faults). */
  seed: z.number().int().default(1),
  /** Where queue alerts are POSTed (docs/talentlink.md §5). */
  alertUrls: z.array(z.url()).default([]),
  alertTimeoutMs: z.number().int().min(1).default(2_000),
  rules: tenantRulesSchema.prefault({}),
  queues: z.array(queueDefinitionSchema).default(() => structuredClone(defaultQueues)),
  users: z
    .array(tenantUserSchema)
    .min(1)
    .default(() => structuredClone(defaultUsers)),
  departments: z
    .array(tenantDepartmentSchema)
    .min(1)
    .default(() => structuredClone(defaultDepartments)),
  /** The driver under `/sandbox` (loopback only); the in-process driver is always there. */
  driverApi: z.boolean().default(true),
});
export type TenantOptions = z.infer<typeof tenantOptionsSchema>;
export type TenantOptionsInput = z.input<typeof tenantOptionsSchema>;

/** The options with their defaults; a wrong option is a bug of the caller, so it throws, naming the path. */
export function resolveTenantOptions(input: TenantOptionsInput = {}): TenantOptions {
  const parsed = tenantOptionsSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues
    .map((i) => `${i.path.map(String).join('.') || '(options)'}: ${i.message}`)
    .join('; ');
  throw new Error(`tenant options: ${issues}`);
}

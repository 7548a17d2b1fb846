import { z } from 'zod';

/**
 * Options of the sandbox ATS, validated once by `createSandbox`. Every field has a default so
 * that `createSandbox()` alone gives a working tenant (user `demo:demo:BO`, password and API key
 * `demo`, the approval team "EN3S dérogation", one queue `en3s-job-events`, no webhook, no fault).
 */

const whsec = z.string().regex(/^whsec_[A-Za-z0-9+/=]+$/, 'expected whsec_<base64 key>');
const ratio = z.number().min(0).max(1);

export const teamMemberOptionSchema = z.object({ userId: z.string().min(1), name: z.string(), email: z.string().optional() });

export const approvalTeamOptionSchema = z.object({
  name: z.string().min(1),
  members: z.array(teamMemberOptionSchema).min(1),
});
export type ApprovalTeamDefinition = z.infer<typeof approvalTeamOptionSchema>;

export const faultOptionsSchema = z.object({
  /** Seed of the fault draws; defaults to the sandbox seed, else 1. */
  seed: z.number().int().optional(),
  /** Share of REST and queue calls answered 500/503 without applying anything. */
  apiErrorRatio: ratio.default(0),
  /** Statuses drawn from when a call fails. */
  apiErrorStatuses: z.array(z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)])).min(1).default([500, 503]),
  /** Added latency of every REST and queue call, drawn in [min, max] milliseconds. */
  latencyMinMs: z.number().int().min(0).default(0),
  latencyMaxMs: z.number().int().min(0).default(0),
  /** Share of notifications never pushed to the webhooks (they still reach the queues). */
  notificationDropRatio: ratio.default(0),
  /** Share of notifications pushed twice (same id). */
  notificationDuplicateRatio: ratio.default(0),
  /** Share of notifications held back, and for how long at most, so that they arrive out of order. */
  reorderRatio: ratio.default(0),
  reorderWindowMs: z.number().int().min(0).default(0),
});
export type FaultOptions = z.infer<typeof faultOptionsSchema>;
export type FaultOptionsInput = z.input<typeof faultOptionsSchema>;

/** The retry schedule of spec §2: 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, then given up. */
export const specRetryScheduleMs = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000];

export const sandboxOptionsSchema = z
  .object({
    /** API user name, `Company:user:BO`; the company part names the tenant. */
    user: z.string().regex(/^[^:]+:[^:]+:BO$/, 'expected Company:user:BO').default('demo:demo:BO'),
    password: z.string().min(1).default('demo'),
    apiKey: z.string().min(1).default('demo'),
    /** Requests per second allowed per tenant on the REST and queue API; 0 disables the limit. */
    rateLimitPerSecond: z.number().min(0).default(10),
    webhookUrls: z.array(z.url()).default([]),
    /** Signing secret(s); several sign every message at once, as during a rotation. */
    webhookSecrets: z.array(whsec).default([]),
    webhookFormat: z.enum(['xml', 'json']).default('xml'),
    /** `notification`: push every notification; `queue-alert`: push a bare `{queueName}` alert per queued element. */
    webhookMode: z.enum(['notification', 'queue-alert']).default('notification'),
    webhookTimeoutMs: z.number().int().min(1).default(10_000),
    retryScheduleMs: z.array(z.number().min(0)).default(specRetryScheduleMs),
    /** Multiplies the retry schedule, e.g. 0.001 turns 5 s into 5 ms for tests. */
    retryFactor: z.number().min(0).default(1),
    queueNames: z.array(z.string().regex(/^[A-Za-z0-9._-]+$/, 'expected letters, digits, . _ -')).default(['en3s-job-events']),
    /** Sandbox time after which an element read and not deleted is handed out again. */
    visibilityTimeoutMs: z.number().int().min(0).default(60_000),
    approvalTeams: z.array(approvalTeamOptionSchema).min(1).default([
      { name: 'EN3S dérogation', members: [{ userId: 'u-en3s', name: 'EN3S dérogation EN3S', email: 'valideur@en3s.example' }] },
      { name: 'Validation DRH', members: [{ userId: 'u-drh', name: 'Validation DRH' }] },
    ]),
    /** Versions of the tenant's approval process templates; other names start at version 1. */
    approvalProcessVersions: z.record(z.string(), z.number().int().min(1)).default({ 'Validation en période EN3S': 2 }),
    /** Days until the due date when `approval-process` is called without one. */
    defaultDueDays: z.number().int().min(1).default(10),
    /** Also refuse a recruiter's publication while an approval is in progress (off: only the lock refuses). */
    blockPublishDuringApproval: z.boolean().default(false),
    /** Seed of every random draw; without it ids and draws still come from a fixed seed (1). */
    seed: z.number().int().optional(),
    /** Prefix of notification ids; defaults to one derived from the seed. */
    runId: z.string().regex(/^[A-Za-z0-9-]+$/).optional(),
    /** Initial sandbox instant (ISO); the clock runs from there unless `freezeClock`. */
    clockStart: z.iso.datetime({ offset: true }).optional(),
    freezeClock: z.boolean().default(false),
    faults: faultOptionsSchema.default(faultOptionsSchema.parse({})),
    /** JSON file the state is saved to after changes and loaded from at start. */
    snapshotFile: z.string().min(1).optional(),
    /** Serve the driver API under `/sandbox` (to loopback clients only). */
    driverApi: z.boolean().default(true),
    /** Notifications and deliveries kept for the driver's listings. */
    historyLimit: z.number().int().min(10).default(5_000),
  })
  .refine((o) => o.webhookUrls.length === 0 || o.webhookSecrets.length > 0, {
    message: 'webhookSecrets: at least one whsec_ secret is required when webhookUrls is set',
    path: ['webhookSecrets'],
  })
  .refine((o) => o.faults.latencyMaxMs >= o.faults.latencyMinMs, { message: 'faults.latencyMaxMs must be ≥ latencyMinMs', path: ['faults', 'latencyMaxMs'] });

export type SandboxOptions = z.output<typeof sandboxOptionsSchema>;
export type SandboxOptionsInput = z.input<typeof sandboxOptionsSchema>;

/** Validates options; the error names every wrong field with its path. */
export function resolveOptions(input: SandboxOptionsInput = {}): SandboxOptions {
  const parsed = sandboxOptionsSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(options)'}: ${i.message}`);
    throw new RangeError(`sandbox options: ${problems.join('; ')}`);
  }
  return parsed.data;
}

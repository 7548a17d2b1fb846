import { z } from 'zod';
import { createPrng, deriveSeed, type Prng } from './prng.js';

/**
 * Fault injection (docs/talentlink.md §7): failed and slow calls, the gateway's 403 storms and a spent quota,
 * lost or repeated alerts, elements repeated in a queue. Each fault is given as a rate (a share of
 * the calls, drawn from a seeded generator so a run replays) and/or as "the next N", spent first.
 * Poison elements are not drawn: the driver creates them on purpose (`injectPoison`).
 */

const ratio = z.number().min(0).max(1);
const count = z.number().int().min(0);
/** Operation names as counted (`positions`, `patchPosition`, `peekQueue`…); none: every call. */
const operations = z.array(z.string().min(1)).optional();

export const faultPlanSchema = z.object({
  /** Calls answered 5xx before anything is applied. */
  errors: z
    .object({
      rate: ratio.default(0),
      next: count.default(0),
      status: z.union([z.literal(500), z.literal(503), z.literal(504)]).default(503),
      operations,
    })
    .prefault({}),
  /** Calls held back `ms` before they are handled. */
  latency: z.object({ ms: count.default(0), rate: ratio.default(0), next: count.default(0), operations }).prefault({}),
  /** The next N calls answered `Account Over Queries Per Second Limit`, whatever the real rate. */
  gatewayStorm: z.object({ next: count.default(0) }).prefault({}),
  /** While true, every call is answered `Account Over Rate Limit`. */
  quotaExhausted: z.boolean().default(false),
  alerts: z
    .object({
      dropRate: ratio.default(0),
      dropNext: count.default(0),
      repeatRate: ratio.default(0),
      repeatNext: count.default(0),
    })
    .prefault({}),
  /** An element added to a queue is added a second time (breaking unique elements, as a fault). */
  queueRepeat: z.object({ rate: ratio.default(0), next: count.default(0) }).prefault({}),
});
export type FaultPlan = z.infer<typeof faultPlanSchema>;
export type FaultPlanInput = z.input<typeof faultPlanSchema>;

export class TenantFaults {
  private plan: FaultPlan = faultPlanSchema.parse({});
  private errors!: Prng;
  private latency!: Prng;
  private alerts!: Prng;
  private queue!: Prng;

  constructor(private readonly seed: number) {
    this.reseed();
  }

  private reseed(): void {
    this.errors = createPrng(deriveSeed(this.seed, 'tenant-errors'));
    this.latency = createPrng(deriveSeed(this.seed, 'tenant-latency'));
    this.alerts = createPrng(deriveSeed(this.seed, 'tenant-alerts'));
    this.queue = createPrng(deriveSeed(this.seed, 'tenant-queue'));
  }

  /** Replaces the whole plan (left-out faults are off) and restarts the draws. */
  configure(input: FaultPlanInput): FaultPlan {
    this.plan = faultPlanSchema.parse(input);
    this.reseed();
    return this.describe();
  }

  describe(): FaultPlan {
    return structuredClone(this.plan);
  }

  reset(): void {
    this.configure({});
  }

  /** The 5xx status to answer this call with, or null. */
  callError(operation: string): 500 | 503 | 504 | null {
    const e = this.plan.errors;
    if (e.operations && !e.operations.includes(operation)) return null;
    if (e.next > 0) {
      e.next -= 1;
      return e.status;
    }
    return this.errors.chance(e.rate) ? e.status : null;
  }

  callLatencyMs(operation: string): number {
    const l = this.plan.latency;
    if (l.ms <= 0 || (l.operations && !l.operations.includes(operation))) return 0;
    if (l.next > 0) {
      l.next -= 1;
      return l.ms;
    }
    return this.latency.chance(l.rate) ? l.ms : 0;
  }

  /** Whether the gateway answers this call "over QPS" by a storm. */
  storm(): boolean {
    if (this.plan.gatewayStorm.next <= 0) return false;
    this.plan.gatewayStorm.next -= 1;
    return true;
  }

  quotaExhausted(): boolean {
    return this.plan.quotaExhausted;
  }

  /** What happens to one alert: dropped, or sent twice. */
  alertFate(): { drop: boolean; repeat: boolean } {
    const a = this.plan.alerts;
    const [d, r] = [this.alerts.next(), this.alerts.next()];
    if (a.dropNext > 0) {
      a.dropNext -= 1;
      return { drop: true, repeat: false };
    }
    if (d < a.dropRate) return { drop: true, repeat: false };
    if (a.repeatNext > 0) {
      a.repeatNext -= 1;
      return { drop: false, repeat: true };
    }
    return { drop: false, repeat: r < a.repeatRate };
  }

  repeatQueueElement(): boolean {
    const q = this.plan.queueRepeat;
    if (q.next > 0) {
      q.next -= 1;
      return true;
    }
    return this.queue.chance(q.rate);
  }
}

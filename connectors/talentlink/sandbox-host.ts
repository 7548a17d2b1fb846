import { createTenant, EN3S_APPROVER_LOGIN, type Tenant, type TenantOptionsInput } from './tenant/index.js';
import type { DemoCampaign } from './tenant/demo-campaign.js';

/**
 * The sandbox as a program runs it (`en3s sandbox serve`, `en3s demo`): the simulated tenant
 * (`./tenant/`) listening on a port, its clock placed, optionally seeded with the demo campaign.
 * The tenant itself stays the contract; this only starts and describes it.
 */

export interface SandboxStartOptions {
  port?: number;
  host?: string;
  user?: string;
  password?: string;
  apiKey?: string;
  /** The gateway's limit; the real one (8) unless a test asks otherwise. */
  callsPerSecond?: number;
  monthlyQuota?: number | null;
  /** Where the tenant's queues POST their alerts. */
  alertUrls?: string[];
  /** The instant the tenant's clock shows at start; real time when absent. */
  clockStart?: Date;
  frozenClock?: boolean;
  seed?: number;
  /** Seeds the demo campaign once listening. */
  demo?: boolean;
}

export interface RunningSandbox {
  tenant: Tenant;
  /** `http://host:port`; the API is under `${url}/tlk/rest`, the driver under `${url}/sandbox`. */
  url: string;
  apiUrl: string;
  campaign: DemoCampaign | null;
  /** The EN3S approver's user id in the tenant (`en3s.derogation`). */
  en3sUserId: number;
  stop(): Promise<void>;
}

/**
 * Inside the window (1 January – 30 April) whatever the real date: the real instant from January
 * to April, else 12 January of the next year at 09:00 Paris.
 */
export function defaultDemoInstant(realNow: Date = new Date()): Date {
  if (realNow.getUTCMonth() <= 3) return realNow;
  return new Date(Date.UTC(realNow.getUTCFullYear() + 1, 0, 12, 8, 0, 0));
}

export async function startSandbox(options: SandboxStartOptions = {}): Promise<RunningSandbox> {
  const input: TenantOptionsInput = {
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
    ...(options.callsPerSecond !== undefined ? { callsPerSecond: options.callsPerSecond } : {}),
    ...(options.monthlyQuota !== undefined ? { monthlyQuota: options.monthlyQuota } : {}),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    alertUrls: options.alertUrls ?? [],
    clock: {
      ...(options.clockStart ? { start: options.clockStart.toISOString() } : {}),
      frozen: options.frozenClock ?? false,
    },
  };
  const tenant = createTenant(input);
  const en3s = tenant.options.users.find((u) => u.login === EN3S_APPROVER_LOGIN);
  if (!en3s) throw new Error(`sandbox: no user ${EN3S_APPROVER_LOGIN} in the tenant`);
  const { url } = await tenant.start(options.port ?? 0, options.host ?? '127.0.0.1');
  const campaign = options.demo ? tenant.seedDemoCampaign({ now: tenant.clock.now() }) : null;
  return { tenant, url, apiUrl: `${url}/tlk/rest`, campaign, en3sUserId: en3s.id, stop: () => tenant.stop() };
}

import { join } from 'node:path';
import type { TenantCounters, TenantOptionsInput, FaultPlanInput } from '../../connectors/talentlink/tenant/index.js';
import { packageRoot } from '../../src/paths.js';
import { startProcess, waitFor, type Running } from './e2e-processes.js';
import { tenantDriver, type DriverAnswer } from './e2e-tenant.js';
import type { EffectsAnswer } from './tenant-process.js';

/**
 * The tenant process (`tenant-process.ts`, compiled) and a client of its driver (`/sandbox/…`,
 * see the tenant's README) and of its side-effect tally (`/chaos/effects`). Used by the chaos
 * test and the ATS bench.
 */

export const tenantProcessMain = (): string => join(packageRoot(), 'dist', 'tests', 'support', 'tenant-process.js');

export { POSITION_QUEUE, POSTING_QUEUE } from './e2e-tenant.js';

export interface TenantProcess {
  process: Running;
  url: string;
  driver(method: string, path: string, body?: unknown): Promise<DriverAnswer>;
  counters(): Promise<TenantCounters>;
  effects(): Promise<EffectsAnswer>;
  setFaults(plan: FaultPlanInput): Promise<void>;
  /** Business time of the tenant's clock (ISO). */
  now(): Promise<string>;
  /** The tenant's clock minus the real clock. */
  clockOffsetMs(): Promise<number>;
  queueLength(name: string): Promise<number>;
  stop(): Promise<number | null>;
}

export async function startTenantProcess(options: TenantOptionsInput): Promise<TenantProcess> {
  const proc = startProcess(tenantProcessMain(), [JSON.stringify(options)]);
  const ready = await waitFor(
    () => {
      if (proc.hasExited()) throw new Error(`the tenant process exited: ${proc.stderr()}`);
      return /\{"ready":"([^"]+)"\}/.exec(proc.stdout())?.[1];
    },
    15_000,
    'the tenant process to listen',
    25,
  );
  const url = ready;
  const { driver, ok } = tenantDriver(url);
  return {
    process: proc,
    url,
    driver,
    counters: () => ok('GET', '/counters'),
    effects: async () => (await (await fetch(`${url}/chaos/effects`)).json()) as EffectsAnswer,
    setFaults: async (plan) => void (await ok('PUT', '/faults', plan)),
    now: async () => new Date((await ok('GET', '/clock')).now as string | number).toISOString(),
    clockOffsetMs: async () => Number((await ok('GET', '/clock')).offsetMs),
    queueLength: async (name) =>
      ((await ok('GET', `/queues/${encodeURIComponent(name)}/elements`)) as unknown[]).length,
    stop: () => proc.stop(),
  };
}

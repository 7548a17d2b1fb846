import { join } from 'node:path';
import type { TenantCounters, TenantOptionsInput, FaultPlanInput } from '../../connectors/talentlink/tenant/index.js';
import { packageRoot } from '../../src/paths.js';
import { startProcess, waitFor, type Running } from './e2e-processes.js';
import type { EffectsAnswer } from './tenant-process.js';

/**
 * The tenant process (`tenant-process.ts`, compiled) and a client of its driver (`/sandbox/…`,
 * see the tenant's README) and of its side-effect tally (`/chaos/effects`). Used by the chaos
 * test and the ATS bench.
 */

export const tenantProcessMain = (): string => join(packageRoot(), 'dist', 'tests', 'support', 'tenant-process.js');

/** The tenant's API user, password and key (its defaults), as `en3s serve` is configured with them. */
export const TENANT_CREDENTIALS = { user: 'demo:demo:BO', password: 'demo', apiKey: 'demo' } as const;
export const POSITION_QUEUE = 'en3s-positions';
export const POSTING_QUEUE = 'en3s-postings';

export interface DriverAnswer {
  status: number;
  body: any;
}

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
  const driver = async (method: string, path: string, body?: unknown): Promise<DriverAnswer> => {
    const response = await fetch(`${url}/sandbox${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  };
  const ok = async (method: string, path: string, body?: unknown): Promise<any> => {
    const answer = await driver(method, path, body);
    if (answer.status >= 300) throw new Error(`tenant ${method} /sandbox${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    process: proc,
    url,
    driver,
    counters: () => ok('GET', '/counters'),
    effects: async () => (await (await fetch(`${url}/chaos/effects`)).json()) as EffectsAnswer,
    setFaults: async (plan) => void (await ok('PUT', '/faults', plan)),
    now: async () => new Date((await ok('GET', '/clock')).now as string | number).toISOString(),
    clockOffsetMs: async () => Number((await ok('GET', '/clock')).offsetMs),
    queueLength: async (name) => ((await ok('GET', `/queues/${encodeURIComponent(name)}/elements`)) as unknown[]).length,
    stop: () => proc.stop(),
  };
}

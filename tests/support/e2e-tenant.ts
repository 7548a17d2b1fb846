import type { FaultPlanInput, TenantCounters } from '../../connectors/talentlink/tenant/index.js';
import { en3sBin, startProcess, waitFor, type Running } from './e2e-processes.js';

/**
 * The sandbox TalentLink tenant as a separate process, started as an administrator would start
 * it (`en3s sandbox serve`), and a client of its driver API (`/sandbox/…`, see the tenant's
 * README): what recruiters and approvers do in TalentLink, its counters, clock, faults and
 * queues. Postings are read through the contract API itself (`/tlk/rest/publishedadvert`), as the
 * connector reads them: a posting taken down is no longer listed.
 */

export const TENANT_USER = 'demo:demo:BO';
export const TENANT_PASSWORD = 'demo';
export const TENANT_KEY = 'demo';
export const EN3S_USER = 101;
export const DIRECTOR_USER = 121;
/** Bodies of the tenant's organisation tree (see `tenant/directory.ts`). */
export const BODIES = { CPAM: 101, CAF: 102, URSSAF: 103, CARSAT: 104 } as const;
export const POSITION_QUEUE = 'en3s-positions';
export const POSTING_QUEUE = 'en3s-postings';

export interface DriverAnswer {
  status: number;
  body: any;
}

/**
 * A client of a tenant's driver API (`/sandbox/…`) at `url`: `driver` answers status and body,
 * `ok` the body of a 2xx answer, or throws naming the call.
 */
export function tenantDriver(url: string): {
  driver(method: string, path: string, body?: unknown): Promise<DriverAnswer>;
  ok(method: string, path: string, body?: unknown): Promise<any>;
} {
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
    if (answer.status >= 300)
      throw new Error(`sandbox ${method} /sandbox${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return { driver, ok };
}

export interface TenantProcess {
  process: Running;
  /** `http://127.0.0.1:port`; the API under `/tlk/rest`. */
  url: string;
  driver(method: string, path: string, body?: unknown): Promise<DriverAnswer>;
  /** Creates a job as a recruiter; answers its id. */
  createJob(input: Record<string, unknown>): Promise<number>;
  job(id: number): Promise<any>;
  act(id: number, action: 'submit' | 'publish' | 'close' | 'cancel'): Promise<DriverAnswer>;
  answer(id: number, action: 'approve' | 'refuse', userId?: number): Promise<DriverAnswer>;
  setTeam(id: number, team: Record<string, unknown>): Promise<any>;
  /** The job's live postings, read through the contract API. */
  livePostings(id: number): Promise<{ id: number; status: string }[]>;
  counters(): Promise<TenantCounters>;
  setFaults(plan: FaultPlanInput): Promise<void>;
  poison(queue: string, kind: 'gone' | 'forbidden'): Promise<{ idInQueue: number; objectId: number }>;
  queueLength(name: string): Promise<number>;
  alerts(): Promise<{ queueName: string; status: number | string }[]>;
  stop(): Promise<number | null>;
}

export interface TenantStart {
  /** The service's alert URL (`/webhooks/talentlink/<token>`). */
  alertUrl: string;
  clock: string;
  /** The gateway's limit: the real 8 unless a test relaxes it. */
  callsPerSecond?: number;
  seed?: number;
  extraArgs?: string[];
}

export async function startTenantProcess(options: TenantStart): Promise<TenantProcess> {
  const args = [
    'sandbox',
    'serve',
    '--port',
    '0',
    '--alert-url',
    options.alertUrl,
    '--clock',
    options.clock,
    '--seed',
    String(options.seed ?? 11),
    '--calls-per-second',
    String(options.callsPerSecond ?? 8),
    ...(options.extraArgs ?? []),
  ];
  const proc = startProcess(en3sBin(), args);
  await waitFor(() => /démarré : http/.test(proc.stdout()) || proc.hasExited(), 20_000, 'the sandbox tenant to start');
  const url = /démarré : (http:\/\/[^ ]+)/.exec(proc.stdout())?.[1];
  if (!url) throw new Error(`the sandbox tenant did not start: ${proc.stderr()}`);
  const { driver, ok } = tenantDriver(url);
  const auth = `Basic ${Buffer.from(`${TENANT_USER}:${TENANT_PASSWORD}`).toString('base64')}`;
  return {
    process: proc,
    url,
    driver,
    createJob: async (input) => Number((await ok('POST', '/jobs', input)).id),
    job: (id) => ok('GET', `/jobs/${id}`),
    act: (id, action) => driver('POST', `/jobs/${id}/${action}`, {}),
    answer: (id, action, userId = EN3S_USER) => driver('POST', `/jobs/${id}/${action}`, { userId }),
    setTeam: (id, team) => ok('PUT', `/jobs/${id}/team?mode=replace`, team),
    async livePostings(id) {
      const query = `{ publishedAdverts(where: {openingId_eq: ${id}}, first: 100) { id status } }`;
      // The gateway counts this call too: retried on its "over limit" 403 like any client.
      for (let attempt = 0; ; attempt += 1) {
        const response = await fetch(
          `${url}/tlk/rest/publishedadvert?api_key=${TENANT_KEY}&query=${encodeURIComponent(query)}`,
          { headers: { authorization: auth } },
        );
        if (response.status === 403 && attempt < 20) {
          await response.arrayBuffer();
          await new Promise((resolve) => setTimeout(resolve, 200));
          continue;
        }
        if (response.status !== 200) throw new Error(`publishedadvert: ${response.status} ${await response.text()}`);
        const body = (await response.json()) as { data: { publishedAdverts: { id: number; status: string }[] } };
        return body.data.publishedAdverts;
      }
    },
    counters: () => ok('GET', '/counters'),
    setFaults: async (plan) => void (await ok('PUT', '/faults', plan)),
    poison: (queue, kind) => ok('POST', `/queues/${encodeURIComponent(queue)}/poison`, { kind }),
    queueLength: async (name) =>
      ((await ok('GET', `/queues/${encodeURIComponent(name)}/elements`)) as unknown[]).length,
    alerts: () => ok('GET', '/alerts'),
    stop: () => proc.stop(),
  };
}

/** A job as a recruiter of a body creates it: concerned by the Instruction of 2026 (régime général, levels 7–9). */
export const concernedJob = (
  title: string,
  body: keyof typeof BODIES = 'CARSAT',
  level = '7',
  recruiter = 111,
): Record<string, unknown> => ({
  title,
  organizationId: BODIES[body],
  recruiterIds: [recruiter],
  classification: { grid: 'Régime général', level, category: 'Cadre' },
});

/** The approvers' user ids of a job as the driver shows it. */
export const approverIds = (job: any): number[] =>
  ((job?.team?.approvers ?? []) as { user: { id: number } }[]).map((a) => a.user.id);

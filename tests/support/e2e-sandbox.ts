import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import { e2eSecret, sandboxMain, startProcess, waitFor, type Running } from './e2e-processes.js';

/**
 * The sandbox ATS as a separate process, and a client of its driver API (`/sandbox/…`, see the
 * sandbox's README): what a recruiter and EN3S do in the ATS, its counters, clock and faults.
 */

export interface SandboxAnswer {
  status: number;
  body: any;
}

import type { JobCounters } from '../../connectors/talentlink/sandbox/counters.js';

export type { JobCounters };

export interface SandboxProcess {
  process: Running;
  url: string;
  port: number;
  driver(method: string, path: string, body?: unknown): Promise<SandboxAnswer>;
  createJob(input: Record<string, unknown>): Promise<JobDocument>;
  job(id: string): Promise<JobDocument>;
  /** One job's counters, or the whole tenant's (`overall`, `notifications`, `http`…). */
  jobCounters(id: string): Promise<JobCounters>;
  counters(): Promise<{ overall: JobCounters; perJob: Record<string, JobCounters>; notifications: Record<string, number>; http: Record<string, number> }>;
  notifications(jobId: string): Promise<{ id: string; type: string; version: number; push: string }[]>;
  stop(): Promise<number | null>;
}

export interface SandboxStart {
  /** Where notifications are pushed (the service's webhook route). */
  webhookUrl: string;
  clock: string;
  port?: number;
  seed?: number;
  snapshot?: string;
  extraArgs?: string[];
}

export async function startSandboxProcess(options: SandboxStart): Promise<SandboxProcess> {
  const args = [
    '--port', String(options.port ?? 0),
    '--webhook-url', options.webhookUrl,
    '--webhook-secret', e2eSecret,
    '--clock', options.clock,
    '--seed', String(options.seed ?? 11),
    // A failed push is tried again after 1 s, not 5 s (the spec's schedule scaled down).
    '--retry-factor', '0.2',
    ...(options.snapshot ? ['--snapshot', options.snapshot] : []),
    ...(options.extraArgs ?? []),
  ];
  const proc = startProcess(sandboxMain(), args);
  await waitFor(() => /démarré : http/.test(proc.stdout()) || proc.hasExited(), 15_000, 'the sandbox to start');
  const url = /démarré : (http:\/\/[^ ]+)/.exec(proc.stdout())?.[1];
  if (!url) throw new Error(`the sandbox did not start: ${proc.stderr()}`);
  const driver = async (method: string, path: string, body?: unknown): Promise<SandboxAnswer> => {
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
    if (answer.status >= 300) throw new Error(`sandbox ${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  return {
    process: proc,
    url,
    port: Number(new URL(url).port),
    driver,
    createJob: (input) => ok('POST', '/jobs', input),
    job: async (id) => (await ok('GET', `/jobs/${id}`)).job,
    jobCounters: (id) => ok('GET', `/counters?jobId=${encodeURIComponent(id)}`),
    counters: () => ok('GET', '/counters'),
    notifications: async (jobId) => (await ok('GET', `/notifications?jobId=${encodeURIComponent(jobId)}`)).items,
    stop: () => proc.stop(),
  };
}

/** Offers as recruiters of three bodies create them: all concerned by the Instruction of 2026 (levels 7–9). */
export const concernedOffer = (title: string, body: 'CARSAT' | 'CPAM' | 'URSSAF' = 'CARSAT', level = '7'): Record<string, unknown> => ({
  title,
  organization: {
    CARSAT: { code: 'CARSAT-ALSACE-MOSELLE', name: 'CARSAT Alsace-Moselle' },
    CPAM: { code: 'CPAM-GIRONDE', name: 'CPAM de la Gironde' },
    URSSAF: { code: 'URSSAF-IDF', name: 'URSSAF Île-de-France' },
  }[body],
  customFields: { CLASSIFICATION_GRID: 'RG', CLASSIFICATION_LEVEL: level, JOB_CATEGORY: 'CADRE' },
  recruiter: { userId: 'u-778', firstName: 'Jean', lastName: 'Dujardin', email: 'jean.dujardin@carsat-am.example' },
});

export const teamNames = (job: JobDocument): string[] => job.teams.filter((t) => t.role === 'approval').map((t) => t.name ?? '');
export const ucanssPosting = (job: JobDocument) => job.postings.find((p) => p.channel === 'UCANSS');

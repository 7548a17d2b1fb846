import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { createTenant, type Tenant, type TenantOptionsInput } from '../../../connectors/talentlink/tenant/index.js';

/** Shared helpers of the tenant's integration tests: a started tenant and real HTTP calls to it. */

export const credentials = { user: 'demo:demo:BO', password: 'demo', apiKey: 'demo' };
/** Inside the période EN3S (15 February, Paris), frozen. */
export const inWindow = '2027-02-15T09:00:00Z';
/** After it (15 June, Paris), frozen. */
export const afterWindow = '2027-06-15T09:00:00Z';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface CallOptions {
  params?: Record<string, string>;
  body?: unknown;
  /** `basic` (default), `headers` (username/password headers), or `none`. */
  auth?: 'basic' | 'headers' | 'none';
  /** The api_key query parameter; null leaves it out. */
  apiKey?: string | null;
}

export interface StartedTenant {
  tenant: Tenant;
  url: string;
  api(method: string, path: string, options?: CallOptions): Promise<Answer>;
  /** `GET /{resource}?query=…`. */
  query(resource: string, graphql: string): Promise<Answer>;
  driver(method: string, path: string, body?: unknown): Promise<Answer>;
  stop(): Promise<void>;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

const encode = (params: Record<string, string>) =>
  Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');

/** A tenant on a free port; the call limit is off unless the test sets it, the clock frozen in the window. */
export async function startTenant(
  options: TenantOptionsInput = {},
  monotonicNow?: () => number,
): Promise<StartedTenant> {
  const tenant = createTenant(
    { callsPerSecond: 0, clock: { start: inWindow, frozen: true }, ...options },
    monotonicNow,
  );
  const { url } = await tenant.start(0, '127.0.0.1');
  const api: StartedTenant['api'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = {};
    const auth = opts.auth ?? 'basic';
    if (auth === 'basic') headers.authorization = basicAuth(credentials.user, credentials.password);
    if (auth === 'headers') Object.assign(headers, { username: credentials.user, password: credentials.password });
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    const apiKey = opts.apiKey === undefined ? credentials.apiKey : opts.apiKey;
    const params = { ...opts.params, ...(apiKey === null ? {} : { api_key: apiKey }) };
    const qs = encode(params);
    const body =
      opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    return answer(
      await fetch(`${url}/tlk/rest${path}${qs ? `?${qs}` : ''}`, {
        method,
        headers,
        ...(body !== undefined ? { body } : {}),
      }),
    );
  };
  return {
    tenant,
    url,
    api,
    query: (resource, graphql) => api('GET', resource, { params: { query: graphql } }),
    async driver(method, path, body) {
      const init: RequestInit = { method, headers: { 'content-type': 'application/json' } };
      if (body !== undefined) init.body = JSON.stringify(body);
      return answer(await fetch(`${url}/sandbox${path}`, init));
    },
    stop: () => tenant.stop(),
  };
}

/** Unwraps a driver outcome in a test (a failure there is the test's own mistake). */
export function must<T>(outcome: { ok: true; value: T } | { ok: false; error: { code: string; message: string } }): T {
  if (!outcome.ok) throw new Error(`driver: ${outcome.error.code} ${outcome.error.message}`);
  return outcome.value;
}

export const CPAM = 101;
export const EN3S = 101; // user id of en3s.derogation (same number, different kind of id)
export const RECRUITER = 111;
export const DIRECTOR = 121;
export const DIRECTOR2 = 122;

/** A job created by the driver, with optional approvers; returns its id. */
export function newJob(tenant: Tenant, title = 'Responsable du service prestations', approvers: number[] = []): number {
  const job = must(
    tenant.driver.createJob({
      title,
      organizationId: CPAM,
      recruiterIds: [RECRUITER],
      classification: { grid: 'Régime général', level: '7', category: 'Cadre' },
    }),
  );
  const id = job.id as number;
  if (approvers.length > 0)
    must(
      tenant.driver.setTeam(id, {
        recruiters: [{ order: 1, user: { id: RECRUITER } }],
        approvers: approvers.map((a, i) => ({
          order: i + 1,
          stepOrder: 1,
          user: { id: a },
          lovValue: 'dérogation EN3S',
        })),
      }),
    );
  return id;
}

/** An HTTP receiver of alerts on a free port, recording each request. */
export async function startAlertReceiver(status = 202): Promise<{
  url: string;
  received: Array<{ body: unknown; headers: Record<string, unknown> }>;
  stop(): Promise<void>;
}> {
  const received: Array<{ body: unknown; headers: Record<string, unknown> }> = [];
  const app = express();
  app.post('/alert', express.json(), (req, res) => {
    received.push({ body: req.body, headers: { ...req.headers } });
    res.status(status).end();
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/alert`,
    received,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

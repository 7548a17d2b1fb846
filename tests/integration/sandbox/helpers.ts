import type { IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { Webhook } from 'standardwebhooks';
import { createSandbox, type Sandbox } from '../../../connectors/talentlink/sandbox/index.js';
import type { SandboxOptionsInput } from '../../../connectors/talentlink/sandbox/options.js';

/** Shared helpers of the sandbox integration tests: a started sandbox, HTTP calls, a webhook receiver. */

export const credentials = { user: 'demo:demo:BO', password: 'demo', apiKey: 'demo' };
export const testSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: any;
}

export interface StartedSandbox {
  sandbox: Sandbox;
  url: string;
  /** A call to the ATS API with the tenant's credentials (unless `auth: false` or custom headers). */
  api(method: string, path: string, options?: { body?: unknown; headers?: Record<string, string>; auth?: boolean }): Promise<Answer>;
  /** A call to the driver API (`/sandbox…`). */
  driver(method: string, path: string, body?: unknown): Promise<Answer>;
  stop(): Promise<void>;
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

export async function startSandbox(options: SandboxOptionsInput = {}): Promise<StartedSandbox> {
  const sandbox = createSandbox({ rateLimitPerSecond: 0, ...options });
  const { url } = await sandbox.start(0, '127.0.0.1');
  return {
    sandbox,
    url,
    async api(method, path, opts = {}) {
      const headers: Record<string, string> = {};
      if (opts.auth !== false) {
        headers.authorization = basicAuth(credentials.user, credentials.password);
        headers.api_key = credentials.apiKey;
      }
      if (opts.body !== undefined) headers['content-type'] = 'application/json';
      Object.assign(headers, opts.headers ?? {});
      const response = await fetch(`${url}/tlk/rest${path}`, { method, headers, ...(opts.body !== undefined ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) } : {}) });
      return answer(response);
    },
    async driver(method, path, body) {
      const response = await fetch(`${url}/sandbox${path}`, {
        method,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return answer(response);
    },
    stop: () => sandbox.stop(),
  };
}

/** A concerned offer as a recruiter of a CARSAT would create it. */
export const carsatOffer = {
  title: "Chargé d'études statistiques",
  organization: { code: 'CARSAT-ALSACE-MOSELLE', name: 'CARSAT Alsace-Moselle' },
  customFields: { CLASSIFICATION_GRID: 'RG', CLASSIFICATION_LEVEL: '7', JOB_CATEGORY: 'CADRE' },
  recruiter: { userId: 'u-778', firstName: 'Jean', lastName: 'Dujardin', email: 'jean.dujardin@carsat-am.example' },
};

export interface ReceivedCall {
  at: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** Whether `Webhook.verify` accepted the signature, with the test secret. */
  verified: boolean;
  verifyError: string | null;
}

export interface Receiver {
  url: string;
  calls: ReceivedCall[];
  /** Status answered to each call, by call index (default 200). */
  statusFor: (index: number) => number;
  close(): Promise<void>;
}

/**
 * A small express receiver: raw body first (signatures cover the raw bytes), then
 * `Webhook.verify` from the standardwebhooks package with the test secret.
 */
export async function startReceiver(statusFor: (index: number) => number = () => 200, secret = testSecret): Promise<Receiver> {
  const receiver: Receiver = { url: '', calls: [], statusFor, close: async () => undefined };
  const webhook = new Webhook(secret);
  const app = express();
  app.post('/webhooks/talentlink', express.raw({ type: '*/*', limit: '1mb' }), (req, res) => {
    const body = Buffer.isBuffer(req.body) ? req.body.toString('utf8') : '';
    let verified = false;
    let verifyError: string | null = null;
    try {
      webhook.verify(body, req.headers as Record<string, string>, { jsonParse: false });
      verified = true;
    } catch (error) {
      verifyError = error instanceof Error ? error.message : String(error);
    }
    const index = receiver.calls.length;
    receiver.calls.push({ at: Date.now(), headers: req.headers, body, verified, verifyError });
    res.status(verified ? receiver.statusFor(index) : 401).end();
  });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/talentlink`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  return receiver;
}

export async function waitFor(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

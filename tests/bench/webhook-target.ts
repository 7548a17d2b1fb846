import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { loadConfig, type Config } from '../../src/config.js';
import { offsetClock } from '../../src/clock.js';
import { startService } from '../../src/service/service.js';

/**
 * A process under load for the webhook bench, started by `webhooks.bench.ts` with an IPC
 * channel, so that the load generator and the server never share an event loop:
 *
 * node webhook-target.js bare                 a bare express 5 route `POST /webhooks/talentlink/:token` reading the
 * body, 202
 *   node webhook-target.js service '<json>'     the whole service (`startService`), whose alert route is measured
 *
 * It sends `{type: 'ready', url}` once listening, answers `{type: 'cpu'}` with the CPU time it
 * used so far (µs) and `{type: 'stats'}` with the service's queue drains so far, and on
 * `{type: 'stop'}` stops cleanly, sends `{type: 'stopped'}` and exits.
 */

export interface ServiceTargetOptions {
  databaseUrl: string;
  token: string;
  /** The tenant's base URL (the API under `/tlk/rest`). */
  atsBaseUrl: string;
  /** The service's clock starts at this instant and runs at real speed. */
  clockAt: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export type TargetMessage =
  | { type: 'ready'; url: string }
  | { type: 'cpu'; micros: number }
  | { type: 'stopped' }
  | { type: 'failed'; error: string };

const send = (message: TargetMessage) => new Promise<void>((resolve) => process.send!(message, () => resolve()));

async function startBare(): Promise<{ url: string; stop(): Promise<void> }> {
  const app = express();
  app.disable('x-powered-by');
  app.post('/webhooks/talentlink/:token', express.raw({ type: '*/*', limit: 64 * 1024 }), (_req, res) => {
    res.status(202).json({ status: 'accepted' });
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function configOf(options: ServiceTargetOptions): Config {
  return loadConfig(
    {},
    {
      databaseUrl: options.databaseUrl,
      httpHost: '127.0.0.1',
      httpPort: 0,
      alertTokens: [options.token],
      atsBaseUrl: options.atsBaseUrl,
      atsUser: 'demo:demo:BO',
      atsPassword: 'demo',
      atsApiKey: 'demo',
      reportsSchedule: false,
      logLevel: options.logLevel,
    },
  );
}

async function startServiceTarget(options: ServiceTargetOptions): Promise<{ url: string; stop(): Promise<void> }> {
  const service = await startService({ config: configOf(options), clock: offsetClock(new Date(options.clockAt)) });
  return { url: service.url, stop: () => service.stop() };
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('webhook-target: start it with an IPC channel (child_process.fork)');
  const [mode, json] = process.argv.slice(2);
  const options = json ? (JSON.parse(json) as ServiceTargetOptions) : undefined;
  const target =
    mode === 'bare' ? await startBare() : mode === 'service' && options ? await startServiceTarget(options) : null;
  if (!target)
    throw new Error(
      `webhook-target: expected "bare" or "service <json>", got ${JSON.stringify(process.argv.slice(2))}`,
    );
  process.on('message', (message: { type?: string }) => {
    if (message?.type === 'cpu') {
      const used = process.cpuUsage();
      void send({ type: 'cpu', micros: used.user + used.system });
    }
    if (message?.type !== 'stop') return;
    void target
      .stop()
      .then(() => send({ type: 'stopped' }))
      .finally(() => process.exit(0));
  });
  await send({ type: 'ready', url: target.url });
}

main().catch(async (error: unknown) => {
  const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
  if (process.send) await send({ type: 'failed', error: text });
  else console.error(text);
  process.exit(1);
});

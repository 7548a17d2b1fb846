import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox, demoOffers, type Sandbox } from '../../connectors/talentlink/sandbox/index.js';
import { quantile } from './bench-machine.js';

/**
 * End to end, from a notification to the ATS command it causes: the sandbox ATS (in this
 * process) creates senior offers at a steady rate; each `job.created` is pushed, signed, to the
 * service (another process), which stores it, decides, and calls the ATS back. The latency of a
 * job is the time from the sandbox emitting its `job.created` (just before the POST leaves) to
 * the sandbox receiving the first API call naming that job; both instants are read on this
 * process's clock. The sandbox's own rate limit is off, and the follow-up notifications the
 * connector's calls cause (team assigned, approval started, lock) are pushed too, on top of the
 * measured rate.
 */

export interface Target {
  url: string;
  stop(): Promise<void>;
}

export interface EndToEndOptions {
  /** Offers created (and `job.created` notifications pushed) per second. */
  rate: number;
  seconds: number;
  /** Created first at the same rate and left out of the figures. */
  warmupSeconds: number;
  secret: string;
  /** Instant of both clocks (inside a window, so concerned offers call for commands). */
  clockAt: string;
  /** Starts the service with this ATS base URL. */
  startService(atsBaseUrl: string): Promise<Target>;
  /** How long to wait for the last calls once the creations are over. */
  drainMs?: number;
}

export interface EndToEndResult {
  jobs: number;
  answered: number;
  latenciesMs: number[];
  p50: number;
  p90: number;
  p99: number;
  max: number;
  /** Notifications of every type pushed per second during the measured part. */
  pushedPerSecond: number;
  /** First calls by kind (`PUT /jobs/{id}/teams/approval`…). */
  firstCalls: Record<string, number>;
  achievedRate: number;
}

const JOB_PATH = /^\/tlk\/rest\/jobs\/([^/?]+)(\/[^?]*)?/;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const emitted = new Map<string, number>();
  const first = new Map<string, { at: number; call: string }>();
  let sandbox: Sandbox | null = null;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const match = JOB_PATH.exec(req.url ?? '');
    if (match) {
      const jobId = decodeURIComponent(match[1]!);
      if (emitted.has(jobId) && !first.has(jobId)) first.set(jobId, { at: performance.now(), call: `${req.method} /jobs/{id}${(match[2] ?? '').replace(/\/p-\d+/, '/{postingId}')}` });
    }
    if (sandbox) sandbox.app(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const atsUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const service = await options.startService(atsUrl);
  try {
    sandbox = createSandbox({
      webhookUrls: [`${service.url}/webhooks/talentlink`],
      webhookSecrets: [options.secret],
      rateLimitPerSecond: 0,
      clockStart: options.clockAt,
      seed: 2027,
      driverApi: false,
    });
    sandbox.onNotification((n) => {
      if (n.type === 'job.created') emitted.set(n.job.id, performance.now());
    });
    const concerned = demoOffers.filter((o) => o.expected === 'concerned' && !o.timing);
    const warmup = Math.round(options.rate * options.warmupSeconds);
    const total = warmup + Math.round(options.rate * options.seconds);
    const measured: string[] = [];
    const interval = 1000 / options.rate;
    const start = performance.now();
    let pushedAtStart = 0;
    let measuredStart = start;
    for (let i = 0; i < total; ) {
      const due = Math.min(total, Math.floor((performance.now() - start) / interval) + 1);
      for (; i < due; i++) {
        if (i === warmup) {
          pushedAtStart = sandbox.counters().notifications.sent;
          measuredStart = performance.now();
        }
        const offer = concerned[i % concerned.length]!;
        const created = sandbox.ops.createJob({
          title: `${offer.title} (${i})`,
          organization: offer.org,
          customFields: offer.fields,
          recruiter: { userId: `u-bench-${i % 50}`, firstName: offer.recruiter.firstName, lastName: offer.recruiter.lastName },
        });
        if (!created.ok) throw new Error(`sandbox refused a bench offer: ${JSON.stringify(created)}`);
        if (i >= warmup) measured.push(created.job.id);
      }
      await sleep(Math.max(0, start + i * interval - performance.now()));
    }
    const measuredEnd = performance.now();
    const pushed = sandbox.counters().notifications.sent - pushedAtStart;
    const deadline = performance.now() + (options.drainMs ?? 30_000);
    while (measured.some((id) => !first.has(id)) && performance.now() < deadline) await sleep(20);

    const latencies = measured.filter((id) => first.has(id) && emitted.has(id)).map((id) => first.get(id)!.at - emitted.get(id)!);
    latencies.sort((a, b) => a - b);
    const firstCalls: Record<string, number> = {};
    for (const id of measured) {
      const call = first.get(id)?.call;
      if (call) firstCalls[call] = (firstCalls[call] ?? 0) + 1;
    }
    const seconds = (measuredEnd - measuredStart) / 1000;
    return {
      jobs: measured.length,
      answered: latencies.length,
      latenciesMs: latencies,
      p50: quantile(latencies, 0.5),
      p90: quantile(latencies, 0.9),
      p99: quantile(latencies, 0.99),
      max: latencies[latencies.length - 1] ?? Number.NaN,
      pushedPerSecond: pushed / seconds,
      firstCalls,
      achievedRate: measured.length / seconds,
    };
  } finally {
    await sandbox?.stop();
    await service.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
}

import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { e2eAlertToken, en3sBin, startProcess, type LogLine, type Running } from './e2e-processes.js';

/**
 * `en3s serve` as a separate process, configured only through its environment like in
 * production, and the state changes its JSON log tells.
 */

export interface ServiceStart {
  databaseUrl: string;
  port: number;
  atsBaseUrl: string;
  /** EN3S_CLOCK_START: the business clock's starting instant (demos and tests only). */
  clockStart?: string;
  /** Further EN3S_… variables. */
  env?: Record<string, string>;
}

export interface ServiceProcess {
  process: Running;
  url: string;
  stop(): Promise<number | null>;
  /** `offer state changed` lines of one job, in order, as `from→to`. */
  transitions(jobId: string): string[];
}

export function serviceEnv(options: ServiceStart): Record<string, string> {
  return {
    EN3S_DATABASE_URL: options.databaseUrl,
    EN3S_HTTP_PORT: String(options.port),
    EN3S_ALERT_TOKEN: e2eAlertToken,
    EN3S_ATS_BASE_URL: options.atsBaseUrl,
    EN3S_ATS_USER: 'demo:demo:BO',
    EN3S_ATS_PASSWORD: 'demo',
    EN3S_ATS_API_KEY: 'demo',
    // Instances on one database share their administrators' sessions (checked at start-up).
    EN3S_ADMIN_SESSION_SECRET: 'e2e-session-secret-of-at-least-32-characters',
    EN3S_RECONCILE_CRON: '*/3 * * * * *',
    // The queues are read every 2 s whatever the alerts, so a lost alert costs 2 s here.
    EN3S_QUEUE_POLL_MS: '2000',
    // Recruiters are asked by e-mail; the mails stay in the database's local mailbox.
    EN3S_MAIL_MODE: 'mailbox',
    EN3S_MAIL_FROM: 'en3s@en3s.test',
    // Scheduled reports of these runs go to a throw-away folder, never into the working tree.
    EN3S_REPORTS_DIR: join(tmpdir(), `en3s-e2e-reports-${process.pid}`),
    // No load balancer watches these services: they stop at once (the serve test sets a delay).
    EN3S_SHUTDOWN_DELAY_MS: '0',
    ...(options.clockStart ? { EN3S_CLOCK_START: options.clockStart } : {}),
    ...options.env,
  };
}

export async function startServiceProcess(options: ServiceStart & { cwd?: string }): Promise<ServiceProcess> {
  const proc = startProcess(en3sBin(), ['serve'], {
    env: serviceEnv(options),
    ...(options.cwd ? { cwd: options.cwd } : {}),
  });
  const started = await proc.waitForLog((l) => l.message === 'service started', 30_000, 'the service to start');
  return {
    process: proc,
    url: String(started.url),
    stop: () => proc.stop(),
    transitions: (jobId) => stateChanges(proc.logs(), jobId).map((l) => `${String(l.from)}→${String(l.to)}`),
  };
}

export function stateChanges(logs: LogLine[], jobId?: string): LogLine[] {
  return logs.filter((l) => l.message === 'offer state changed' && (jobId === undefined || l.jobId === jobId));
}

import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import {
  createTenant,
  EN3S_APPROVER_LOGIN,
  type TenantOptionsInput,
} from '../../connectors/talentlink/tenant/index.js';

/**
 * The simulated TalentLink tenant as a process of its own, for the chaos test and the ATS bench
 * (the tenant ships no `main`): `node dist/tests/support/tenant-process.js '<TenantOptionsInput as
 * JSON>' [port]`. It prints one line `{"ready": "<url>"}` once it listens; SIGTERM stops it.
 *
 * Beside the tenant's own counters (calls per operation and status, the busiest 1,000 ms,
 * refusals, faults, alerts, queues), which count calls, this process tallies the side effects
 * per job, which the tenant does not (reported as missing): each `PATCH /position/{id}` applied
 * (204), whether the EN3S approver was on the job's team before it, and when (real time, to
 * match the kills of the service); each posting taken down (`unpost` 204). `GET /chaos/effects`
 * answers them with the jobs as the tenant holds them (status, approvers, live postings).
 */

export interface PatchRecord {
  atMs: number;
  /** The EN3S approver was already on the team: this call changed nothing that mattered. */
  redundant: boolean;
  /** The EN3S approver is on the team after it. */
  en3sAfter: boolean;
}

export interface JobEffects {
  patches: PatchRecord[];
  unposted: number[];
}

export interface TenantJobState {
  id: number;
  jobNumber: string;
  jobTitle: string;
  status: string;
  updateDate: number;
  approverIds: number[];
  livePostingIds: number[];
  /** Every posting the job ever had, live or not. */
  postingIds: number[];
  submissions: number;
}

export interface EffectsAnswer {
  en3sUserId: number;
  perJob: Record<string, JobEffects>;
  jobs: TenantJobState[];
}

async function main(): Promise<void> {
  const [json, portArg] = process.argv.slice(2);
  const options = (json ? JSON.parse(json) : {}) as TenantOptionsInput;
  const tenant = createTenant(options);
  const en3s = [...(tenant.options.users ?? [])].find((u) => u.login === EN3S_APPROVER_LOGIN);
  if (!en3s) throw new Error(`tenant-process: no user ${EN3S_APPROVER_LOGIN} among the tenant's users`);
  const perJob = new Map<number, JobEffects>();
  const effects = (jobId: number) => {
    let e = perJob.get(jobId);
    if (!e) {
      e = { patches: [], unposted: [] };
      perJob.set(jobId, e);
    }
    return e;
  };
  const hasEn3s = (jobId: number) =>
    tenant.state.jobs.get(jobId)?.team.approvers.some((a) => a.userId === en3s.id) ?? false;

  const app = express();
  app.disable('x-powered-by');
  app.use((req, res, next) => {
    const patch = req.method === 'PATCH' ? /^\/tlk\/rest\/position\/(\d+)\/?$/.exec(req.path) : null;
    const unpost = req.method === 'PUT' && /^\/tlk\/rest\/publishedadvert\/unpost\/?$/.test(req.path);
    if (!patch && !unpost) return next();
    // The job as it was when the call arrived, and the postings live then: what the call changed is the difference.
    const jobId = patch ? Number(patch[1]) : 0;
    const before = patch ? hasEn3s(jobId) : false;
    const liveBefore = unpost
      ? new Set([...tenant.state.postings.values()].filter((p) => p.live).map((p) => p.id))
      : new Set<number>();
    res.on('finish', () => {
      if (res.statusCode !== 204) return;
      if (patch) effects(jobId).patches.push({ atMs: Date.now(), redundant: before, en3sAfter: hasEn3s(jobId) });
      if (unpost) {
        // Only the postings this call named (its body, parsed by the tenant's routes): calls that
        // overlap (a fault's latency) must not count each other's.
        const named = (req.body as { postingTargets?: unknown } | undefined)?.postingTargets;
        for (const id of new Set(Array.isArray(named) ? named.map(Number) : [])) {
          const posting = tenant.state.postings.get(id);
          if (liveBefore.has(id) && posting && !posting.live) effects(posting.openingId).unposted.push(id);
        }
      }
    });
    next();
  });
  app.get('/chaos/effects', (_req, res) => {
    const jobs: TenantJobState[] = [...tenant.state.jobs.values()].map((j) => {
      const postings = tenant.state.postingsOf(j.id);
      return {
        id: j.id,
        jobNumber: j.jobNumber,
        jobTitle: j.jobTitle,
        status: j.status,
        updateDate: j.updateDate,
        approverIds: j.team.approvers.map((a) => a.userId),
        livePostingIds: postings.filter((p) => p.live).map((p) => p.id),
        postingIds: postings.map((p) => p.id),
        submissions: j.submissions,
      };
    });
    const answer: EffectsAnswer = {
      en3sUserId: en3s.id,
      perJob: Object.fromEntries([...perJob].map(([id, e]) => [String(id), e])),
      jobs,
    };
    res.json(answer);
  });
  app.use(tenant.app);

  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(Number(portArg ?? 0), '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  process.stdout.write(`${JSON.stringify({ ready: url })}\n`);
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

import { defaultDepartments } from '../../connectors/talentlink/tenant/directory.js';
import type { Store } from '../../src/store/database.js';
import { expectedAnswers, type Observed } from './oracle.js';
import { classificationOf, type OfferScript, type Scenario } from './scenario.js';
import type { TenantProcess } from '../support/tenant-process-client.js';

/**
 * The recruiters and EN3S playing the scenario against the tenant's driver. Each offer's script
 * is a small state machine: a step waits for what the real world waits for, then for its pause,
 * then acts. A recruiter submits once the EN3S approver is on the job (the connector's e-mail
 * asks it); EN3S answers a submission the connector showed it (the service holds the job as
 * submitted, as EN3S's dashboard would); a recruiter publishes or closes once the approver is on.
 * Waiting jobs are read again every few hundred milliseconds.
 */

export const EN3S_USER_ID = 101;
const RECRUITER_IDS = [111, 112, 113, 114];

type Wait = 'none' | 'en3s-on-team' | 'service-submitted';
type Act =
  | 'create'
  | 'add-approver'
  | 'publish-at-once'
  | 'submit'
  | 'approve'
  | 'refuse'
  | 'publish-after'
  | 'publish'
  | 'close';

export interface Step {
  act: Act;
  wait: Wait;
  /** Milliseconds after the previous act (for `create`: after the start of the run). */
  delayMs: number;
}

/** The steps of one offer's script, in order. */
export function stepsOf(script: OfferScript): Step[] {
  const steps: Step[] = [{ act: 'create', wait: 'none', delayMs: script.createAtMs }];
  const p = script.inProcess;
  if (p) {
    if (p.approverBy === 'recruiter') steps.push({ act: 'add-approver', wait: 'none', delayMs: 0 });
    if (p.publishAtOnce) steps.push({ act: 'publish-at-once', wait: 'none', delayMs: 0 });
    if (p.submits) steps.push({ act: 'submit', wait: 'en3s-on-team', delayMs: p.delays.submit });
    if (p.answer !== 'never')
      steps.push({
        act: p.answer === 'validate' ? 'approve' : 'refuse',
        wait: 'service-submitted',
        delayMs: p.delays.answer,
      });
    if (p.publishAfterAnswer) steps.push({ act: 'publish-after', wait: 'en3s-on-team', delayMs: p.delays.publish });
    if (p.close) steps.push({ act: 'close', wait: 'en3s-on-team', delayMs: p.delays.close });
  } else if (script.outOfScope && script.outOfScope.act !== 'nothing') {
    steps.push({ act: script.outOfScope.act, wait: 'none', delayMs: script.outOfScope.delayMs });
  }
  return steps;
}

interface Runner {
  script: OfferScript;
  steps: Step[];
  next: number;
  jobId: number | null;
  jobNumber: string | null;
  lastActAt: number;
  lastReadAt: number;
  busy: boolean;
  observed: Observed;
}

export interface Anomaly {
  tag: string;
  act: Act;
  status: number;
  body: unknown;
}

export interface PlayedOffer {
  script: OfferScript;
  jobId: number;
  jobNumber: string;
  observed: Observed;
}

export interface DriveResult {
  played: PlayedOffer[];
  anomalies: Anomaly[];
  acts: Record<string, number>;
  durationMs: number;
}

export interface DriveOptions {
  /** Whole drive, from the first creation to the last act. */
  timeoutMs: number;
  /** Requests to the driver at once. */
  concurrency?: number;
  /** Called every few seconds while waiting (an administrator's round, storms, poison). */
  onTick?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const READ_AGAIN_MS = 400;

export async function driveScenario(
  tenant: TenantProcess,
  db: Store,
  scenario: Scenario,
  options: DriveOptions,
): Promise<DriveResult> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const concurrency = options.concurrency ?? 8;
  const runners: Runner[] = scenario.offers.map((script) => ({
    script,
    steps: stepsOf(script),
    next: 0,
    jobId: null,
    jobNumber: null,
    lastActAt: started,
    lastReadAt: 0,
    busy: false,
    observed: { prematurePosting: false },
  }));
  const anomalies: Anomaly[] = [];
  const acts: Record<string, number> = {};
  let active = runners.length;
  let inFlight = 0;
  let lastTickAt = started;
  let failure: Error | null = null;
  const departmentId = new Map(defaultDepartments.map((d) => [d.code, d.id]));

  const act = async (runner: Runner, step: Step): Promise<void> => {
    const { script } = runner;
    const id = runner.jobId;
    const call = (path: string, body: unknown = {}) => tenant.driver('POST', path, body);
    let answer: Awaited<ReturnType<typeof call>>;
    switch (step.act) {
      case 'create': {
        const organizationId = departmentId.get(script.organizationCode);
        if (organizationId === undefined)
          throw new Error(`${script.tag}: the body ${script.organizationCode} is not in the tenant's tree`);
        answer = await call('/jobs', {
          title: script.title,
          organizationId,
          recruiterIds: [RECRUITER_IDS[script.index % RECRUITER_IDS.length]!],
          classification: classificationOf(script.fields),
        });
        if (answer.status !== 201)
          throw new Error(
            `${script.tag}: the tenant refused the creation (${answer.status} ${JSON.stringify(answer.body)})`,
          );
        runner.jobId = Number(answer.body.id);
        runner.jobNumber = String(answer.body.jobNumber);
        break;
      }
      case 'add-approver':
        // The recruiter adds the approval team's member themselves (guide Ucanss §2.3), keeping the rest.
        answer = await tenant.driver('PUT', `/jobs/${id}/team?mode=merge`, {
          approvers: [{ order: 1, stepOrder: 1, user: { id: EN3S_USER_ID }, lovValue: 'dérogation EN3S' }],
        });
        break;
      case 'publish-at-once':
      case 'publish-after':
      case 'publish':
        answer = await call(`/jobs/${id}/publish`);
        if (step.act === 'publish-at-once') runner.observed.prematurePosting = answer.status === 201;
        break;
      case 'submit':
        answer = await call(`/jobs/${id}/submit`);
        break;
      case 'approve':
      case 'refuse':
        answer = await call(`/jobs/${id}/${step.act}`, { userId: EN3S_USER_ID });
        break;
      case 'close':
        answer = await call(`/jobs/${id}/close`);
        break;
    }
    acts[step.act] = (acts[step.act] ?? 0) + 1;
    const kind =
      step.act === 'publish-at-once' || step.act === 'publish-after' || step.act === 'publish' ? step.act : 'other';
    if (!expectedAnswers(script, kind).includes(answer.status))
      anomalies.push({ tag: script.tag, act: step.act, status: answer.status, body: answer.body });
  };

  const ready = async (runner: Runner, wait: Wait): Promise<boolean> => {
    if (wait === 'en3s-on-team') {
      const job = (await tenant.driver('GET', `/jobs/${runner.jobId}`)).body as {
        team?: { approvers?: { user?: { id?: number } }[] } | null;
      };
      return (job.team?.approvers ?? []).some((a) => a.user?.id === EN3S_USER_ID);
    }
    const row = await db.db
      .selectFrom('offers')
      .select('state')
      .where('ats_id', '=', String(runner.jobId))
      .executeTakeFirst();
    return row?.state === 'submitted';
  };

  /** One move of a runner: check what its step waits for, act when it may. */
  const move = async (runner: Runner): Promise<void> => {
    const step = runner.steps[runner.next]!;
    if (step.wait !== 'none') {
      runner.lastReadAt = Date.now();
      if (!(await ready(runner, step.wait))) return;
    }
    await act(runner, step);
    runner.lastActAt = Date.now();
    runner.next += 1;
    if (runner.next >= runner.steps.length) active -= 1;
  };

  while (active > 0) {
    if (failure) throw failure;
    const now = Date.now();
    if (now > deadline) {
      const stuck = runners.filter((r) => r.next < r.steps.length).slice(0, 20);
      throw new Error(
        `the scenario did not finish in ${options.timeoutMs} ms: ${active} offers still waiting, e.g. ${stuck
          .map(
            (r) =>
              `${r.script.tag} (job ${r.jobId}) before ${r.steps[r.next]!.act} waiting for ${r.steps[r.next]!.wait}`,
          )
          .join('; ')}`,
      );
    }
    if (options.onTick && now - lastTickAt >= 5_000) {
      lastTickAt = now;
      await options.onTick();
    }
    for (const runner of runners) {
      if (inFlight >= concurrency) break;
      if (runner.busy || runner.next >= runner.steps.length) continue;
      const step = runner.steps[runner.next]!;
      const base = step.act === 'create' ? started : runner.lastActAt;
      if (Date.now() < base + step.delayMs) continue;
      if (step.wait !== 'none' && Date.now() - runner.lastReadAt < READ_AGAIN_MS) continue;
      runner.busy = true;
      inFlight += 1;
      move(runner)
        .catch((error: unknown) => {
          failure ??= error instanceof Error ? error : new Error(String(error));
        })
        .finally(() => {
          runner.busy = false;
          inFlight -= 1;
        });
    }
    await sleep(inFlight >= concurrency ? 5 : 20);
  }
  while (inFlight > 0) await sleep(5);
  if (failure) throw failure;
  return {
    played: runners.map((r) => ({ script: r.script, jobId: r.jobId!, jobNumber: r.jobNumber!, observed: r.observed })),
    anomalies,
    acts,
    durationMs: Date.now() - started,
  };
}

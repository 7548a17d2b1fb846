import type { JobDocument } from '../../connectors/talentlink/job-document.js';
import type { SandboxProcess } from '../support/e2e-sandbox.js';
import type { OfferScript, Scenario } from './scenario.js';

/**
 * The recruiters and EN3S playing the scenario against the sandbox's driver API. Each offer's
 * script is a small state machine: a step waits for what the real world waits for (EN3S can
 * only answer an approval that was started; a recruiter publishes once the lock is off), then
 * for its pause, then acts. The jobs are watched through the sandbox's change log, so only the
 * jobs that changed are read again.
 */

type Wait = 'none' | 'submitted' | 'open-for-publication';
type Act = 'create' | 'submit' | 'force-publish' | 'validate' | 'refuse' | 'publish' | 'close';

export interface Step {
  act: Act;
  wait: Wait;
  /** Milliseconds after the previous act (for `create`: after the start of the run). */
  delayMs: number;
  /** HTTP statuses the act may be answered with. */
  expect: number[];
}

export const APPROVAL_TEAM = 'EN3S dérogation';

/** The steps of one offer's script, in order. */
export function stepsOf(script: OfferScript): Step[] {
  const steps: Step[] = [{ act: 'create', wait: 'none', delayMs: script.createAtMs, expect: [201] }];
  const p = script.inProcess;
  if (p) {
    // The connector and the recruiter may both try to start the approval: the second gets 409.
    if (p.submission === 'recruiter-submits') steps.push({ act: 'submit', wait: 'none', delayMs: 0, expect: [201, 409] });
    if (p.forcePublish) steps.push({ act: 'force-publish', wait: 'submitted', delayMs: p.delays.forcePublish, expect: [200] });
    if (p.answer !== 'never') steps.push({ act: p.answer, wait: 'submitted', delayMs: p.delays.answer, expect: [200] });
    if (p.publishAfterAnswer) {
      steps.push(
        p.answer === 'validate'
          ? { act: 'publish', wait: 'open-for-publication', delayMs: p.delays.publish, expect: [200] }
          : // Refused: the lock stays on. No answer yet: the lock holds while EN3S thinks.
            { act: 'publish', wait: p.answer === 'refuse' ? 'none' : 'submitted', delayMs: p.delays.publish, expect: [423] },
      );
    }
    if (p.close) steps.push({ act: 'close', wait: 'submitted', delayMs: p.delays.close, expect: [200] });
  } else if (script.outOfScope && script.outOfScope.act !== 'nothing') {
    steps.push({ act: script.outOfScope.act, wait: 'none', delayMs: script.outOfScope.delayMs, expect: [200] });
  }
  return steps;
}

/** The connector did its part: team, approval in progress, publication locked. */
export function submitted(job: JobDocument): boolean {
  return (
    job.teams.some((t) => t.role === 'approval' && t.name === APPROVAL_TEAM) &&
    job.approvalProcess?.status === 'IN_PROGRESS' &&
    job.publicationLock?.locked === true
  );
}

/** Unlocked, and what went out too early taken down: the recruiter may publish. */
export function openForPublication(job: JobDocument): boolean {
  return job.publicationLock?.locked !== true && !job.postings.some((p) => p.channel === 'UCANSS' && p.status === 'PUBLISHED');
}

interface Runner {
  script: OfferScript;
  steps: Step[];
  next: number;
  jobId: string | null;
  lastActAt: number;
  /** The job changed since it was last read for this step's wait. */
  dirty: boolean;
  lastReadAt: number;
  busy: boolean;
}

export interface Anomaly {
  jobNumber: string;
  act: Act;
  status: number;
  body: unknown;
}

export interface DriveResult {
  jobIds: Map<string, string>;
  anomalies: Anomaly[];
  acts: Record<string, number>;
  durationMs: number;
}

export interface DriveOptions {
  /** Whole drive, from the first creation to the last act. */
  timeoutMs: number;
  /** Requests to the driver API at once. */
  concurrency?: number;
  /** Called every few seconds while waiting, e.g. to requeue dead-lettered commands as an administrator would. */
  onTick?: () => Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function driveScenario(sandbox: SandboxProcess, scenario: Scenario, options: DriveOptions): Promise<DriveResult> {
  const started = Date.now();
  const deadline = started + options.timeoutMs;
  const concurrency = options.concurrency ?? 8;
  const runners: Runner[] = scenario.offers.map((script) => ({ script, steps: stepsOf(script), next: 0, jobId: null, lastActAt: started, dirty: true, lastReadAt: 0, busy: false }));
  const byJob = new Map<string, Runner>();
  const anomalies: Anomaly[] = [];
  const acts: Record<string, number> = {};
  let active = runners.length;
  let inFlight = 0;
  let afterSeq = 0;
  let lastFeedAt = 0;
  let lastTickAt = started;
  let failure: Error | null = null;

  const act = async (runner: Runner, step: Step): Promise<void> => {
    const { script } = runner;
    const id = runner.jobId;
    const call = (path: string, body: unknown = {}) => sandbox.driver('POST', path, body);
    let answer;
    switch (step.act) {
      case 'create':
        answer = await call('/jobs', {
          title: script.title,
          organization: script.organization,
          customFields: script.customFields,
          jobNumber: script.jobNumber,
          recruiter: { userId: `u-chaos-${script.index % 97}`, firstName: 'Camille', lastName: 'Recruteur' },
          ...(script.inProcess && script.inProcess.submission !== 'connector' ? { approvalTeam: APPROVAL_TEAM } : {}),
        });
        if (answer.status === 201) {
          runner.jobId = String(answer.body.id);
          byJob.set(runner.jobId, runner);
        }
        break;
      case 'submit':
        answer = await call(`/jobs/${id}/submit`);
        break;
      case 'force-publish':
        answer = await call(`/jobs/${id}/force-publish`);
        break;
      case 'validate':
        answer = await call(`/jobs/${id}/validate`, { comment: 'Dérogation accordée' });
        break;
      case 'refuse':
        answer = await call(`/jobs/${id}/refuse`, { comment: 'Poste réservé aux élèves' });
        break;
      case 'publish':
        answer = await call(`/jobs/${id}/publish`);
        break;
      case 'close':
        answer = await call(`/jobs/${id}/close`);
        break;
    }
    acts[step.act] = (acts[step.act] ?? 0) + 1;
    if (!step.expect.includes(answer.status)) anomalies.push({ jobNumber: script.jobNumber, act: step.act, status: answer.status, body: answer.body });
    if (step.act === 'create' && answer.status !== 201) throw new Error(`${script.jobNumber}: the sandbox refused the creation (${answer.status} ${JSON.stringify(answer.body)})`);
  };

  /** One move of a runner: read the job if its step waits for something, act when it may. */
  const move = async (runner: Runner): Promise<void> => {
    const step = runner.steps[runner.next]!;
    if (step.wait !== 'none') {
      runner.dirty = false;
      runner.lastReadAt = Date.now();
      const job = (await sandbox.driver('GET', `/jobs/${runner.jobId}`)).body?.job as JobDocument | undefined;
      if (!job) throw new Error(`${runner.script.jobNumber}: job ${runner.jobId} not found in the sandbox`);
      const ready = step.wait === 'submitted' ? submitted(job) : openForPublication(job);
      if (!ready) return;
    }
    await act(runner, step);
    runner.lastActAt = Date.now();
    runner.next += 1;
    runner.dirty = true;
    if (runner.next >= runner.steps.length) active -= 1;
  };

  const readFeed = async (): Promise<void> => {
    const feed = (await sandbox.driver('GET', `/changes?afterSeq=${afterSeq}`)).body as { items: { seq: number; jobId: string }[] };
    const first = feed.items[0];
    // The change log keeps the latest changes only: after a gap, read every waiting job again.
    if (first && first.seq > afterSeq + 1 && afterSeq > 0) for (const r of runners) r.dirty = true;
    for (const change of feed.items) {
      const runner = byJob.get(change.jobId);
      if (runner) runner.dirty = true;
      afterSeq = Math.max(afterSeq, change.seq);
    }
  };

  while (active > 0) {
    if (failure) throw failure;
    const now = Date.now();
    if (now > deadline) {
      const stuck = runners.filter((r) => r.next < r.steps.length).slice(0, 20);
      throw new Error(
        `the scenario did not finish in ${options.timeoutMs} ms: ${active} offers still waiting, e.g. ${stuck
          .map((r) => `${r.script.jobNumber} (job ${r.jobId}) before ${r.steps[r.next]!.act} waiting for ${r.steps[r.next]!.wait}`)
          .join('; ')}`,
      );
    }
    if (now - lastFeedAt >= 250) {
      lastFeedAt = now;
      await readFeed();
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
      // A safety net besides the change log: read a waiting job again every few seconds anyway.
      if (step.wait !== 'none' && !runner.dirty && Date.now() - runner.lastReadAt < 5_000) continue;
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
  return { jobIds: new Map(runners.map((r) => [r.script.jobNumber, r.jobId!])), anomalies, acts, durationMs: Date.now() - started };
}

import { demoOffers } from './tenant/demo-offers.js';
import { createPrng, deriveSeed } from './tenant/prng.js';
import type { RunningSandbox } from './sandbox-host.js';

/**
 * The people of the demo campaign, on real timers, acting in the simulated tenant as they would
 * in TalentLink: a recruiter asked by e-mail to « Soumettre pour approbation » submits a moment
 * later (`asked`, called by whoever reads the mailbox); EN3S approves or refuses the submissions
 * it is an approver of (drawn from the seed per job); another approver of a submission approves;
 * a recruiter publishes once the job is approved. Two recruiters misbehave at the start: one
 * publishes a job before it has any approver (the connector takes the posting down), one adds
 * their director as approver and submits before EN3S is in the team (they are asked to submit
 * again). Every action is reported to `onAction`, so the demo's log tells the story.
 */

export interface DemoLifeAction {
  jobId: number;
  /** Who acted: `recruiter`, `EN3S`, `approver`. */
  actor: 'recruiter' | 'EN3S' | 'approver';
  action: 'publish' | 'submit' | 'set-team' | 'approve' | 'refuse';
  /** `ok`, or the tenant's refusal code. */
  outcome: string;
}

export interface DemoLifeOptions {
  seed?: number;
  /** Delay between a submission and EN3S's answer. */
  en3sDelayMs?: number;
  /** Share of submissions EN3S refuses. */
  refuseRatio?: number;
  /** Delay between the mail and the recruiter's submission. */
  recruiterDelayMs?: number;
  /**
   * Delay between an approval and the recruiter's publication (long enough for the connector to have seen the
   * approval).
   */
  publishDelayMs?: number;
  /**
   * Recruiters submit by themselves once EN3S is among the approvers, without waiting for a mail
   * (`en3s sandbox serve --demo-life`, where nobody reads the connector's mailbox).
   */
  submitOnceEn3sAdded?: boolean;
  /** How often the tenant is looked at. */
  tickMs?: number;
  onAction?: (action: DemoLifeAction) => void;
}

export interface DemoLife {
  /** A recruiter of the job was asked (by the connector's e-mail) to submit it. */
  asked(jobId: number): void;
  readonly actions: DemoLifeAction[];
  stop(): void;
}

/** The approver the self-submitting recruiter adds before EN3S is in the team (a director of the tenant). */
const DIRECTOR_LOGIN = 'directeur1';

export function startDemoLife(sandbox: RunningSandbox, options: DemoLifeOptions = {}): DemoLife {
  const { tenant } = sandbox;
  const campaign = sandbox.campaign ?? { jobs: [] };
  const seed = options.seed ?? tenant.options.seed;
  const en3sDelayMs = options.en3sDelayMs ?? 8_000;
  const publishDelayMs = options.publishDelayMs ?? 8_000;
  const refuseRatio = options.refuseRatio ?? 0.35;
  const recruiterDelayMs = options.recruiterDelayMs ?? 2_000;
  const statuses = tenant.options.rules.statuses;
  const jobIds = new Set(campaign.jobs.map((j) => j.jobId));
  const timers = new Set<NodeJS.Timeout>();
  const scheduled = new Set<string>();
  const actions: DemoLifeAction[] = [];
  let stopped = false;

  const later = (key: string, delayMs: number, act: () => void): void => {
    if (scheduled.has(key)) return;
    scheduled.add(key);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) act();
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };
  const record = (
    jobId: number,
    actor: DemoLifeAction['actor'],
    action: DemoLifeAction['action'],
    result: { ok: boolean; error?: { code: string } },
  ): void => {
    const entry: DemoLifeAction = { jobId, actor, action, outcome: result.ok ? 'ok' : (result.error?.code ?? 'error') };
    actions.push(entry);
    options.onAction?.(entry);
  };
  // Each job's answer comes from its own stream: it does not depend on the order of events.
  const en3sRefuses = (jobId: number, submission: number): boolean =>
    createPrng(deriveSeed(seed, `en3s-answer:${jobId}:${submission}`)).chance(refuseRatio);
  const roleJob = (role: 'violation' | 'self-submit'): number | undefined => {
    const key = demoOffers.find((o) => o.role === role)?.key;
    return campaign.jobs.find((j) => j.key === key)?.jobId;
  };

  // The misbehaving recruiters act at once, before the connector has read their jobs.
  const violation = roleJob('violation');
  if (violation !== undefined) record(violation, 'recruiter', 'publish', tenant.driver.publish(violation));
  const selfSubmit = roleJob('self-submit');
  const director = tenant.options.users.find((u) => u.login === DIRECTOR_LOGIN);
  if (selfSubmit !== undefined && director) {
    const job = tenant.state.jobs.get(selfSubmit);
    const recruiters = (job?.team.recruiters ?? []).map((m) => ({
      order: m.order,
      user: { id: m.userId },
      lovValue: m.lovValue,
    }));
    record(
      selfSubmit,
      'recruiter',
      'set-team',
      tenant.driver.setTeam(selfSubmit, {
        recruiters,
        approvers: [{ order: 1, stepOrder: 1, user: { id: director.id }, lovValue: 'Directeur' }],
      }),
    );
    record(selfSubmit, 'recruiter', 'submit', tenant.driver.submitForApproval(selfSubmit));
  }

  const submitLater = (jobId: number): void => {
    const turn = tenant.state.jobs.get(jobId)?.submissions ?? 0;
    later(`submit:${jobId}:${turn}`, recruiterDelayMs, () =>
      record(jobId, 'recruiter', 'submit', tenant.driver.submitForApproval(jobId)),
    );
  };

  const tick = (): void => {
    for (const jobId of jobIds) {
      const job = tenant.state.jobs.get(jobId);
      if (!job) continue;
      const submission = job.submission;
      if (job.status === statuses.pendingApproval && submission) {
        for (const approverId of submission.approverIds) {
          if (submission.decisions.has(approverId)) continue;
          const isEn3s = approverId === sandbox.en3sUserId;
          later(`decide:${jobId}:${submission.number}:${approverId}`, isEn3s ? en3sDelayMs : en3sDelayMs / 2, () => {
            if (isEn3s && en3sRefuses(jobId, submission.number))
              record(jobId, 'EN3S', 'refuse', tenant.driver.refuse(jobId, approverId));
            else record(jobId, isEn3s ? 'EN3S' : 'approver', 'approve', tenant.driver.approve(jobId, approverId));
          });
        }
      }
      const closed = job.status === statuses.closed || job.status === statuses.cancelled;
      const en3sListed = job.team.approvers.some((a) => a.userId === sandbox.en3sUserId);
      const en3sSubmitted = submission?.approverIds.includes(sandbox.en3sUserId) ?? false;
      if (options.submitOnceEn3sAdded && !closed && en3sListed && !en3sSubmitted) submitLater(jobId);
      const live = [...tenant.state.postings.values()].some((p) => p.openingId === jobId && p.live);
      if (job.status === statuses.approved && !live && en3sSubmitted) {
        later(`publish:${jobId}:${job.submissions}`, publishDelayMs, () =>
          record(jobId, 'recruiter', 'publish', tenant.driver.publish(jobId)),
        );
      }
    }
  };
  const ticker = setInterval(tick, options.tickMs ?? 500);
  ticker.unref();

  return {
    actions,
    asked(jobId) {
      if (jobIds.has(jobId)) submitLater(jobId);
    },
    stop() {
      stopped = true;
      clearInterval(ticker);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

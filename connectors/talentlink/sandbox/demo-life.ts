import type { Notification } from '../job-document.js';
import type { DemoCampaign } from './demo-campaign.js';
import { createPrng, deriveSeed, hashString } from './prng.js';
import type { SandboxOps } from './sandbox-ops.js';

/**
 * The scripted life around the demo campaign, on real timers: EN3S answers each approval a few
 * seconds after it starts (validating some, refusing others, drawn from the seed per job); a
 * recruiter adds the team and submits by themselves; another publishes behind the lock's back
 * before EN3S answered (that answer comes after the publication); recruiters publish once EN3S has validated and the lock is lifted, and try (in vain, while
 * locked) after a refusal.
 */

export interface DemoLifeOptions {
  seed?: number;
  /** Delay between the start of an approval and EN3S's answer. */
  decisionDelayMs?: number;
  /** Share of approvals EN3S refuses. */
  refuseRatio?: number;
  selfSubmitDelayMs?: number;
  violationDelayMs?: number;
  /** Delay before a recruiter publishes (or tries to) after an answer. */
  recruiterDelayMs?: number;
}

export interface DemoLifeTarget {
  ops: SandboxOps;
  onNotification(listener: (n: Notification) => void): () => void;
}

export interface DemoLife {
  stop(): void;
  /** What the script did, for the demo's narration and for tests. */
  readonly log: { at: string; jobId: string; action: string; outcome: string }[];
}

export function startDemoLife(target: DemoLifeTarget, campaign: DemoCampaign, options: DemoLifeOptions = {}): DemoLife {
  const seed = options.seed ?? campaign.seed;
  const decisionDelayMs = options.decisionDelayMs ?? 4_000;
  const refuseRatio = options.refuseRatio ?? 0.35;
  const recruiterDelayMs = options.recruiterDelayMs ?? 3_000;
  const timers = new Set<NodeJS.Timeout>();
  const decided = new Set<string>();
  const publishTried = new Set<string>();
  const log: DemoLife['log'] = [];
  let stopped = false;

  const later = (delayMs: number, action: () => void): void => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!stopped) action();
    }, delayMs);
    timer.unref();
    timers.add(timer);
  };
  const record = (jobId: string, action: string, result: { ok: boolean; code?: string }): void => {
    log.push({ at: new Date().toISOString(), jobId, action, outcome: result.ok ? 'ok' : (result.code ?? 'error') });
  };
  // Each job's answer is drawn from its own stream, so it does not depend on the order of events.
  const refuses = (jobId: string): boolean => createPrng(deriveSeed(seed, `en3s-answer:${hashString(jobId)}`)).chance(refuseRatio);

  const startedAt = Date.now();
  const violationDelayMs = options.violationDelayMs ?? 8_000;
  // EN3S answers the offer published behind the lock only after that publication, whatever the
  // connector's speed: the story shows a publication made before EN3S's answer.
  const decisionDelayOf = (jobId: string): number =>
    jobId === campaign.violationJobId ? Math.max(decisionDelayMs, startedAt + violationDelayMs + decisionDelayMs - Date.now()) : decisionDelayMs;

  const unsubscribe = target.onNotification((n) => {
    const job = n.job;
    const process = job.approvalProcess;
    if (n.type === 'job.approval.started' && !decided.has(job.id)) {
      decided.add(job.id);
      later(decisionDelayOf(job.id), () => {
        const refuse = refuses(job.id);
        const outcome = refuse ? target.ops.refuse(job.id, { comment: 'Poste réservé aux élèves sortants' }) : target.ops.validate(job.id);
        record(job.id, refuse ? 'en3s-refuse' : 'en3s-validate', outcome);
      });
    }
    const published = job.postings.some((p) => p.status === 'PUBLISHED');
    const unlocked = !(job.publicationLock?.locked ?? false);
    if (process?.status === 'APPROVED' && unlocked && !published && !publishTried.has(job.id)) {
      publishTried.add(job.id);
      later(recruiterDelayMs, () => record(job.id, 'recruiter-publish', target.ops.publish(job.id)));
    }
    if (process?.status === 'REJECTED' && !publishTried.has(job.id)) {
      publishTried.add(job.id);
      later(recruiterDelayMs, () => record(job.id, 'recruiter-publish-after-refusal', target.ops.publish(job.id)));
    }
  });

  later(options.selfSubmitDelayMs ?? 2_000, () => {
    const id = campaign.selfSubmitJobId;
    record(id, 'recruiter-add-team', target.ops.addApprovalTeam(id));
    record(id, 'recruiter-submit', target.ops.submitForApproval(id, { alertOnAction: true }));
  });
  later(violationDelayMs, () => record(campaign.violationJobId, 'recruiter-force-publish', target.ops.forcePublish(campaign.violationJobId)));

  return {
    log,
    stop() {
      stopped = true;
      unsubscribe();
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
    },
  };
}

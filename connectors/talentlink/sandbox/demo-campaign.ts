import type { SandboxClock } from './clock.js';
import { demoOffers, type DemoExpectation, type DemoRegime } from './demo-offers.js';
import { createPrng, deriveSeed, hashString } from './prng.js';
import type { SandboxOps } from './sandbox-ops.js';

/**
 * Seeds the demo campaign: a few dozen offers of bodies of every régime, created by fictitious
 * recruiters in the days before the sandbox's "now" (two in the December before the window, one
 * of them already published then). Deterministic for a seed and an instant.
 */

export interface DemoCampaignOptions {
  seed?: number;
  /** The campaign's "now"; when given, the sandbox clock is set there (running). */
  now?: Date | string;
}

export interface DemoCampaignJob {
  key: string;
  jobId: string;
  jobNumber: string;
  organizationCode: string;
  organizationName: string;
  regime: DemoRegime;
  grid: string | null;
  level: string | null;
  expected: DemoExpectation;
  role: 'violation' | 'self-submit' | null;
}

export interface DemoCampaign {
  seed: number;
  now: string;
  jobs: DemoCampaignJob[];
  /** The offer a recruiter publishes behind the lock's back in the demo life. */
  violationJobId: string;
  /** The offer whose recruiter adds the team and submits by themselves. */
  selfSubmitJobId: string;
}

export interface DemoTarget {
  ops: SandboxOps;
  clock: SandboxClock;
}

/** An instant inside the next window: now when already between 1 January and 30 April, else 12 January next. */
export function defaultDemoInstant(realNow: Date = new Date()): Date {
  const month = realNow.getUTCMonth();
  if (month <= 3) return realNow;
  return new Date(Date.UTC(realNow.getUTCFullYear() + 1, 0, 12, 8, 0, 0));
}

function emailOf(first: string, last: string, orgCode: string): string {
  const fold = (s: string): string =>
    s
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '');
  return `${fold(first)}.${fold(last)}@${fold(orgCode)}.example`;
}

export function seedDemoCampaign(target: DemoTarget, options: DemoCampaignOptions = {}): DemoCampaign {
  const seed = options.seed ?? 2027;
  if (options.now !== undefined) {
    const at = new Date(options.now);
    if (Number.isNaN(at.getTime())) throw new RangeError(`seedDemoCampaign: invalid now "${String(options.now)}"`);
    target.clock.set(at);
  }
  const nowMs = target.clock.nowMs();
  const year = new Date(nowMs).getUTCFullYear();
  const prng = createPrng(deriveSeed(seed, 'demo-campaign'));
  const planned = demoOffers.map((offer) => {
    let creation: number;
    if (offer.timing) creation = Date.UTC(year - 1, 11, offer.timing === 'published-before-window' ? 10 : 18, 9 + prng.int(0, 7), prng.int(0, 59));
    else creation = nowMs - prng.int(30, 6 * 24 * 60) * 60_000;
    const withRequisition = prng.chance(0.6);
    return { offer, creation: Math.floor(creation / 60_000) * 60_000, withRequisition, requisitionSeq: prng.int(1, 400) };
  });
  planned.sort((a, b) => a.creation - b.creation);

  const jobs: DemoCampaignJob[] = [];
  for (const { offer, creation, withRequisition, requisitionSeq } of planned) {
    const { firstName, lastName } = offer.recruiter;
    const publishedBefore = offer.timing === 'published-before-window';
    const result = target.ops.createJob({
      title: offer.title,
      organization: offer.org,
      customFields: offer.fields,
      recruiter: { userId: `u-${(hashString(`${firstName} ${lastName} ${offer.org.code}`) % 9000) + 1000}`, firstName, lastName, email: emailOf(firstName, lastName, offer.org.code) },
      ...(withRequisition ? { requisitionNumber: `REQ-${new Date(creation).getUTCFullYear()}-${String(requisitionSeq).padStart(4, '0')}` } : {}),
      creationDate: new Date(creation).toISOString().replace('.000Z', 'Z'),
      postings: [{ channel: 'UCANSS', status: publishedBefore ? 'PUBLISHED' : 'DRAFT', ...(publishedBefore ? { publishedAt: new Date(creation + 2 * 86_400_000).toISOString().replace('.000Z', 'Z') } : {}) }],
    });
    if (!result.ok) throw new Error(`seedDemoCampaign: offer ${offer.key} refused: ${result.code} ${result.message}`);
    jobs.push({
      key: offer.key,
      jobId: result.job.id,
      jobNumber: result.job.jobNumber,
      organizationCode: offer.org.code,
      organizationName: offer.org.name,
      regime: offer.regime,
      grid: offer.fields.CLASSIFICATION_GRID ?? null,
      level: offer.fields.CLASSIFICATION_LEVEL ?? null,
      expected: offer.expected,
      role: offer.role ?? null,
    });
  }
  const byRole = (role: 'violation' | 'self-submit'): string => {
    const job = jobs.find((j) => j.role === role);
    if (!job) throw new Error(`seedDemoCampaign: no offer plays the ${role} role`);
    return job.jobId;
  };
  return { seed, now: new Date(nowMs).toISOString(), jobs, violationJobId: byRole('violation'), selfSubmitJobId: byRole('self-submit') };
}

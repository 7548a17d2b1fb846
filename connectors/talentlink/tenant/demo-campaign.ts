import { DateTime } from 'luxon';
import { demoOffers, type DemoExpectation, type DemoOffer } from './demo-offers.js';
import type { TenantDriver } from './driver.js';
import type { Directory } from './directory.js';
import type { ClassificationInput } from './lov-catalogue.js';
import type { SandboxClock } from './clock.js';

/**
 * The demo campaign on the simulated tenant: the offers of `demo-offers.ts` (bodies
 * of every régime, levels on both sides of the threshold, the traps of the texts) created as
 * recruiters would, with the classification fields under the tenant's French labels. Offers
 * meant to exist before the window are created (and one published) in December, the clock then
 * put back where it was.
 */

export interface DemoCampaignJob {
  key: string;
  jobId: number;
  expected: DemoExpectation;
  postingId: number | null;
}

export interface DemoCampaign {
  jobs: DemoCampaignJob[];
}

const gridLabels: Record<string, string> = {
  RG: 'Régime général',
  MSA: 'Régime agricole',
  MINES: 'Régime des mines',
  RS: 'Régimes spéciaux',
  ARS: 'ARS',
};
const categoryLabels: Record<string, string> = {
  EMPLOYE: 'Employé',
  CADRE: 'Cadre',
  AGENT_DE_DIRECTION: 'Agent de direction',
  AGENT_COMPTABLE: 'Agent comptable',
};
const familyLabels: Record<string, string> = {
  MANAGEMENT: 'Management',
  COMPTABILITE: 'Comptabilité',
  CHEF_DE_SERVICE: 'Chef de service',
};
const agreementLabels: Record<string, string> = { CCNT_RG: 'CCNT du 8 février 1957', CCN_MSA: 'CCN MSA' };

/** The old demo's canonical keys as the values a recruiter picks in the tenant's lists. */
export function classificationOf(fields: Record<string, string>): ClassificationInput {
  const c: ClassificationInput = {};
  const label = (table: Record<string, string>, value: string | undefined) =>
    value === undefined ? undefined : (table[value] ?? value);
  const set = (key: keyof ClassificationInput, value: string | undefined) => {
    if (value !== undefined) c[key] = value;
  };
  set('grid', label(gridLabels, fields.CLASSIFICATION_GRID));
  set('level', fields.CLASSIFICATION_LEVEL);
  set('category', label(categoryLabels, fields.JOB_CATEGORY));
  set('family', label(familyLabels, fields.JOB_FAMILY));
  set('agreement', label(agreementLabels, fields.COLLECTIVE_AGREEMENT));
  set('minesScale', fields.MINES_SCALE);
  set(
    'minesCareerStart',
    fields.MINES_CAREER_START === undefined ? undefined : fields.MINES_CAREER_START === 'true' ? 'oui' : 'non',
  );
  return c;
}

export interface DemoCampaignDeps {
  driver: TenantDriver;
  directory: Directory;
  clock: SandboxClock;
}

export function seedDemoCampaign(deps: DemoCampaignDeps, options: { now?: Date } = {}): DemoCampaign {
  const { driver, directory, clock } = deps;
  const now = options.now ?? clock.now();
  const recruiters = [...directory.users.values()].filter((u) => u.login.startsWith('recruteur')).map((u) => u.id);
  const departments = directory.allDepartments();
  // A fallback body for an organisation the tree lacks: the root, so the offer stays undetermined.
  const root = departments.find((d) => d.parentId === null)!;
  const december = DateTime.fromJSDate(now, { zone: 'Europe/Paris' })
    .minus({ years: 1 })
    .set({ month: 12, day: 15, hour: 10, minute: 0, second: 0, millisecond: 0 });
  const before = clock.describe();

  const create = (offer: DemoOffer, index: number): DemoCampaignJob => {
    const organizationId = departments.find((d) => d.code === offer.org.code)?.id ?? root.id;
    const recruiterIds = recruiters.length > 0 ? [recruiters[index % recruiters.length]!] : [];
    const job = driver.createJob({
      title: offer.title,
      organizationId,
      recruiterIds,
      classification: classificationOf(offer.fields),
    });
    if (!job.ok) throw new Error(`demo campaign: offer ${offer.key}: ${job.error.message}`);
    const jobId = job.value.id as number;
    let postingId: number | null = null;
    if (offer.timing === 'published-before-window') {
      const posting = driver.publish(jobId);
      if (!posting.ok) throw new Error(`demo campaign: offer ${offer.key}: ${posting.error.message}`);
      postingId = posting.value.id as number;
    }
    return { key: offer.key, jobId, expected: offer.expected, postingId };
  };

  const jobs: DemoCampaignJob[] = [];
  try {
    clock.set(december.toJSDate(), true);
    demoOffers.forEach((offer, index) => {
      if (offer.timing) jobs.push(create(offer, index));
    });
  } finally {
    clock.set(new Date(now.getTime()), before.mode === 'frozen');
  }
  demoOffers.forEach((offer, index) => {
    if (!offer.timing) jobs.push(create(offer, index));
  });
  return { jobs };
}

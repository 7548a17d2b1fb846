import { demoOffers, type DemoOffer } from '../../connectors/talentlink/tenant/demo-offers.js';
import { seededRandom } from '../support/seeded-random.js';

/**
 * The chaos campaign as data: for each offer, the body and classification a recruiter fills in
 * the tenant, and the script of what the people around the ATS do with it. Pure and seeded: the
 * same seed and size give the same scenario, so a failing run can be played again.
 *
 * Bodies and levels come from the demo campaign's catalogue, whose `expected` scope was written
 * by hand from the Instruction DSS/4B/2026/34 (not computed by the eligibility code): that is
 * what lets the oracle stay independent of the connector's own rules.
 *
 * What people can do is what the real tenant lets them (docs/talentlink.md §6): a recruiter adds approvers and
 * "Soumettre pour approbation" (the connector cannot), publishes (refused while the job has
 * approvers and is not approved, during the période), closes; EN3S approves or refuses the
 * submissions it is an approver of. A premature posting can only happen before the EN3S approver
 * is on the job: the recruiter publishes right after creating it.
 */

export type Scope = 'concerned' | 'not-concerned' | 'undetermined';

/** Who puts the EN3S approver on the job: the connector, or the recruiter right after creating it. */
export type ApproverBy = 'connector' | 'recruiter';
export type En3sAnswer = 'validate' | 'refuse' | 'never';
export type OutOfScopeAct = 'nothing' | 'publish' | 'close';

export interface OfferScript {
  index: number;
  /** In the title, so a job of the tenant can be matched to its script by eye. */
  tag: string;
  template: string;
  scope: Scope;
  /** The body's code in the tenant's organisation tree. */
  organizationCode: string;
  title: string;
  /** The catalogue's canonical fields (`CLASSIFICATION_GRID`…), entered as the tenant's lists say. */
  fields: Record<string, string>;
  /** Milliseconds after the start of the run at which the recruiter creates the offer. */
  createAtMs: number;
  /** For offers the période EN3S applies to (concerned, or undetermined treated as concerned). */
  inProcess: {
    approverBy: ApproverBy;
    /**
     * The recruiter publishes at once, before anyone set an approver: a premature posting (if the connector was not
     * faster).
     */
    publishAtOnce: boolean;
    /** The recruiter submits once the EN3S approver is on the job (asked by e-mail); false: never does. */
    submits: boolean;
    /** What EN3S does with a submission the connector showed it. */
    answer: En3sAnswer;
    /** After EN3S's answer (or while it waits): "Publier" — allowed once approved, refused otherwise. */
    publishAfterAnswer: boolean;
    /** The recruiter closes the offer while it still waits (never after an answer). */
    close: boolean;
    /** Pauses of the actors, in milliseconds after what they wait for. */
    delays: { submit: number; answer: number; publish: number; close: number };
  } | null;
  /** For offers out of scope. */
  outOfScope: { act: OutOfScopeAct; delayMs: number } | null;
}

export interface Scenario {
  seed: number;
  offers: OfferScript[];
}

export interface ScenarioOptions {
  seed: number;
  offers: number;
  /** Offers created per second, at a steady pace. */
  ratePerSecond: number;
}

const catalogue = (scope: Scope): DemoOffer[] => demoOffers.filter((o) => o.expected === scope && !o.timing);

/** Share of each scope among the offers. */
const scopeWeights: [Scope, number][] = [
  ['concerned', 0.55],
  ['undetermined', 0.1],
  ['not-concerned', 0.35],
];

export function generateScenario(options: ScenarioOptions): Scenario {
  if (!Number.isInteger(options.offers) || options.offers < 1)
    throw new RangeError(`scenario: offers must be a positive integer, got ${options.offers}`);
  if (!(options.ratePerSecond > 0))
    throw new RangeError(`scenario: ratePerSecond must be > 0, got ${options.ratePerSecond}`);
  const rng = seededRandom(options.seed);
  const weighted = <T>(items: [T, number][]): T => {
    let draw = rng.next() * items.reduce((sum, [, w]) => sum + w, 0);
    for (const [item, weight] of items) {
      draw -= weight;
      if (draw < 0) return item;
    }
    return items[items.length - 1]![0];
  };
  const pause = (max: number) => rng.int(0, max);
  const offers: OfferScript[] = [];
  for (let index = 0; index < options.offers; index++) {
    const scope = weighted(scopeWeights);
    const template = rng.pick(catalogue(scope));
    const tag = `CHAOS${String(index + 1).padStart(5, '0')}`;
    const base = {
      index,
      tag,
      template: template.key,
      scope,
      organizationCode: template.org.code,
      title: `${template.title} [${tag}]`,
      fields: template.fields,
      createAtMs: Math.round((index * 1000) / options.ratePerSecond),
    };
    if (scope === 'not-concerned') {
      const act = weighted<OutOfScopeAct>([
        ['nothing', 0.4],
        ['publish', 0.4],
        ['close', 0.2],
      ]);
      offers.push({ ...base, inProcess: null, outOfScope: { act, delayMs: pause(1500) } });
      continue;
    }
    const approverBy = weighted<ApproverBy>([
      ['connector', 0.75],
      ['recruiter', 0.25],
    ]);
    const publishAtOnce = approverBy === 'connector' && rng.chance(0.15);
    const submits = rng.chance(0.85);
    const answer = submits
      ? weighted<En3sAnswer>([
          ['validate', 0.45],
          ['refuse', 0.25],
          ['never', 0.3],
        ])
      : 'never';
    const publishAfterAnswer = rng.chance(0.5);
    const close = answer === 'never' && rng.chance(0.3);
    offers.push({
      ...base,
      inProcess: {
        approverBy,
        publishAtOnce,
        submits,
        answer,
        publishAfterAnswer,
        close,
        delays: { submit: pause(1500), answer: pause(2000), publish: pause(1500), close: pause(1500) },
      },
      outOfScope: null,
    });
  }
  return { seed: options.seed, offers };
}

/** Counts of each kind of script, for the summary and to check the mix. */
export function describeScenario(scenario: Scenario): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  for (const offer of scenario.offers) {
    add(`scope:${offer.scope}`);
    if (offer.inProcess) {
      add(`approverBy:${offer.inProcess.approverBy}`);
      add(`answer:${offer.inProcess.answer}`);
      if (offer.inProcess.publishAtOnce) add('publishAtOnce');
      if (!offer.inProcess.submits) add('neverSubmits');
      if (offer.inProcess.publishAfterAnswer) add('publishAfterAnswer');
      if (offer.inProcess.close) add('close');
    }
    if (offer.outOfScope) add(`outOfScope:${offer.outOfScope.act}`);
  }
  return counts;
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

/**
 * The catalogue's canonical fields as the values a recruiter picks in the tenant's lists (the
 * same reading as the tenant's demo campaign, `classificationOf`, kept here until the copy of
 * the tenant in this worktree carries it).
 */
export function classificationOf(fields: Record<string, string>): Record<string, string> {
  const c: Record<string, string> = {};
  const set = (key: string, table: Record<string, string> | null, value: string | undefined) => {
    if (value !== undefined) c[key] = table ? (table[value] ?? value) : value;
  };
  set('grid', gridLabels, fields.CLASSIFICATION_GRID);
  set('level', null, fields.CLASSIFICATION_LEVEL);
  set('category', categoryLabels, fields.JOB_CATEGORY);
  set('family', familyLabels, fields.JOB_FAMILY);
  set('agreement', agreementLabels, fields.COLLECTIVE_AGREEMENT);
  set('minesScale', null, fields.MINES_SCALE);
  if (fields.MINES_CAREER_START !== undefined)
    c.minesCareerStart = fields.MINES_CAREER_START === 'true' ? 'oui' : 'non';
  return c;
}

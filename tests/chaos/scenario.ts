import { demoOffers, type DemoOffer } from '../../connectors/talentlink/sandbox/index.js';
import { seededRandom } from '../support/seeded-random.js';

/**
 * The chaos campaign as data: for each offer, the body and level a recruiter fills in, and the
 * script of what the people around the ATS do with it. Pure and seeded: the same seed and size
 * give the same scenario, so a failing run can be played again.
 *
 * Bodies and levels come from the demo campaign's catalogue, whose `expected` scope was written
 * by hand from the Instruction DSS/4B/2026/34 (not computed by the eligibility code): that is
 * what lets the oracle stay independent of the connector's own rules.
 */

export type Scope = 'concerned' | 'not-concerned' | 'undetermined';

/** Who puts the approval team on and starts the approval: the connector, or the recruiter (in part or all). */
export type Submission = 'connector' | 'recruiter-team' | 'recruiter-submits';
export type En3sAnswer = 'validate' | 'refuse' | 'never';
export type OutOfScopeAct = 'nothing' | 'publish' | 'close';

export interface OfferScript {
  index: number;
  /** Given at creation, so the report's references can be matched to the scenario. */
  jobNumber: string;
  template: string;
  scope: Scope;
  organization: { code: string; name: string };
  title: string;
  customFields: Record<string, string>;
  /** Milliseconds after the start of the run at which the recruiter creates the offer. */
  createAtMs: number;
  /** For offers the EN3S period applies to (concerned, or undetermined treated as concerned). */
  inProcess: {
    submission: Submission;
    /** The recruiter publishes behind the lock's back once the offer waits for EN3S: a violation. */
    forcePublish: boolean;
    answer: En3sAnswer;
    /** After EN3S's answer (or while it waits): "Publier" — allowed after "validé", refused by the lock otherwise. */
    publishAfterAnswer: boolean;
    /** The recruiter closes the offer while it still waits for EN3S (never with a violation). */
    close: boolean;
    /** Pauses of the actors, in milliseconds after what they wait for. */
    delays: { forcePublish: number; answer: number; publish: number; close: number };
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

/** EN3S's answer comes at least this long after a forced publication: instants in the ATS are to the second. */
export const ANSWER_AFTER_FORCED_MS = 1_500;

const catalogue = (scope: Scope): DemoOffer[] => demoOffers.filter((o) => o.expected === scope && !o.timing);

/** Share of each scope among the offers. */
const scopeWeights: [Scope, number][] = [
  ['concerned', 0.55],
  ['undetermined', 0.1],
  ['not-concerned', 0.35],
];

export function generateScenario(options: ScenarioOptions): Scenario {
  if (!Number.isInteger(options.offers) || options.offers < 1) throw new RangeError(`scenario: offers must be a positive integer, got ${options.offers}`);
  if (!(options.ratePerSecond > 0)) throw new RangeError(`scenario: ratePerSecond must be > 0, got ${options.ratePerSecond}`);
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
    const base = {
      index,
      jobNumber: `CHAOS${String(index + 1).padStart(5, '0')}`,
      template: template.key,
      scope,
      organization: template.org,
      title: template.title,
      customFields: template.fields,
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
    const submission = weighted<Submission>([
      ['connector', 0.6],
      ['recruiter-team', 0.2],
      ['recruiter-submits', 0.2],
    ]);
    const forcePublish = rng.chance(0.12);
    const answer = weighted<En3sAnswer>([
      ['validate', 0.45],
      ['refuse', 0.25],
      ['never', 0.3],
    ]);
    const publishAfterAnswer = rng.chance(0.6);
    const close = answer === 'never' && !forcePublish && rng.chance(0.3);
    offers.push({
      ...base,
      inProcess: {
        submission,
        forcePublish,
        answer,
        publishAfterAnswer,
        close,
        delays: { forcePublish: pause(1500), answer: pause(3000) + (forcePublish ? ANSWER_AFTER_FORCED_MS : 0), publish: pause(1500), close: pause(1500) },
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
      add(`submission:${offer.inProcess.submission}`);
      add(`answer:${offer.inProcess.answer}`);
      if (offer.inProcess.forcePublish) add('forcePublish');
      if (offer.inProcess.publishAfterAnswer) add('publishAfterAnswer');
      if (offer.inProcess.close) add('close');
    }
    if (offer.outOfScope) add(`outOfScope:${offer.outOfScope.act}`);
  }
  return counts;
}

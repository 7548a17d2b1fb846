import { describe, expect, it } from 'vitest';
import { stepsOf } from './actors.js';
import { expectedOffer, expectedViolations } from './oracle.js';
import { ANSWER_AFTER_FORCED_MS, describeScenario, generateScenario } from './scenario.js';

/** The chaos scenario and its oracle, on their own: pure, seeded, and covering every script. */

describe('the chaos scenario', () => {
  const scenario = generateScenario({ seed: 7, offers: 2_000, ratePerSecond: 20 });

  it('is the same for the same seed and another for another seed', () => {
    expect(generateScenario({ seed: 7, offers: 2_000, ratePerSecond: 20 })).toEqual(scenario);
    expect(generateScenario({ seed: 8, offers: 2_000, ratePerSecond: 20 })).not.toEqual(scenario);
  });

  it('plays every kind of offer and actor', () => {
    const counts = describeScenario(scenario);
    for (const kind of [
      'scope:concerned',
      'scope:not-concerned',
      'scope:undetermined',
      'submission:connector',
      'submission:recruiter-team',
      'submission:recruiter-submits',
      'answer:validate',
      'answer:refuse',
      'answer:never',
      'forcePublish',
      'publishAfterAnswer',
      'close',
      'outOfScope:nothing',
      'outOfScope:publish',
      'outOfScope:close',
    ]) {
      expect(counts[kind], kind).toBeGreaterThan(0);
    }
    expect(new Set(scenario.offers.map((o) => o.jobNumber)).size).toBe(2_000);
    expect(scenario.offers.at(-1)!.createAtMs).toBe(Math.round((1_999 * 1000) / 20));
  });

  it('leaves EN3S time to answer after a forced publication (the ATS writes instants to the second)', () => {
    for (const offer of scenario.offers.filter((o) => o.inProcess?.forcePublish)) {
      const steps = stepsOf(offer);
      const forced = steps.findIndex((s) => s.act === 'force-publish');
      const answer = steps.findIndex((s) => s.act === 'validate' || s.act === 'refuse');
      if (answer > 0) expect(steps[answer]!.delayMs).toBeGreaterThanOrEqual(ANSWER_AFTER_FORCED_MS);
      expect(forced).toBeGreaterThan(0);
      expect(offer.inProcess!.close).toBe(false);
    }
  });

  it('expects what the rules say for a few scripts', () => {
    const base = scenario.offers.find((o) => o.inProcess)!;
    const withScript = (p: Partial<NonNullable<typeof base.inProcess>>) => expectedOffer({ ...base, inProcess: { ...base.inProcess!, ...p } });
    expect(withScript({ submission: 'connector', forcePublish: true, answer: 'validate', publishAfterAnswer: true, close: false })).toMatchObject({
      service: { state: 'approved', violation: true },
      ats: { locked: false, approval: 'APPROVED', postings: ['WITHDRAWN', 'PUBLISHED'], en3sTeam: true },
      effects: { teamAssignmentsApplied: 1, locksApplied: 1, unlocksApplied: 1, withdrawalsApplied: 1, postingsPublished: 2, publicationsForcedThroughLock: 1 },
    });
    expect(withScript({ submission: 'recruiter-submits', forcePublish: false, answer: 'refuse', publishAfterAnswer: true, close: false })).toMatchObject({
      service: { state: 'refused', violation: false },
      ats: { locked: true, approval: 'REJECTED', postings: ['DRAFT'] },
      effects: { teamAssignmentsApplied: 0, approvalsStarted: 1, unlocksApplied: 0, publicationsRefusedByLock: 1, postingsPublished: 0 },
    });
    expect(withScript({ forcePublish: false, answer: 'never', publishAfterAnswer: false, close: true })).toMatchObject({
      service: { state: 'closed' },
      ats: { status: 'CLOSED', locked: true, approval: 'IN_PROGRESS' },
    });
    const outOfScope = scenario.offers.find((o) => o.outOfScope?.act === 'publish')!;
    expect(expectedOffer(outOfScope)).toMatchObject({ service: { state: 'not_concerned', concerned: 'no' }, ats: { locked: false, en3sTeam: false, postings: ['PUBLISHED'] } });
    expect(expectedViolations(scenario)).toEqual(scenario.offers.filter((o) => expectedOffer(o).service.violation).map((o) => o.jobNumber).sort());
  });
});

import { describe, expect, it } from 'vitest';
import { stepsOf } from './actors.js';
import { expectedAnswers, expectedOffer, expectedViolations, STATUS } from './oracle.js';
import { classificationOf, describeScenario, generateScenario, type OfferScript } from './scenario.js';

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
      'approverBy:connector',
      'approverBy:recruiter',
      'answer:validate',
      'answer:refuse',
      'answer:never',
      'publishAtOnce',
      'neverSubmits',
      'publishAfterAnswer',
      'close',
      'outOfScope:nothing',
      'outOfScope:publish',
      'outOfScope:close',
    ]) {
      expect(counts[kind], kind).toBeGreaterThan(0);
    }
    expect(new Set(scenario.offers.map((o) => o.tag)).size).toBe(2_000);
    expect(scenario.offers.at(-1)!.createAtMs).toBe(Math.round((1_999 * 1000) / 20));
  });

  it('lets people do only what the tenant allows: EN3S answers submissions, a recruiter submits to an approver', () => {
    for (const offer of scenario.offers.filter((o) => o.inProcess)) {
      const acts = stepsOf(offer).map((s) => s.act);
      const p = offer.inProcess!;
      if (p.answer !== 'never')
        expect(acts.indexOf(p.answer === 'validate' ? 'approve' : 'refuse')).toBeGreaterThan(acts.indexOf('submit'));
      if (!p.submits) expect(p.answer).toBe('never');
      if (p.close) expect(p.answer).toBe('never');
      // A hurried publication can only beat an approver nobody set yet: never after the recruiter's own.
      if (p.publishAtOnce) expect(p.approverBy).toBe('connector');
      for (const step of stepsOf(offer).filter(
        (s) => s.act === 'submit' || s.act === 'publish-after' || s.act === 'close',
      ))
        expect(step.wait).toBe('en3s-on-team');
    }
  });

  it('enters the classification as the tenant lists it', () => {
    expect(classificationOf({ CLASSIFICATION_GRID: 'RG', CLASSIFICATION_LEVEL: '7', JOB_CATEGORY: 'CADRE' })).toEqual({
      grid: 'Régime général',
      level: '7',
      category: 'Cadre',
    });
    expect(classificationOf({ CLASSIFICATION_GRID: 'MINES', MINES_SCALE: '13', MINES_CAREER_START: 'true' })).toEqual({
      grid: 'Régime des mines',
      minesScale: '13',
      minesCareerStart: 'oui',
    });
  });

  it('expects what the rules say for a few scripts', () => {
    const base = scenario.offers.find((o) => o.inProcess && o.scope === 'concerned')!;
    const withScript = (p: Partial<NonNullable<OfferScript['inProcess']>>): OfferScript => ({
      ...base,
      inProcess: { ...base.inProcess!, ...p },
    });
    const early = withScript({
      approverBy: 'connector',
      publishAtOnce: true,
      submits: true,
      answer: 'validate',
      publishAfterAnswer: true,
      close: false,
    });
    expect(expectedOffer(early, { prematurePosting: true })).toMatchObject({
      service: { state: 'approved', violation: true, concerned: 'yes' },
      ats: { status: STATUS.approved, en3sApprover: true, livePostings: 1 },
      effects: { approverSet: [1, 1], unposted: 1 },
    });
    // The connector was quicker: the publication was refused, no breach.
    expect(expectedOffer(early, { prematurePosting: false })).toMatchObject({
      service: { violation: false },
      effects: { unposted: 0 },
    });
    expect(
      expectedOffer(
        withScript({
          approverBy: 'recruiter',
          publishAtOnce: false,
          submits: true,
          answer: 'refuse',
          publishAfterAnswer: true,
          close: false,
        }),
        { prematurePosting: false },
      ),
    ).toMatchObject({
      service: { state: 'refused', violation: false },
      ats: { status: STATUS.refused, livePostings: 0 },
      effects: { approverSet: [0, 1], unposted: 0 },
    });
    expect(
      expectedOffer(withScript({ submits: false, answer: 'never', publishAtOnce: true, close: false }), {
        prematurePosting: true,
      }),
    ).toMatchObject({
      service: { state: 'awaiting_submission', violation: true },
      ats: { status: STATUS.open, livePostings: 0 },
    });
    expect(
      expectedOffer(withScript({ submits: true, answer: 'never', close: false, publishAtOnce: false }), {
        prematurePosting: false,
      }).service.state,
    ).toBe('submitted');
    expect(expectedOffer(withScript({ answer: 'never', close: true }), { prematurePosting: false })).toMatchObject({
      service: { state: 'closed' },
      ats: { status: STATUS.closed },
    });
    expect(expectedAnswers(withScript({ answer: 'refuse' }), 'publish-after')).toEqual([409]);
    expect(expectedAnswers(withScript({ answer: 'validate' }), 'publish-after')).toEqual([201]);

    const undetermined = scenario.offers.find((o) => o.scope === 'undetermined' && o.inProcess)!;
    expect(expectedOffer(undetermined, { prematurePosting: false }).service).toMatchObject({
      concerned: 'undetermined',
      reviewNeeded: true,
    });
    const outOfScope = scenario.offers.find((o) => o.outOfScope?.act === 'publish')!;
    expect(expectedOffer(outOfScope, { prematurePosting: false })).toMatchObject({
      service: { state: 'not_concerned', concerned: 'no' },
      ats: { en3sApprover: false, livePostings: 1, status: STATUS.open },
      effects: { approverSet: [0, 0], unposted: 0 },
    });
    const played = scenario.offers
      .slice(0, 200)
      .map((script, i) => ({ script, jobNumber: `REF-${i}`, observed: { prematurePosting: i % 2 === 0 } }));
    expect(expectedViolations(played)).toEqual(
      played
        .filter((p) => p.script.inProcess?.publishAtOnce && p.observed.prematurePosting)
        .map((p) => p.jobNumber)
        .sort(),
    );
  });
});

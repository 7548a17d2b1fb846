import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/eligibility.js';
import { classificationGrids } from '../../../src/domain/offer.js';
import { generateOffers } from '../../bench/generate-offers.js';
import { createJsonRulesEligibility, difference, jreInput } from '../../bench/json-rules-engine-rules.js';
import { data, talentlink } from '../../support/domain.js';

/**
 * Guards the fairness of the eligibility bench: its offers are the same on every run, cover every
 * body, grid, label and case the texts know, and json-rules-engine decides them as `evaluate` does.
 * No timing here.
 */

const generated = generateOffers(5_000, data, talentlink);
const { offers, instants } = generated;
const decisions = offers.map((offer, i) => evaluate(offer, instants[i]!, data.ruleSets));

describe('bench offers generator', () => {
  it('is deterministic: the same seed gives the same offers and instants, another seed others', () => {
    const again = generateOffers(5_000, data, talentlink);
    expect(again.offers).toEqual(offers);
    expect([...again.instants]).toEqual([...instants]);
    const other = generateOffers(5_000, data, talentlink, 42);
    expect([...other.instants]).not.toEqual([...instants]);
  });

  it('covers every body type of organismes.yaml, unknown bodies, and every time zone', () => {
    const types = new Set(offers.map((o) => o.organism?.type ?? null));
    expect(data.organismsFile.types.map((t) => t.key).filter((k) => !types.has(k))).toEqual([]);
    expect(types.has(null)).toBe(true);
    const zones = new Set(offers.map((o) => o.organism?.timeZone));
    for (const zone of [
      data.organismsFile.defaultTimeZone,
      ...data.organismsFile.territories.map((t) => t.timeZone),
      null,
    ])
      expect(zones).toContain(zone);
  });

  it('uses every grid, and every label each text knows for the bodies of its régime', () => {
    expect(new Set(offers.map((o) => o.classification.grid))).toEqual(new Set([...classificationGrids, null]));
    const regimeOfType = new Map(data.organismsFile.types.map((t) => [t.key, t.regime]));
    for (const file of data.ruleSetFiles) {
      for (const regime of file.regimes) {
        if (regime.criterion.kind !== 'levels') continue;
        const labels = new Set(
          offers
            .filter((o) => o.organism && regimeOfType.get(o.organism.type) === regime.key)
            .map((o) => o.classification.level),
        );
        expect(
          [...regime.criterion.knownLevels].filter((l) => !labels.has(l)),
          `${file.id} ${regime.key}`,
        ).toEqual([]);
      }
    }
    const levels = new Set(offers.map((o) => o.classification.level));
    for (const label of ['4B', '5A', '5B', 'K', 'N', 'VII', 'IX', '7BIS', null]) expect(levels).toContain(label);
  });

  it('has agents de direction, ARS agreements and the mines fields', () => {
    expect(new Set(offers.map((o) => o.classification.category))).toEqual(
      new Set(['CADRE', 'EMPLOYE', 'AGENT_DE_DIRECTION', 'AGENT_COMPTABLE', null]),
    );
    const ars = offers.filter((o) => o.organism?.type === 'ARS').map((o) => o.classification.collectiveAgreement);
    expect(new Set(ars)).toEqual(new Set(['CCNT_RG', 'PUBLIC', 'OTHER', null]));
    const mines = offers.filter((o) => o.organism?.type === 'CANSSM').map((o) => o.classification);
    expect(new Set(mines.map((c) => c.minesScale))).toEqual(new Set([12, 13, 14, null]));
    expect(new Set(mines.map((c) => c.minesCareerStart))).toEqual(new Set([true, false, null]));
  });

  it('spreads instants over 2025–2028: both texts, inside and outside the window, every kind of answer', () => {
    expect(new Set([...instants].map((ms) => new Date(ms).getUTCFullYear()))).toEqual(
      new Set([2024, 2025, 2026, 2027, 2028]),
    );
    expect(new Set(decisions.map((d) => d.ruleSet))).toEqual(new Set(data.ruleSetFiles.map((f) => f.id)));
    expect(new Set(decisions.map((d) => d.windowOpen))).toEqual(new Set([true, false]));
    expect(new Set(decisions.map((d) => d.requiresEn3sApproval))).toEqual(new Set([true, false, null]));
    const codes = new Set(decisions.flatMap((d) => d.reasons.map((r) => r.code)));
    for (const code of [
      'LEVEL_IN_SCOPE',
      'LEVEL_OUT_OF_SCOPE',
      'LEVEL_UNKNOWN',
      'LEVEL_MISSING',
      'AGENT_DE_DIRECTION',
      'ORGANISM_UNKNOWN',
      'BODY_REMOVED',
      'GRID_MISMATCH',
      'GRID_UNREADABLE',
      'MINES_IN_SCOPE',
      'MINES_OUT_OF_SCOPE',
      'MINES_DATA_MISSING',
      'AGREEMENT_OUT_OF_SCOPE',
      'TERRITORY_UNKNOWN',
    ]) {
      expect(codes, code).toContain(code);
    }
  });
});

describe('json-rules-engine encoding of the rule sets', () => {
  it('gives the same decisions as evaluate on 2,000 offers', async () => {
    const jre = createJsonRulesEligibility(data.ruleSetFiles);
    const differences: string[] = [];
    for (let i = 0; i < 2_000; i++) {
      const diff = difference(decisions[i]!, await jre.decide(jreInput(offers[i]!, instants[i]!, data.ruleSets)));
      if (diff) differences.push(`offer ${i}: ${diff}`);
    }
    expect(differences.slice(0, 3)).toEqual([]);
  });

  it('would notice a disagreement', async () => {
    const jre = createJsonRulesEligibility(data.ruleSetFiles);
    const i = decisions.findIndex((d) => d.concerned === true);
    const theirs = await jre.decide(jreInput(offers[i]!, instants[i]!, data.ruleSets));
    expect(difference(decisions[i]!, theirs)).toBeNull();
    expect(difference(decisions[i]!, { ...theirs, concerned: false })).toContain('json-rules-engine');
  });

  it('reads the bodies from the rule set files rather than holding its own list', () => {
    const [file] = data.ruleSetFiles;
    const altered = {
      ...file!,
      regimes: file!.regimes.map((r) =>
        r.key === 'general' ? { ...r, bodies: r.bodies.filter((b) => b !== 'CPAM') } : r,
      ),
    };
    const cpam = offers.findIndex(
      (o, i) =>
        o.organism?.type === 'CPAM' &&
        decisions[i]!.ruleSet === file!.id &&
        decisions[i]!.reasons[0]!.code === 'LEVEL_IN_SCOPE',
    );
    return createJsonRulesEligibility([altered])
      .decide(jreInput(offers[cpam]!, instants[cpam]!, data.ruleSets))
      .then((d) => expect(d.reasons[0]?.code).toBe('BODY_NOT_COVERED'));
  });
});

import { afterEach, describe, expect, it } from 'vitest';
import { loadTalentLinkMapping, toOffer } from '../../../connectors/talentlink/mapping.js';
import { createSandbox, defaultDemoInstant, demoOffers, type Sandbox } from '../../../connectors/talentlink/sandbox/index.js';
import { evaluate } from '../../../src/domain/eligibility.js';
import { loadDomainData } from '../../../src/mappings/load.js';
import { waitFor } from './helpers.js';

const sandboxes: Sandbox[] = [];
afterEach(async () => {
  while (sandboxes.length > 0) await sandboxes.pop()!.stop();
});
function fresh(): Sandbox {
  const s = createSandbox({ seed: 11, rateLimitPerSecond: 0 });
  sandboxes.push(s);
  return s;
}

const specKeys = ['CLASSIFICATION_GRID', 'CLASSIFICATION_LEVEL', 'MINES_SCALE', 'MINES_CAREER_START', 'JOB_FAMILY', 'JOB_CATEGORY', 'COLLECTIVE_AGREEMENT'];
const now = '2027-01-20T09:00:00Z';

describe('demo campaign', () => {
  it('creates a few dozen offers from bodies of every régime, with the traps the rules warn about', () => {
    const s = fresh();
    const campaign = s.seedDemoCampaign({ now });
    expect(campaign.jobs.length).toBeGreaterThanOrEqual(30);
    expect(new Set(campaign.jobs.map((j) => j.regime))).toEqual(new Set(['RG', 'MSA', 'MINES', 'RS', 'ARS', 'UNKNOWN']));
    const bodies = new Set(campaign.jobs.map((j) => j.organizationName));
    for (const body of ['CPAM de la Gironde', 'CAF du Nord', 'URSSAF Île-de-France', 'CARSAT Alsace-Moselle', 'CGSS de la Réunion', 'CGSS Martinique', 'CSS de Mayotte', 'MSA Midi-Pyrénées Nord', 'CCMSA', 'CANSSM - Filieris', 'CNIEG', 'CRPCEN', 'CNMSS', 'ENIM', 'Cavimac', 'ARS Occitanie', 'Ucanss', 'Cnav']) {
      expect(bodies, body).toContain(body);
    }
    const levels = new Set(campaign.jobs.map((j) => j.level));
    for (const level of ['5A', '6', '7', '8', '9', 'L', 'H']) expect(levels, level).toContain(level);
    expect(campaign.jobs.some((j) => j.level === null && j.grid === 'RG')).toBe(true);
    const docs = campaign.jobs.map((j) => s.state.job(j.jobId)!);
    expect(docs.some((d) => d.customFields.some((f) => f.key === 'JOB_CATEGORY' && f.value === 'AGENT_DE_DIRECTION'))).toBe(true);
    expect(docs.some((d) => d.customFields.some((f) => f.key === 'MINES_SCALE' && f.value === '13'))).toBe(true);
    for (const doc of docs) for (const field of doc.customFields) expect(specKeys).toContain(field.key);
    const prePublished = docs.find((d) => d.postings.some((p) => p.status === 'PUBLISHED'))!;
    expect(prePublished.postings[0]!.publishedAt! < '2027-01-01').toBe(true);
    expect(docs.every((d) => d.creationDate <= '2027-01-20T09:00:00Z')).toBe(true);
    expect(docs.every((d) => d.createdBy?.email?.endsWith('.example'))).toBe(true);
    expect(s.clock.nowIso() >= now).toBe(true);
  });

  it('is deterministic for a seed and an instant', () => {
    const a = fresh();
    const b = fresh();
    a.seedDemoCampaign({ now, seed: 5 });
    b.seedDemoCampaign({ now, seed: 5 });
    const docs = (s: Sandbox) => [...s.state.jobs.values()].map((d) => ({ ...d, creationDate: d.creationDate }));
    expect(docs(a)).toEqual(docs(b));
    const c = fresh();
    c.seedDemoCampaign({ now, seed: 6 });
    expect(docs(c)).not.toEqual(docs(a));
  });

  it('says of each offer what the eligibility engine decides for it under the instruction of 2026', () => {
    const s = fresh();
    const campaign = s.seedDemoCampaign({ now });
    const domain = loadDomainData();
    const mapping = loadTalentLinkMapping();
    for (const job of campaign.jobs) {
      const decision = evaluate(toOffer(s.state.job(job.jobId)!, mapping, domain.organisms), new Date(now), domain.ruleSets);
      const expected = { concerned: true, 'not-concerned': false, undetermined: null, 'published-before-window': true }[job.expected];
      expect(decision.concerned, `${job.key}: ${decision.reasons.map((r) => r.code).join(', ')}`).toBe(expected);
    }
    expect(demoOffers.filter((o) => o.role).map((o) => o.role).sort()).toEqual(['self-submit', 'violation']);
  });

  it('places the demo inside the next window', () => {
    expect(defaultDemoInstant(new Date('2026-06-15T12:00:00Z')).toISOString()).toBe('2027-01-12T08:00:00.000Z');
    expect(defaultDemoInstant(new Date('2027-03-02T12:00:00Z')).toISOString()).toBe('2027-03-02T12:00:00.000Z');
  });
});

describe('demo life', () => {
  it('answers approvals as EN3S, lets a recruiter submit alone, and publishes behind the lock’s back', async () => {
    const s = fresh();
    const campaign = s.seedDemoCampaign({ now });
    const concerned = campaign.jobs.filter((j) => j.expected === 'concerned' && !j.role).slice(0, 8);
    const life = s.startDemoLife(campaign, { decisionDelayMs: 20, selfSubmitDelayMs: 10, violationDelayMs: 30, recruiterDelayMs: 10, refuseRatio: 0.5 });
    // What the connector does for concerned offers: team, approval, lock.
    s.ops.setPublicationLock(campaign.violationJobId, true, 'Période EN3S');
    for (const job of concerned) {
      s.ops.assignApprovalTeam(job.jobId, 'EN3S dérogation');
      s.ops.startApproval(job.jobId, {});
      s.ops.setPublicationLock(job.jobId, true, 'Période EN3S');
    }
    await waitFor(() => concerned.every((j) => s.state.job(j.jobId)!.approvalProcess?.status !== 'IN_PROGRESS'), 3_000, 'EN3S answers');
    const outcomes = concerned.map((j) => s.state.job(j.jobId)!.approvalProcess!.status);
    expect(outcomes).toContain('APPROVED');
    expect(outcomes).toContain('REJECTED');
    await waitFor(() => life.log.some((l) => l.action === 'recruiter-force-publish'), 3_000, 'the violation');
    const violation = s.state.job(campaign.violationJobId)!;
    expect(violation.postings.some((p) => p.status === 'PUBLISHED')).toBe(true);
    expect(s.counters().perJob[campaign.violationJobId]?.publicationsForcedThroughLock).toBe(1);
    const selfSubmitted = s.state.job(campaign.selfSubmitJobId)!;
    expect(selfSubmitted.approvalProcess?.startedBy).toBe(selfSubmitted.createdBy?.userId);
    // Refused offers stay locked: the recruiter's attempt is refused by the lock.
    const refused = concerned.filter((j) => s.state.job(j.jobId)!.approvalProcess!.status === 'REJECTED');
    await waitFor(() => refused.every((j) => (s.counters().perJob[j.jobId]?.publicationsRefusedByLock ?? 0) === 1), 3_000, 'refused publications');
    // Once the lock is lifted after a validation, the recruiter publishes.
    const approved = concerned.find((j) => s.state.job(j.jobId)!.approvalProcess!.status === 'APPROVED')!;
    s.ops.setPublicationLock(approved.jobId, false);
    await waitFor(() => s.state.job(approved.jobId)!.postings.some((p) => p.status === 'PUBLISHED'), 3_000, 'publication after validation');
    // Same seed, same answers: drawn per job, not from the order of events.
    const again = fresh();
    const campaign2 = again.seedDemoCampaign({ now });
    again.startDemoLife(campaign2, { decisionDelayMs: 5, selfSubmitDelayMs: 10_000, violationDelayMs: 10_000, refuseRatio: 0.5 });
    for (const job of [...concerned].reverse()) {
      again.ops.assignApprovalTeam(job.jobId, 'EN3S dérogation');
      again.ops.startApproval(job.jobId, {});
    }
    await waitFor(() => concerned.every((j) => again.state.job(j.jobId)!.approvalProcess?.status !== 'IN_PROGRESS'), 3_000, 'EN3S answers, again');
    expect(concerned.map((j) => again.state.job(j.jobId)!.approvalProcess!.status)).toEqual(outcomes);
    life.stop();
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { JobDocument } from '../../../connectors/talentlink/job-document.js';
import type { OfferMemory } from '../../../src/domain/workflow.js';
import { docEvent, JobStory, step } from '../../support/workflow.js';

/**
 * Any order and any duplication of the same events ends in the same state: the workflow reads
 * the newest document and sticky facts, never the order of arrival.
 */
const T = (day: number, hour = 10) => `2027-02-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+01:00`;

const specs = [
  { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' },
  { orgName: 'CAF du Nord', grid: 'RG', level: '5A' },
  { orgName: 'Mutuelle des Lilas', grid: 'RG', level: '8' },
  { orgName: 'CGSS de La Réunion', grid: 'RG', level: '9' },
];

type Step = 'team' | 'lock' | 'start' | 'publish' | 'withdraw' | 'approve' | 'refuse' | 'publish2';

/** A plausible life of a job, as the successive documents the ATS would send. */
function story(specIndex: number, steps: Step[]): JobDocument[] {
  const job = new JobStory(specs[specIndex]!);
  const docs = [job.doc];
  let day = 1;
  let decided = false;
  let started = false;
  let live = false;
  let postings = 1;
  for (const s of steps) {
    day += 1;
    if (s === 'team' && !job.doc.teams.some((t) => t.role === 'approval')) docs.push(job.addTeam());
    if (s === 'lock') docs.push(job.lock(true));
    if (s === 'start' && !started && job.doc.teams.some((t) => t.role === 'approval')) {
      started = true;
      docs.push(job.startApproval(T(day)));
    }
    if ((s === 'approve' || s === 'refuse') && started && !decided) {
      decided = true;
      docs.push(job.decide(s === 'approve' ? 'APPROVED' : 'REJECTED', T(day)));
    }
    // Each publication is a posting of its own (a re-publication does not erase the first one's dates).
    if ((s === 'publish' || (s === 'publish2' && decided)) && !live) {
      live = true;
      postings += 1;
      docs.push(job.publish(T(day), `p-${postings}`));
    }
    if (s === 'withdraw' && live) {
      live = false;
      docs.push(job.withdraw(T(day), `p-${postings}`));
    }
  }
  return docs;
}

function run(docs: JobDocument[], order: number[]): OfferMemory {
  let memory: OfferMemory | null = null;
  for (const i of order) memory = step(memory, docEvent(docs[i]!, T(20))).memory;
  return memory!;
}

const summary = (m: OfferMemory) => ({
  state: m.state,
  version: m.lastVersion,
  en3s: m.en3s?.decision ?? null,
  violations: m.violations.map((v) => `${v.postingId}@${v.publishedAt}`).sort(),
  reviewNeeded: m.reviewNeeded,
});

describe('workflow properties (fast-check)', () => {
  it('any order and duplication of the same documents ends in the same state', () => {
    const stepArb = fc.constantFrom<Step>('team', 'lock', 'start', 'publish', 'withdraw', 'approve', 'refuse', 'publish2');
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: specs.length - 1 }),
        fc.array(stepArb, { minLength: 1, maxLength: 10 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 30 }),
        (specIndex, steps, noise) => {
          const docs = story(specIndex, steps);
          const inOrder = docs.map((_, i) => i);
          // Every document at least once, in a shuffled order, with duplicates.
          const shuffled = [...inOrder, ...noise.map((n) => n % docs.length)];
          for (let i = shuffled.length - 1; i > 0; i--) {
            const j = (noise[i % noise.length]! + i) % (i + 1);
            [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
          }
          expect(summary(run(docs, shuffled))).toEqual(summary(run(docs, inOrder)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('replaying every document again changes nothing', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom<Step>('team', 'start', 'publish', 'withdraw', 'approve'), { maxLength: 8 }), (steps) => {
        const docs = story(0, steps);
        let memory: OfferMemory | null = null;
        for (const doc of docs) memory = step(memory, docEvent(doc, T(20))).memory;
        for (const doc of docs) {
          const r = step(memory, docEvent(doc, T(20)));
          expect(r.changed).toBe(false);
          expect(r.commands).toEqual([]);
        }
      }),
      { numRuns: 200 },
    );
  });
});

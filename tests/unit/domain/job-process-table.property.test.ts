import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  jobStatusMeanings,
  type JobSnapshot,
  type JobStatusMeaning,
  type TeamMember,
} from '../../../src/domain/job-snapshot.js';
import {
  stepProcess,
  type ProcessEvent,
  type ProcessMemory,
  type ProcessPolicy,
} from '../../../src/domain/job-process.js';
import { describeEntry } from '../../../src/admin/timeline.js';
import { campaignOf } from '../../../src/domain/job-process-observations.js';
import { isExpectedTransition, jobProcessTable, type JobProcessState } from '../../../src/domain/job-process-states.js';
import { drhApprover, en3sApprover, JobStory, statusTexts, stepJob, testPolicy } from '../../support/job-snapshots.js';

/**
 * The process against its state table, on random lives of a job as the ATS can show them: any
 * status in any order (a queue holds a job once however often it changed), approvers and
 * postings coming and going, time passing across the EN3S window, administrators' overrides.
 * The process never throws, every move it makes is in the table or recorded once as
 * unexpected, and a final state stays final.
 */

const teams: TeamMember[][] = [[], [en3sApprover], [drhApprover], [drhApprover, en3sApprover]];
const specs = [
  { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' },
  { orgName: 'CPAM de la Gironde', grid: 'RG', level: '3' },
  { orgName: 'CPAM de la Gironde', grid: 'RG', level: '' },
];
const START = Date.parse('2026-11-15T09:00:00.000Z');
const DAY = 86_400_000;

/**
 * One change of the job as read: any of its status, approvers and postings at once (a queue holds
 * a job once however often it changed), or time passing, or an administrator's override.
 */
type Action =
  | { kind: 'read'; status: JobStatusMeaning | null; team: number | null; posting: 'before' | 'now' | 'gone' | null }
  | { kind: 'tick' }
  | { kind: 'override'; concerned: boolean | null };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('read' as const),
      status: fc.option(fc.constantFrom(...jobStatusMeanings)),
      team: fc.option(fc.integer({ min: 0, max: teams.length - 1 })),
      posting: fc.option(fc.constantFrom('before' as const, 'now' as const, 'gone' as const)),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'tick' as const }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('override' as const), concerned: fc.constantFrom(true, false, null) }),
  },
);

const policy: fc.Arbitrary<ProcessPolicy> = fc
  .record({
    mode: fc.constantFrom('enforce', 'observe'),
    undetermined: fc.constantFrom('treat-as-concerned', 'ignore'),
    removeApproverAtWindowEnd: fc.boolean(),
  })
  .map((p) => ({ ...testPolicy, ...p }) as ProcessPolicy);

/** The event of one action of the job's life at `at`. */
function eventOf(job: JobStory, a: Action, at: string): ProcessEvent {
  if (a.kind === 'override') return { kind: 'override', at, concerned: a.concerned, by: 'admin', reason: 'test' };
  if (a.kind === 'tick') return { kind: 'tick', at };
  const edit: Partial<JobSnapshot> = {};
  if (a.status) Object.assign(edit, { status: a.status, atsStatus: statusTexts[a.status] });
  if (a.team !== null) edit.team = { ...job.snapshot.team, approvers: teams[a.team]! };
  const postings = job.snapshot.postings ?? [];
  if (a.posting === 'gone') edit.postings = postings.slice(1);
  else if (a.posting)
    edit.postings = [
      ...postings,
      {
        id: `p-${Date.parse(at)}`,
        atsStatus: 'Active',
        postedAt: a.posting === 'before' ? '2026-10-01T09:00:00.000Z' : at,
      },
    ];
  return { kind: 'snapshot', at, snapshot: job.change(at, edit) };
}

describe('the job process against its state table', () => {
  it('never throws, moves only as the table says or records the move as unexpected once, keeps final states', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: specs.length - 1 }),
        policy,
        fc.array(fc.tuple(action, fc.integer({ min: 0, max: 60 })), { minLength: 1, maxLength: 30 }),
        (spec, policy, life) => {
          const job = new JobStory(specs[spec]!, new Date(START).toISOString());
          let memory: ProcessMemory = stepJob(
            null,
            { kind: 'snapshot', at: job.snapshot.fetchedAt, snapshot: job.snapshot },
            policy,
          ).memory;
          let clock = START;
          for (const [a, days] of life) {
            clock += days * DAY + 1;
            const event = eventOf(job, a, new Date(clock).toISOString());
            // A snapshot read after the window's end belongs to the next campaign: the pipeline
            // keeps a memory per campaign, so the job starts anew there.
            if (event.kind === 'snapshot' && campaignOf(memory.decision, clock) !== memory.campaign) {
              memory = stepJob(null, event, policy).memory;
              continue;
            }
            const result = stepJob(memory, event, policy);
            const from: JobProcessState = memory.state;
            const to: JobProcessState = result.memory.state;
            const unexpected = result.facts.filter((f) => f.kind === 'transition.unexpected');
            if (isExpectedTransition(from, to)) expect(unexpected).toEqual([]);
            else expect(unexpected).toEqual([{ kind: 'transition.unexpected', actor: 'system', data: { from, to } }]);
            if (jobProcessTable[from].final) expect(to).toBe(from);
            memory = result.memory;
          }
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('records a move outside the table once, as an anomaly worded in the timeline; follows what it observed', () => {
    const job = new JobStory(specs[0]!, '2027-01-01T02:00:00.000Z');
    const seen = stepJob(null, { kind: 'snapshot', at: job.snapshot.fetchedAt, snapshot: job.snapshot });
    expect(seen.memory.state).toBe('awaiting_approver');
    // The body's time zone read anew (another territory): for it the window opens hours later.
    const decision = seen.memory.decision;
    const later = {
      ...decision,
      windowOpen: false,
      requiresEn3sApproval: false,
      window: { ...decision.window, start: '2027-01-01T04:00:00.000Z' },
    };
    const at = '2027-01-01T03:00:00.000Z';
    const result = stepProcess(seen.memory, { kind: 'tick', at }, later, testPolicy);
    expect(result.memory.state).toBe('outside_window');
    const unexpected = result.facts.filter((f) => f.kind === 'transition.unexpected');
    expect(unexpected).toEqual([
      { kind: 'transition.unexpected', actor: 'system', data: { from: 'awaiting_approver', to: 'outside_window' } },
    ]);
    expect(describeEntry('transition.unexpected', unexpected[0]!.data)).toBe(
      'Passage inattendu de « Approbateur EN3S à poser » à « Concernée, hors période » : suivi tel qu’observé',
    );
  });
});

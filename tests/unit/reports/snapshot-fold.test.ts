import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProcessEvent, ProcessMemory } from '../../../src/domain/job-process.js';
import { recordFromMemory } from '../../../src/pipeline/offer-memory.js';
import { LocalDates } from '../../../src/reports/local-dates.js';
import { offerFacts } from '../../../src/reports/projection.js';
import { reportFacts } from '../../../src/reports/rows.js';
import {
  snapshotFromLedger,
  snapshotFromRecord,
  type LedgerFact,
  type OfferSource,
} from '../../../src/reports/snapshot.js';
import { offerHeader } from '../../../src/store/offers.js';
import { drhApprover, JobStory, stepJob } from '../../support/job-snapshots.js';

/**
 * A report "as it stood" folds the ledger; a report "as it stands" reads the process's memory.
 * Both must say the same of a job at every instant, whatever its life: every fact the report
 * shows (approver, submission, answer and its attribution, breaches and take-downs, release,
 * override) must reach the ledger as the memory keeps it.
 */

type Action =
  | 'en3s'
  | 'en3s+drh'
  | 'no-approver'
  | 'submit'
  | 'approve'
  | 'refuse'
  | 'open'
  | 'post'
  | 'down'
  | 'override-out'
  | 'override-clear';
const actions: Action[] = [
  'en3s',
  'en3s+drh',
  'no-approver',
  'submit',
  'approve',
  'refuse',
  'open',
  'post',
  'down',
  'override-out',
  'override-clear',
];

const dates = new LocalDates();

/** What the report says of the job from its stored memory (JSON as the database gives it back), and from the ledger. */
function bothWays(memory: ProcessMemory, ledger: readonly LedgerFact[]) {
  const record = JSON.parse(JSON.stringify(recordFromMemory(memory))) as ReturnType<typeof recordFromMemory>;
  const source: OfferSource = {
    ...offerHeader(record),
    offer: offerFacts(record.offer),
    decision: record.decision,
    timeline_data: record.timeline_data,
  };
  const stands = snapshotFromRecord(source);
  const stood = snapshotFromLedger(ledger);
  return { stands: stands && reportFacts(source, stands, dates), stood: stood && reportFacts(source, stood, dates) };
}

describe('report snapshot: the ledger folded says what the memory says', () => {
  it('for any life of a concerned job in the window, after every event, and after the window closes', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...actions), fc.integer({ min: 1, max: 72 })), {
          minLength: 1,
          maxLength: 14,
        }),
        fc.boolean(),
        (steps, closeWindow) => {
          let at = Date.parse('2027-01-05T09:00:00.000Z');
          const job = new JobStory(
            { orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' },
            new Date(at).toISOString(),
          );
          const ledger: LedgerFact[] = [];
          let memory: ProcessMemory | null = null;
          let posting = 0;
          const apply = (event: ProcessEvent) => {
            const result = stepJob(memory, event);
            memory = result.memory;
            for (const fact of result.facts)
              ledger.push({
                at: event.at,
                kind: fact.kind,
                data: JSON.parse(JSON.stringify(fact.data)),
                actorName: fact.actorName ?? null,
              });
            const { stands, stood } = bothWays(memory, ledger);
            expect(stood).toEqual(stands);
          };
          apply({ kind: 'snapshot', at: job.snapshot.fetchedAt, snapshot: job.snapshot });
          for (const [action, hours] of steps) {
            at += hours * 3_600_000;
            const when = new Date(at).toISOString();
            if (action === 'override-out' || action === 'override-clear') {
              apply({
                kind: 'override',
                at: when,
                concerned: action === 'override-out' ? false : null,
                by: 'admin',
                reason: 'test',
              });
              continue;
            }
            const snapshot =
              action === 'en3s'
                ? job.addEn3s(when)
                : action === 'en3s+drh'
                  ? job.addEn3s(when, [drhApprover])
                  : action === 'no-approver'
                    ? job.approvers(when, [])
                    : action === 'submit'
                      ? job.submit(when)
                      : action === 'approve'
                        ? job.approve(when)
                        : action === 'refuse'
                          ? job.refuse(when)
                          : action === 'open'
                            ? job.status(when, 'OPEN')
                            : action === 'post'
                              ? job.post(when, `p-${++posting}`)
                              : job.takeDown(when, `p-${posting}`);
            apply({ kind: 'snapshot', at: snapshot.fetchedAt, snapshot });
          }
          if (closeWindow) apply({ kind: 'tick', at: '2027-04-30T22:00:01.000Z' });
        },
      ),
      { numRuns: 400 },
    );
  });

  it('reads no memory from a row of the earlier, invented ATS (its states are not those of this process)', () => {
    const source = {
      source: 'talentlink',
      ats_id: 'j-1',
      campaign: 2027,
      state: 'approval_started',
      job_number: 'NVHADD00001',
      title: 'Chef de service',
      organism_type: 'CPAM',
      organism_name: 'CPAM de la Gironde',
      offer: {
        createdAt: '2027-01-05T09:00:00Z',
        organizationName: 'CPAM de la Gironde',
        grid: 'RG',
        level: '8',
        minesScale: null,
        networks: ['Cnam'],
        postings: [],
      },
      decision: {} as never,
      timeline_data: {
        stateSince: '2027-01-05T09:00:00Z',
        approval: { at: '2027-01-05T09:00:00Z', by: 'connector', dueDate: '2027-01-15' },
      },
    } satisfies OfferSource;
    expect(snapshotFromRecord(source)).toBeNull();
    // Nor from its ledger: a state of the earlier process is not one of this one.
    expect(
      snapshotFromLedger([
        { at: '2027-01-05T09:00:00Z', kind: 'decision', data: {} },
        { at: '2027-01-05T09:00:00Z', kind: 'state.changed', data: { to: 'approval_started' } },
      ]),
    ).toBeNull();
  });
});

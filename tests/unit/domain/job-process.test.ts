import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { evaluate } from '../../../src/domain/eligibility.js';
import type { JobSnapshot, JobStatusMeaning, TeamMember } from '../../../src/domain/job-snapshot.js';
import { jobProcessTable } from '../../../src/domain/job-process-states.js';
import {
  stepProcess,
  type ProcessEvent,
  type ProcessMemory,
  type ProcessPolicy,
  type ProcessResult,
} from '../../../src/domain/job-process.js';
import { data, offerOf } from '../../support/domain.js';
import type { JobSpec } from '../../support/job-documents.js';

const policy: ProcessPolicy = {
  mode: 'enforce',
  undetermined: 'treat-as-concerned',
  removeApproverAtWindowEnd: false,
  askRecruiters: true,
  en3s: { userId: '900', order: 9, stepOrder: 1, role: 'dérogation EN3S' },
};
const en3s: TeamMember = { userId: '900', order: 9, stepOrder: 1, role: 'dérogation EN3S' };
const drh: TeamMember = { userId: '501', order: 1, stepOrder: 1, role: 'Validation DRH' };
const recruiter: TeamMember = { userId: '101', order: 1, stepOrder: null, role: 'Recruteur' };
const cpam7: JobSpec = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };
const T = (day: string, time = '10:00:00') => `2027-01-${day}T${time}Z`;

/** The life of one job in the ATS as the connector observes it: each change moves `updatedAt`. */
class Job {
  snapshot: JobSnapshot;
  private clock: number;
  constructor(spec: JobSpec, at: string) {
    const offer = offerOf(spec);
    this.clock = Date.parse(at);
    this.snapshot = {
      ...offer,
      updatedAt: at,
      fetchedAt: at,
      organization: { atsId: offer.organization.atsId, name: offer.organization.name, ancestors: [] },
      status: 'DRAFT',
      atsStatus: 'Brouillon',
      team: { recruiters: [recruiter], operationals: [], approvers: [] },
      postings: null,
    };
  }
  change(at: string, edit: Partial<JobSnapshot>): JobSnapshot {
    this.clock = Math.max(this.clock + 1, Date.parse(at));
    const stamp = new Date(this.clock).toISOString();
    this.snapshot = { ...this.snapshot, ...edit, updatedAt: stamp, fetchedAt: stamp };
    return this.snapshot;
  }
  status(at: string, status: JobStatusMeaning): JobSnapshot {
    return this.change(at, { status, atsStatus: status });
  }
  approvers(at: string, approvers: TeamMember[]): JobSnapshot {
    return this.change(at, { team: { ...this.snapshot.team, approvers } });
  }
}

function step(memory: ProcessMemory | null, event: ProcessEvent, p: ProcessPolicy = policy): ProcessResult {
  const snapshot = event.kind === 'snapshot' ? event.snapshot : memory!.snapshot;
  const decision = evaluate(
    { ...offerOf(cpam7), ...snapshot, organization: { ...snapshot.organization, code: '' } } as never,
    new Date(event.at),
    data.ruleSets,
  );
  return stepProcess(memory, event, decision, p);
}
const seen = (memory: ProcessMemory | null, snapshot: JobSnapshot, p?: ProcessPolicy) =>
  step(memory, { kind: 'snapshot', at: snapshot.fetchedAt, snapshot }, p);
const kinds = (r: ProcessResult) => r.commands.map((c) => c.kind);

describe('job process: a concerned job through the période EN3S on the real ATS', () => {
  it('sets the EN3S approver on the whole team as read, then asks the recruiter to submit once it is read back', () => {
    const job = new Job(cpam7, T('05'));
    let r = seen(null, job.snapshot);
    expect(r.memory.state).toBe('awaiting_approver');
    const set = r.commands.find((c) => c.kind === 'set_approver');
    expect(set).toMatchObject({ kind: 'set_approver', team: { recruiters: [recruiter], approvers: [en3s] } });
    expect(set!.idempotencyKey).toContain(`set_approver:${Date.parse(job.snapshot.updatedAt)}`);

    r = seen(r.memory, job.approvers(T('05', '10:00:02'), [en3s]));
    expect(r.memory.state).toBe('awaiting_submission');
    expect(r.memory.approver).toMatchObject({ by: 'connector' });
    expect(r.commands).toContainEqual(
      expect.objectContaining({ kind: 'ask_recruiter', reason: 'submit', recruiterIds: ['101'] }),
    );
    expect(kinds(r)).not.toContain('set_approver');
  });

  it('a submission seen with EN3S alone, then approved: EN3S validated it, and the state is final', () => {
    const job = new Job(cpam7, T('05'));
    let r = seen(null, job.approvers(T('05'), [en3s]));
    r = seen(r.memory, job.status(T('06'), 'PENDING_APPROVAL'));
    expect(r.memory.state).toBe('submitted');
    expect(r.memory.submission).toMatchObject({ en3sIncluded: true, en3sOnly: true, basis: 'seen_pending', turn: 0 });
    r = seen(r.memory, job.status(T('09'), 'APPROVED'));
    expect(r.memory.state).toBe('approved');
    expect(r.memory.answer).toEqual({ status: 'APPROVED', observedAt: job.snapshot.fetchedAt, byEn3s: true });
    expect(jobProcessTable.approved.final).toBe(true);
  });

  it('an approval with EN3S among several approvers is recorded as observed, not as EN3S’s own decision', () => {
    const job = new Job(cpam7, T('05'));
    let r = seen(null, job.approvers(T('05'), [drh, en3s]));
    r = seen(r.memory, job.status(T('06'), 'PENDING_APPROVAL'));
    r = seen(r.memory, job.status(T('09'), 'APPROVED'));
    expect(r.memory.state).toBe('approved');
    expect(r.memory.answer).toMatchObject({ status: 'APPROVED', byEn3s: false });
  });

  it('a refusal with EN3S alone is EN3S’s refusal (final); with several approvers it is only observed', () => {
    const alone = new Job(cpam7, T('05'));
    let r = seen(null, alone.approvers(T('05'), [en3s]));
    r = seen(r.memory, alone.status(T('06'), 'PENDING_APPROVAL'));
    r = seen(r.memory, alone.status(T('07'), 'REFUSED'));
    expect(r.memory.state).toBe('refused');
    expect(r.memory.answer).toMatchObject({ status: 'REFUSED', byEn3s: true });

    const shared = new Job(cpam7, T('05'));
    r = seen(null, shared.approvers(T('05'), [drh, en3s]));
    r = seen(r.memory, shared.status(T('06'), 'PENDING_APPROVAL'));
    r = seen(r.memory, shared.status(T('07'), 'REFUSED'));
    expect(r.memory.state).toBe('refusal_observed');
    expect(r.memory.answer).toBeNull();
    expect(jobProcessTable.refusal_observed.final).toBe(false);
  });

  it('submitted before EN3S joined its approvers, a job did not reach EN3S: the recruiter is asked to resubmit', () => {
    const job = new Job(cpam7, T('05'));
    let r = seen(null, job.approvers(T('05'), [drh]));
    r = seen(r.memory, job.status(T('05', '11:00:00'), 'PENDING_APPROVAL'));
    expect(r.memory.submission).toMatchObject({ en3sIncluded: false });
    expect(r.memory.state).toBe('awaiting_approver');
    r = seen(r.memory, job.approvers(T('05', '11:00:05'), [drh, en3s]));
    expect(r.memory.submission).toMatchObject({ en3sIncluded: null });
    expect(r.memory.state).toBe('awaiting_submission');
    expect(r.commands).toContainEqual(expect.objectContaining({ kind: 'ask_recruiter', reason: 'resubmit' }));
    // Approved, but EN3S's part in that submission cannot be told: not counted as EN3S's answer.
    r = seen(r.memory, job.status(T('08'), 'APPROVED'));
    expect(r.memory.answer).toBeNull();
    expect(r.memory.state).toBe('awaiting_submission');
  });

  it('a live posting before EN3S approved is a violation: enforce mode takes it down, monitor only reports', () => {
    const job = new Job(cpam7, T('05'));
    let r = seen(null, job.approvers(T('05'), [en3s]));
    const posted = job.change(T('06'), {
      status: 'OPEN',
      postings: [{ id: '7001', atsStatus: 'Active', postedAt: T('06', '09:00:00') }],
    });
    const enforced = seen(r.memory, posted);
    expect(enforced.memory.state).toBe('published_without_approval');
    expect(enforced.commands).toContainEqual(expect.objectContaining({ kind: 'take_down', postingIds: ['7001'] }));
    expect(enforced.memory.violations).toEqual([
      {
        postingId: '7001',
        postedAt: T('06', '09:00:00'),
        detectedAt: posted.fetchedAt,
        action: 'take_down',
        goneAt: null,
      },
    ]);
    const down = seen(enforced.memory, job.change(T('06', '10:05:00'), { postings: [] }));
    expect(down.memory.violations[0]!.goneAt).toBe(job.snapshot.fetchedAt);
    expect(down.facts).toContainEqual(expect.objectContaining({ kind: 'posting.gone', data: { postingId: '7001' } }));

    const monitor = { ...policy, mode: 'monitor' as const };
    r = seen(null, new Job(cpam7, T('05')).approvers(T('05'), [en3s]), monitor);
    const watched = seen(r.memory, posted, monitor);
    expect(watched.memory.violations[0]!.action).toBe('report');
    expect(kinds(watched).filter((k) => k !== 'notify_admins')).toEqual([]);
  });

  it('a job published too early then closed is still a breach: the posting is taken down', () => {
    const job = new Job(cpam7, T('05'));
    let r = seen(
      null,
      job.change(T('05'), {
        status: 'OPEN',
        atsStatus: 'Ouverte',
        postings: [{ id: '7002', atsStatus: 'Active', postedAt: T('05') }],
      }),
    );
    r = seen(r.memory, job.status(T('05', '11:00:00'), 'CLOSED'));
    expect(r.memory.state).toBe('closed');
    expect(r.memory.violations.map((v) => v.postingId)).toEqual(['7002']);
    expect(r.commands).toContainEqual(expect.objectContaining({ kind: 'take_down', postingIds: ['7002'] }));
  });

  it('once approved, only a posting made before the job was last read undecided is a breach (approval undated)', () => {
    const job = new Job(cpam7, T('05'));
    let r = seen(null, job.approvers(T('05'), [en3s]));
    // Submitted and approved between two reads, then published: all seen at once.
    const approved = job.change(T('09'), {
      status: 'APPROVED',
      atsStatus: 'Approuvée',
      postings: [{ id: '7003', atsStatus: 'Active', postedAt: T('08') }],
    });
    r = seen(r.memory, approved);
    expect(r.memory.state).toBe('approved');
    expect(r.memory.violations).toEqual([]);
    // A posting made before the job was last seen undecided went out before the approval.
    const early = new Job(cpam7, T('05'));
    r = seen(null, early.approvers(T('06'), [en3s]));
    r = seen(
      r.memory,
      early.change(T('09'), {
        status: 'APPROVED',
        atsStatus: 'Approuvée',
        postings: [{ id: '7004', atsStatus: 'Active', postedAt: T('05', '12:00:00') }],
      }),
    );
    expect(r.memory.violations.map((v) => v.postingId)).toEqual(['7004']);
  });

  it('an older read naming a posting counts: the posting queue’s element may be read after a newer job read', () => {
    const job = new Job(cpam7, T('05'));
    const early = job.change(T('05', '10:00:01'), { status: 'OPEN', atsStatus: 'Ouverte' });
    const newer = job.approvers(T('05', '10:00:05'), [en3s]);
    let r = seen(null, newer);
    const posting = { id: '7005', atsStatus: 'Active', postedAt: T('05', '10:00:01') };
    r = step(r.memory, { kind: 'snapshot', at: T('05', '10:01:00'), snapshot: early, posting });
    expect(r.changed).toBe(true);
    expect(r.memory.snapshot.updatedAt).toBe(newer.updatedAt);
    expect(r.memory.violations.map((v) => v.postingId)).toEqual(['7005']);
    expect(r.commands).toContainEqual(expect.objectContaining({ kind: 'take_down', postingIds: ['7005'] }));
  });

  it('a publishable status without postings read asks for the postings', () => {
    const job = new Job(cpam7, T('05'));
    let r = seen(null, job.approvers(T('05'), [en3s]));
    r = seen(r.memory, job.status(T('06'), 'OPEN'));
    expect(kinds(r)).toContain('read_postings');
  });

  it('an older snapshot is stale and a repeated one a duplicate; at an equal updatedAt the later fetch wins', () => {
    const job = new Job(cpam7, T('05'));
    const first = job.snapshot;
    let r = seen(null, job.approvers(T('06'), [en3s]));
    const stale = seen(r.memory, first);
    expect(stale.changed).toBe(false);
    expect(stale.facts[0]!.kind).toBe('event.stale');
    expect(seen(r.memory, job.snapshot).facts[0]!.kind).toBe('event.duplicate');
    const refetched = { ...job.snapshot, fetchedAt: T('06', '12:00:00') };
    r = seen(r.memory, refetched);
    expect(r.changed).toBe(true);
  });

  it('the window closing unanswered releases the job; a setting drops the EN3S approver, other approvers kept', () => {
    const job = new Job(cpam7, T('05'));
    const p = { ...policy, removeApproverAtWindowEnd: true };
    let r = seen(null, job.approvers(T('05'), [drh, en3s]), p);
    r = step(r.memory, { kind: 'tick', at: '2027-04-30T22:00:01Z' }, p);
    expect(r.memory.state).toBe('released');
    expect(r.commands).toContainEqual(
      expect.objectContaining({ kind: 'remove_approver', team: expect.objectContaining({ approvers: [drh] }) }),
    );
  });

  it('a job first seen approved with EN3S listed is taken as approved by a submission not seen (a reading)', () => {
    const job = new Job(cpam7, T('05'));
    job.approvers(T('05'), [en3s]);
    const r = seen(null, job.status(T('08'), 'APPROVED'));
    expect(r.memory.state).toBe('approved');
    expect(r.memory.submission).toMatchObject({ basis: 'pending_not_seen', en3sIncluded: true });
  });

  it('without the EN3S user in the tenant, the administrators are told instead of a team call', () => {
    const r = seen(null, new Job(cpam7, T('05')).snapshot, { ...policy, en3s: { ...policy.en3s, userId: null } });
    expect(kinds(r)).toEqual(['notify_admins']);
    expect(r.commands[0]).toMatchObject({ topic: 'approver_unknown' });
  });

  it('a team with an unreadable member is not sent (it would lose that member): the administrators are told', () => {
    const job = new Job(cpam7, T('05'));
    const unreadable = {
      field: 'team.approvers',
      key: 'team.approvers[0].user.id',
      value: '',
      expected: 'un identifiant',
    };
    const r = seen(null, job.change(T('05', '10:00:01'), { unreadable: [unreadable] }));
    expect(kinds(r)).toEqual(['notify_admins']);
    expect(r.commands[0]).toMatchObject({ topic: 'team_unreadable' });
  });

  it('a job out of scope gets no command', () => {
    const job = new Job({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '3' }, T('05'));
    const r = seen(null, job.snapshot);
    expect(r.memory.state).toBe('not_concerned');
    expect(r.commands).toEqual([]);
  });

  it('snapshots in any order, with repeats, end approved exactly when EN3S was seen listed before the approval', () => {
    const job = new Job(cpam7, T('05'));
    const draft = job.snapshot;
    const life = [
      job.approvers(T('05', '10:00:02'), [en3s]),
      job.status(T('06'), 'PENDING_APPROVAL'),
      job.status(T('09'), 'APPROVED'),
    ];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 0, maxLength: 12 }), (order) => {
        let memory = seen(null, draft).memory;
        for (const i of [...order, 2]) memory = seen(memory, life[i]!).memory;
        const approvedAt = [...order, 2].indexOf(2);
        const en3sSeenFirst = order.slice(0, approvedAt).some((i) => i < 2);
        // Approved first seen right after the draft: EN3S may have joined after the submission.
        expect(memory.state).toBe(en3sSeenFirst ? 'approved' : 'awaiting_submission');
      }),
      { numRuns: 300 },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { isAllowedTransition, offerStates, stateTable } from '../../../src/domain/workflow-states.js';
import { docEvent, JobStory, policy, step } from '../../support/workflow.js';

const T = (day: string) => `2027-02-${day}T10:00:00+01:00`;
const kinds = (r: { commands: { kind: string }[] }) => r.commands.map((c) => c.kind);
const cpam7 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };

describe('workflow: a concerned offer through the période EN3S', () => {
  it('locks, assigns the team, starts the approval, then unlocks on "validé"', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.doc, T('01')));
    expect(r.memory.state).toBe('awaiting_team');
    expect(kinds(r)).toEqual(['set_lock', 'assign_team']);
    expect(r.commands[1]).toMatchObject({ teamName: 'EN3S dérogation', idempotencyKey: `talentlink:${job.doc.id}:2027:assign_team` });

    job.lock(true);
    r = step(r.memory, docEvent(job.addTeam(), T('01')));
    expect(r.memory.state).toBe('team_assigned');
    expect(r.memory.team).toEqual({ at: T('01'), by: 'connector' });
    expect(r.commands).toMatchObject([{ kind: 'start_approval', dueDate: '2027-02-11', processName: 'Validation en période EN3S', alertOnAction: true }]);
    expect((r.commands[0] as { message: string }).message).toContain('[%job_number%]');

    r = step(r.memory, docEvent(job.startApproval(T('01')), T('01')));
    expect(r.memory.state).toBe('approval_started');
    expect(r.memory.approval?.by).toBe('connector');
    expect(r.commands).toEqual([]);

    r = step(r.memory, docEvent(job.decide('APPROVED', T('03')), T('03')));
    expect(r.memory.state).toBe('approved');
    expect(r.commands).toMatchObject([{ kind: 'set_lock', locked: false }]);
    expect(r.memory.en3s).toEqual({ decision: 'APPROVED', at: T('03'), by: 'u-en3s' });

    // Publishing after "validé" is what should happen: no violation.
    r = step(r.memory, docEvent(job.publish(T('04')), T('04')));
    expect(r.memory.state).toBe('approved');
    expect(r.memory.violations).toEqual([]);
  });

  it('"refusé" keeps the offer locked for the campaign, and a later publication is withdrawn', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.lock(true), T('01')));
    job.addTeam();
    r = step(r.memory, docEvent(job.startApproval(T('01')), T('01')));
    r = step(r.memory, docEvent(job.decide('REJECTED', T('02')), T('02')));
    expect(r.memory.state).toBe('refused');
    expect(r.commands).toEqual([]);
    r = step(r.memory, docEvent(job.publish(T('05')), T('05')));
    expect(r.memory.state).toBe('refused');
    expect(kinds(r).sort()).toEqual(['notify', 'withdraw_posting']);
    expect(r.memory.violations).toMatchObject([{ postingId: 'p-1', action: 'withdraw' }]);
  });

  it('a publication before the answer is a violation: withdrawn, locked, and remembered after the withdrawal', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.addTeam(), T('01')));
    expect(r.memory.team?.by).toBe('recruiter');
    r = step(r.memory, docEvent(job.publish(T('02')), T('02')));
    expect(r.memory.state).toBe('published_without_approval');
    expect(kinds(r).sort()).toEqual(['notify', 'set_lock', 'withdraw_posting']);
    r = step(r.memory, docEvent(job.withdraw(T('02')), T('02')));
    expect(r.memory.state).toBe('team_assigned');
    expect(r.memory.violations).toHaveLength(1);
  });

  it('a violation is found from the withdrawn posting alone when the live document was lost', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.doc, T('01')));
    job.publish(T('02'));
    r = step(r.memory, docEvent(job.withdraw(T('03')), T('03')));
    expect(r.memory.violations).toMatchObject([{ postingId: 'p-1', publishedAt: T('02'), action: 'report' }]);
    expect(kinds(r)).not.toContain('withdraw_posting');
  });

  it('the end of the window releases an offer still waiting, and unlocks it', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.lock(true), T('01')));
    job.addTeam();
    r = step(r.memory, docEvent(job.startApproval(T('01')), T('01')));
    r = step(r.memory, { kind: 'tick', at: '2027-05-01T00:00:00+02:00' });
    expect(r.memory.state).toBe('released');
    expect(kinds(r).sort()).toEqual(['notify', 'set_lock']);
    expect(r.commands.find((c) => c.kind === 'set_lock')).toMatchObject({ locked: false });
  });

  it('a refused offer stays refused after the window closes', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.lock(true), T('01')));
    job.addTeam();
    job.startApproval(T('01'));
    r = step(r.memory, docEvent(job.decide('REJECTED', T('02')), T('02')));
    r = step(r.memory, { kind: 'tick', at: '2027-05-02T00:00:00+02:00' });
    expect(r.memory.state).toBe('refused');
    expect(r.commands).toEqual([]);
  });

  it('a stale document changes nothing but the ledger', () => {
    const job = new JobStory(cpam7);
    const first = job.doc;
    const r1 = step(null, docEvent(job.addTeam(), T('01')));
    const r2 = step(r1.memory, docEvent(first, T('01')));
    expect(r2.changed).toBe(false);
    expect(r2.memory).toBe(r1.memory);
    expect(r2.commands).toEqual([]);
    expect(r2.facts).toEqual([{ kind: 'event.stale', actor: 'system', data: { version: 1, lastVersion: 2 } }]);
  });

  it('monitor mode acts on nothing in the ATS but still records and notifies', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.doc, T('01')), { ...policy, mode: 'monitor' });
    expect(r.memory.state).toBe('awaiting_team');
    expect(r.commands).toEqual([]);
    r = step(r.memory, docEvent(job.publish(T('02')), T('02')), { ...policy, mode: 'monitor' });
    expect(kinds(r)).toEqual(['notify']);
    expect(r.memory.violations).toMatchObject([{ action: 'report' }]);
  });
});

describe('workflow: scope, policy and time', () => {
  it('an undetermined offer is treated as concerned and flagged for review by default', () => {
    const job = new JobStory({ orgName: 'Mutuelle des Lilas', grid: 'RG', level: '8' });
    const r = step(null, docEvent(job.doc, T('01')));
    expect(r.memory.state).toBe('awaiting_team');
    expect(r.memory.reviewNeeded).toBe(true);
    expect(kinds(r)).toEqual(['set_lock', 'assign_team', 'notify']);
  });

  it('with the flag-only policy an undetermined offer is only flagged', () => {
    const job = new JobStory({ orgName: 'Mutuelle des Lilas', grid: 'RG', level: '8' });
    const r = step(null, docEvent(job.doc, T('01')), { ...policy, undetermined: 'flag-only' });
    expect(r.memory.state).toBe('undetermined');
    expect(r.commands).toEqual([]);
  });

  it('an administrator override settles the scope and is recorded with the name and reason', () => {
    const job = new JobStory({ orgName: 'Mutuelle des Lilas', grid: 'RG', level: '8' });
    let r = step(null, docEvent(job.doc, T('01')), { ...policy, undetermined: 'flag-only' });
    r = step(r.memory, { kind: 'override', at: T('02'), concerned: false, by: 'admin.ucanss', reason: 'Mutuelle hors sécurité sociale' });
    expect(r.memory.state).toBe('not_concerned');
    expect(r.facts).toContainEqual({ kind: 'admin.override', actor: 'administrator', actorName: 'admin.ucanss', data: { concerned: false, reason: 'Mutuelle hors sécurité sociale' } });
  });

  it('a concerned offer created in December waits, then enters the process when the window opens', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.doc, '2026-12-10T10:00:00+01:00'));
    expect(r.memory.state).toBe('outside_window');
    expect(r.memory.campaign).toBe(2027);
    r = step(r.memory, { kind: 'tick', at: '2027-01-01T00:00:00+01:00' });
    expect(r.memory.state).toBe('awaiting_team');
  });

  it('an offer published before the window opened is not touched', () => {
    const job = new JobStory(cpam7);
    let r = step(null, docEvent(job.publish('2026-12-15T10:00:00+01:00'), '2026-12-15T10:00:00+01:00'));
    expect(r.memory.state).toBe('outside_window');
    r = step(r.memory, { kind: 'tick', at: '2027-01-01T00:00:00+01:00' });
    expect(r.memory.state).toBe('published_before_window');
    expect(r.commands).toEqual([]);
  });

  it('an undecided offer is evaluated again when the 2026 text comes into force', () => {
    const job = new JobStory({ orgName: 'MSA Midi-Pyrénées Nord', grid: 'MSA', level: 'L' });
    const flagOnly = { ...policy, undetermined: 'flag-only' as const };
    let r = step(null, docEvent(job.doc, '2026-03-11T10:00:00+01:00'), flagOnly);
    expect(r.memory.state).toBe('undetermined');
    r = step(r.memory, { kind: 'tick', at: '2026-03-12T00:00:00+01:00' }, flagOnly);
    expect(r.memory.state).toBe('awaiting_team');
    expect(r.memory.decision.ruleSet).toBe('DSS/4B/2026/34');
  });

  it('a decision already taken by EN3S is never undone by a rule change', () => {
    const job = new JobStory({ orgName: 'RSI Bretagne', grid: 'RSI', level: 'VIII' });
    let r = step(null, docEvent(job.lock(true), '2026-03-01T10:00:00+01:00'));
    job.addTeam();
    job.startApproval('2026-03-01T10:00:00+01:00');
    r = step(r.memory, docEvent(job.decide('REJECTED', '2026-03-05T10:00:00+01:00'), '2026-03-05T10:00:00+01:00'));
    r = step(r.memory, { kind: 'tick', at: '2026-03-12T00:00:00+01:00' });
    expect(r.memory.decision.concerned).toBe(false);
    expect(r.memory.state).toBe('refused');
    expect(r.commands).toEqual([]);
  });
});

describe('workflow: the state table', () => {
  it('final states have no way out, and every listed next state exists', () => {
    for (const state of offerStates) {
      const info = stateTable[state];
      if (info.final) expect(info.next).toEqual([]);
      for (const next of info.next) expect(offerStates).toContain(next);
    }
    expect(isAllowedTransition('refused', 'approved')).toBe(false);
    expect(isAllowedTransition('approval_started', 'approved')).toBe(true);
    expect(isAllowedTransition('approved', 'approved')).toBe(true);
  });
});

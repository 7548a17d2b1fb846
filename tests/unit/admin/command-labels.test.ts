import { describe, expect, it } from 'vitest';
import { commandLabels } from '../../../src/admin/format.js';
import { describeCommand } from '../../../src/cli/commands/outbox.js';
import type { ProcessCommand } from '../../../src/domain/job-process.js';
import { JobStory, seeSnapshot, stepJob, testPolicy } from '../../support/job-snapshots.js';

/**
 * The commands of the process as administrators read them, on the dashboard (`commandLabels`)
 * and in `en3s outbox dead` (`describeCommand`), for commands the process really asks for.
 */

const T = (day: string, time = '09:00:00') => `2027-${day}T${time}.000Z`;

function commandsOfStories(): ProcessCommand[] {
  const out: ProcessCommand[] = [];
  const job = new JobStory({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' }, T('02-01'));
  let r = seeSnapshot(null, job.snapshot);
  out.push(...r.commands);
  r = seeSnapshot(r.memory, job.addEn3s(T('02-01', '09:00:02')));
  out.push(...r.commands);
  r = seeSnapshot(r.memory, job.change(T('02-02'), { status: 'OPEN', atsStatus: 'Ouverte', postings: null }));
  out.push(...r.commands);
  r = seeSnapshot(r.memory, job.post(T('02-02', '10:00:00'), '7001', T('02-02', '09:30:00')));
  out.push(...r.commands);
  out.push(
    ...stepJob(
      r.memory,
      { kind: 'tick', at: T('05-01', '00:00:00') },
      { ...testPolicy, removeApproverAtWindowEnd: true },
    ).commands,
  );
  return out;
}

describe('command labels', () => {
  const commands = commandsOfStories();
  const byKind = new Map(commands.map((c) => [c.kind, c]));

  it('the stories ask for every kind of command', () => {
    expect([...byKind.keys()].sort()).toEqual([
      'ask_recruiter',
      'notify_admins',
      'read_postings',
      'remove_approver',
      'set_approver',
      'take_down',
    ]);
  });

  it('the dashboard has a French label for each', () => {
    for (const kind of byKind.keys()) expect(commandLabels[kind], kind).toMatch(/^[A-ZÉ]/);
  });

  it('the CLI describes each from its payload', () => {
    const described = (kind: string) => {
      const {
        kind: k,
        idempotencyKey: _i,
        source: _s,
        atsId: _a,
        campaign: _c,
        ...payload
      } = byKind.get(kind as ProcessCommand['kind'])!;
      return describeCommand({ kind: k, payload });
    };
    expect(described('set_approver')).toBe("pose de l'approbateur EN3S dans l'équipe de l'offre");
    expect(described('remove_approver')).toBe("retrait de l'approbateur EN3S de l'équipe (fin de période)");
    expect(described('read_postings')).toBe("relecture des annonces de l'offre");
    expect(described('take_down')).toBe("retrait de l'annonce 7001");
    expect(described('ask_recruiter')).toBe('e-mail au recruteur (utilisateur 101) : « Soumettre pour approbation »');
    expect(described('notify_admins')).toMatch(
      /^alerte des administrateurs \((annonce publiée sans l’approbation de l’EN3S|période close sans réponse)\)$/,
    );
    expect(describeCommand({ kind: 'take_down', payload: { postingIds: ['1', '2'] } })).toBe(
      'retrait des annonces 1, 2',
    );
    expect(describeCommand({ kind: 'ask_recruiter', payload: { reason: 'resubmit', recruiterIds: ['7'] } })).toBe(
      'e-mail au recruteur (utilisateur 7) : soumettre de nouveau pour approbation',
    );
  });

  it('names a row of the earlier connector as stored', () => {
    expect(describeCommand({ kind: 'assign_team' as never, payload: {} })).toBe(
      "commande « assign_team » de l'ancien connecteur",
    );
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { en3s } from '../../support/cli.js';
import { jobDocument } from '../../support/job-documents.js';

const sampleXml = new URL('../../fixtures/spec-notification-approval-decided.xml', import.meta.url);

describe('en3s evaluate', () => {
  it('prints the decision for a whole XML notification, at the instant given', () => {
    const r = en3s(['evaluate', '--at', '2027-02-01T10:00:00+01:00', '-'], { input: readFileSync(sampleXml, 'utf8') });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const d = JSON.parse(r.stdout);
    expect(d).toMatchObject({
      concerned: true,
      windowOpen: true,
      requiresEn3sApproval: true,
      ruleSet: 'DSS/4B/2026/34',
      organismType: 'CARSAT',
      job: { jobNumber: 'NVHADD00095' },
    });
    expect(d.reasons[0].source).toBe('Instruction DSS/4B/2026/34 §1.1');
  });

  it('reads a JSON job document; outside the window nothing is required', () => {
    const doc = jobDocument({ orgName: 'MSA Midi-Pyrénées Nord', grid: 'MSA', level: 'L' });
    const r = en3s(['evaluate', '--at', '2027-07-01T10:00:00+02:00', '-'], { input: JSON.stringify(doc) });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ concerned: true, windowOpen: false, requiresEn3sApproval: false });
  });

  it('reads a job of the TalentLink API (a GET /position answer, or the bare OpeningFullDto)', () => {
    const answer = readFileSync(
      new URL('../../fixtures/talentlink-rest/positions--carsat-bretagne.json', import.meta.url),
      'utf8',
    );
    const whole = en3s(['evaluate', '--at', '2027-02-01T10:00:00+01:00', '-'], { input: answer });
    expect(whole.stderr).toBe('');
    expect(whole.code).toBe(0);
    const decision = JSON.parse(whole.stdout);
    expect(decision).toMatchObject({ organismType: 'CARSAT', windowOpen: true });
    const bare = JSON.stringify((JSON.parse(answer) as { data: { positions: unknown[] } }).data.positions[0]);
    const again = en3s(['evaluate', '--at', '2027-02-01T10:00:00+01:00', '-'], { input: bare });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual(decision);
  });

  it('a TalentLink job missing what every job has is refused, naming the path, exit 2', () => {
    const r = en3s(['evaluate', '-'], { input: JSON.stringify({ data: { positions: [{ id: 31, jobNumber: 7 }] } }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('data.positions[0].jobNumber');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('--ndjson: one decision per line, bad lines named on stderr with exit 2', () => {
    const lines = [
      JSON.stringify(jobDocument({ orgName: 'CPAM de la Gironde', grid: 'RG', level: '8' })),
      '{"id": "broken"',
      JSON.stringify(jobDocument({ orgName: 'CAF du Nord', grid: 'RG', level: '5A' })),
    ];
    const r = en3s(['evaluate', '--ndjson', '--at', '2027-02-01T10:00:00Z', '-'], { input: `${lines.join('\n')}\n` });
    expect(r.code).toBe(2);
    const out = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out.map((d) => d.concerned)).toEqual([true, false]);
    expect(r.stderr).toContain('entrée standard:2');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a bad instant, a missing file and an invalid document exit 2 with a French message and no stack', () => {
    for (const [args, input, expected] of [
      [['evaluate', '--at', 'demain', '-'], '{}', '--at : instant ISO 8601 attendu'],
      [['evaluate', 'absent.json'], undefined, 'absent.json : fichier illisible (introuvable)'],
      [['evaluate', '-'], '<job><oops>', 'entrée standard'],
      [
        ['evaluate', '-'],
        JSON.stringify({ ...jobDocument({ orgName: 'CAF du Nord' }), creationDate: 'hier' }),
        'creationDate',
      ],
    ] as [string[], string | undefined, string][]) {
      const r = en3s(args, { input });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain(expected);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });
});

describe('en3s rulesets', () => {
  it('lists both texts with their dates and coverage, in French', () => {
    const r = en3s(['rulesets']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Circulaire DSS/4B/2014/350 — en vigueur du 17/12/2014 au 11/03/2026');
    expect(r.stdout).toContain("Instruction DSS/4B/2026/34 — en vigueur du 12/03/2026 jusqu'à nouvel ordre");
    expect(r.stdout).toContain('régime agricole : groupes K, L, M et N');
    expect(r.stdout).toContain('Supprimés : RSI, AGESSA');
  });

  it('--json gives the files as loaded', () => {
    const r = en3s(['rulesets', '--json']);
    expect(JSON.parse(r.stdout).map((x: { id: string }) => x.id)).toEqual(['DSS/4B/2014/350', 'DSS/4B/2026/34']);
  });
});

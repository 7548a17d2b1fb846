import { Command } from 'commander';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { registerSandbox } from '../../../src/cli/commands/sandbox.js';
import { UsageError } from '../../../src/cli/output.js';
import { startSandbox, type StartedSandbox } from './helpers.js';

let s: StartedSandbox;
beforeAll(async () => {
  s = await startSandbox({ clockStart: '2027-01-15T09:00:00Z', freezeClock: true });
});
afterAll(() => s.stop());
afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

async function en3s(...args: string[]): Promise<{ stdout: string; stderr: string; error: unknown }> {
  const program = new Command('en3s').exitOverride().configureOutput({ writeErr: () => undefined, writeOut: () => undefined });
  registerSandbox(program);
  let stdout = '';
  let stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  let error: unknown = null;
  try {
    await program.parseAsync(['node', 'en3s', 'sandbox', ...args]);
  } catch (e) {
    error = e;
  } finally {
    vi.restoreAllMocks();
  }
  return { stdout, stderr, error };
}

describe('en3s sandbox (driver commands)', () => {
  it('creates an offer, adds the team, submits, and EN3S validates', async () => {
    const created = await en3s('create-offer', '--url', s.url, '--org-code', 'CPAM-GIRONDE', '--org-name', 'CPAM de la Gironde', '--grid', 'RG', '--level', '7', '--title', 'Responsable du service prestations', '--json');
    expect(created.error).toBeNull();
    const job = JSON.parse(created.stdout);
    expect(job.customFields).toEqual([
      { key: 'CLASSIFICATION_GRID', value: 'RG' },
      { key: 'CLASSIFICATION_LEVEL', value: '7' },
    ]);
    const team = await en3s('add-team', job.id, '--url', s.url);
    expect(team.stdout).toMatch(/^Équipe ajoutée : offre \d+ \(NVHADD\d{5}, version 2\)/);
    const submitted = await en3s('submit', job.id, '--url', s.url, '--due-date', '2027-01-25');
    expect(submitted.stdout).toContain('approbation IN_PROGRESS');
    const validated = await en3s('validate', job.id, '--url', s.url, '--comment', 'Profil non élève');
    expect(validated.stdout).toContain('approbation APPROVED');
    const counters = await en3s('counters', '--url', s.url, '--job', job.id);
    expect(JSON.parse(counters.stdout)).toMatchObject({ teamAssignmentsApplied: 1, approvalsStarted: 1, approvalsApproved: 1 });
  });

  it('reports a publication refused by the lock in French, with exit code 1', async () => {
    const job = (await s.driver('POST', '/jobs', { title: 'Chef de projet', organization: { code: 'CAF-NORD', name: 'CAF du Nord' } })).json;
    await s.api('PUT', `/jobs/${job.id}/publication-lock`, { body: { locked: true } });
    const refused = await en3s('publish', job.id, '--url', s.url);
    expect(refused.stderr).toContain('refusé par le bac à sable (HTTP 423 PUBLICATION_LOCKED)');
    expect(process.exitCode).toBe(1);
    process.exitCode = undefined;
    const forced = await en3s('publish', job.id, '--url', s.url, '--force');
    expect(forced.stdout).toContain('UCANSS PUBLISHED');
    const refuse = await en3s('refuse', job.id, '--url', s.url);
    expect(process.exitCode).toBe(1);
    expect(refuse.stderr).toContain('NO_PENDING_APPROVAL');
  });

  it('reads and sets the sandbox clock', async () => {
    const set = await en3s('clock', '--url', s.url, '--set', '2027-04-30T23:30:00+04:00', '--freeze');
    expect(set.stdout).toBe('Horloge du bac à sable : 30/04/2027 21:30:00 (figée)\n');
    expect(s.sandbox.clock.nowIso()).toBe('2027-04-30T19:30:00Z');
    const advanced = await en3s('clock', '--url', s.url, '--advance', '3600');
    expect(advanced.stdout).toContain('30/04/2027 22:30:00');
  });

  it('refuses bad options with a UsageError (exit 2) naming the option', async () => {
    const cases: [string[], RegExp][] = [
      [['create-offer', '--url', s.url, '--org-code', 'X', '--org-name', 'Y', '--title', 'T', '--grid', 'XX'], /--grid/],
      [['create-offer', '--url', s.url, '--org-code', 'X', '--org-name', 'Y', '--title', 'T', '--level', '7 bis'], /--level/],
      [['clock', '--url', s.url, '--set', 'demain'], /--set/],
      [['submit', '48001', '--url', s.url, '--due-date', '25/01/2027'], /--due-date/],
      [['validate', '../etc', '--url', s.url], /identifiant/],
      [['counters', '--url', 'pas une url'], /--url/],
      [['serve', '--port', '99999'], /--port/],
      [['serve', '--fault-error-ratio', '1.5'], /--fault-error-ratio/],
      [['serve', '--webhook-format', 'yaml'], /--webhook-format/],
    ];
    for (const [args, message] of cases) {
      const { error } = await en3s(...args);
      expect(error, args.join(' ')).toBeInstanceOf(UsageError);
      expect((error as Error).message).toMatch(message);
    }
    const missing = await en3s('create-offer', '--url', s.url);
    expect(missing.error).toMatchObject({ code: 'commander.missingMandatoryOptionValue' });
  });

  it('says in French when the sandbox cannot be reached', async () => {
    const r = await en3s('counters', '--url', 'http://127.0.0.1:9');
    expect(r.stderr).toMatch(/^en3s : bac à sable injoignable à http:\/\/127\.0\.0\.1:9/);
    expect(process.exitCode).toBe(1);
  });
});

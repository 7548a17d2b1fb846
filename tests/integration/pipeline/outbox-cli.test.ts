import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.js';
import { administratorName } from '../../../src/cli/commands/outbox.js';
import { verifyLedger } from '../../../src/store/ledger.js';
import { testDatabases } from '../../support/databases.js';
import { jobDocument } from '../../support/job-documents.js';
import { PipelineHarness } from '../../support/pipeline-harness.js';

/** `en3s outbox dead` and `en3s outbox retry` on commands the dispatcher really gave up on. */

async function en3s(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
  const before = process.exitCode;
  process.exitCode = undefined;
  try {
    await main(['node', 'en3s', ...args]);
    return { code: Number(process.exitCode ?? 0), stdout, stderr };
  } finally {
    process.exitCode = before;
    out.mockRestore();
    err.mockRestore();
  }
}

const cpam7 = { orgName: 'CPAM de la Gironde', grid: 'RG', level: '7' };

describe.each(testDatabases())('en3s outbox on %s', (dialect) => {
  let h: PipelineHarness;
  afterEach(async () => {
    expect(await verifyLedger(h.store.db)).toMatchObject({ ok: true });
    await h.close();
  });

  it('lists dead commands with their last error, requeues one and then all, and records who did it', async () => {
    // The tenant has no "EN3S dérogation" team yet: every assignment dies with 422.
    h = await PipelineHarness.open(dialect, 'cli-outbox', { start: '2027-02-01T09:00:00.000Z', ats: { teams: {} } });
    const jobs = [h.actors.createJob(jobDocument(cpam7)), h.actors.createJob(jobDocument(cpam7)), h.actors.createJob(jobDocument(cpam7))];
    await h.settle();
    const dead = (await h.store.db.selectFrom('outbox').select(['id', 'ats_id']).where('status', '=', 'dead').orderBy('id').execute()).map((r) => r.id);
    expect(dead).toHaveLength(3);

    const listed = await en3s('outbox', 'dead', '--db', h.store.url);
    expect(listed).toMatchObject({ code: 0, stderr: '' });
    const lines = listed.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('3 commandes en échec définitif (« en3s outbox retry <id> » ou « --all » pour relancer) :');
    expect(lines[1]).toMatch(/^id\s+offre\s+commande\s+tentatives\s+dernière erreur$/);
    const number = (await h.offer(jobs[2]!.id)).job_number;
    expect(lines[3]).toMatch(new RegExp(`^${dead[2]}\\s+${number} \\(${jobs[2]!.id}\\)\\s+pose de l'équipe « EN3S dérogation »\\s+1\\s+UNKNOWN_TEAM \\(HTTP 422\\): approval team "EN3S dérogation" is not known to the tenant$`));
    expect(lines).toHaveLength(6);

    h.ats.teams['EN3S dérogation'] = [{ userId: 'u-en3s' }];
    const one = await en3s('outbox', 'retry', String(dead[2]), '--db', h.store.url);
    expect(one).toMatchObject({ code: 0, stderr: '' });
    expect(one.stdout).toBe(`Commande n° ${dead[2]} remise en file : pose de l'équipe « EN3S dérogation », offre ${number} (${jobs[2]!.id}).\n`);
    const actions = (await h.ledger(jobs[2]!.id)).filter((e) => e.kind === 'admin.retry');
    expect(actions).toMatchObject([{ actor: 'administrator', actor_name: administratorName(), data: { via: 'cli', commandId: dead[2], command: 'assign_team', attempts: 1 } }]);
    await h.settle();
    expect((await h.offer(jobs[2]!.id)).state).toBe('approval_started');

    const again = await en3s('outbox', 'retry', String(dead[2]), '--db', h.store.url);
    expect(again).toMatchObject({ code: 2, stdout: '' });
    expect(again.stderr).toBe(`en3s : la commande n° ${dead[2]} n’est pas en échec définitif (état : terminée)\n`);

    const all = await en3s('outbox', 'retry', '--all', '--db', h.store.url);
    expect(all).toMatchObject({ code: 0, stdout: '2 commandes remises en file.\n' });
    await h.settle();
    expect((await h.offer(jobs[0]!.id)).state).toBe('approval_started');
    expect((await en3s('outbox', 'dead', '--db', h.store.url)).stdout).toBe('Aucune commande en échec définitif.\n');
    expect((await en3s('outbox', 'retry', '--all', '--db', h.store.url)).stdout).toBe('Aucune commande en échec définitif à relancer.\n');
  });

  it('refuses bad input with exit 2 and a French message', async () => {
    h = await PipelineHarness.open(dialect, 'cli-outbox-bad', { start: '2027-02-01T09:00:00.000Z' });
    const cases: [string[], string][] = [
      [['outbox', 'retry'], 'indiquez l’identifiant de la commande à relancer, ou --all'],
      [['outbox', 'retry', '7', '--all'], 'un identifiant ou --all, pas les deux'],
      [['outbox', 'retry', 'abc'], 'identifiant de commande : entier positif attendu, reçu « abc »'],
      [['outbox', 'retry', '0'], 'identifiant de commande : entier positif attendu, reçu « 0 »'],
      [['outbox', 'retry', '999'], 'commande n° 999 introuvable'],
    ];
    for (const [args, message] of cases) {
      const result = await en3s(...args, '--db', h.store.url);
      expect(result, args.join(' ')).toMatchObject({ code: 2, stdout: '', stderr: `en3s : ${message}\n` });
    }
    const badUrl = await en3s('outbox', 'dead', '--db', 'mysql://x');
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('URL de base de données non reconnue');
  });
});

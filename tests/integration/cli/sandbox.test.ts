import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packageRoot } from '../../../src/paths.js';
import { startProcess, waitFor, type Running } from '../../support/e2e-processes.js';

/**
 * `en3s sandbox serve` starts the simulated TalentLink tenant, and the driver commands act in it
 * as recruiters and approvers would; bad input is refused with exit 2 and a French message.
 */

function en3sAsync(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'en3s.js'), ...args], {
      env: { PATH: process.env.PATH ?? '' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('en3s sandbox', () => {
  let server: Running;
  let url: string;
  const run = (...args: string[]) => en3sAsync(['sandbox', ...args, '--url', url]);

  beforeAll(async () => {
    server = startProcess(join(packageRoot(), 'bin', 'en3s.js'), [
      'sandbox',
      'serve',
      '--port',
      '0',
      '--clock',
      '2027-02-03T09:00:00Z',
      '--calls-per-second',
      '8',
    ]);
    // The lines of its start are written one by one: wait for the last of them (its clock).
    await waitFor(
      () => /Horloge du bac à sable/.test(server.stdout()) || server.hasExited(),
      20_000,
      'the sandbox to start',
    );
    url = /démarré : (http:\/\/[^ ]+)/.exec(server.stdout())?.[1] ?? '';
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
  afterAll(async () => {
    if (server) expect(await server.stop()).toBe(0);
  });

  it('says where its API is, its gateway limit and its clock', () => {
    expect(server.stdout()).toContain(`(API ${url}/tlk/rest, pilotage ${url}/sandbox)`);
    expect(server.stdout()).toContain('Passerelle : 8 appels par seconde');
    expect(server.stdout()).toContain('Horloge du bac à sable : 03/02/2027 10:00:');
  });

  it('creates a job, sets its team, submits it, and EN3S approves it', async () => {
    const created = await run(
      'create-job',
      '--org',
      '104',
      '--title',
      'Responsable du contrôle interne',
      '--grid',
      'Régime général',
      '--level',
      '7',
      '--json',
    );
    expect(created.code, created.stderr).toBe(0);
    const job = JSON.parse(created.stdout);
    expect(job).toMatchObject({
      jobTitle: 'Responsable du contrôle interne',
      status: 'Brouillon',
      organization: { name: 'CARSAT Alsace-Moselle' },
    });
    const team = await run('set-team', String(job.id), '--approvers', '101');
    expect(team.code, team.stderr).toBe(0);
    expect(team.stdout).toContain('approbateurs : EN3S dérogation (101)');
    // The recruiters were kept: only the approvers were given.
    expect(JSON.parse((await run('show', String(job.id), '--json')).stdout).team.recruiters).toHaveLength(1);
    const refused = await run('publish', String(job.id));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('PUBLICATION_REFUSED');
    expect((await run('submit', String(job.id))).stdout).toContain("statut « En attente d'approbation »");
    expect((await run('approve', String(job.id))).stdout).toContain('statut « Approuvée »');
    expect((await run('publish', String(job.id))).stdout).toMatch(/^Publiée : annonce \d+ \(POSTED\)/);
  });

  it('reads its counters and moves its clock', async () => {
    const counters = JSON.parse((await run('counters', '--json')).stdout);
    expect(counters).toHaveProperty('maxCallsInWindow');
    const clock = await run('clock', '--advance', '3600');
    expect(clock.code, clock.stderr).toBe(0);
    expect(clock.stdout).toContain('Horloge du bac à sable : 03/02/2027 11:00:');
  });

  it('refuses bad input with exit 2 and says what was expected', async () => {
    const badId = await run('submit', 'abc');
    expect(badId.code).toBe(2);
    expect(badId.stderr).toContain('identifiant numérique attendu');
    const badClock = await run('clock', '--set', 'demain');
    expect(badClock.code).toBe(2);
    expect(badClock.stderr).toContain('instant ISO 8601 attendu');
    const badServe = await en3sAsync(['sandbox', 'serve', '--user', 'demo']);
    expect(badServe.code).toBe(2);
    expect(badServe.stderr).toContain('--user');
  });

  it('says so when no sandbox answers (exit 1)', async () => {
    const gone = await en3sAsync(['sandbox', 'counters', '--url', 'http://127.0.0.1:9']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain('bac à sable injoignable');
  });
});

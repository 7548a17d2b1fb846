import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox } from '../../../connectors/talentlink/sandbox/index.js';
import { compileSandbox } from './compile-sandbox.js';
import { carsatOffer, waitFor } from './helpers.js';

let compiled: ReturnType<typeof compileSandbox>;
beforeAll(() => {
  compiled = compileSandbox();
});
afterAll(() => compiled.cleanup());

function run(args: string[], env: Record<string, string> = {}) {
  const child = spawn(process.execPath, [compiled.main, ...args], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = { stdout: '', stderr: '', code: null as number | null };
  child.stdout.on('data', (d: Buffer) => (out.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve((out.code = code))));
  return { child, out, exited };
}

describe('standalone sandbox process', () => {
  it('starts from flags and environment, serves the API and the demo, and stops gracefully on SIGTERM', async () => {
    const p = run(['--port', '0', '--demo', '--seed', '3'], { EN3S_SANDBOX_API_KEY: 'cle-de-test', EN3S_SANDBOX_CLOCK: '2027-02-01T09:00:00Z' });
    await waitFor(() => /Campagne de démonstration/.test(p.out.stdout) || p.out.code !== null, 10_000, 'the start-up lines');
    const url = /démarré : (http:\/\/[^ ]+)/.exec(p.out.stdout)?.[1];
    expect(url, p.out.stderr).toBeTruthy();
    const auth = `Basic ${Buffer.from('demo:demo:BO:demo').toString('base64')}`;
    const jobs = await fetch(`${url}/tlk/rest/jobs?pageSize=200`, { headers: { authorization: auth, api_key: 'cle-de-test' } });
    expect(jobs.status).toBe(200);
    expect(((await jobs.json()) as { total: number }).total).toBeGreaterThanOrEqual(30);
    const clock = (await (await fetch(`${url}/sandbox/clock`)).json()) as { now: string };
    expect(clock.now.startsWith('2027-02-01T09:0')).toBe(true);
    p.child.kill('SIGTERM');
    expect(await p.exited).toBe(0);
    expect(p.out.stdout).toContain('Bac à sable arrêté');
  });

  it('exits 2 with a French message naming the bad option', async () => {
    const bad = run(['--port', 'abc']);
    expect(await bad.exited).toBe(2);
    expect(bad.out.stderr).toContain('--port : un port entre 0 et 65535 attendu, reçu « abc »');
    const badEnv = run([], { EN3S_SANDBOX_WEBHOOK_URLS: 'http://127.0.0.1:9/hook' });
    expect(await badEnv.exited).toBe(2);
    expect(badEnv.out.stderr).toContain('--webhook-secret');
    const unknown = run(['--nope']);
    expect(await unknown.exited).toBe(2);
  });
});

describe('snapshot', () => {
  it('saves the state to a JSON file and starts again from it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'en3s-sandbox-snapshot-'));
    try {
      const file = join(dir, 'state.json');
      const first = createSandbox({ snapshotFile: file, seed: 4 });
      const job = first.ops.createJob(carsatOffer);
      if (!job.ok) throw new Error(job.message);
      first.ops.assignApprovalTeam(job.job.id, 'EN3S dérogation');
      await first.stop();
      const second = createSandbox({ snapshotFile: file, seed: 4 });
      expect(second.state.job(job.job.id)).toEqual(first.state.job(job.job.id));
      expect(second.counters().overall.teamAssignmentsApplied).toBe(1);
      const restored = second.queues.elements('en3s-job-events').map((e) => e.notification.id);
      expect(restored).toHaveLength(2);
      const next = second.ops.createJob(carsatOffer);
      expect(next.ok && Number(next.job.id)).toBe(Number(job.job.id) + 1);
      const records = second.notifier.records();
      expect(records).toHaveLength(1);
      // Ids go on from the snapshot: a receiver never meets a reused notification id.
      expect(restored).not.toContain(records[0]!.id);
      expect(records[0]!.id.startsWith(restored[0]!.slice(0, -6))).toBe(true);
      await second.stop();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

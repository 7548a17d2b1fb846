import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en3sBin, freePort, startProcess, waitFor, type Running } from '../support/e2e-processes.js';
import { stateChanges } from '../support/e2e-service.js';

/**
 * What `npm start` runs (`en3s demo`), from a fresh folder: the service and the seeded sandbox in
 * one process; within a minute its log must tell the whole story of a campaign.
 */

describe('en3s demo (npm start) from a fresh folder', () => {
  let dir: string;
  let demo: Running;
  let ports: { service: number; sandbox: number };
  const startedAt = Date.now();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-e2e-demo-'));
    ports = { service: await freePort(), sandbox: await freePort() };
    demo = startProcess(en3sBin(), ['demo', '--port', String(ports.service), '--sandbox-port', String(ports.sandbox)], { cwd: dir });
    await demo.waitForLog((l) => l.message === 'service started', 30_000, 'the demo service to start');
  });
  afterAll(async () => {
    if (demo && !demo.hasExited()) await demo.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints where to look', async () => {
    await waitFor(() => demo.stdout().includes('Ctrl+C pour arrêter'), 10_000, 'the banner');
    const out = demo.stdout();
    expect(out).toContain(`Service (webhooks, métriques)   http://127.0.0.1:${ports.service}`);
    expect(out).toContain(`http://127.0.0.1:${ports.sandbox}/tlk/rest`);
    expect(out).toMatch(/\d+ offres créées/);
  });

  it('shows within a minute teams assigned, approvals started, EN3S’s answers and a violation withdrawn', async () => {
    const seen = (to: string) => stateChanges(demo.logs()).some((l) => l.to === to);
    await waitFor(
      () => ['team_assigned', 'approval_started', 'approved', 'refused', 'published_without_approval'].every(seen),
      Math.max(5_000, 60_000 - (Date.now() - startedAt)),
      'team, approval, both answers and a violation in the log',
      250,
    );
    const changes = stateChanges(demo.logs());
    const violation = changes.find((l) => l.to === 'published_without_approval')!;
    expect(violation.commands).toContain('withdraw_posting');
    // The posting is taken down and the offer goes back into the process.
    await waitFor(
      () => stateChanges(demo.logs()).some((l) => l.jobId === violation.jobId && l.from === 'published_without_approval'),
      20_000,
      'the violating offer back in the process',
    );
    expect(changes.filter((l) => l.to === 'approval_started').length).toBeGreaterThanOrEqual(5);
    // Out-of-scope offers are recognised too, and nothing failed along the way.
    expect(changes.some((l) => l.to === 'not_concerned')).toBe(true);
    expect(demo.logs().filter((l) => l.level === 'error')).toEqual([]);
    console.info(`demo: ${changes.length} state changes ${Date.now() - startedAt} ms after the start`);
  }, 70_000);

  it('keeps its database in ./data of the folder it runs from, and stops on SIGTERM', async () => {
    expect(existsSync(join(dir, 'data', 'demo.sqlite'))).toBe(true);
    expect(await demo.stop()).toBe(0);
    expect(demo.stderr()).toContain('SIGTERM reçu');
  });
});

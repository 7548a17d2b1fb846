import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en3sBin, freePort, startProcess, waitFor, type Running } from '../support/e2e-processes.js';
import { stateChanges } from '../support/e2e-service.js';

/**
 * What `npm start` runs (`en3s demo`), from a fresh folder: the service and the seeded sandbox
 * tenant (at the real 8 calls per second) in one process; within a minute its log must tell the
 * whole story of a campaign: the EN3S approver set, recruiters asked by e-mail and submitting,
 * EN3S's answers observed, a premature posting taken down, a recruiter asked to submit again.
 */

describe('en3s demo (npm start) from a fresh folder', () => {
  let dir: string;
  let demo: Running;
  let ports: { service: number; sandbox: number };
  const startedAt = Date.now();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-e2e-demo-'));
    ports = { service: await freePort(), sandbox: await freePort() };
    demo = startProcess(en3sBin(), ['demo', '--port', String(ports.service), '--sandbox-port', String(ports.sandbox)], {
      cwd: dir,
    });
    await demo.waitForLog((l) => l.message === 'service started', 30_000, 'the demo service to start');
  });
  afterAll(async () => {
    if (demo && !demo.hasExited()) await demo.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('prints where to look', async () => {
    await waitFor(() => demo.stdout().includes('Ctrl+C pour arrêter'), 10_000, 'the banner');
    const out = demo.stdout();
    expect(out).toContain(`Service (alertes, métriques)    http://127.0.0.1:${ports.service}`);
    expect(out).toContain(
      `http://127.0.0.1:${ports.sandbox}/tlk/rest   (utilisateur demo:demo:BO, mot de passe ` +
        `demo, api_key demo, 8 appels par seconde)`,
    );
    expect(out).toMatch(/\d+ offres créées/);
  });

  it('tells within a minute the approver set, mails, submissions, both answers and a posting taken down', async () => {
    const seen = (to: string) => stateChanges(demo.logs()).some((l) => l.to === to);
    await waitFor(
      () =>
        ['awaiting_approver', 'awaiting_submission', 'approved', 'refused', 'published_without_approval'].every(seen),
      Math.max(5_000, 60_000 - (Date.now() - startedAt)),
      'approver, request, both answers and a premature posting in the log',
      250,
    );
    const changes = stateChanges(demo.logs());
    const premature = changes.find((l) => l.to === 'published_without_approval')!;
    expect(premature.commands).toContain('take_down');
    // The mails are in the log by their subject and the recruiters' user ids, never an address.
    const mails = demo.logs().filter((l) => l.message === 'mail sent');
    expect(
      mails.some(
        (m) => m.kind === 'submit_request' && Array.isArray(m.recipientIds) && (m.recipientIds as string[]).length > 0,
      ),
    ).toBe(true);
    await waitFor(
      () => demo.logs().some((l) => l.message === 'mail sent' && l.kind === 'resubmit_request'),
      20_000,
      'a recruiter asked to submit again',
    );
    expect(demo.stdout()).not.toMatch(/@exemple\.fr/);
    // The people of the demo act on those mails.
    const acts = demo.logs().filter((l) => l.message === 'sandbox: a person acted in TalentLink');
    expect(acts.some((a) => a.actor === 'recruiter' && a.action === 'submit' && a.outcome === 'ok')).toBe(true);
    expect(acts.some((a) => a.actor === 'EN3S' && a.action === 'approve')).toBe(true);
    expect(changes.filter((l) => l.to === 'awaiting_submission').length).toBeGreaterThanOrEqual(5);
    // Out-of-scope offers are recognised too, and nothing failed along the way.
    expect(changes.some((l) => l.to === 'not_concerned')).toBe(true);
    expect(demo.logs().filter((l) => l.level === 'error')).toEqual([]);
    console.info(
      `demo: ${changes.length} state changes, ${mails.length} mails ${Date.now() - startedAt} ms after the start`,
    );
  }, 90_000);

  it('sums up each phase in one French line, with the counts the log told', async () => {
    const summary = await demo.waitForLog(
      (l) => String(l.message).startsWith('démonstration, fin de phase : '),
      30_000,
      'a phase summary',
    );
    expect(summary.level).toBe('info');
    expect(summary.message?.split(', ')).toEqual([
      'démonstration',
      expect.stringMatching(/^fin de phase : \d+ offres? vues?$/),
      expect.stringMatching(/^\d+ approbateurs? posés?$/),
      expect.stringMatching(/^\d+ recruteurs? sollicités?$/),
      expect.stringMatching(/^\d+ annonces? retirées?$/),
      expect.stringMatching(/^\d+ réponses? de l’EN3S$/),
    ]);
    const counts = summary.demoSummary as Record<string, number>;
    const changes = stateChanges(demo.logs()).filter(
      (l) => Date.parse(String(l.timestamp)) <= Date.parse(String(summary.timestamp)),
    );
    expect(counts.offersSeen).toBe(new Set(changes.map((l) => l.jobId)).size);
    expect(counts.offersSeen).toBeGreaterThan(0);
    expect(counts.approversSet).toBe(
      new Set(changes.filter((l) => l.to === 'awaiting_submission').map((l) => l.jobId)).size,
    );
    // One summary per phase, not one per event: far fewer summaries than state changes.
    const summaries = demo.logs().filter((l) => String(l.message).startsWith('démonstration, fin de phase'));
    expect(summaries.length).toBeLessThan(stateChanges(demo.logs()).length / 5);
  }, 40_000);

  it('keeps its database in ./data of the folder it runs from, and stops on SIGTERM', async () => {
    expect(existsSync(join(dir, 'data', 'demo.sqlite'))).toBe(true);
    expect(await demo.stop()).toBe(0);
    expect(demo.stderr()).toContain('SIGTERM reçu');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en3sBin, startProcess } from '../../support/e2e-processes.js';

/**
 * What an administrator reads when a command starts without what it needs: `en3s serve` without
 * any administrator says which setting to fill and which command makes a password hash;
 * `en3s report` without `--db` names the database it looked for and how to name another.
 * Real processes of the built command, in a throw-away folder.
 */

const STACK_LINE = /^\s+at /m;

describe('start-up and CLI messages', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-startup-messages-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('en3s report without --db names the database it looked for, how to name another, and the demo’s', async () => {
    const run = startProcess(en3sBin(), ['report', '--campaign', '2027', '--format', 'csv', '--out', join(dir, 'r.csv')], {
      env: { EN3S_DATABASE_URL: '' },
      cwd: dir,
    });
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    expect(err).toContain('« ./data/en3s.sqlite » n\'existe pas');
    expect(err).toContain('EN3S_DATABASE_URL');
    expect(err).toContain('--db sqlite:<fichier>');
    expect(err).toContain('--db sqlite:./data/demo.sqlite');
    expect(err).not.toMatch(STACK_LINE);
    expect(run.stdout()).toBe('');
  });

  it('en3s report with a --db that does not exist names it, without the configuration’s hint', async () => {
    const missing = join(dir, 'absente.sqlite');
    const run = startProcess(en3sBin(), ['report', '--campaign', '2027', '--format', 'csv', '--out', join(dir, 'r.csv'), '--db', `sqlite:${missing}`], { cwd: dir });
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(`« ${missing} » n'existe pas`);
    expect(run.stderr()).not.toContain('base cherchée');
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { en3sBin, freePort, startProcess } from '../../support/e2e-processes.js';
import { serviceEnv } from '../../support/e2e-service.js';

/**
 * What an administrator reads when a command starts without what it needs: `en3s serve` without
 * any administrator says which setting to fill and which command makes a password hash;
 * `en3s report` without `--db` names the database it looked for and how to name another.
 * Real processes of the built command, in a throw-away folder.
 */

const STACK_LINE = /^\s+at /m;
const NO_ADMIN = /aucun administrateur configuré/;

describe('start-up and CLI messages', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'en3s-startup-messages-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function serve(extra: Record<string, string>, awaited: RegExp = /^service started$/) {
    const port = await freePort();
    const env = {
      ...serviceEnv({
        databaseUrl: `sqlite:${join(dir, `serve-${port}.sqlite`)}`,
        port,
        atsBaseUrl: 'http://127.0.0.1:9',
      }),
      ...extra,
    };
    const run = startProcess(en3sBin(), ['serve'], { env, cwd: dir });
    try {
      await run.waitForLog((l) => l.message === 'service started', 30_000, 'the service to start');
      await run.waitForLog((l) => awaited.test(String(l.message)), 10_000, `a log line matching ${awaited}`);
      return run.logs();
    } finally {
      await run.stop();
    }
  }

  it('en3s serve with no administrator warns once, naming EN3S_ADMIN_USERS, « en3s admin hash-password »', async () => {
    const logs = await serve({}, NO_ADMIN);
    const warnings = logs.filter((l) => NO_ADMIN.test(String(l.message)));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.level).toBe('warn');
    expect(warnings[0]!.message).toContain('EN3S_ADMIN_USERS');
    expect(warnings[0]!.message).toContain('en3s admin hash-password');
  });

  it('en3s serve with an administrator says nothing of the kind', async () => {
    const hash = `$2b$10$${'a'.repeat(53)}`;
    const logs = await serve({ EN3S_ADMIN_USERS: `admin:${hash}` });
    expect(logs.some((l) => l.message === 'service started')).toBe(true);
    expect(logs.filter((l) => NO_ADMIN.test(String(l.message)))).toEqual([]);
  });

  it('en3s report without --db names the database it looked for, how to name another, and the demo’s', async () => {
    const run = startProcess(
      en3sBin(),
      ['report', '--campaign', '2027', '--format', 'csv', '--out', join(dir, 'r.csv')],
      {
        env: { EN3S_DATABASE_URL: '' },
        cwd: dir,
      },
    );
    expect(await run.exited).toBe(2);
    const err = run.stderr();
    expect(err).toContain("« ./data/en3s.sqlite » n'existe pas");
    expect(err).toContain('EN3S_DATABASE_URL');
    expect(err).toContain('--db sqlite:<fichier>');
    expect(err).toContain('--db sqlite:./data/demo.sqlite');
    expect(err).not.toMatch(STACK_LINE);
    expect(run.stdout()).toBe('');
  });

  it('en3s report with a --db that does not exist names it, without the configuration’s hint', async () => {
    const missing = join(dir, 'absente.sqlite');
    const run = startProcess(
      en3sBin(),
      ['report', '--campaign', '2027', '--format', 'csv', '--out', join(dir, 'r.csv'), '--db', `sqlite:${missing}`],
      { cwd: dir },
    );
    expect(await run.exited).toBe(2);
    expect(run.stderr()).toContain(`« ${missing} » n'existe pas`);
    expect(run.stderr()).not.toContain('base cherchée');
  });
});

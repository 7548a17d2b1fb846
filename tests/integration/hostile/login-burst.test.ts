import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, DEFAULT_COST } from '../../../src/admin/passwords.js';
import { Client, csrfOf } from '../admin/http-client.js';
import { startHostileService, type HostileService } from './support.js';

/**
 * A burst of wrong passwords sent at once to the login form of the whole service, with hashes
 * of the production cost: every attempt is counted as it arrives, so no more passwords are
 * checked than the limit (5 per user name and address), and the bcrypt checks run on worker
 * threads, never stalling `/healthz` (bound: 500 ms).
 */

const PASSWORD = 'un mot de passe de production';
const BURST = 30;

async function metric(service: HostileService, name: string): Promise<number> {
  const text = await (await fetch(`${service.service.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(' ')[1]) : 0;
}

/** 30 wrong passwords for one user, sent at once with a valid form token; the statuses. */
async function burst(url: string, user: string): Promise<number[]> {
  const client = new Client(url);
  const token = csrfOf((await client.get('/login')).text);
  const answers = await Promise.all(
    Array.from({ length: BURST }, (_, i) => client.post('/login', { _csrf: token, user, password: `devinette ${i}` })),
  );
  return answers.map((a) => a.status);
}

describe('a burst of wrong passwords on the login form', () => {
  let hostile: HostileService;
  beforeAll(async () => {
    const hash = await hashPassword(PASSWORD, DEFAULT_COST);
    hostile = await startHostileService('login-burst', {
      adminUsers: [`alice:${hash}`, `bob:${hash}`],
      adminLoginAttempts: 5,
    });
  });
  afterAll(() => hostile?.stop());

  it('checks at most 5 of 30 passwords sent at once for one user; the rest refused at once (429 or 503)', async () => {
    const before = await metric(hostile, 'en3s_admin_password_checks_total');
    const statuses = await burst(hostile.service.url, 'alice');
    const checked = (await metric(hostile, 'en3s_admin_password_checks_total')) - before;
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 401)).toHaveLength(checked);
    for (const status of statuses) expect([401, 429, 503]).toContain(status);
  });

  it('keeps /healthz answering in under 500 ms during the burst', async () => {
    const done = burst(hostile.service.url, 'bob');
    let finished = false;
    void done.finally(() => (finished = true));
    const times: number[] = [];
    while (!finished || times.length < 3) {
      const started = performance.now();
      const answer = await fetch(`${hostile.service.url}/healthz`);
      expect(answer.status).toBe(200);
      times.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await done;
    console.info(`/healthz during the burst: ${times.length} answers, slowest ${Math.round(Math.max(...times))} ms`);
    expect(Math.max(...times)).toBeLessThan(500);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { API_TOKEN, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * The login form: a wrong password and an unknown user get the same answer; failures are
 * limited per user name and per client address (3 per quarter hour in these tests, 12 per
 * address), even the right password is refused while limited; the form needs its own token;
 * after the login the browser only goes back to a page of the dashboard.
 */

describe.each(testDatabases())('admin login on %s', (dialect) => {
  let app: AdminTestApp;
  beforeAll(async () => {
    app = await startAdminApp(dialect, 'login');
  });
  afterAll(() => app?.close());

  it('answers a wrong password and an unknown user alike (401, same message), with no session', async () => {
    const client = new Client(app.url);
    const wrong = await client.login('alice', 'not the password at all');
    const unknown = await client.login('mallory', PASSWORD);
    for (const answer of [wrong, unknown]) {
      expect(answer.status).toBe(401);
      expect(answer.text).toContain('Identifiant ou mot de passe incorrect.');
      expect(answer.setCookies.some((c) => c.startsWith('en3s_session='))).toBe(false);
    }
    expect((await client.get('/admin')).status).toBe(303);
  });

  it('refuses a login post without the form token (403), even with the right password', async () => {
    const client = new Client(app.url);
    const answer = await client.post('/login', { user: 'alice', password: PASSWORD, _csrf: 'made-up' });
    expect(answer.status).toBe(403);
    expect(answer.setCookies.some((c) => c.startsWith('en3s_session='))).toBe(false);
  });

  it('after 3 failures for a user name: 429 (Retry-After), right password or not, until the window ends', async () => {
    const client = new Client(app.url);
    for (let i = 0; i < 3; i++) expect((await client.login('bob', `wrong password ${i}`)).status).toBe(401);
    const limited = await client.login('bob', PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.text).toContain('Trop de tentatives');
    // Another user from the same address is not blocked by bob's failures.
    expect((await client.login('alice', PASSWORD)).status).toBe(303);
    app.clock.advance(16 * 60_000);
    expect((await new Client(app.url).login('bob', PASSWORD)).status).toBe(303);
  });

  it('limits failures per address across user names', async () => {
    const client = new Client(app.url);
    // 12 failures spread over many names (3 each would not trip the per-user limit).
    for (let i = 0; i < 12; i++) expect((await client.login(`spray${i}`, 'guess')).status).toBe(401);
    expect((await client.login('alice', PASSWORD)).status).toBe(429);
    app.clock.advance(16 * 60_000);
    expect((await client.login('alice', PASSWORD)).status).toBe(303);
  });

  it('goes back to the page asked for, but only inside the dashboard', async () => {
    const client = new Client(app.url);
    const back = await client.login('alice', PASSWORD, { suite: '/admin/offres?state=approved' });
    expect(back.headers.get('location')).toBe('/admin/offres?state=approved');
    for (const elsewhere of [
      '//evil.example/admin',
      'https://evil.example/',
      '/administrateur',
      '/admin@evil.example',
      '/api/v1/offers',
    ]) {
      const answer = await new Client(app.url).login('alice', PASSWORD, { suite: elsewhere });
      expect(answer.headers.get('location'), elsewhere).toBe('/admin');
    }
  });

  it('gives a new session id at each login (no fixation)', async () => {
    const client = new Client(app.url);
    await client.login('alice', PASSWORD);
    const first = client.cookies.get('en3s_session');
    await client.login('alice', PASSWORD);
    expect(client.cookies.get('en3s_session')).not.toBe(first);
  });

  it('ends the session the browser had before at a new login', async () => {
    const client = new Client(app.url);
    expect((await client.login('alice', PASSWORD)).status).toBe(303);
    const old = client.cookies.get('en3s_session')!;
    expect((await client.login('bob', PASSWORD)).status).toBe(303);
    const stale = new Client(app.url);
    stale.cookies.set('en3s_session', old);
    expect((await stale.get('/api/v1/overview')).status).toBe(401);
    expect((await client.get('/api/v1/overview')).status).toBe(200);
  });

  it('escapes what the user typed when showing the form again', async () => {
    const answer = await new Client(app.url).login('"><script>alert(1)</script>', 'x');
    expect(answer.status).toBe(401);
    expect(answer.text).not.toContain('<script>alert(1)</script>');
    expect(answer.text).toContain('&lt;script&gt;');
  });
});

describe('admin login behind a declared reverse proxy', () => {
  let app: AdminTestApp;
  beforeAll(async () => {
    app = await startAdminApp('sqlite', 'login-proxy', { adminTrustedProxies: ['127.0.0.1'] });
  });
  afterAll(() => app?.close());

  it('slows down the guesser’s address only: the right password from another address still gets in', async () => {
    const guesser = new Client(app.url, { 'x-forwarded-for': '198.51.100.7' });
    for (let i = 0; i < 3; i++) expect((await guesser.login('alice', `devinette ${i}`)).status).toBe(401);
    const held = await guesser.login('alice', PASSWORD);
    expect(held.status).toBe(429);
    expect(held.text).toContain('réessayez dans 30 s');
    expect((await new Client(app.url, { 'x-forwarded-for': '203.0.113.9' }).login('alice', PASSWORD)).status).toBe(303);
  });

  it('makes each further attempt of the same name and address wait twice as long', async () => {
    const guesser = new Client(app.url, { 'x-forwarded-for': '198.51.100.8' });
    for (let i = 0; i < 3; i++) expect((await guesser.login('bob', `devinette ${i}`)).status).toBe(401);
    expect((await guesser.login('bob', 'encore')).headers.get('retry-after')).toBe('30');
    app.clock.advance(30_000);
    expect((await guesser.login('bob', 'encore')).status).toBe(401);
    expect((await guesser.login('bob', 'encore')).headers.get('retry-after')).toBe('60');
    app.clock.advance(60_000);
    expect((await guesser.login('bob', PASSWORD)).status).toBe(303);
  });
});

describe('admin surface behind a reverse proxy nobody declared', () => {
  let app: AdminTestApp;
  const errors: string[] = [];
  const log = {
    info: () => undefined,
    warn: () => undefined,
    debug: () => undefined,
    error: (message: string) => void errors.push(message),
  };
  beforeAll(async () => {
    app = await startAdminApp('sqlite', 'login-undeclared-proxy', {}, { log });
  });
  afterAll(() => app?.close());

  it('refuses requests with X-Forwarded-For (503, French, the setting named), logs once which to set', async () => {
    const viaProxy = { 'x-forwarded-for': '198.51.100.7' };
    const page = await new Client(app.url, viaProxy).get('/login');
    expect(page.status).toBe(503);
    expect(page.text).toContain('proxy inverse non déclaré');
    expect(page.text).toContain('EN3S_ADMIN_TRUSTED_PROXIES');
    const api = await new Client(app.url, { ...viaProxy, authorization: `Bearer ${API_TOKEN}` }).get(
      '/api/v1/overview',
    );
    expect(api.status).toBe(503);
    expect(api.json).toMatchObject({ code: 'PROXY_NOT_DECLARED' });
    expect(api.json.message).toContain('EN3S_ADMIN_TRUSTED_PROXIES');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain('EN3S_ADMIN_TRUSTED_PROXIES');
    expect(errors[0]).not.toContain('198.51.100.7');
    // Without the header (no proxy in front) the login works as always.
    expect((await new Client(app.url).login('alice', PASSWORD)).status).toBe(303);
  });
});

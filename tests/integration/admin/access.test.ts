import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { API_TOKEN, offerPath, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * Nothing of the dashboard or the API answers without a session or an API token: pages send to
 * the login, the API answers 401, and an offer that exists is refused exactly like one that does
 * not, so a URL guessed from the recruiter's side learns nothing.
 */

const pageGets = [
  '/admin',
  '/admin/offres',
  '/admin/offres?state=approved',
  '/admin/commandes',
  '/admin/rapports',
  '/admin/rapports/1/fichier',
  '/admin/parametres',
  '/admin/nimporte-quoi',
];
const apiGets = [
  '/api/v1/overview',
  '/api/v1/offers',
  '/api/v1/outbox/dead',
  '/api/v1/status',
  '/api/v1/reports/runs',
  '/api/v1/reports/runs/1',
  '/api/v1/reports/runs/1/file',
  '/api/v1/nimporte-quoi',
];

describe.each(testDatabases())('admin access on %s', (dialect) => {
  let app: AdminTestApp;
  let pagePosts: string[];
  let apiPosts: string[];
  beforeAll(async () => {
    app = await startAdminApp(dialect, 'access');
    const offer = offerPath(app.offers.published);
    pageGets.push(`/admin/offres/${offer}`, `/admin/offres/${offerPath('does-not-exist')}`);
    apiGets.push(
      `/api/v1/offers/${offer}`,
      `/api/v1/offers/${offer}/timeline`,
      `/api/v1/offers/${offerPath('does-not-exist')}`,
    );
    pagePosts = [
      `/admin/offres/${offer}/perimetre`,
      `/admin/offres/${offer}/reevaluer`,
      `/admin/offres/${offer}/verifiee`,
      `/admin/commandes/${app.deadCommandId}/relancer`,
      '/admin/reconciliation',
      '/admin/rapports',
    ];
    apiPosts = [
      `/api/v1/offers/${offer}/override`,
      `/api/v1/offers/${offer}/reevaluate`,
      `/api/v1/offers/${offer}/checked`,
      `/api/v1/outbox/${app.deadCommandId}/retry`,
      '/api/v1/reconcile',
      '/api/v1/reports',
    ];
  });
  afterAll(() => app?.close());

  it('sends every page to the login form without a session, whatever the page', async () => {
    const anonymous = new Client(app.url);
    for (const path of pageGets) {
      const answer = await anonymous.get(path);
      expect(answer.status, path).toBe(303);
      expect(answer.headers.get('location'), path).toBe(`/login?suite=${encodeURIComponent(path)}`);
      expect(answer.text, path).not.toContain('Directeur');
    }
  });

  it('refuses every form post without a session (401), and changes nothing', async () => {
    const anonymous = new Client(app.url);
    const before = await app.store.db
      .selectFrom('ledger')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    for (const path of pagePosts) {
      const answer = await anonymous.post(path, {
        scope: 'not_concerned',
        reason: 'tentative sans session',
        kind: 'report',
      });
      expect(answer.status, path).toBe(401);
      expect(answer.text, path).toContain('authentification requise');
    }
    const after = await app.store.db
      .selectFrom('ledger')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expect(app.reconcileCalls).toBe(0);
  });

  it('answers every API route 401 problem+json without a token, alike for existing and missing offers', async () => {
    const anonymous = new Client(app.url);
    const bodies = new Set<string>();
    for (const path of apiGets) {
      const answer = await anonymous.get(path);
      expect(answer.status, path).toBe(401);
      expect(answer.headers.get('www-authenticate'), path).toBe('Bearer');
      expect(answer.headers.get('content-type'), path).toBe('application/problem+json; charset=utf-8');
      expect(answer.json, path).toEqual({
        type: 'urn:en3s:problem:unauthenticated',
        title: 'Authentification requise',
        status: 401,
        detail: expect.stringContaining('authentification requise'),
        code: 'UNAUTHENTICATED',
        message: answer.json.detail,
      });
      bodies.add(answer.text);
    }
    for (const path of apiPosts) {
      const answer = await anonymous.request('POST', path, {
        json: { concerned: false, reason: 'tentative sans jeton' },
      });
      expect(answer.status, path).toBe(401);
      bodies.add(answer.text);
    }
    expect(bodies.size).toBe(1);
  });

  it('refuses a wrong, malformed or empty bearer token (401 INVALID_TOKEN), even next to a valid session', async () => {
    const alice = new Client(app.url);
    expect((await alice.login('alice', PASSWORD)).status).toBe(303);
    for (const authorization of [
      'Bearer wrong-token-0123456789abcdef',
      'Bearer ',
      'Basic YWxpY2U6eA==',
      `Bearer ${API_TOKEN}x`,
      `bearer${API_TOKEN}`,
    ]) {
      const answer = await alice.get('/api/v1/offers', { authorization });
      expect(answer.status, authorization).toBe(401);
      expect(answer.json.code, authorization).toBe('INVALID_TOKEN');
    }
  });

  it('lets a valid API token and a valid session in', async () => {
    const script = new Client(app.url, { authorization: `Bearer ${API_TOKEN}` });
    const list = await script.get('/api/v1/offers?campaign=2027');
    expect(list.status).toBe(200);
    expect(list.json.total).toBe(5);
    const alice = new Client(app.url);
    await alice.login('alice', PASSWORD);
    for (const path of pageGets.filter(
      (p) => !p.includes('nimporte') && !p.includes('does-not-exist') && !p.includes('fichier'),
    )) {
      expect((await alice.get(path)).status, path).toBe(200);
    }
    expect((await alice.get('/admin/nimporte-quoi')).status).toBe(404);
    expect((await alice.get(`/admin/offres/${offerPath('does-not-exist')}`)).status).toBe(404);
    expect((await script.get('/api/v1/nimporte-quoi')).json).toMatchObject({
      code: 'NOT_FOUND',
      message: expect.any(String),
    });
  });

  it('refuses a session cookie whose signature was tampered with, or signed for another cookie', async () => {
    const alice = new Client(app.url);
    await alice.login('alice', PASSWORD);
    const [name, value] = [...alice.cookies].find(([n]) => n.includes('en3s_session'))!;
    const [id, signature] = [value.slice(0, value.lastIndexOf('.')), value.slice(value.lastIndexOf('.') + 1)];
    const forged = new Client(app.url);
    forged.cookies.set(name, `${id}.${signature.slice(0, -2)}AA`);
    expect((await forged.get('/admin')).status).toBe(303);
    const otherId = new Client(app.url);
    otherId.cookies.set(name, `${id.slice(0, -2)}AA.${signature}`);
    expect((await otherId.get('/admin')).status).toBe(303);
    const asLogin = new Client(app.url);
    asLogin.cookies.set('en3s_login', value);
    expect((await asLogin.get('/admin')).status).toBe(303);
  });

  it('ends a session at logout (the old cookie no longer opens anything) and after the idle time', async () => {
    const alice = new Client(app.url);
    await alice.login('alice', PASSWORD);
    const kept = new Map(alice.cookies);
    const logout = await alice.post('/logout', { _csrf: await alice.csrf() });
    expect(logout.status).toBe(303);
    const replay = new Client(app.url);
    for (const [k, v] of kept) replay.cookies.set(k, v);
    expect((await replay.get('/admin')).status).toBe(303);

    const bob = new Client(app.url);
    await bob.login('bob', PASSWORD);
    expect((await bob.get('/admin')).status).toBe(200);
    app.clock.advance(61 * 60_000);
    expect((await bob.get('/admin')).status).toBe(303);
  });

  it('sets the session cookie HTTP-only, SameSite=Strict, path /, without Secure on loopback', async () => {
    const alice = new Client(app.url);
    const login = await alice.login('alice', PASSWORD);
    const cookie = login.setCookies.find((c) => c.startsWith('en3s_session='))!;
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Path=\//);
    expect(cookie).not.toMatch(/Secure/);
    const page = await alice.get('/admin');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    expect(page.headers.get('cache-control')).toBe('no-store');
  });
});

describe('admin access with secure cookies and a trusted proxy', () => {
  let app: AdminTestApp;
  beforeAll(async () => {
    app = await startAdminApp('sqlite', 'proxy', {
      adminCookieSecure: 'true',
      adminProxyUserHeader: 'X-Remote-User',
      adminTrustedProxies: ['127.0.0.1'],
    });
  });
  afterAll(() => app?.close());

  it('uses a __Host- cookie with the Secure flag when configured', async () => {
    const alice = new Client(app.url);
    const login = await alice.login('alice', PASSWORD);
    expect(login.status).toBe(303);
    const cookie = login.setCookies.find((c) => c.startsWith('__Host-en3s_session='))!;
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });

  it('accepts a trusted address’s proxy header: a session with CSRF token, dropped once the header goes', async () => {
    const viaProxy = new Client(app.url, { 'x-remote-user': 'carole' });
    const page = await viaProxy.get('/admin');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Connecté : carole');
    expect([...viaProxy.cookies.keys()]).toContain('__Host-en3s_session');
    const withoutHeader = new Client(app.url);
    for (const [k, v] of viaProxy.cookies) withoutHeader.cookies.set(k, v);
    expect((await withoutHeader.get('/admin')).status).toBe(303);
  });

  it('ignores a header that is not a user name', async () => {
    const odd = new Client(app.url, { 'x-remote-user': 'carole<script>' });
    expect((await odd.get('/admin')).status).toBe(303);
  });
});

describe('admin access: the proxy header from an untrusted address', () => {
  let app: AdminTestApp;
  beforeAll(async () => {
    app = await startAdminApp('sqlite', 'untrusted-proxy', {
      adminProxyUserHeader: 'X-Remote-User',
      adminTrustedProxies: ['10.0.0.1'],
    });
  });
  afterAll(() => app?.close());

  it('is ignored: a client cannot declare itself an administrator', async () => {
    const forger = new Client(app.url, { 'x-remote-user': 'alice', 'x-forwarded-for': '10.0.0.1' });
    expect((await forger.get('/admin')).status).toBe(303);
    expect((await forger.get('/api/v1/offers')).status).toBe(401);
  });
});

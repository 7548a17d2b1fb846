import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { API_TOKEN, HOSTILE_TITLE, offerPath, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * Hostile input in search, filters, keys and bodies is harmless: values are bound parameters
 * (a quote or a LIKE wildcard is just a character), anything else than the expected values is
 * refused with 400 naming the parameter, and text from the ATS is escaped on every page.
 */

describe.each(testDatabases())('admin inputs on %s', (dialect) => {
  let app: AdminTestApp;
  let alice: Client;
  let script: Client;
  beforeAll(async () => {
    app = await startAdminApp(dialect, 'injection');
    alice = new Client(app.url);
    await alice.login('alice', PASSWORD);
    script = new Client(app.url, { authorization: `Bearer ${API_TOKEN}` });
  });
  afterAll(() => app?.close());

  const search = async (q: string) =>
    (await script.get(`/api/v1/offers?campaign=2027&q=${encodeURIComponent(q)}`)).json as {
      total: number;
      items: { ats_id: string }[];
    };

  it('treats SQL in the search as text: only the offer whose title holds it matches, the table is intact', async () => {
    for (const q of ["' OR 1=1 --", "' OR '1'='1", "'; DROP TABLE offers; --", '" OR ""="']) {
      const found = await search(q);
      expect(
        found.items.map((o) => o.ats_id),
        q,
      ).toEqual(q === "' OR 1=1 --" ? [app.offers.hostile] : []);
    }
    expect((await search('')).total).toBe(5);
    const count = await app.store.db
      .selectFrom('offers')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(5);
  });

  it('treats LIKE wildcards and escapes as characters', async () => {
    for (const q of ['%', '_', '\\', '%%', '_%_']) expect((await search(q)).total, q).toBe(0);
    expect((await search('Directeur')).total).toBe(2);
    expect((await search('directeur ADJOINT')).items.map((o) => o.ats_id)).toEqual([app.offers.published]);
    expect((await search('gironde')).items.map((o) => o.ats_id)).toEqual([app.offers.published]);
  });

  it('refuses unexpected filter values with 400 naming the parameter', async () => {
    const cases: [string, string][] = [
      ["state=approved' OR '1'='1", 'state'],
      ['state=approved;DROP', 'state'],
      ['regime=general%27--', 'regime'],
      ['network=x', 'network'],
      ['body=CPAM%20OR%201=1', 'body'],
      ['campaign=2027%20OR%201=1', 'campaign'],
      ['concerned=maybe', 'concerned'],
      ['sort=title;DROP', 'sort'],
      ['sort=updated_at', 'sort'],
      ['limit=100000', 'limit'],
      ['limit=-1', 'limit'],
      ['unansweredDays=yes', 'unansweredDays'],
      ['unansweredDays=0', 'unansweredDays'],
      ['overdue=1', 'overdue'],
      ['cursor=%27%20OR%201=1', 'cursor'],
      ['cursor=WyJ4Il0', 'cursor'],
      ['after=%27%20OR%201=1', 'after'],
      ['where=1', 'where'],
      ['q=a&q=b', 'q'],
    ];
    for (const [query, name] of cases) {
      const answer = await script.get(`/api/v1/offers?${query}`);
      expect(answer.status, query).toBe(400);
      expect(answer.json.code, query).toBe('BAD_REQUEST');
      expect(answer.json.message, query).toContain(name);
      const page = await alice.get(`/admin/offres?${query}`);
      expect(page.status, query).toBe(400);
    }
  });

  it('escapes text from the ATS on the list and the offer page', async () => {
    for (const path of ['/admin/offres?campaign=2027', `/admin/offres/${offerPath(app.offers.hostile)}`]) {
      const page = await alice.get(path);
      expect(page.status).toBe(200);
      expect(page.text, path).not.toContain('<script>alert("x")</script>');
      expect(page.text, path).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    }
    const api = await script.get(`/api/v1/offers/${offerPath(app.offers.hostile)}`);
    expect(api.json.offer.title).toBe(HOSTILE_TITLE);
  });

  it('escapes the search text echoed in the form', async () => {
    const page = await alice.get(`/admin/offres?q=${encodeURIComponent('"><img src=x onerror=alert(1)>')}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&quot;&gt;&lt;img src&#61;x onerror&#61;alert(1)&gt;');
  });

  it('answers malformed or misshapen JSON bodies with 400', async () => {
    const path = `/api/v1/offers/${offerPath(app.offers.hostile)}/override`;
    const malformed = await script.request('POST', path, {
      body: '{"concerned": false, "reason": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
    expect(malformed.json.code).toBe('MALFORMED_JSON');
    const array = await script.request('POST', path, { json: [1, 2] });
    expect(array.status).toBe(400);
    const huge = await script.request('POST', path, { json: { concerned: false, reason: 'x'.repeat(100_000) } });
    expect(huge.status).toBe(413);
    expect(huge.json.code).toBe('PAYLOAD_TOO_LARGE');
    const long = await script.request('POST', path, { json: { concerned: false, reason: 'x'.repeat(1001) } });
    expect(long.status).toBe(400);
  });

  it('refuses odd offer keys and ids without touching anything', async () => {
    expect((await script.get('/api/v1/offers/talentlink/x/20a7')).status).toBe(400);
    expect((await script.get(`/api/v1/offers/talentlink/${encodeURIComponent("x' OR 1=1 --")}/2027`)).status).toBe(404);
    expect((await alice.get('/admin/commandes?page=0')).status).toBe(400);
    expect((await script.get('/api/v1/offers/talentlink/x/2027/timeline?cursor=-1')).status).toBe(400);
  });
});

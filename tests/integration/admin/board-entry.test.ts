import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBoardEntry } from '../../../src/store/en3s-board.js';
import { readLedger, verifyLedger } from '../../../src/store/ledger.js';
import { testDatabases } from '../../support/databases.js';
import { API_TOKEN, offerPath, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * Recording that a post was entered on EN3S's online job board (instruction DSS/4B/2026/34 §1.2),
 * from the admin API and from the offer's page: checked input (zod) refused with `{code, message}`,
 * CSRF as for every action, one ledger entry per recording with the name, a correction replacing
 * the entry in force while the ledger keeps both; and the list of posts from the dashboard.
 */

describe.each(testDatabases())('EN3S board entries from the dashboard and the API on %s', (dialect) => {
  let app: AdminTestApp;
  let alice: Client;
  let script: Client;
  const key = (id: string) => ({ source: 'talentlink', ats_id: id, campaign: 2027 });
  const api = (id: string) => `/api/v1/offers/${offerPath(id)}/en3s-board`;
  const page = (id: string) => `/admin/offres/${offerPath(id)}`;
  const boardEntries = async () =>
    Number(
      (
        await app.store.db
          .selectFrom('ledger')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('kind', '=', 'admin.board_entry')
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    app = await startAdminApp(dialect, 'board-entry');
    alice = new Client(app.url);
    expect((await alice.login('alice', PASSWORD)).status).toBe(303);
    script = new Client(app.url, { authorization: `Bearer ${API_TOKEN}` });
  });
  afterAll(() => app?.close());

  it('API: records the entry (201), corrects it (200, superseded); a repeat is a no-op (200, unchanged)', async () => {
    const created = await script.request('POST', api(app.offers.published), {
      json: { enteredOn: '2027-02-10', note: '  Saisi   par la DRH  ' },
    });
    expect(created.status).toBe(201);
    expect(created.json).toEqual({
      outcome: 'created',
      entry: {
        enteredOn: '2027-02-10',
        note: 'Saisi par la DRH',
        recordedBy: 'script-nuit',
        recordedAt: '2027-02-15T10:00:00.000Z',
        revision: 1,
        ledgerSeq: expect.any(Number),
      },
      supersedes: null,
    });
    const [entry] = (await readLedger(app.store.db, { offer: key(app.offers.published), limit: 10_000 })).filter(
      (e) => e.kind === 'admin.board_entry',
    );
    expect(entry).toMatchObject({
      seq: created.json.entry.ledgerSeq,
      actor: 'administrator',
      actor_name: 'script-nuit',
      data: { enteredOn: '2027-02-10', note: 'Saisi par la DRH', via: 'token', supersedes: null },
    });

    app.clock.advance(60_000);
    const corrected = await script.request('POST', api(app.offers.published), { json: { enteredOn: '2027-02-11' } });
    expect(corrected.status).toBe(200);
    expect(corrected.json).toMatchObject({
      outcome: 'superseded',
      entry: { enteredOn: '2027-02-11', note: null, revision: 2 },
      supersedes: { enteredOn: '2027-02-10', note: 'Saisi par la DRH' },
    });
    const before = await boardEntries();
    const repeated = await script.request('POST', api(app.offers.published), { json: { enteredOn: '2027-02-11' } });
    expect(repeated.status).toBe(200);
    expect(repeated.json.outcome).toBe('unchanged');
    expect(await boardEntries()).toBe(before);

    const offer = await script.get(`/api/v1/offers/${offerPath(app.offers.published)}`);
    expect(offer.json.en3sBoard).toMatchObject({ enteredOn: '2027-02-11', recordedBy: 'script-nuit', revision: 2 });
    expect(
      offer.json.timeline
        .filter((e: { kind: string }) => e.kind === 'admin.board_entry')
        .map((e: { description: string }) => e.description),
    ).toEqual([
      'Poste saisi sur la bourse en ligne des postes de l’EN3S le 10/02/2027 — note : Saisi par la DRH',
      'Poste saisi sur la bourse en ligne des postes de l’EN3S le 11/02/2027 (remplace la saisie ' +
        'du 10/02/2027 enregistrée par script-nuit le 15/02/2027 11:00 ; le registre garde les deux)',
    ]);
    expect((await verifyLedger(app.store.db)).ok).toBe(true);
  });

  it('bad input 400 {code, message} naming the field; unconcerned offer 409, unknown 404; writes nothing', async () => {
    const before = await boardEntries();
    for (const [json, word] of [
      [{ enteredOn: '12/02/2027' }, 'date de saisie'],
      [{ enteredOn: '2027-02-30' }, 'date de saisie'],
      [{ enteredOn: 20270212 }, 'date de saisie'],
      [{ enteredOn: '2027-02-16' }, 'aujourd’hui (15/02/2027'],
      [{ enteredOn: '2025-12-31' }, 'du 01/01/2026'],
      [{ note: 'x'.repeat(501) }, 'note trop longue'],
      [{ note: 42 }, 'note'],
      [{ entered_on: '2027-02-12' }, 'champ inconnu : entered_on'],
      [[{ enteredOn: '2027-02-12' }], 'objet JSON'],
    ] as const) {
      const answer = await script.request('POST', api(app.offers.submitted), { json });
      expect(answer.status, JSON.stringify(json)).toBe(400);
      expect(answer.json, JSON.stringify(json)).toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringContaining(word),
      });
    }
    const malformed = await script.request('POST', api(app.offers.submitted), {
      body: '{"enteredOn":',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.json.code).toBe('MALFORMED_JSON');
    const notConcerned = await script.request('POST', api(app.offers.notConcerned), { json: {} });
    expect(notConcerned.status).toBe(409);
    expect(notConcerned.json).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('pas concernée') });
    const unknown = await script.request('POST', api('job-inconnu'), { json: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.json.code).toBe('NOT_FOUND');
    expect(await boardEntries()).toBe(before);
    expect(await getBoardEntry(app.store.db, key(app.offers.submitted))).toBeNull();
  });

  it('needs the session’s CSRF token, from the API and the page (403), and records nothing without it', async () => {
    const before = await boardEntries();
    const viaSession = await alice.request('POST', api(app.offers.submitted), { json: { enteredOn: '2027-02-12' } });
    expect(viaSession.status).toBe(403);
    expect(viaSession.json.code).toBe('CSRF_TOKEN_INVALID');
    expect(
      (await alice.post(`${page(app.offers.submitted)}/bourse-en3s`, { enteredOn: '2027-02-12', note: '' })).status,
    ).toBe(403);
    expect(
      (await new Client(app.url).post(`${page(app.offers.submitted)}/bourse-en3s`, { enteredOn: '2027-02-12' })).status,
    ).toBe(401);
    expect(await boardEntries()).toBe(before);
  });

  it('offer page shows the post’s entry, records it via its form, today by default; timeline in French', async () => {
    const empty = await alice.get(page(app.offers.submitted));
    expect(empty.text).toContain('Bourse en ligne des postes de l’EN3S');
    expect(empty.text).toContain('Pas encore enregistré comme saisi.');
    expect(empty.text).toMatch(
      /<input type="date" id="bourse-date" name="enteredOn" value="2027-02-15" max="2027-02-15" required>/,
    );
    expect(empty.text).toContain('le registre garde les deux');

    const answer = await alice.post(`${page(app.offers.submitted)}/bourse-en3s`, {
      _csrf: await alice.csrf(page(app.offers.submitted)),
      enteredOn: '',
      note: 'Saisi par le directeur',
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`${page(app.offers.submitted)}?done=board-entry#bourse-en3s`);
    const shown = await alice.get(answer.headers.get('location')!);
    expect(shown.text).toContain('La saisie du poste sur la bourse de l’EN3S est enregistrée');
    expect(shown.text).toMatch(/Saisi le <strong>15\/02\/2027<\/strong> — enregistré par alice le 15\/02\/2027 11:0\d/);
    expect(shown.text).toContain(
      'Poste saisi sur la bourse en ligne des postes de l’EN3S le 15/02/2027 — note : Saisi par le directeur',
    );
    expect(shown.text).toMatch(/Administrateur <strong>alice<\/strong>/);

    const bad = await alice.post(`${page(app.offers.submitted)}/bourse-en3s`, {
      _csrf: await alice.csrf(page(app.offers.submitted)),
      enteredOn: '2027-13-01',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('date de saisie');

    const notConcerned = await alice.get(page(app.offers.notConcerned));
    expect(notConcerned.text).toContain('Offre non concernée : aucun poste à saisir sur la bourse de l’EN3S.');
    expect(notConcerned.text).not.toContain('/bourse-en3s"');
  });

  it('no page, alert or report says an EN3S answer is late, even the one unanswered since 21 January', async () => {
    const late = /retard|hors[ -]d[ée]lai|délai dépassé/i;
    const pages = [
      '/admin',
      '/admin/offres?campaign=2027',
      '/admin/offres?campaign=2027&unansweredDays=15',
      ...Object.values(app.offers).map(page),
    ];
    for (const path of pages) {
      const answer = await alice.get(path);
      expect(answer.status, path).toBe(200);
      expect(answer.text, path).not.toMatch(late);
    }
    const overview = await script.get('/api/v1/overview?campaign=2027');
    expect(overview.json.alerts.find((a: { key: string }) => a.key === 'unanswered')).toMatchObject({
      count: 1,
      label: 'Soumissions à l’EN3S sans réponse observée depuis plus de 15 jours',
    });
    expect(JSON.stringify(overview.json)).not.toMatch(late);
    for (const kind of ['report', 'recap'] as const) {
      const made = await script.request('POST', '/api/v1/reports', { json: { kind, format: 'html', campaign: 2027 } });
      const file = await script.get(made.json.download);
      expect(file.text, kind).not.toMatch(late);
      if (kind === 'recap')
        expect(file.text).toContain('(SGMCAS), pour le récapitulatif entier, tous réseaux confondus (ARS comprises)');
    }
  });

  it('lists posts from the reports page and API, the entered ones marked; refuses what it does not take', async () => {
    const form = await alice.get('/admin/rapports');
    expect(form.text).toContain('value="posts"');
    const made = await alice.post('/admin/rapports', {
      _csrf: await alice.csrf('/admin/rapports'),
      kind: 'posts',
      format: 'json',
      campaign: '2027',
      network: '',
      regime: '',
      body: '',
      state: '',
      asOf: '',
    });
    expect(made.status).toBe(303);
    const listed = await alice.get(made.headers.get('location')!);
    expect(listed.text).toContain('Postes à saisir sur la bourse en ligne des postes de l’EN3S (JSON)');
    const link = /href="(\/admin\/rapports\/\d+\/fichier)"/.exec(listed.text)!;
    const list = JSON.parse((await alice.get(link[1]!)).text);
    // Concerned or undetermined: the posting one, the undetermined one, the submitted one, the hostile one; not the
    // level 5B.
    expect(list.posts.map((p: { atsId: string }) => p.atsId).sort()).toEqual(
      [app.offers.hostile, app.offers.published, app.offers.submitted, app.offers.undetermined].sort(),
    );
    expect(list.total).toEqual({ posts: 4, entered: 2, toEnter: 2 });

    const byApi = await script.request('POST', '/api/v1/reports', {
      json: { kind: 'posts', format: 'csv', campaign: 2027, body: 'CPAM du Rhône' },
    });
    expect(byApi.status).toBe(201);
    expect(byApi.json).toMatchObject({ kind: 'posts', format: 'csv', rowCount: 1 });
    for (const [json, word] of [
      [{ kind: 'posts', format: 'html', campaign: 2027 }, 'format : csv, xlsx, json attendu'],
      [{ kind: 'posts', campaign: 2027, asOf: '2027-02-01' }, 'sans date de situation'],
      [{ kind: 'posts', campaign: 2027, state: 'submitted' }, 'sans filtre d’état'],
    ] as const) {
      const answer = await script.request('POST', '/api/v1/reports', { json });
      expect(answer.status, JSON.stringify(json)).toBe(400);
      expect(answer.json.message).toContain(word);
    }
  });
});

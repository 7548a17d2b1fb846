import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySnapshot } from '../../../src/pipeline/apply.js';
import { readLedger, verifyLedger } from '../../../src/store/ledger.js';
import { getOffer } from '../../../src/store/offers.js';
import { inTransaction } from '../../../src/store/transaction.js';
import { testDatabases } from '../../support/databases.js';
import { API_TOKEN, offerPath, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * An offer flagged "à vérifier" marked as checked from its page: the reason is required, the
 * ledger names who and why, the flag goes and stays down when the offer is evaluated again,
 * and comes back with a newer version of the job that still lacks data. A refused action comes
 * back to the offer page with its French reason, not to a page with nowhere to go.
 */

describe.each(testDatabases())('marking a flagged offer as checked on %s', (dialect) => {
  let app: AdminTestApp;
  let alice: Client;
  const key = (id: string) => ({ source: 'talentlink', ats_id: id, campaign: 2027 });
  const page = (id: string) => `/admin/offres/${offerPath(id)}`;
  /**
   * Each word counted where it shows: the overview's alert, the list filtered by the flag, the list filtered by the
   * scope.
   */
  async function counts() {
    const overview = await alice.get('/admin?campaign=2027');
    const alert =
      /data-alert="undetermined">\s*<a href="([^"]+)"><span class="count">(\d+)<\/span>Offres à vérifier/.exec(
        overview.text,
      );
    const total = async (path: string) =>
      Number(/<caption>(\d+) offres? — campagne 2027<\/caption>/.exec((await alice.get(path)).text)?.[1]);
    return {
      alert: Number(alert?.[2]),
      flagged: await total(alert![1]!.replaceAll('&amp;', '&').replaceAll('&#61;', '=')),
      undetermined: await total('/admin/offres?campaign=2027&concerned=undetermined'),
    };
  }
  const ledgerCount = async () =>
    Number(
      (
        await app.store.db
          .selectFrom('ledger')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    app = await startAdminApp(dialect, 'review-checked');
    alice = new Client(app.url);
    expect((await alice.login('alice', PASSWORD)).status).toBe(303);
  });
  afterAll(() => app?.close());

  it('refuses a too short reason: offer page again (400) with the message, flag and ledger unchanged', async () => {
    const id = app.offers.undetermined;
    const before = await ledgerCount();
    const shown = await alice.get(page(id));
    expect(shown.text).toContain(`action="${page(id)}/verifiee"`);
    const refused = await alice.post(`${page(id)}/verifiee`, { _csrf: await alice.csrf(page(id)), reason: 'ok' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain(
      '<p class="error" role="alert">Action refusée : motif obligatoire : 5 caractères au moins, pour le registre</p>',
    );
    expect(refused.text).toContain('Responsable sans niveau');
    expect(refused.text).toContain(`action="${page(id)}/verifiee"`);
    expect(await ledgerCount()).toBe(before);
    expect((await getOffer(app.store.db, key(id)))!.review_needed).toBe(true);
  });

  it('the other offer actions refused come back to the offer page too, with their message', async () => {
    const id = app.offers.submitted;
    const csrf = await alice.csrf(page(id));
    const scope = await alice.post(`${page(id)}/perimetre`, { _csrf: csrf, scope: 'not_concerned', reason: 'non' });
    expect(scope.status).toBe(400);
    expect(scope.text).toContain('Action refusée : motif obligatoire');
    expect(scope.text).toContain('Directeur comptable en attente');
    const board = await alice.post(`${page(id)}/bourse-en3s`, { _csrf: csrf, enteredOn: '2027-13-01' });
    expect(board.status).toBe(400);
    expect(board.text).toContain('Action refusée : date de saisie');
    expect(board.text).toContain('id="bourse-en3s"');
  });

  it('marks it checked: the ledger names alice, her reason and the version seen; the flag and form go', async () => {
    const id = app.offers.undetermined;
    expect(await counts()).toEqual({ alert: 1, flagged: 1, undetermined: 1 });
    const reason = 'Niveau demandé à la CAF, réponse attendue';
    const answer = await alice.post(`${page(id)}/verifiee`, { _csrf: await alice.csrf(page(id)), reason });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toBe(`${page(id)}?done=review-checked#historique`);
    const offer = (await getOffer(app.store.db, key(id)))!;
    expect(offer.review_needed).toBe(false);
    expect(offer.concerned).toBe('undetermined');
    const entry = (await readLedger(app.store.db, { offer: key(id), limit: 1000 })).at(-1)!;
    expect(entry).toMatchObject({
      kind: 'admin.review_checked',
      actor: 'administrator',
      actor_name: 'alice',
      at: app.clock.now().toISOString(),
      data: { reason, updatedAt: offer.offer.updatedAt },
    });
    const shown = await alice.get(`${page(id)}?done=review-checked`);
    expect(shown.text).toContain('L’offre est marquée comme vérifiée');
    expect(shown.text).toContain(
      `Offre marquée comme vérifiée (version modifiée le 03/02/2027 10:00) — motif : ${reason}`,
    );
    expect(shown.text).not.toContain('<span class="badge alert">à vérifier</span>');
    expect(shown.text).not.toContain(`action="${page(id)}/verifiee"`);
    const administrators = await alice.get(`${page(id)}?famille=administrateurs`);
    expect(administrators.text).toContain('<tr data-kind="admin.review_checked"');
    expect(administrators.text).not.toContain('<tr data-kind="decision"');
    const unknown = await alice.get(`${page(id)}?famille=tout`);
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('paramètre « famille »');
    expect((await verifyLedger(app.store.db)).ok).toBe(true);
    // "À vérifier" is the flag, on the overview and in the list alike; the scope stays undetermined, under its own
    // name.
    expect(await counts()).toEqual({ alert: 0, flagged: 0, undetermined: 1 });
    const list = await alice.get('/admin/offres?campaign=2027&concerned=undetermined');
    expect(list.text).toContain('<td>Indéterminée (données manquantes)</td>');
    expect(list.text).not.toMatch(/<option[^>]*>À vérifier<\/option>/);
  });

  it('marked again once checked: refused (409) on the offer page, nothing recorded', async () => {
    const id = app.offers.undetermined;
    const before = await ledgerCount();
    const again = await alice.post(`${page(id)}/verifiee`, {
      _csrf: await alice.csrf(page(id)),
      reason: 'deuxième vérification',
    });
    expect(again.status).toBe(409);
    expect(again.text).toContain('n’est pas signalée « à vérifier » : rien à marquer comme vérifié');
    const api = await new Client(app.url, { authorization: `Bearer ${API_TOKEN}` }).request(
      'POST',
      `/api/v1/offers/${offerPath(id)}/checked`,
      { json: { reason: 'vérifiée par script' } },
    );
    expect(api.status).toBe(409);
    expect(api.json).toMatchObject({
      code: 'CONFLICT',
      message: expect.stringContaining('n’est pas signalée « à vérifier »'),
    });
    expect(await ledgerCount()).toBe(before);
  });

  it('stays checked when evaluated again; flagged again by a newer version of the job still lacking data', async () => {
    const id = app.offers.undetermined;
    const reevaluated = await alice.post(`${page(id)}/reevaluer`, {
      _csrf: await alice.csrf(page(id)),
      reason: 'contrôle après vérification',
    });
    expect(reevaluated.status).toBe(303);
    expect((await getOffer(app.store.db, key(id)))!.review_needed).toBe(false);

    const known = (await getOffer(app.store.db, key(id)))!.offer;
    const at = '2027-02-15T11:00:00.000Z';
    const newer = { ...known, title: 'Responsable sans niveau (modifiée)', updatedAt: at, fetchedAt: at };
    await inTransaction(app.store, (trx) =>
      applySnapshot(
        app.ctx,
        trx,
        { snapshot: newer, posting: null, origin: 'queue' },
        { eventId: 'newer-version', type: 'job.snapshot' },
        new Date(at),
      ),
    );
    const offer = (await getOffer(app.store.db, key(id)))!;
    expect(offer.concerned).toBe('undetermined');
    expect(offer.review_needed).toBe(true);
    const shown = await alice.get(page(id));
    expect(shown.text).toContain('<span class="badge alert">à vérifier</span>');
    expect(shown.text).toContain(`action="${page(id)}/verifiee"`);

    const script = new Client(app.url, { authorization: `Bearer ${API_TOKEN}` });
    const checked = await script.request('POST', `/api/v1/offers/${offerPath(id)}/checked`, {
      json: { reason: 'Nouvelle version vue avec la CAF' },
    });
    expect(checked.status).toBe(200);
    expect((await getOffer(app.store.db, key(id)))!.review_needed).toBe(false);
    expect((await readLedger(app.store.db, { offer: key(id), limit: 1000 })).at(-1)).toMatchObject({
      kind: 'admin.review_checked',
      actor_name: 'script-nuit',
      data: { updatedAt: at },
    });
  });
});

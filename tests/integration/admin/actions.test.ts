import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readLedger, verifyLedger } from '../../../src/store/ledger.js';
import { getOffer } from '../../../src/store/offers.js';
import { testDatabases } from '../../support/databases.js';
import { frenchDateTime } from '../../../src/admin/format.js';
import { API_TOKEN, NOW, offerPath, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * The actions of an administrator: each needs the session's CSRF token (or an API token), a
 * reason, and lands in the ledger with the administrator's name and that reason, in the same
 * transaction as its effect.
 */

describe.each(testDatabases())('admin actions on %s', (dialect) => {
  let app: AdminTestApp;
  let alice: Client;
  let script: Client;
  const key = (id: string) => ({ source: 'talentlink', ats_id: id, campaign: 2027 });
  const ledgerCount = async () =>
    Number(
      (
        await app.store.db
          .selectFrom('ledger')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  const lastEntry = async (id?: string) =>
    (await readLedger(app.store.db, { ...(id ? { offer: key(id) } : {}), limit: 100_000 })).at(-1)!;

  beforeAll(async () => {
    app = await startAdminApp(dialect, 'actions');
    alice = new Client(app.url);
    expect((await alice.login('alice', PASSWORD)).status).toBe(303);
    script = new Client(app.url, { authorization: `Bearer ${API_TOKEN}` });
  });
  afterAll(() => app?.close());

  it('refuses a form without the CSRF token, or with another session’s (403), and records nothing', async () => {
    const before = await ledgerCount();
    const path = `/admin/offres/${offerPath(app.offers.undetermined)}/perimetre`;
    const missing = await alice.post(path, { scope: 'not_concerned', reason: 'vérifié avec la DRH' });
    expect(missing.status).toBe(403);
    expect(missing.text).toContain('jeton anti-CSRF');
    const bob = new Client(app.url);
    await bob.login('bob', PASSWORD);
    const borrowed = await alice.post(path, {
      scope: 'not_concerned',
      reason: 'vérifié avec la DRH',
      _csrf: await bob.csrf(),
    });
    expect(borrowed.status).toBe(403);
    const apiWithoutHeader = await alice.request(
      'POST',
      `/api/v1/offers/${offerPath(app.offers.undetermined)}/override`,
      {
        json: { concerned: false, reason: 'vérifié avec la DRH' },
      },
    );
    expect(apiWithoutHeader.status).toBe(403);
    expect(apiWithoutHeader.json.code).toBe('CSRF_TOKEN_INVALID');
    expect(await ledgerCount()).toBe(before);
    expect((await getOffer(app.store.db, key(app.offers.undetermined)))!.review_needed).toBe(true);
  });

  it('refuses an override without a reason (400) or with an unknown scope', async () => {
    const before = await ledgerCount();
    const csrf = await alice.csrf();
    const path = `/admin/offres/${offerPath(app.offers.undetermined)}/perimetre`;
    expect((await alice.post(path, { _csrf: csrf, scope: 'not_concerned', reason: '  ' })).status).toBe(400);
    expect((await alice.post(path, { _csrf: csrf, scope: 'validé', reason: 'une bonne raison' })).status).toBe(400);
    const api = await script.request('POST', `/api/v1/offers/${offerPath(app.offers.undetermined)}/override`, {
      json: { concerned: 'yes', reason: 'une bonne raison' },
    });
    expect(api.status).toBe(400);
    expect(api.json).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringContaining('concerned') });
    expect(await ledgerCount()).toBe(before);
  });

  it('overrides the scope of an undetermined offer from the page: the ledger names alice and her reason', async () => {
    const answer = await alice.post(`/admin/offres/${offerPath(app.offers.undetermined)}/perimetre`, {
      _csrf: await alice.csrf(),
      scope: 'not_concerned',
      reason: 'Poste de niveau 6 confirmé par la DRH',
    });
    expect(answer.status).toBe(303);
    expect(answer.headers.get('location')).toContain('done=override');
    const entries = await readLedger(app.store.db, { offer: key(app.offers.undetermined), limit: 1000 });
    const override = entries.find((e) => e.kind === 'admin.override')!;
    expect(override).toMatchObject({
      actor: 'administrator',
      actor_name: 'alice',
      data: { concerned: false, reason: 'Poste de niveau 6 confirmé par la DRH' },
    });
    const offer = (await getOffer(app.store.db, key(app.offers.undetermined)))!;
    expect(offer.concerned).toBe('no');
    expect(offer.review_needed).toBe(false);
    expect(offer.state).toBe('not_concerned');
    const page = await alice.get(`/admin/offres/${offerPath(app.offers.undetermined)}`);
    expect(page.text).toContain('Périmètre forcé : non concernée — motif : Poste de niveau 6 confirmé par la DRH');
    expect(page.text).toMatch(/Administrateur <strong>alice<\/strong>/);
    expect((await verifyLedger(app.store.db)).ok).toBe(true);
  });

  it('overrides through the API with a token (recorded under its name), then removes the override', async () => {
    const path = `/api/v1/offers/${offerPath(app.offers.undetermined)}/override`;
    const set = await script.request('POST', path, { json: { concerned: true, reason: 'Niveau 8 en réalité' } });
    expect(set.status).toBe(200);
    // Back in the process: the EN3S approver is wanted again (its command, still queued, is not asked twice).
    expect(set.json).toMatchObject({ state: 'awaiting_approver', commands: expect.arrayContaining(['set_approver']) });
    expect(await lastEntry(app.offers.undetermined)).toMatchObject({
      kind: 'state.changed',
      data: { from: 'not_concerned', to: 'awaiting_approver' },
    });
    const entries = await readLedger(app.store.db, { offer: key(app.offers.undetermined), limit: 1000 });
    expect(entries.filter((e) => e.kind === 'admin.override').at(-1)).toMatchObject({
      actor_name: 'script-nuit',
      data: { concerned: true, reason: 'Niveau 8 en réalité' },
    });
    const removed = await script.request('POST', path, {
      json: { concerned: null, reason: 'Retour à la décision des textes' },
    });
    expect(removed.status).toBe(200);
    expect((await getOffer(app.store.db, key(app.offers.undetermined)))!.concerned).toBe('undetermined');
  });

  it('evaluates an offer again, with the request in the ledger before its effects', async () => {
    const answer = await alice.post(`/admin/offres/${offerPath(app.offers.notConcerned)}/reevaluer`, {
      _csrf: await alice.csrf(),
      reason: 'Nouveau texte publié',
    });
    expect(answer.status).toBe(303);
    const entries = await readLedger(app.store.db, { offer: key(app.offers.notConcerned), limit: 1000 });
    expect(entries.at(-1)).toMatchObject({
      kind: 'admin.reevaluate',
      actor: 'administrator',
      actor_name: 'alice',
      data: { reason: 'Nouveau texte publié', via: 'session' },
    });
    const missing = await script.request('POST', `/api/v1/offers/${offerPath('nope')}/reevaluate`, {
      json: { reason: 'offre inconnue' },
    });
    expect(missing.status).toBe(404);
    expect(missing.json.code).toBe('NOT_FOUND');
  });

  it('retries a dead-lettered command: back to pending, recorded; a second retry is a conflict (409)', async () => {
    const answer = await alice.post(`/admin/commandes/${app.deadCommandId}/relancer`, {
      _csrf: await alice.csrf('/admin/commandes'),
      reason: 'Utilisateur EN3S ajouté dans l’ATS',
    });
    expect(answer.status).toBe(303);
    const command = await app.store.db
      .selectFrom('outbox')
      .selectAll()
      .where('id', '=', app.deadCommandId)
      .executeTakeFirstOrThrow();
    expect(command.status).toBe('pending');
    expect(command.attempts).toBe(0);
    const entry = await lastEntry(command.ats_id);
    expect(entry).toMatchObject({
      kind: 'admin.retry',
      actor_name: 'alice',
      data: { commandId: app.deadCommandId, command: command.kind, reason: 'Utilisateur EN3S ajouté dans l’ATS' },
    });
    const again = await script.request('POST', `/api/v1/outbox/${app.deadCommandId}/retry`, {
      json: { reason: 'deuxième relance' },
    });
    expect(again.status).toBe(409);
    expect(again.json.code).toBe('CONFLICT');
    expect(
      (await script.request('POST', '/api/v1/outbox/999999/retry', { json: { reason: 'commande inconnue' } })).status,
    ).toBe(404);
    expect(
      (await script.request('POST', '/api/v1/outbox/abc/retry', { json: { reason: 'numéro illisible' } })).status,
    ).toBe(400);
  });

  it('triggers a reconciliation, recorded with the reason; a failure is reported, raising the ATS alert', async () => {
    const ok = await alice.post('/admin/reconciliation', {
      _csrf: await alice.csrf('/admin/parametres'),
      reason: 'Notification perdue signalée',
    });
    expect(ok.headers.get('location')).toContain('done=reconcile#');
    const shown = await alice.get(ok.headers.get('location')!.replace(/#.*/, ''));
    expect(shown.text).toContain(
      `Résultat : 3 offres lues dans la liste des changements de l’ATS depuis le ${frenchDateTime(NOW)}, ` +
        `dont 1 version nouvelle transmise au traitement (2 déjà connues).`,
    );
    expect(app.reconcileCalls).toBe(1);
    expect(await lastEntry()).toMatchObject({
      kind: 'admin.reconcile',
      actor_name: 'alice',
      offer_ats_id: null,
      data: { reason: 'Notification perdue signalée' },
    });
    app.reconcileAnswer = { ok: false, error: 'TIMEOUT: the ATS did not answer', listed: 0 };
    const failed = await script.request('POST', '/api/v1/reconcile', { json: { reason: 'Deuxième essai' } });
    expect(failed.status).toBe(502);
    expect(failed.json).toMatchObject({ code: 'ATS_UNAVAILABLE', message: expect.stringContaining('TIMEOUT') });
    const overview = await script.get('/api/v1/overview?campaign=2027');
    expect(overview.json.alerts.find((a: { key: string }) => a.key === 'ats_unreachable').count).toBe(1);
    const page = await alice.get('/admin');
    expect(page.text).toContain('L’ATS ne répond pas');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../../support/databases.js';
import { API_TOKEN, offerPath, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * The list and the overview on offers brought in by the pipeline: each alert counts what its
 * filter lists, filters combine, and keyset pages walk the whole list once, in order, whatever
 * the sort.
 */

describe.each(testDatabases())('admin offer list on %s', (dialect) => {
  let app: AdminTestApp;
  let script: Client;
  let alice: Client;
  beforeAll(async () => {
    app = await startAdminApp(dialect, 'list');
    script = new Client(app.url, { authorization: `Bearer ${API_TOKEN}` });
    alice = new Client(app.url);
    await alice.login('alice', PASSWORD);
  });
  afterAll(() => app?.close());

  const ids = async (query: string) =>
    ((await script.get(`/api/v1/offers?campaign=2027&${query}`)).json.items as { ats_id: string }[])
      .map((o) => o.ats_id)
      .sort();

  it('searches ignoring accents and case, on the référence, the title and the body', async () => {
    // « URSSAF Île-de-France » and « Directeur adjoint publié »: the search box may hold neither accents nor capitals,
    // or only them.
    expect(await ids('q=ile-de-france')).toEqual([app.offers.notConcerned]);
    expect(await ids(`q=${encodeURIComponent('ÎLE')}`)).toEqual([app.offers.notConcerned]);
    expect(await ids('q=ADJOINT%20PUBLIE')).toEqual([app.offers.published]);
    expect(await ids(`q=${encodeURIComponent('adjoint publié')}`)).toEqual([app.offers.published]);
    expect(await ids(`q=${encodeURIComponent('gérôndé')}`)).toEqual([]);
    expect(await ids('q=gironde')).toEqual([app.offers.published]);
    const page = await alice.get('/admin/offres?campaign=2027&q=ILE');
    expect(page.text).toContain('Île-de-France');
  });

  it('counts in each alert exactly what its link lists', async () => {
    const overview = (await script.get('/api/v1/overview?campaign=2027')).json;
    expect(overview.total).toBe(5);
    expect(overview.counts).toMatchObject({
      published_without_approval: 1,
      awaiting_approver: 1,
      not_concerned: 1,
      submitted: 1,
      awaiting_submission: 1,
    });
    const byKey = Object.fromEntries(overview.alerts.map((a: { key: string }) => [a.key, a]));
    expect(byKey.undetermined.count).toBe(1);
    expect(byKey.unanswered.count).toBe(1);
    expect(byKey.awaiting_submission.count).toBe(1);
    expect(byKey.violations.count).toBe(1);
    expect(byKey.dead_letters.count).toBe(1);
    expect(byKey.ats_unreachable.count).toBe(0);
    for (const key of [
      'undetermined',
      'unanswered',
      'awaiting_submission',
      'violations',
      'published_without_approval',
    ]) {
      const listed = (await script.get(`/api/v1/offers?${new URLSearchParams(byKey[key].filter).toString()}`)).json;
      expect(listed.total, key).toBe(byKey[key].count);
    }
    expect(await ids('review=1')).toEqual([app.offers.undetermined]);
    expect(await ids('unansweredDays=15')).toEqual([app.offers.submitted]);
    expect(await ids('state=awaiting_submission')).toEqual([app.offers.hostile]);
    expect(await ids('violation=1')).toEqual([app.offers.published]);
  });

  it('shows the campaign, its window, the text in force and the alerts as links on the overview page', async () => {
    const page = await alice.get('/admin?campaign=2027');
    expect(page.text).toContain('Campagne 2027');
    expect(page.text).toContain('du <strong>01/01/2027</strong> au <strong>30/04/2027</strong>');
    expect(page.text).toContain('Instruction DSS/4B/2026/34');
    expect(page.text).toContain('href="/admin/offres?campaign&#61;2027&amp;unansweredDays&#61;15"');
    expect(page.text).toContain('Soumissions à l’EN3S sans réponse observée depuis plus de 15 jours');
    expect(page.text).toMatch(/data-alert="undetermined">\s*<a href="[^"]+"><span class="count">1<\/span>/);
    expect(page.text).not.toMatch(/échéance|verrouill/i);
  });

  it('lists apart on the overview the offers the recruiter has not submitted, with when they were asked', async () => {
    const page = await alice.get('/admin?campaign=2027');
    const section = /<table id="attente-soumission">[\s\S]*?<\/table>/.exec(page.text)![0];
    expect(section).toContain('1 offre en attente de soumission');
    expect(section).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; Chef');
    expect(section).toContain('<td>05/02/2027 10:00</td><td>« Soumettre pour approbation »</td>');
    expect(section).not.toContain('Directeur comptable');
    const api = (await script.get('/api/v1/overview?campaign=2027')).json;
    expect(api.awaitingSubmission.items.map((o: { ats_id: string }) => o.ats_id)).toEqual([app.offers.hostile]);
    expect(api.awaitingSubmission.items[0]).toMatchObject({
      asked_reason: 'submit',
      asked_at: '2027-02-05T09:00:02.000Z',
    });
  });

  it('finds the submissions unanswered for more than the days asked, in their own campaign only', async () => {
    app.clock.advance(-21 * 24 * 3600_000); // 25 January: the submission seen on 21 January is 4 days old
    try {
      expect(await ids('unansweredDays=15')).toEqual([]);
      expect(await ids('unansweredDays=3')).toEqual([app.offers.submitted]);
    } finally {
      app.clock.advance(21 * 24 * 3600_000);
    }
    expect((await script.get('/api/v1/offers?campaign=2026&unansweredDays=1')).json.total).toBe(0);
    const listed = (await script.get('/api/v1/offers?campaign=2027&state=submitted')).json.items[0];
    expect(listed).toMatchObject({ ats_id: app.offers.submitted, submitted_at: '2027-01-21T09:00:00.000Z' });
  });

  it('filters by state, régime, network, body type and scope, alone and together', async () => {
    expect(await ids('state=not_concerned')).toEqual([app.offers.notConcerned]);
    expect(await ids('state=not_concerned,published_without_approval')).toEqual(
      [app.offers.notConcerned, app.offers.published].sort(),
    );
    expect(await ids('regime=agricole')).toEqual([]);
    expect((await ids('regime=general')).length).toBe(5);
    expect(await ids('network=Cnaf')).toEqual([app.offers.hostile, app.offers.undetermined].sort());
    expect(await ids('body=CPAM')).toEqual([app.offers.submitted, app.offers.published].sort());
    expect(await ids('body=CPAM&network=Cnaf')).toEqual([]);
    expect(await ids('concerned=no')).toEqual([app.offers.notConcerned]);
    expect(await ids('concerned=yes&body=CAF')).toEqual([app.offers.hostile]);
  });

  for (const sort of ['recent', 'oldest', 'reference', 'title'] as const) {
    it(`walks every offer once with pages of 2, sorted by ${sort}`, async () => {
      const seen: { ats_id: string; job_number: string; title: string; updated_at: string }[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const answer: { json: { items: typeof seen; next: string | null } } = await script.get(
          `/api/v1/offers?campaign=2027&limit=2&sort=${sort}${after ? `&cursor=${after}` : ''}`,
        );
        seen.push(...answer.json.items);
        after = answer.json.next;
        if (!after) break;
      }
      expect(seen.map((o) => o.ats_id).sort()).toEqual(Object.values(app.offers).sort());
      const column = { recent: 'updated_at', oldest: 'updated_at', reference: 'job_number', title: 'title' }[
        sort
      ] as 'updated_at';
      const values = seen.map((o) => o[column]);
      const sorted = [...values].sort();
      expect(values).toEqual(sort === 'recent' ? sorted.reverse() : sorted);
    });
  }

  it('pages the HTML list with a "Page suivante" link that keeps the filters', async () => {
    const first = await alice.get('/admin/offres?campaign=2027&limit=2&regime=general');
    const next = /href="([^"]+)" rel="next"/.exec(first.text)![1]!.replace(/&amp;/g, '&').replace(/&#61;/g, '=');
    expect(next).toContain('regime=general');
    const second = await alice.get(next);
    expect(second.status).toBe(200);
    expect(second.text).toContain('Première page');
    expect(second.text).toContain('5 offres');
  });

  it('shows the offer page: job, decision with its texts, breach with its posting, commands and timeline', async () => {
    const page = await alice.get(`/admin/offres/${offerPath(app.offers.published)}`);
    expect(page.status).toBe(200);
    for (const expected of [
      'L’offre telle que l’ATS l’a décrite en dernier',
      'CPAM de la Gironde',
      'Instruction DSS/4B/2026/34 §1.1',
      'Publiée sans accord',
      '<td>7001</td><td>02/02/2027 10:00</td><td>02/02/2027 10:05</td>',
      'retrait demandé',
      'encore en ligne à la dernière relecture',
      'Annonce 7001 en ligne sans l’approbation de l’EN3S (publiée le 02/02/2027 10:00) : retrait demandé',
      'Commande demandée : Retirer les annonces publiées sans l’approbation de l’EN3S',
      'Offre lue dans l’ATS (file d’attente) : modifiée le 02/02/2027 10:05, statut « Ouverte »',
      'État : Approbateur EN3S à poser → Publiée sans accord',
      'Historique (registre)',
    ]) {
      expect(page.text).toContain(expected);
    }
    expect(page.text).not.toMatch(/échéance|verrouill|lancé/i);
    const timeline = (await script.get(`/api/v1/offers/${offerPath(app.offers.published)}/timeline`)).json.items as {
      seq: number;
      kind: string;
      actor: string;
    }[];
    expect(timeline.map((e) => e.seq)).toEqual([...timeline.map((e) => e.seq)].sort((a, b) => a - b));
    expect(timeline.find((e) => e.kind === 'violation.detected')?.actor).toBe('recruiter');
  });

  it('the offer page shows the EN3S approver, submission and recruiter asked, each with when observed', async () => {
    const page = await alice.get(`/admin/offres/${offerPath(app.offers.submitted)}`);
    for (const expected of [
      'Soumise à l&#39;EN3S',
      'posé par le connecteur, vu dans l’équipe le 20/01/2027 11:00',
      'le 21/01/2027 10:00 : EN3S seul approbateur',
      'le 20/01/2027 11:00 : « Soumettre pour approbation »',
      'Soumission pour approbation observée (EN3S seul approbateur)',
      'Approbateur EN3S posé : vu dans l’équipe de l’offre après la demande du connecteur',
      'utilisateur 900 (dérogation EN3S), étape 1 — EN3S',
      '« En attente d&#39;approbation » (en attente d’approbation)',
    ]) {
      expect(page.text).toContain(expected);
    }
    expect(page.text).toMatch(/<dt>Réponse observée<\/dt><dd>aucune<\/dd>/);
  });

  it('the settings page shows the real ATS’s policy and the call budget, nothing of the earlier process', async () => {
    const page = await alice.get('/admin/parametres');
    expect(page.status).toBe(200);
    for (const expected of [
      'Application : le connecteur pose l’approbateur EN3S, retire les annonces publiées trop ' +
        'tôt et sollicite les recruteurs',
      '<th scope="row">Offres indéterminées (données manquantes)</th><td>traitées comme concernées et signalées</td>',
      '<th scope="row">Fin de période sans réponse</th><td>l’approbateur EN3S est laissé dans l’équipe</td>',
      '<th scope="row">Solliciter les recruteurs</th><td>oui : un e-mail leur demande de « ' +
        'Soumettre pour approbation »</td>',
      '<th scope="row">File d’attente des offres</th><td>en3s-positions</td>',
      '<th scope="row">Appels à l’ATS par seconde</th><td>8, partagés par toutes les instances</td>',
      '<th scope="row">Quota mensuel d’appels</th><td>aucun</td>',
      '<th scope="row">Réserve pour retirer les annonces</th><td>2 appels par seconde</td>',
      '<code>EN3S_POLICY_ASK_RECRUITERS</code>',
    ]) {
      expect(page.text).toContain(expected);
    }
    expect(page.text).not.toMatch(/échéance|verrouill|Processus d’approbation|EN3S_POLICY_DUE_DAYS/i);
  });
});

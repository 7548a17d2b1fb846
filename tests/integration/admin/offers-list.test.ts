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

  const ids = async (query: string) => ((await script.get(`/api/offers?campaign=2027&${query}`)).json.items as { ats_id: string }[]).map((o) => o.ats_id).sort();

  it('counts in each alert exactly what its link lists', async () => {
    const overview = (await script.get('/api/overview?campaign=2027')).json;
    expect(overview.total).toBe(5);
    const byKey = Object.fromEntries(overview.alerts.map((a: { key: string }) => [a.key, a]));
    expect(byKey.undetermined.count).toBe(1);
    expect(byKey.overdue.count).toBe(1);
    expect(byKey.violations.count).toBe(1);
    expect(byKey.dead_letters.count).toBe(1);
    expect(byKey.ats_unreachable.count).toBe(0);
    for (const key of ['undetermined', 'overdue', 'violations', 'published_without_approval']) {
      const listed = (await script.get(`/api/offers?${new URLSearchParams(byKey[key].filter).toString()}`)).json;
      expect(listed.total, key).toBe(byKey[key].count);
    }
    expect(await ids('review=1')).toEqual([app.offers.undetermined]);
    expect(await ids('overdue=1')).toEqual([app.offers.overdue]);
    expect(await ids('violation=1')).toEqual([app.offers.published]);
  });

  it('shows the campaign, its window, the text in force and the alerts as links on the overview page', async () => {
    const page = await alice.get('/admin?campaign=2027');
    expect(page.text).toContain('Campagne 2027');
    expect(page.text).toContain('du <strong>01/01/2027</strong> au <strong>30/04/2027</strong>');
    expect(page.text).toContain('Instruction DSS/4B/2026/34');
    expect(page.text).toContain('href="/admin/offres?campaign&#61;2027&amp;overdue&#61;1"');
    expect(page.text).toMatch(/data-alert="undetermined">\s*<a href="[^"]+"><span class="count">1<\/span>/);
  });

  it('is not fooled by an overdue date in another campaign or a date still to come', async () => {
    app.clock.advance(-30 * 24 * 3600_000); // 16 January: the due date (11 February) is still ahead
    expect(await ids('overdue=1')).toEqual([]);
    app.clock.advance(30 * 24 * 3600_000);
    expect((await script.get('/api/offers?campaign=2026&overdue=1')).json.total).toBe(0);
  });

  it('filters by state, régime, network, body type and scope, alone and together', async () => {
    expect(await ids('state=not_concerned')).toEqual([app.offers.notConcerned]);
    expect(await ids('state=not_concerned,published_without_approval')).toEqual([app.offers.notConcerned, app.offers.published].sort());
    expect(await ids('regime=agricole')).toEqual([]);
    expect((await ids('regime=general')).length).toBe(5);
    expect(await ids('network=Cnaf')).toEqual([app.offers.hostile, app.offers.undetermined].sort());
    expect(await ids('body=CPAM')).toEqual([app.offers.overdue, app.offers.published].sort());
    expect(await ids('body=CPAM&network=Cnaf')).toEqual([]);
    expect(await ids('concerned=no')).toEqual([app.offers.notConcerned]);
    expect(await ids('concerned=yes&body=CAF')).toEqual([app.offers.hostile]);
  });

  for (const sort of ['recent', 'oldest', 'reference', 'title'] as const) {
    it(`walks every offer once with pages of 2, sorted by ${sort}`, async () => {
      const seen: { ats_id: string; job_number: string; title: string; updated_at: string }[] = [];
      let after: string | null = null;
      for (let pages = 0; pages < 10; pages++) {
        const answer: { json: { items: typeof seen; next: string | null } } = await script.get(`/api/offers?campaign=2027&limit=2&sort=${sort}${after ? `&after=${after}` : ''}`);
        seen.push(...answer.json.items);
        after = answer.json.next;
        if (!after) break;
      }
      expect(seen.map((o) => o.ats_id).sort()).toEqual(Object.values(app.offers).sort());
      const column = { recent: 'updated_at', oldest: 'updated_at', reference: 'job_number', title: 'title' }[sort] as 'updated_at';
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

  it('shows the offer page: job, decision with its texts, campaign follow-up, commands and timeline', async () => {
    const page = await alice.get(`/admin/offres/${offerPath(app.offers.published)}`);
    expect(page.status).toBe(200);
    for (const expected of [
      'L’offre telle que l’ATS l’a décrite en dernier',
      'CPAM de la Gironde',
      'Instruction DSS/4B/2026/34 §1.1',
      'Publiée sans accord',
      'Publication sans accord de l’EN3S sur UCANSS le 02/02/2027 10:00',
      'Commande demandée à l’ATS : Retirer l’annonce publiée',
      'État : Équipe EN3S à poser → Publiée sans accord',
      'Historique (registre)',
    ]) {
      expect(page.text).toContain(expected);
    }
    const timeline = (await script.get(`/api/offers/${offerPath(app.offers.published)}/timeline`)).json.entries as { seq: number; kind: string; actor: string }[];
    expect(timeline.map((e) => e.seq)).toEqual([...timeline.map((e) => e.seq)].sort((a, b) => a - b));
    expect(timeline.find((e) => e.kind === 'violation.detected')?.actor).toBe('recruiter');
  });
});

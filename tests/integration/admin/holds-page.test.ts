import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HoldRegister } from '../../../src/pipeline/holds.js';
import { testDatabases } from '../../support/databases.js';
import { PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * The overview, where the commands and queues are counted, says what holds commands back: each
 * cause in French, since when and until when, then the causes lifted lately.
 */

describe.each(testDatabases())('« Ce qui retient les commandes » on the overview, on %s', (dialect) => {
  let app: AdminTestApp;
  let alice: Client;
  let holds: HoldRegister;
  const warned: string[] = [];
  beforeAll(async () => {
    let clock: () => Date = () => new Date(0);
    holds = new HoldRegister({ warn: (message) => warned.push(message) }, () => clock());
    app = await startAdminApp(dialect, 'holds', {}, { holds: () => holds.view() });
    clock = () => app.clock.now();
    alice = new Client(app.url);
    await alice.login('alice', PASSWORD);
  });
  afterAll(() => app?.close());

  /** The pattern of a text as written, any character of a regular expression escaped. */
  const literally = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  /** The row of a hold: its cause (then any detail of it), since when and until when. */
  const row = (hold: string, cause: string, since: string, until: string) =>
    new RegExp(
      `<tr data-hold="${literally(hold)}"><th scope="row">${literally(cause)}[^<]*</th>` +
        `<td>${literally(since)}</td><td>${literally(until)}</td></tr>`,
    );

  const section = (text: string) => {
    const start = text.indexOf('<section aria-labelledby="retenues-titre">');
    expect(start).toBeGreaterThan(-1);
    return text.slice(start, text.indexOf('</section>', start));
  };

  it('says nothing holds them when nothing does', async () => {
    const page = await alice.get('/admin');
    expect(page.status).toBe(200);
    expect(section(page.text)).toContain('Ce qui retient les commandes');
    expect(section(page.text)).toContain('Rien ne retient les commandes.');
  });

  it('shows the open circuit and the quota stop with since and until when, in Paris time', async () => {
    holds.hold('circuit-open', { forMs: 30_000, cause: 'test', endsByItself: false });
    holds.fromFailure({
      kind: 'throttled',
      code: 'OVER_QUOTA',
      message: 'gateway',
      status: 403,
      retryAfterMs: 3_600_000,
    });
    const shown = section((await alice.get('/admin')).text);
    expect(shown).toMatch(
      row('circuit-open', 'Disjoncteur ouvert', '15/02/2027 11:00', '15/02/2027 11:00 (prochain essai)'),
    );
    expect(shown).toMatch(
      row('quota', 'Quota mensuel de la clé d’API épuisé', '15/02/2027 11:00', '15/02/2027 12:00 (reprise prévue)'),
    );
    expect(shown).not.toContain('Rien ne retient');
  });

  it('moves a lifted cause to the last ones lifted, with when it ended, and keeps the others', async () => {
    app.clock.advance(20 * 60_000);
    holds.release('circuit-open');
    const shown = section((await alice.get('/admin')).text);
    expect(shown).toContain('Dernières causes levées');
    expect(shown).toMatch(row('circuit-open', 'Disjoncteur ouvert', '15/02/2027 11:00', '15/02/2027 11:20'));
    // The quota stop is still under way: it stays in the current table.
    expect(shown.slice(0, shown.indexOf('Dernières causes levées'))).toContain('data-hold="quota"');
    expect(warned).toEqual(['commands held back', 'commands held back', 'commands no longer held back']);
  });
});

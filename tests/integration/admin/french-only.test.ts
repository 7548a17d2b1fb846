import type { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../../src/cli/main.js';
import { settings } from '../../../src/config.js';
import { en3sInProcess } from '../../support/cli.js';
import { englishWordsIn, readableHtmlText } from '../../support/english-words.js';
import { offerPath, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client, csrfOf } from './http-client.js';

/**
 * Everything an administrator reads is French: every page of the dashboard (with a campaign of
 * offers, a dead-lettered command, an ATS error), the error pages of its forms, and the help
 * and the refusals of every CLI command. Code, identifiers and attributes are not read.
 */

function expectFrench(where: string, text: string, identifiers: ReadonlySet<string> = new Set()): void {
  const found = englishWordsIn(text, identifiers);
  expect(found, `${where}: ${found.join(' | ')}`).toEqual([]);
}

describe('the dashboard speaks French', () => {
  let app: AdminTestApp;
  let alice: Client;
  /** The jobs' ids in the ATS, shown as links: identifiers (`job-submitted`). */
  let ids: Set<string>;
  beforeAll(async () => {
    app = await startAdminApp('sqlite', 'french');
    alice = new Client(app.url);
    ids = new Set(Object.values(app.offers));
  });
  afterAll(() => app?.close());

  it('on the login page, and when the login is refused', async () => {
    const login = await alice.get('/login');
    expectFrench('/login', readableHtmlText(login.text));
    const refused = await alice.post('/login', { _csrf: csrfOf(login.text), user: 'alice', password: 'faux' });
    expectFrench('POST /login refusé', readableHtmlText(refused.text));
  });

  it('on every page', async () => {
    await alice.login('alice', PASSWORD);
    const pages = [
      '/admin',
      '/admin/offres?campaign=2027',
      '/admin/offres?campaign=2027&q=directeur&state=submitted',
      ...Object.values(app.offers).map((id) => `/admin/offres/${offerPath(id)}`),
      '/admin/commandes',
      '/admin/files',
      '/admin/courriels',
      '/admin/rapports?campaign=2027',
      '/admin/parametres',
      '/admin/offres/talentlink/inconnue/2027',
      '/admin/offres?campaign=20x7',
      '/admin/commandes?page=0',
    ];
    const found: string[] = [];
    for (const path of pages) {
      const answer = await alice.get(path);
      expect(answer.headers.get('content-type'), path).toContain('text/html');
      found.push(
        ...englishWordsIn(readableHtmlText(answer.text), ids).map((word) => `GET ${path} (${answer.status}): ${word}`),
      );
    }
    expect(found).toEqual([]);
  });

  it('names the data an undetermined offer lacks as the recruiter sees it in TalentLink', async () => {
    await alice.login('alice', PASSWORD);
    const page = (await alice.get(`/admin/offres/${offerPath(app.offers.undetermined)}`)).text;
    const missing = /<dt>Données manquantes<\/dt><dd>([\s\S]*?)<\/dd>/.exec(page)?.[1];
    expect(readableHtmlText(missing ?? '')).toContain('Niveau ou groupe');
    expect(readableHtmlText(missing ?? '')).not.toContain('classification.');
  });

  it('on the settings page, which explains each setting in French from the settings schema', async () => {
    await alice.login('alice', PASSWORD);
    const page = (await alice.get('/admin/parametres')).text;
    for (const [name, setting] of Object.entries(settings)) {
      const row = new RegExp(`<tr><th scope="row"><code>${name}</code></th>[\\s\\S]*?</tr>`).exec(page)?.[0];
      expect(row, name).toBeDefined();
      const cell = /<td>((?:(?!<td>)[\s\S])*)<\/td><\/tr>$/.exec(row!)![1]!;
      // All of its text, the `…` spans as code.
      const decoded = cell
        .replace(/<[^>]*>/g, '')
        .replace(
          /&(lt|gt|amp|quot|#39|#61|#96);/g,
          (_, e: string) => ({ lt: '<', gt: '>', amp: '&', quot: '"', '#39': "'", '#61': '=', '#96': '`' })[e]!,
        );
      expect(decoded, name).toBe(setting.french.replaceAll('`', ''));
      // What is read outside code: French.
      const explained = readableHtmlText(cell).replace(/\s+/g, ' ').trim();
      expect(explained.length, name).toBeGreaterThan(15);
      expectFrench(`la ligne ${name}`, explained);
    }
  });

  it('on the error pages of every form', async () => {
    await alice.login('alice', PASSWORD);
    const offer = `/admin/offres/${offerPath(app.offers.published)}`;
    const csrf = await alice.csrf(offer);
    const posts: [string, Record<string, string>][] = [
      [`${offer}/bourse-en3s`, { _csrf: csrf, enteredOn: '31/02/2027' }],
      [`${offer}/perimetre`, { _csrf: csrf, scope: 'peut-être', reason: 'x' }],
      [`${offer}/reevaluer`, { _csrf: csrf, reason: '' }],
      [`/admin/commandes/${app.deadCommandId}/relancer`, { _csrf: csrf, reason: '' }],
      ['/admin/commandes/abc/relancer', { _csrf: csrf, reason: 'une raison' }],
      ['/admin/reconciliation', { _csrf: csrf, reason: '' }],
      ['/admin/rapports', { _csrf: csrf, campaign: '2027', format: 'docx' }],
      [`${offer}/reevaluer`, { reason: 'sans jeton CSRF' }],
    ];
    const found: string[] = [];
    for (const [path, form] of posts) {
      const answer = await alice.post(path, form);
      expect(answer.status, path).toBeGreaterThanOrEqual(400);
      expect(answer.headers.get('content-type'), path).toContain('text/html');
      found.push(
        ...englishWordsIn(readableHtmlText(answer.text), ids).map((word) => `POST ${path} (${answer.status}): ${word}`),
      );
    }
    expect(found).toEqual([]);
  });
});

/** Every command's path, `[]` for `en3s` itself, `['db', 'migrate']`… */
function commandPaths(command: Command, path: string[] = []): { path: string[]; command: Command }[] {
  return [{ path, command }, ...command.commands.flatMap((sub) => commandPaths(sub, [...path, sub.name()]))];
}

describe('the CLI speaks French', async () => {
  const commands = commandPaths(await buildProgram(['node', 'en3s']));
  /**
   * What a user types is an identifier, not a word: the commands' names and the values options
   * take (`--primary-networks all`), which the help names as they are typed.
   */
  const typed = new Set([
    ...commands.map(({ command }) => command.name()),
    'help',
    'recap',
    'posts-to-declare',
    'all',
    'primary',
  ]);

  it.each(commands.map(({ path }) => [path.join(' ') || 'en3s', path] as const))(
    '%s: its help',
    async (_name, path) => {
      const help = await en3sInProcess(...path, '--help');
      expect(help.code).toBe(0);
      expectFrench(`en3s ${path.join(' ')} --help`, help.stdout + help.stderr, typed);
    },
  );

  it.each(commands.map(({ path, command }) => [path.join(' ') || 'en3s', path, command] as const))(
    '%s: a bad argument',
    async (_name, path, command) => {
      const runs = [[...path, '--option-inconnue']];
      // Without its required arguments or options, a command is refused before it runs.
      const required = command.registeredArguments.some((a) => a.required) || command.options.some((o) => o.mandatory);
      if (required) runs.push(path);
      if (command.registeredArguments.length > 0 && command.commands.length === 0)
        runs.push([...path, ...command.registeredArguments.map(() => 'x'), 'en-trop']);
      if (command.commands.length > 0) runs.push([...path, 'sous-commande-inconnue']);
      for (const args of runs) {
        const answer = await en3sInProcess(...args);
        expect(answer.code, args.join(' ')).toBe(2);
        expectFrench(`en3s ${args.join(' ')}`, answer.stdout + answer.stderr, typed);
      }
    },
  );

  it('evaluate: a text that is no document, and a document that is no job', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'en3s-french-'));
    const cases: [string, string][] = [
      ['texte.txt', 'bonjour'],
      ['vide.json', '{"a": 1}'],
      ['autre.xml', '<autre/>'],
      ['casse.json', '{"a": '],
    ];
    for (const [name, content] of cases) {
      writeFileSync(join(dir, name), content);
      const answer = await en3sInProcess('evaluate', join(dir, name));
      expect(answer.code, name).toBe(2);
      expectFrench(`en3s evaluate ${name}`, answer.stderr.replaceAll(dir, ''));
    }
  });
});

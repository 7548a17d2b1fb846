import { createHash } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordReportRun } from '../../../src/reports/index.js';
import { testDatabases } from '../../support/databases.js';
import { API_TOKEN, NOW, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client } from './http-client.js';

/**
 * Reports from the dashboard and the API: produced into the service's reports folder, listed
 * with their SHA-256, downloaded by run number only. A path in the URL or a tampered file name
 * in the database never reaches a file outside the folder; a file changed since it was produced
 * is refused.
 */

const sha256 = (bytes: Buffer | string) => createHash('sha256').update(bytes).digest('hex');

describe.each(testDatabases())('admin reports on %s', (dialect) => {
  let app: AdminTestApp;
  let script: Client;
  let alice: Client;
  beforeAll(async () => {
    app = await startAdminApp(dialect, 'reports');
    script = new Client(app.url, { authorization: `Bearer ${API_TOKEN}` });
    alice = new Client(app.url);
    await alice.login('alice', PASSWORD);
  });
  afterAll(() => app?.close());

  it('produces a control report through the API and serves exactly the bytes whose hash it recorded', async () => {
    const made = await script.request('POST', '/api/v1/reports', {
      json: { kind: 'report', format: 'csv', campaign: 2027 },
    });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ kind: 'report', format: 'csv', campaign: 2027, trigger: 'api', rowCount: 5 });
    const file = await fetch(`${app.url}${made.json.download}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toContain('text/csv');
    expect(file.headers.get('content-disposition')).toContain(made.json.fileName);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(sha256(bytes)).toBe(made.json.files[0].sha256);
    expect(bytes.toString('utf8')).toContain('Directeur adjoint publié');
    const runs = (await script.get('/api/v1/reports/runs?campaign=2027')).json.items;
    expect(runs[0]).toMatchObject({ id: made.json.id, download: made.json.download });
  });

  it('produces a recap from the page form, lists it with its hash and lets alice download it', async () => {
    const answer = await alice.post('/admin/rapports', {
      _csrf: await alice.csrf('/admin/rapports'),
      kind: 'recap',
      format: 'json',
      campaign: '2027',
      network: '',
      regime: '',
      body: '',
      state: '',
      asOf: '',
    });
    expect(answer.status).toBe(303);
    const page = await alice.get(answer.headers.get('location')!);
    expect(page.text).toContain('Le rapport a été produit.');
    const link = /href="(\/admin\/rapports\/(\d+)\/fichier)"/.exec(page.text)!;
    const run = (await script.get(`/api/v1/reports/runs/${link[2]}`)).json;
    expect(run.kind).toBe('recap');
    expect(page.text).toContain(run.files[0].sha256);
    const file = await alice.get(link[1]!);
    expect(file.status).toBe(200);
    expect(sha256(file.text)).toBe(run.files[0].sha256);
  });

  it('refuses bad report options with 400 naming them', async () => {
    for (const [body, word] of [
      [{ format: 'pdf', campaign: 2027 }, 'format'],
      [{ kind: 'everything', campaign: 2027 }, 'type de rapport'],
      [{ campaign: '27' }, 'campagne'],
      [{ campaign: 2027, network: 'Cnaf; rm -rf /' }, 'réseau'],
      [{ campaign: 2027, asOf: 'hier' }, 'date de situation'],
    ] as const) {
      const answer = await script.request('POST', '/api/v1/reports', { json: body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json.message, JSON.stringify(body)).toContain(word);
    }
  });

  it('refuses unknown keys and ill-typed values with 400 naming the key, not reporting all', async () => {
    const before = (await script.get('/api/v1/reports/runs?campaign=2027')).json.items.length;
    for (const [body, word] of [
      [{ campaign: 2027, netwrok: 'Cnam' }, '« netwrok »'],
      [{ campaign: 2027, network: ['Cnam'] }, '« network »'],
      [{ campaign: 2027, body: { name: 'CAF du Nord' } }, '« body »'],
      [{ campaign: 2027, state: 42 }, '« state »'],
      [{ campaign: 2027, primaryNetworks: true }, '« primaryNetworks »'],
      [{ campaign: [2027] }, '« campaign »'],
    ] as const) {
      const answer = await script.request('POST', '/api/v1/reports', { json: body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.json, JSON.stringify(body)).toMatchObject({ code: 'BAD_REQUEST' });
      expect(answer.json.message, JSON.stringify(body)).toContain(word);
    }
    expect((await script.get('/api/v1/reports/runs?campaign=2027')).json.items).toHaveLength(before);
  });

  it('refuses path traversal in download URLs', async () => {
    for (const path of [
      '/api/v1/reports/runs/..%2F..%2F..%2Fetc%2Fpasswd/file',
      '/api/v1/reports/runs/1%2F..%2F..%2Fetc%2Fpasswd/file',
      '/api/v1/reports/runs/1.csv/file',
    ]) {
      const answer = await script.get(path);
      expect(answer.status, path).toBe(400);
      expect(answer.text, path).not.toContain('root:');
    }
    // Dot segments are resolved by the client before sending: what arrives is another path, outside
    // the version, sent to its /api/v1 twin, which is no route.
    const dots = await script.get('/api/v1/reports/runs/%2e%2e/%2e%2e/%2e%2e/etc/passwd');
    expect(dots.status).toBe(308);
    expect(dots.headers.get('location')).toBe('/api/v1/etc/passwd');
    const followed = await script.get(dots.headers.get('location')!);
    expect(followed.status).toBe(404);
    expect(followed.text).not.toContain('root:');
    for (const path of ['/admin/rapports/..%2F..%2Fetc%2Fpasswd/fichier', '/admin/rapports/../../etc/passwd']) {
      const answer = await alice.get(path);
      expect([400, 404], path).toContain(answer.status);
      expect(answer.text, path).not.toContain('root:');
    }
  });

  it('never serves a file named outside the reports folder, even when the database says so', async () => {
    const outside = join(app.reportsDir, '..', `outside-${process.pid}.csv`);
    writeFileSync(outside, 'secret;data\n');
    for (const fileName of ['../etc/passwd', `../outside-${process.pid}.csv`, '/etc/passwd', '.hidden.csv']) {
      const run = (await recordReportRun(
        app.store.db,
        {
          kind: 'report',
          campaign: 2027,
          format: 'csv',
          options: {},
          generatedAt: NOW,
          fileName,
          files: [{ name: fileName, sha256: sha256('secret;data\n'), bytes: 12 }],
          rowCount: 0,
          trigger: 'api',
          dueAt: null,
          scheduleKey: null,
        },
        NOW,
      ))!;
      const answer = await script.get(`/api/v1/reports/runs/${run.id}/file`);
      expect(answer.status, fileName).toBe(404);
      expect(answer.text, fileName).not.toContain('secret');
      expect((await script.get(`/api/v1/reports/runs/${run.id}`)).json.download).toBeNull();
    }
  });

  it('refuses (409) a file changed since it was produced', async () => {
    const made = await script.request('POST', '/api/v1/reports', { json: { format: 'csv', campaign: 2027 } });
    appendFileSync(join(app.reportsDir, made.json.fileName), 'ligne ajoutée;après coup\n');
    const answer = await script.get(made.json.download);
    expect(answer.status).toBe(409);
    expect(answer.json.message).toContain('modifié');
  });
});

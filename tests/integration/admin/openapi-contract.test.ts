import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import type { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiRouter, createPublicApiRouter } from '../../../src/admin/api-routes.js';
import type { RouteDeps } from '../../../src/admin/route-deps.js';
import { claimCommands, deadLetterCommand } from '../../../src/store/outbox.js';
import { testDatabases } from '../../support/databases.js';
import { API_TOKEN, NOW, offerPath, PASSWORD, startAdminApp, type AdminTestApp } from './admin-harness.js';
import { Client, type Answer } from './http-client.js';

/**
 * The OpenAPI document cannot drift from the API: every operation it lists is called on the real
 * admin router and store, for its success answers and its typical refusals (400, 401, 403, 404,
 * 409, 413, 502, 503), and each answer's status, content type and body are validated against the
 * document with a JSON Schema 2020-12 validator. The routes the router mounts and the document's
 * operations are the same set.
 */

interface OpenApiDocument {
  openapi: string;
  servers: { url: string }[];
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema: object }> }> }>
  >;
  components: { schemas: Record<string, object>; securitySchemes: Record<string, unknown> };
}

const DOC_ID = 'urn:en3s:openapi';

/** The "METHOD /path" of every route of the routers, with OpenAPI's `{param}`. */
function mountedRoutes(...routers: Router[]): string[] {
  const out: string[] = [];
  for (const router of routers)
    for (const layer of router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]) {
      if (!layer.route) continue;
      for (const method of Object.keys(layer.route.methods))
        out.push(`${method.toUpperCase()} ${layer.route.path.replace(/:(\w+)/g, '{$1}')}`);
    }
  return out.sort();
}

describe.each(testDatabases())('the admin API against its OpenAPI document on %s', (dialect) => {
  let app: AdminTestApp;
  let doc: OpenApiDocument;
  let script: Client;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  const validators = new Map<object, ValidateFunction>();
  /** "METHOD /path status" of every answer validated. */
  const seen = new Set<string>();

  /** Validates an answer against the document's response for that operation and status. */
  function check(method: string, path: string, answer: Answer): Answer {
    const where = `${method} ${path} → ${answer.status}`;
    const operation = doc.paths[path]?.[method.toLowerCase()];
    expect(operation, `${where}: operation in the document`).toBeDefined();
    const response = operation!.responses[String(answer.status)];
    expect(response, `${where}: status documented (${answer.text.slice(0, 300)})`).toBeDefined();
    const type = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = Object.entries(response!.content ?? {}).find(([name]) => name.split(';')[0]!.trim() === type);
    expect(media, `${where}: content type ${type} documented`).toBeDefined();
    const schema = media![1].schema;
    let validate = validators.get(schema);
    if (!validate) {
      validate = ajv.compile({
        $ref:
          `${DOC_ID}#/paths/${pointer(path)}/${method.toLowerCase()}/responses/` +
          `${answer.status}/content/${pointer(media![0])}/schema`,
      });
      validators.set(schema, validate);
    }
    const body = type.endsWith('json') ? JSON.parse(answer.text) : answer.text;
    expect(validate(body), `${where}: ${ajv.errorsText(validate.errors)}`).toBe(true);
    seen.add(`${method} ${path} ${answer.status}`);
    return answer;
  }
  const pointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

  const get = async (path: string, query = '', client = script) =>
    check('GET', path, await client.get(`/api/v1${fill(path)}${query}`));
  const post = async (path: string, json: unknown, client = script, headers: Record<string, string> = {}) =>
    check('POST', path, await client.request('POST', `/api/v1${fill(path)}`, { json, headers }));
  let values: Record<string, string> = {};
  const fill = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => values[name]!);
  const offer = (atsId: string) => {
    const [source, id, campaign] = offerPath(atsId).split('/');
    values = { ...values, source: source!, atsId: id!, campaign: campaign! };
  };
  const OFFER = '/offers/{source}/{atsId}/{campaign}';

  beforeAll(async () => {
    app = await startAdminApp(dialect, 'openapi');
    script = new Client(app.url, { authorization: `Bearer ${API_TOKEN}` });
    const answer = await new Client(app.url).get('/api/openapi.json');
    expect(answer.status).toBe(200);
    doc = answer.json as OpenApiDocument;
    // The refs of the document (#/components/…) resolve inside it, registered as one schema.
    ajv.addSchema(
      { ...JSON.parse(JSON.stringify(doc).replaceAll('"#/components/', `"${DOC_ID}#/components/`)), $id: DOC_ID },
      DOC_ID,
    );
  });
  afterAll(() => app?.close());

  it('serves the document without signing in, the same at /api/openapi.json and /api/v1/openapi.json', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.servers).toEqual([{ url: '/api/v1' }]);
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['bearer', 'csrf', 'session']);
    const anonymous = new Client(app.url);
    expect((await get('/openapi.json', '', anonymous)).json).toEqual(doc);
  });

  it('mounts exactly the operations of the document', () => {
    const deps = { ctx: app.ctx } as RouteDeps;
    const documented = Object.entries(doc.paths)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
      .sort();
    expect(mountedRoutes(createPublicApiRouter(), createApiRouter(deps))).toEqual(documented);
  });

  it('answers the reading routes as documented, pages by cursor to the end', async () => {
    const anonymous = new Client(app.url);
    await get('/overview', '?campaign=2027');
    await get('/overview', '?campaign=27');
    await get('/overview', '', anonymous);
    await get('/status');

    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Answer = await get('/offers', `?campaign=2027&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      pages.push(...page.json.items.map((i: { ats_id: string }) => i.ats_id));
      cursor = page.json.next;
    } while (cursor);
    expect(pages.sort()).toEqual(Object.values(app.offers).sort());
    expect((await get('/offers', '?after=x')).json.message).toContain('after');

    offer(app.offers.published);
    const detail = await get(OFFER);
    expect(detail.json.offer.ats_id).toBe(app.offers.published);
    const timeline: number[] = [];
    cursor = null;
    do {
      const page: Answer = await get(`${OFFER}/timeline`, `?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      timeline.push(...page.json.items.map((e: { seq: number }) => e.seq));
      cursor = page.json.next;
    } while (cursor);
    expect(timeline).toEqual(detail.json.timeline.map((e: { seq: number }) => e.seq));
    expect(timeline.length).toBeGreaterThan(2);
    await get(`${OFFER}/timeline`, '?cursor=nimporte');
    offer('does-not-exist');
    await get(OFFER);
    await get(`${OFFER}/timeline`);
    values.campaign = '20x7';
    await get(OFFER);

    // A second command given up, so that the dead letters take two pages.
    const [claimed] = await claimCommands(app.store.db, { owner: 'test', leaseMs: 60_000, limit: 1, now: NOW });
    await deadLetterCommand(app.store.db, claimed!.id, 'test', 'INVALID_TEAM (HTTP 400)');
    const first = await get('/outbox/dead', '?limit=1');
    expect(first.json.items.map((c: { id: number }) => c.id)).toEqual([claimed!.id]);
    const second = await get('/outbox/dead', `?limit=1&cursor=${first.json.next}`);
    expect(second.json.items.map((c: { id: number }) => c.id)).toEqual([app.deadCommandId]);
    expect(second.json.next).toBeNull();
    await get('/outbox/dead', '?limit=0');
  });

  it('answers the actions as documented: success, bad input, missing CSRF token, unknown offer, conflict', async () => {
    offer(app.offers.undetermined);
    await post(`${OFFER}/checked`, { reason: 'Niveau confirmé par la DRH' });
    await post(`${OFFER}/checked`, { reason: 'Niveau confirmé par la DRH' });
    expect((await post(`${OFFER}/override`, { concerned: 'oui', reason: 'Fiche de poste' })).json.message).toContain(
      'concerned',
    );
    await post(`${OFFER}/override`, { concerned: true, reason: 'Emploi de niveau 8 selon la fiche' });
    await post(`${OFFER}/reevaluate`, { reason: 'Classification corrigée' });
    await post(`${OFFER}/reevaluate`, { reason: 'x' });
    expect((await post(`${OFFER}/override`, { concerned: true, reason: 'x'.repeat(100_000) })).status).toBe(413);
    const malformed = await script.request('POST', `/api/v1${fill(OFFER)}/reevaluate`, {
      body: '{"reason": ',
      headers: { 'content-type': 'application/json' },
    });
    expect(check('POST', `${OFFER}/reevaluate`, malformed).json.code).toBe('MALFORMED_JSON');
    const alice = new Client(app.url);
    expect((await alice.login('alice', PASSWORD)).status).toBe(303);
    await post(`${OFFER}/reevaluate`, { reason: 'Sans jeton anti-CSRF' }, alice);
    const fromProxy = await post(`${OFFER}/reevaluate`, { reason: 'Par un proxy' }, script, {
      'x-forwarded-for': '203.0.113.9',
    });
    expect(fromProxy.status).toBe(503);
    offer('does-not-exist');
    await post(`${OFFER}/reevaluate`, { reason: 'Offre inconnue' });

    offer(app.offers.published);
    const created = await post(`${OFFER}/en3s-board`, { enteredOn: '2027-02-10', note: 'Saisi par la DRH' });
    expect(created.status).toBe(201);
    expect((await post(`${OFFER}/en3s-board`, { enteredOn: '2027-02-11' })).json.outcome).toBe('superseded');
    await post(`${OFFER}/en3s-board`, { enteredOn: '10/02/2027' });
    offer(app.offers.notConcerned);
    expect((await post(`${OFFER}/en3s-board`, {})).status).toBe(409);

    values.id = String(app.deadCommandId);
    await post('/outbox/{id}/retry', { reason: 'Utilisateur ajouté dans l’ATS' });
    await post('/outbox/{id}/retry', { reason: 'Utilisateur ajouté dans l’ATS' });
    values.id = '999999';
    await post('/outbox/{id}/retry', { reason: 'Commande inconnue' });
    values.id = 'abc';
    await post('/outbox/{id}/retry', { reason: 'Numéro illisible' });

    await post('/reconcile', { reason: 'Notification perdue' });
    app.reconcileAnswer = { ok: false, error: 'TIMEOUT' };
    expect((await post('/reconcile', { reason: 'Deuxième essai' })).status).toBe(502);
    await post('/reconcile', {}, new Client(app.url));
  });

  it('produces, lists and serves reports as documented, and refuses a file changed since', async () => {
    const csv = await post('/reports', { kind: 'report', format: 'csv', campaign: 2027 });
    const json = await post('/reports', { kind: 'recap', format: 'json', campaign: 2027 });
    expect((await post('/reports', { netwrok: 'Cnaf' })).json.message).toContain('netwrok');
    const first = await get('/reports/runs', '?campaign=2027&limit=1');
    expect(first.json.items[0].id).toBe(json.json.id);
    const second = await get('/reports/runs', `?campaign=2027&limit=1&cursor=${first.json.next}`);
    expect(second.json.items[0].id).toBe(csv.json.id);
    expect(second.json.next).toBeNull();
    await get('/reports/runs', '?campaign=deux');

    for (const run of [csv.json, json.json]) {
      values.id = String(run.id);
      expect((await get('/reports/runs/{id}')).json.download).toBe(`/api/v1/reports/runs/${run.id}/file`);
      await get('/reports/runs/{id}/file');
    }
    const path = join(app.reportsDir, csv.json.fileName);
    writeFileSync(path, `${readFileSync(path, 'utf8')}ligne ajoutée\n`);
    values.id = String(csv.json.id);
    expect((await get('/reports/runs/{id}/file')).status).toBe(409);
    values.id = '424242';
    await get('/reports/runs/{id}');
    await get('/reports/runs/{id}/file');
    values.id = '1.csv';
    await get('/reports/runs/{id}');
  });

  it('validated a success of every operation and each typical refusal', () => {
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of Object.keys(item)) {
        const key = `${method.toUpperCase()} ${path}`;
        expect(
          [...seen].some((s) => s.startsWith(`${key} 2`)),
          `${key}: a success answer`,
        ).toBe(true);
      }
    const statuses = new Set([...seen].map((s) => s.split(' ')[2]));
    for (const status of ['400', '401', '403', '404', '409', '413', '502', '503'])
      expect(statuses.has(status), status).toBe(true);
  });

  it('sends the unversioned paths to their /api/v1 twins (308, deprecated, successor linked)', async () => {
    const old = await script.get('/api/overview?campaign=2027');
    expect(old.status).toBe(308);
    expect(old.headers.get('location')).toBe('/api/v1/overview?campaign=2027');
    expect(old.headers.get('deprecation')).toMatch(/^@\d+$/);
    expect(old.headers.get('link')).toBe('</api/v1/overview?campaign=2027>; rel="successor-version"');
    // A client that follows it keeps the method and the body.
    const made = await fetch(`${app.url}/api/reports`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ format: 'csv', campaign: 2027 }),
    });
    expect(made.status).toBe(201);
    expect(made.url).toBe(`${app.url}/api/v1/reports`);
  });
});

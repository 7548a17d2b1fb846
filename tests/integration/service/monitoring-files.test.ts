import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { loadConfig } from '../../../src/config.js';
import { silentLogger } from '../../../src/logger.js';
import { startService, type RunningService } from '../../../src/service/service.js';
import { openTestStore, type TestStore } from '../../support/databases.js';
import { exposedMetricTypes, isExposed, promqlMetricNames } from '../../support/promql-names.js';

/**
 * The alerting rules and the Grafana dashboard shipped in docs/operations/ read only metrics the
 * real service exposes on /metrics: a metric renamed in the code without them fails here. The
 * names do not depend on the database, so one embedded database is enough.
 */

const OPERATIONS = join(import.meta.dirname, '../../../docs/operations');
const RULES = join(OPERATIONS, 'prometheus-rules.yml');
const DASHBOARD = join(OPERATIONS, 'grafana-dashboard.json');
const GUIDE = join(OPERATIONS, 'README.md');
/** Series Prometheus adds to every scrape itself: the service cannot expose them. */
const FROM_PROMETHEUS = new Set(['up']);

interface Rule {
  alert?: unknown;
  expr?: unknown;
  for?: unknown;
  labels?: { severity?: unknown };
  annotations?: { summary?: unknown; description?: unknown };
}

interface Panel {
  type: string;
  title?: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string }[];
  panels?: Panel[];
}

/** Each expression, named after where it is, with the names it reads that the service does not expose. */
function unknownNames(expressions: [where: string, expr: string][], types: ReadonlyMap<string, string>) {
  const problems: string[] = [];
  for (const [where, expr] of expressions) {
    const { names, errors } = promqlMetricNames(expr);
    for (const error of errors) problems.push(`${where}: ${error}`);
    if (names.length === 0) problems.push(`${where}: reads no metric`);
    for (const name of names)
      if (!FROM_PROMETHEUS.has(name) && !isExposed(name, types)) problems.push(`${where}: ${name} is not on /metrics`);
  }
  return problems;
}

describe('monitoring files of docs/operations against the real /metrics', () => {
  let store: TestStore;
  let service: RunningService;
  let exposition: string;
  let types: Map<string, string>;
  beforeAll(async () => {
    store = await openTestStore('sqlite', 'monitoring-files');
    const config = loadConfig(
      {},
      {
        databaseUrl: store.url,
        httpPort: 0,
        reportsSchedule: false,
        atsBaseUrl: 'http://127.0.0.1:9',
        atsMonthlyQuota: 1000,
        alertTokens: ['jeton-des-alertes-0123456789'],
        adminSessionSecret: 's'.repeat(40),
      },
    );
    service = await startService({ config, instanceId: 'monitoring-files', logger: silentLogger });
    exposition = await (await fetch(`${service.url}/metrics`)).text();
    types = exposedMetricTypes(exposition);
  });
  afterAll(async () => {
    await service?.stop();
    await store?.cleanup();
  });

  it('exposes the gauges the rules alert on, wired to the ATS client and the shared budget', () => {
    expect(exposition).toMatch(/^en3s_ats_circuit_state [012]$/m);
    expect(exposition).toMatch(/^en3s_ats_quota_limit 1000$/m);
    expect(exposition).toMatch(/^en3s_ats_budget_calls_per_second \d+$/m);
    expect(exposition).toMatch(/^en3s_queue_depth\{queue="outbox",status="dead"\} 0$/m);
    expect(types.get('en3s_report_failures_total')).toBe('counter');
    expect(types.get('process_cpu_seconds_total')).toBe('counter');
  });

  it('finds a renamed metric, and takes histogram series only from histograms', () => {
    expect(unknownNames([['renamed', 'rate(en3s_ats_calls_totl[5m])']], types)).toEqual([
      'renamed: en3s_ats_calls_totl is not on /metrics',
    ]);
    expect(unknownNames([['histogram', 'rate(en3s_ats_call_seconds_bucket[5m])']], types)).toEqual([]);
    expect(unknownNames([['gauge', 'en3s_violations_count']], types)).toEqual([
      'gauge: en3s_violations_count is not on /metrics',
    ]);
    expect(unknownNames([['broken', 'sum(rate(en3s_ats_calls_total[5m])']], types)[0]).toMatch(/^broken: syntax error/);
  });

  it('lists in docs/operations/README.md every en3s_ metric the service exposes, and no other', () => {
    const listed = new Set([...readFileSync(GUIDE, 'utf8').matchAll(/`(en3s_\w+)`/g)].map((m) => m[1]!));
    const exposed = [...types.keys()].filter((name) => name.startsWith('en3s_')).sort();
    expect([...listed].filter((name) => !types.has(name))).toEqual([]);
    expect(exposed.filter((name) => !listed.has(name))).toEqual([]);
  });

  describe('prometheus-rules.yml', () => {
    const file = parseYaml(readFileSync(RULES, 'utf8')) as { groups?: { name?: unknown; rules?: Rule[] }[] };
    const rules = (file.groups ?? []).flatMap((g) => g.rules ?? []);

    it('has the shape Prometheus loads: named rules, each alert with a duration, a severity, French text', () => {
      expect(Array.isArray(file.groups) && file.groups.length).toBeGreaterThan(0);
      for (const group of file.groups!) {
        expect(typeof group.name).toBe('string');
        expect(group.rules?.length).toBeGreaterThan(0);
      }
      const names = rules.map((r) => r.alert);
      expect(new Set(names).size).toBe(names.length);
      for (const rule of rules) {
        const where = String(rule.alert);
        expect(rule.alert, where).toMatch(/^[A-Z][A-Za-z0-9]+$/);
        expect(typeof rule.expr, where).toBe('string');
        expect(rule.for, where).toMatch(/^\d+[smhdwy]$/);
        expect(['critical', 'warning', 'info'], where).toContain(rule.labels?.severity);
        for (const text of [rule.annotations?.summary, rule.annotations?.description]) {
          expect(typeof text, where).toBe('string');
          // Written for a French operator.
          expect(text as string, where).toMatch(/Connecteur EN3S|[àâéèêîôùç’]/);
        }
      }
    });

    it('alerts on the ATS circuit, the quota, the queues, dead commands, a down instance and a failed report', () => {
      const reads = (name: string) => rules.some((r) => promqlMetricNames(String(r.expr)).names.includes(name));
      for (const name of [
        'en3s_ats_circuit_state',
        'en3s_ats_quota_used',
        'en3s_ats_quota_limit',
        'en3s_queue_depth',
        'en3s_queue_oldest_pending_seconds',
        'en3s_report_failures_total',
        'up',
      ])
        expect(reads(name), name).toBe(true);
    });

    it('reads only metrics the service exposes', () => {
      expect(
        unknownNames(
          rules.map((r) => [String(r.alert), String(r.expr)]),
          types,
        ),
      ).toEqual([]);
    });

    const promtool = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
    it.skipIf(!promtool)(
      'passes `promtool check rules` (skipped when promtool, from the prometheus package, is absent)',
      () => {
        expect(execFileSync('promtool', ['check', 'rules', RULES], { encoding: 'utf8' })).toMatch(
          /SUCCESS: \d+ rules found/,
        );
      },
    );
  });

  describe('grafana-dashboard.json', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as {
      panels: Panel[];
      templating: { list: { name: string; type: string; query?: unknown }[] };
    };
    const panels = dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]).filter((p) => p.type !== 'row');

    it('takes its Prometheus data source as a variable, and every panel has queries on it', () => {
      const variable = dashboard.templating.list.find((v) => v.type === 'datasource');
      expect(variable).toMatchObject({ name: 'datasource', query: 'prometheus' });
      expect(panels.length).toBeGreaterThan(0);
      for (const panel of panels) {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's own variable syntax.
        expect(panel.datasource, panel.title).toEqual({ type: 'prometheus', uid: '${datasource}' });
        expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
        for (const target of panel.targets!) expect(typeof target.expr, panel.title).toBe('string');
      }
    });

    it('shows the process CPU and memory, the event loop lag, the circuit, the quota and the queues', () => {
      const read = new Set(panels.flatMap((p) => p.targets!.flatMap((t) => promqlMetricNames(t.expr!).names)));
      for (const name of [
        'process_cpu_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_eventloop_lag_p99_seconds',
        'en3s_ats_circuit_state',
        'en3s_ats_quota_used',
        'en3s_queue_depth',
        'en3s_queue_oldest_pending_seconds',
      ])
        expect(read.has(name), name).toBe(true);
    });

    it('reads only metrics the service exposes, in its panels and in its variables', () => {
      const expressions: [string, string][] = panels.flatMap((p) =>
        p.targets!.map((t, i): [string, string] => [`${p.title} #${i + 1}`, t.expr!]),
      );
      for (const variable of dashboard.templating.list) {
        const query = variable.query as { query?: string } | string | undefined;
        const text = typeof query === 'string' ? query : query?.query;
        const selector = text ? /^label_values\((.+),\s*\w+\)$/.exec(text)?.[1] : undefined;
        if (variable.type === 'query') expect(selector, variable.name).toBeDefined();
        if (selector) expressions.push([`variable ${variable.name}`, selector]);
      }
      expect(unknownNames(expressions, types)).toEqual([]);
    });
  });
});

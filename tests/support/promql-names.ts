import { parser } from '@prometheus-io/lezer-promql';

/**
 * The metric names a PromQL expression reads, found with the Prometheus project's own grammar
 * (the one its web UI uses), and the syntax errors it has. Grafana's interval variables are read
 * as a duration, since PromQL alone does not know them.
 */
export function promqlMetricNames(expression: string): { names: string[]; errors: string[] } {
  const text = expression.replace(/\$__(rate_interval|interval|range)\b/g, '5m');
  const names = new Set<string>();
  const errors: string[] = [];
  parser.parse(text).iterate({
    enter(node) {
      if (node.type.isError)
        errors.push(`syntax error at ${node.from}: ${JSON.stringify(text.slice(node.from, node.from + 20))}`);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector')
        names.add(text.slice(node.from, node.to));
      // A selector by `{__name__="…"}` would hide its metric from this check: refused.
      if (node.name === 'LabelName' && text.slice(node.from, node.to) === '__name__')
        errors.push('selects a metric by __name__: name it instead');
    },
  });
  return { names: [...names].sort(), errors };
}

/** The metric types `/metrics` declares (`# TYPE name type`), by name. */
export function exposedMetricTypes(exposition: string): Map<string, string> {
  const types = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) types.set(match[1]!, match[2]!);
  return types;
}

/**
 * Whether a name an expression uses is one the service exposes: a declared metric, or a series
 * of a histogram (`_bucket`, `_sum`, `_count`) or of a summary (`_sum`, `_count`).
 */
export function isExposed(name: string, types: ReadonlyMap<string, string>): boolean {
  if (types.has(name)) return true;
  const series = /^(.+)_(bucket|sum|count)$/.exec(name);
  if (!series) return false;
  const type = types.get(series[1]!);
  return type === 'histogram' || (type === 'summary' && series[2] !== 'bucket');
}

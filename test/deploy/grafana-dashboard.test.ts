import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createMetrics } from '../../src/metrics';

/**
 * deploy/grafana/ln-cds-hooks.json is imported by operators into their Grafana: every metric and
 * label it queries must be one the service exports, or a panel stays empty after a rename.
 */
interface Panel {
  readonly id: number;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}
interface Dashboard {
  readonly uid: string;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly definition?: string }[] };
}

const dashboard = JSON.parse(
  readFileSync(resolve(__dirname, '..', '..', 'deploy', 'grafana', 'ln-cds-hooks.json'), 'utf8'),
) as Dashboard;
const registry = createMetrics().registry;
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

/** The metric's label names as the service declares them (histogram series add `le`). */
function labelsOf(series: string): readonly string[] | undefined {
  const metric = registry.getSingleMetric(series) ?? registry.getSingleMetric(series.replace(HISTOGRAM_SERIES, ''));
  if (metric === undefined) return undefined;
  const declared = (metric as unknown as { labelNames: readonly string[] }).labelNames;
  return series.endsWith('_bucket') ? [...declared, 'le'] : declared;
}

const queries = [
  ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: panel.title, expr: target.expr }))),
  ...dashboard.templating.list.flatMap((variable) =>
    variable.definition === undefined ? [] : [{ where: `variable ${variable.name}`, expr: variable.definition }],
  ),
];

test('shows override rate per rule, shadow vs active firing per rule and HTTP latency p99', () => {
  const exprs = queries.map((query) => query.expr).join('\n');
  expect(exprs).toContain('cds_feedback_total{outcome="overridden"');
  expect(exprs).toContain('/ sum by (rule) (increase(cds_cards_issued_total{mode="active"');
  expect(exprs).toContain('sum by (rule, mode) (increase(cds_cards_issued_total');
  expect(exprs).toContain('histogram_quantile(0.99, sum by (le, route) (rate(cds_http_request_duration_seconds_bucket');
  expect(new Set(dashboard.panels.map((panel) => panel.id)).size).toBe(dashboard.panels.length);
});

test.each(queries)('$where queries only metrics and labels the service exports', ({ expr }) => {
  const series = [...expr.matchAll(/\b(cds_[a-z0-9_]+)/g)].map((match) => match[1] ?? '');
  expect(series.length).toBeGreaterThan(0);
  const known = new Map(series.map((name) => [name, labelsOf(name)]));
  expect([...known].filter(([, labels]) => labels === undefined).map(([name]) => name)).toEqual([]);
  // Labels matched in a selector belong to that metric.
  for (const [, name = '', selector = ''] of expr.matchAll(/\b(cds_[a-z0-9_]+)\{([^}]*)\}/g)) {
    const used = [...selector.matchAll(/([a-z_]+)\s*=~?/g)].map((match) => match[1]);
    expect({ name, unknown: used.filter((label) => !labelsOf(name)?.includes(label ?? '')) }).toEqual({ name, unknown: [] });
  }
  // Labels aggregated by belong to the metrics of the query.
  const all = new Set([...known.values()].flatMap((labels) => labels ?? []));
  for (const [, list = ''] of expr.matchAll(/by \(([^)]*)\)/g)) {
    const unknown = list.split(',').map((label) => label.trim()).filter((label) => !all.has(label));
    expect(unknown).toEqual([]);
  }
});

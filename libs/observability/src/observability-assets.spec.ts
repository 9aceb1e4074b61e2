import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { O2C_METRICS, prometheusNames } from './metrics';

const root = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Series Prometheus makes itself rather than scrapes from a service. */
const PROMETHEUS_SERIES = new Set(['up']);
const PROMQL_WORDS = new Set([
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'le',
]);

/** The metric names a PromQL expression reads: identifiers that are not functions, keywords, labels or strings. */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""') // strings
    .replace(/\{[^}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '') // label lists
    .replace(/\$\{?\w+\}?/g, ''); // Grafana variables
  return [...bare.matchAll(/(?<![\w:.])[a-zA-Z_:][a-zA-Z0-9_:]*(?=\s*(\()?)/g)]
    .filter((m) => m[1] === undefined && !PROMQL_WORDS.has(m[0]))
    .map((m) => m[0])
    .filter((name, i, all) => all.indexOf(name) === i);
}

const exposed = new Set([...Object.values(O2C_METRICS).flatMap(prometheusNames), ...PROMETHEUS_SERIES]);

interface Rule {
  alert?: string;
  expr?: string;
  for?: string;
  labels?: { severity?: string };
  annotations?: { summary?: string; runbook_url?: string };
}
const rules: Rule[] = (
  parse(read('deploy/observability/prometheus-alerts.yml')) as { groups: { rules: Rule[] }[] }
).groups.flatMap((g) => g.rules);

/** The anchors GitHub gives the headings of docs/operations.md (the runbooks are `###` under "Alerts and runbooks"). */
const anchors = new Set(
  read('docs/operations.md')
    .split('\n')
    .filter((line) => /^#{2,3} /.test(line))
    .map((line) =>
      line
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^a-z0-9 -]/g, '')
        .replace(/ /g, '-'),
    ),
);

interface Panel {
  title: string;
  targets?: { expr: string }[];
}
const dashboard = JSON.parse(read('deploy/observability/grafana/o2c-dashboard.json')) as { panels: Panel[] };

describe(metricNamesOf.name, () => {
  it('finds the metrics of an expression and nothing else', () => {
    expect(
      metricNamesOf(
        'sum by (job, le) (rate(o2c_http_server_request_duration_seconds_bucket{job=~"$job",status_code=~"5.."}[5m])) / on (job) up > 0.05 and time() - foo_total offset 1h',
      ),
    ).toEqual(['o2c_http_server_request_duration_seconds_bucket', 'up', 'foo_total']);
  });
});

describe('deploy/observability/prometheus-alerts.yml', () => {
  it('has the alerts the operators need', () => {
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'O2cServiceDown',
        'O2cConsumerLagHigh',
        'O2cConsumerLagGrowing',
        'O2cOutboxBacklogOld',
        'O2cDeadLettersPending',
        'O2cJobNotSucceeding',
        'O2cRunFailuresOpen',
        'O2cLicenseDeliveriesFailing',
        'O2cHttp5xxRateHigh',
      ]),
    );
  });

  it.each(rules.map((r) => [r.alert ?? '(no name)', r] as const))(
    '%s has an expression, a duration, a severity, a summary and a runbook that exists',
    (_name, rule) => {
      expect(rule).toMatchObject({
        alert: expect.stringMatching(/^O2c[A-Za-z0-9]+$/) as unknown,
        expr: expect.any(String) as unknown,
        for: expect.stringMatching(/^\d+[smhd]$/) as unknown,
        labels: { severity: expect.stringMatching(/^(critical|warning)$/) as unknown },
        annotations: { summary: expect.any(String) as unknown },
      });
      expect(rule.annotations?.runbook_url).toBe(`docs/operations.md#${rule.alert!.toLowerCase()}`);
      expect(anchors).toContain(rule.alert!.toLowerCase());
    },
  );

  it('reads only metrics the services expose', () => {
    const unknown = rules.flatMap((r) => metricNamesOf(r.expr ?? '').filter((name) => !exposed.has(name)));
    expect(unknown).toEqual([]);
  });
});

describe('deploy/observability/grafana/o2c-dashboard.json', () => {
  it('queries only metrics the services expose, in every panel', () => {
    const targets = dashboard.panels.flatMap((p) => (p.targets ?? []).map((t) => [p.title, t.expr] as const));
    expect(targets.length).toBeGreaterThanOrEqual(dashboard.panels.length);
    const unknown = targets.flatMap(([title, expr]) =>
      metricNamesOf(expr)
        .filter((name) => !exposed.has(name))
        .map((name) => `${title}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  it('shows every metric of the catalog somewhere', () => {
    const shown = new Set(
      dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesOf(t.expr))),
    );
    const missing = Object.values(O2C_METRICS).filter(
      (m) => !prometheusNames(m).some((name) => shown.has(name)),
    );
    expect(missing.map((m) => m.name)).toEqual([]);
  });
});

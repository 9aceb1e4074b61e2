import {
  metrics,
  type Counter,
  type Gauge,
  type Histogram,
  type ObservableGauge,
  type ObservableResult,
} from '@opentelemetry/api';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { type IncomingMessage, type ServerResponse } from 'node:http';

/**
 * Every metric an o2c service exposes, in one place: the instruments are made from it, and the Grafana
 * dashboard and the Prometheus alert rules in `deploy/observability` are checked against it. Names are
 * Prometheus' already (the exporter only adds `_total` to counters and `_bucket`/`_sum`/`_count` to
 * histograms), except the four `o2c.*` ones of the messaging layer, older than `/metrics`, whose dots
 * become underscores. Labels carry no customer data: route templates, topics, groups, job and run names,
 * outcomes and reason codes only. A periodic job is `periodic_job`, not `job`, which Prometheus gives the
 * scrape target.
 */
export const O2C_METRICS = {
  httpDuration: {
    name: 'o2c_http_server_request_duration_seconds',
    kind: 'histogram',
    unit: 's',
    description: 'HTTP requests served, by method, route template and status code, and their duration',
    labels: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  },
  outboxPublished: {
    name: 'o2c.outbox.published',
    kind: 'counter',
    description: 'Events the outbox relay published to Kafka',
    labels: ['topic'],
  },
  inboxMessages: {
    name: 'o2c.inbox.messages',
    kind: 'counter',
    description:
      'Messages the inbox consumer finished, by outcome: applied, duplicate, ignored, dead_lettered',
    labels: ['outcome', 'type', 'topic', 'group'],
  },
  inboxRetries: {
    name: 'o2c.inbox.retries',
    kind: 'counter',
    description: 'Failed attempts that were retried',
    labels: ['type', 'group'],
  },
  inboxHandleDuration: {
    name: 'o2c.inbox.handle.duration',
    kind: 'histogram',
    unit: 'ms',
    description: 'Time to validate and apply one event, database transaction included',
    labels: ['type'],
  },
  outboxBacklog: {
    name: 'o2c_outbox_backlog',
    kind: 'gauge',
    description: 'Events written to the outbox and not yet published to Kafka',
    labels: [],
  },
  outboxOldestAge: {
    name: 'o2c_outbox_oldest_age_seconds',
    kind: 'gauge',
    unit: 's',
    description: 'Age of the oldest event not yet published (0 when none waits)',
    labels: [],
  },
  consumerLag: {
    name: 'o2c_consumer_lag',
    kind: 'gauge',
    description: "Messages of a partition not yet committed by the service's consumer group",
    labels: ['group', 'topic', 'partition'],
  },
  consumerJoined: {
    name: 'o2c_consumer_group_joined',
    kind: 'gauge',
    description: "1 while the service's consumer is a member of its group, else 0",
    labels: ['group'],
  },
  deadLettersPending: {
    name: 'o2c_dead_letters_pending',
    kind: 'gauge',
    description: 'Dead letters of the consumer group not replayed yet',
    labels: ['group'],
  },
  runFailuresOpen: {
    name: 'o2c_run_failures_open',
    kind: 'gauge',
    description:
      'Items a run (renewal, bill-run, overdue, provisioning) set aside and no later run got through yet',
    labels: ['run'],
  },
  jobLastSuccess: {
    name: 'o2c_job_last_success_timestamp_seconds',
    kind: 'gauge',
    unit: 's',
    description: 'When the periodic job last finished without an error (Unix time)',
    labels: ['periodic_job'],
  },
  jobLastDuration: {
    name: 'o2c_job_last_duration_seconds',
    kind: 'gauge',
    unit: 's',
    description: "How long the periodic job's last run took, by its outcome",
    labels: ['periodic_job', 'outcome'],
  },
  jobRuns: {
    name: 'o2c_job_runs',
    kind: 'counter',
    description: 'Runs of the periodic job, by outcome: success, failure',
    labels: ['periodic_job', 'outcome'],
  },
  billRunDocuments: {
    name: 'o2c_bill_run_documents',
    kind: 'counter',
    description: 'Documents bill runs issued, by kind: invoice, credit_note',
    labels: ['kind'],
  },
  licenseDeliveries: {
    name: 'o2c_license_deliveries',
    kind: 'counter',
    description: 'Attempts at delivering a licence webhook to a product, by outcome: delivered, retry, dead',
    labels: ['product', 'outcome'],
  },
  dealWebhooks: {
    name: 'o2c_deal_webhooks',
    kind: 'counter',
    description:
      'Closed deals taken in by the webhook, by outcome (accepted, rejected, held, duplicate) and reason',
    labels: ['outcome', 'reason'],
  },
} as const satisfies Record<string, MetricDefinition>;

export interface MetricDefinition {
  readonly name: string;
  readonly kind: 'counter' | 'histogram' | 'gauge';
  readonly unit?: string;
  readonly description: string;
  readonly labels: readonly string[];
  readonly buckets?: readonly number[];
}

type Metrics = typeof O2C_METRICS;
type CounterKey = { [K in keyof Metrics]: Metrics[K]['kind'] extends 'counter' ? K : never }[keyof Metrics];
type HistogramKey = {
  [K in keyof Metrics]: Metrics[K]['kind'] extends 'histogram' ? K : never;
}[keyof Metrics];
type GaugeKey = { [K in keyof Metrics]: Metrics[K]['kind'] extends 'gauge' ? K : never }[keyof Metrics];

/** The series names Prometheus scrapes for a metric, as the OpenTelemetry Prometheus exporter writes them. */
export function prometheusNames(definition: MetricDefinition): string[] {
  const base = definition.name.replace(/[^a-zA-Z0-9_:]/g, '_');
  switch (definition.kind) {
    case 'counter':
      return [base.endsWith('_total') ? base : `${base}_total`];
    case 'histogram':
      return [`${base}_bucket`, `${base}_sum`, `${base}_count`];
    case 'gauge':
      return [base];
  }
}

const METER = '@o2c/observability';
const counters = new Map<string, Counter>();
const histograms = new Map<string, Histogram>();
const gauges = new Map<string, Gauge>();
const observables = new Map<string, ObservableGauge>();

function options(definition: MetricDefinition) {
  return {
    description: definition.description,
    ...(definition.unit ? { unit: definition.unit } : {}),
    ...(definition.buckets ? { advice: { explicitBucketBoundaries: [...definition.buckets] } } : {}),
  };
}

/**
 * The counter of the catalog's `key`. Instruments are made on first use, from the meter provider
 * registered by then (`startTelemetry`, or `ensureMetrics`): made earlier they would stay no-ops.
 */
export function o2cCounter(key: CounterKey): Counter {
  const definition: MetricDefinition = O2C_METRICS[key];
  let counter = counters.get(key);
  if (!counter) {
    counter = metrics.getMeter(METER).createCounter(definition.name, options(definition));
    counters.set(key, counter);
  }
  return counter;
}

export function o2cHistogram(key: HistogramKey): Histogram {
  const definition: MetricDefinition = O2C_METRICS[key];
  let histogram = histograms.get(key);
  if (!histogram) {
    histogram = metrics.getMeter(METER).createHistogram(definition.name, options(definition));
    histograms.set(key, histogram);
  }
  return histogram;
}

/** A gauge set when something happens (a job's last run). */
export function o2cGauge(key: GaugeKey): Gauge {
  const definition: MetricDefinition = O2C_METRICS[key];
  let gauge = gauges.get(key);
  if (!gauge) {
    gauge = metrics.getMeter(METER).createGauge(definition.name, options(definition));
    gauges.set(key, gauge);
  }
  return gauge;
}

/**
 * Reports the gauge of `key` from `observe` at each scrape, until the returned function is called (an
 * application's shutdown). `observe` must be cheap and bounded in time; when it throws, nothing is reported
 * for that scrape (the series pause) and `onError` hears why.
 */
export function observeGauge(
  key: GaugeKey,
  observe: (result: ObservableResult) => Promise<void> | void,
  onError: (error: unknown) => void,
): () => void {
  const definition: MetricDefinition = O2C_METRICS[key];
  let gauge = observables.get(key);
  if (!gauge) {
    gauge = metrics.getMeter(METER).createObservableGauge(definition.name, options(definition));
    observables.set(key, gauge);
  }
  const callback = async (result: ObservableResult) => {
    try {
      await observe(result);
    } catch (error) {
      onError(error);
    }
  };
  gauge.addCallback(callback);
  const observed = gauge;
  return () => observed.removeCallback(callback);
}

let reader: PrometheusExporter | undefined;
let registered = false;

/** The reader behind `GET /metrics`: one per process, given to the meter provider when it is made. */
export function prometheusReader(): PrometheusExporter {
  reader ??= new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  return reader;
}

/** `startTelemetry` made the meter provider, with `prometheusReader()` among its readers. */
export function markMetricsRegistered(): void {
  registered = true;
}

/**
 * Makes sure `GET /metrics` has a meter provider to read: the one `startTelemetry` registered (a service's
 * `main.ts`), else one of its own (a service started in a test, without `instrument.ts`).
 */
export function ensureMetrics(serviceName: string): void {
  if (registered) return;
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': serviceName }),
    readers: [prometheusReader()],
  });
  registered = true;
  metrics.setGlobalMeterProvider(provider);
}

/** Answers a Prometheus scrape: every metric of the process in the text exposition format. */
export function serveMetrics(request: IncomingMessage, response: ServerResponse): void {
  prometheusReader().getMetricsRequestHandler(request, response);
}

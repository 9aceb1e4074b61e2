import { randomUUID } from 'node:crypto';
import { ConfigResourceTypes, ConfigSource } from 'kafkajs';
import { createKafka } from '@o2c/messaging';
import { createTestTopics, startServiceProcess, type ServiceProcess, type TestTopics } from '@o2c/testing';
import { O2C_METRICS, prometheusNames } from '../../src';

/** `name{labels} value` lines of a scrape, as name, labels and value. */
function samplesOf(text: string): { name: string; labels: Record<string, string>; value: number }[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/.exec(line);
      if (!match) throw new Error(`not a sample line: ${line}`);
      const labels = Object.fromEntries(
        [...(match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [
          m[1]!,
          m[2]!,
        ]),
      );
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/**
 * The invoicing service as it runs in production (its build, with `instrument.ts`): `/metrics` without a
 * token, the series a service exposes at rest, readiness with its consumer group, and its dead-letter topic
 * made with the configured replication and `min.insync.replicas`.
 */
describe('GET /metrics of a running service (invoicing, from its build)', () => {
  let topics: TestTopics;
  let sut: ServiceProcess;

  beforeAll(async () => {
    topics = await createTestTopics('metrics');
    sut = await startServiceProcess('invoicing', {
      KAFKA_TOPIC_NAMESPACE: topics.namespace,
      KAFKA_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '1',
    });
  });

  afterAll(async () => {
    await sut?.stop();
    await topics?.delete();
  });

  async function scrape() {
    const response = await fetch(`${sut.baseUrl}/metrics`);
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  }

  /** Scrapes until `ready` holds (the startup job and the consumer need a moment), at most a minute. */
  async function scrapeUntil(ready: (samples: ReturnType<typeof samplesOf>) => boolean) {
    for (let attempt = 0; ; attempt += 1) {
      const samples = samplesOf((await scrape()).text);
      if (ready(samples)) return samples;
      if (attempt >= 300) throw new Error(`the scrape never got there:\n${sut.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  it('is ready once its consumer has joined its group, and says so', async () => {
    const ready = await fetch(`${sut.baseUrl}/health/ready`);
    expect({ status: ready.status, body: await ready.json() }).toMatchObject({
      status: 200,
      body: { status: 'ok', info: { consumer: { status: 'up', group: 'invoicing' } } },
    });
  });

  it('answers a scrape without the admin token, in the Prometheus text format', async () => {
    const { status, type, text } = await scrape();
    expect(status).toBe(200);
    expect(type).toContain('text/plain');
    expect(text).toContain('# TYPE o2c_outbox_backlog gauge');
  });

  it('exposes the outbox, dead letters, consumer, runs, jobs and HTTP series under the catalog names', async () => {
    await fetch(`${sut.baseUrl}/v1/invoices/${randomUUID()}`, { headers: sut.adminHeaders() });
    const samples = await scrapeUntil((s) =>
      s.some((x) => x.name === 'o2c_job_last_success_timestamp_seconds' && x.labels.job === 'bill-run'),
    );
    const one = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

    expect(one('o2c_outbox_backlog').map((s) => s.value)).toEqual([expect.any(Number)]);
    expect(one('o2c_outbox_oldest_age_seconds')).toHaveLength(1);
    expect(one('o2c_dead_letters_pending', { group: 'invoicing' }).map((s) => s.value)).toEqual([0]);
    expect(one('o2c_consumer_group_joined', { group: 'invoicing' }).map((s) => s.value)).toEqual([1]);
    // Every partition of the subscriptions topic it consumes (6), lag 0 or more.
    const lag = one('o2c_consumer_lag', { group: 'invoicing', topic: topics.topic('o2c.subscriptions.v1') });
    expect(lag.map((s) => s.labels.partition).sort()).toEqual(['0', '1', '2', '3', '4', '5']);
    expect(lag.every((s) => s.value >= 0)).toBe(true);
    expect(
      one('o2c_run_failures_open')
        .map((s) => [s.labels.run, s.value])
        .sort(),
    ).toEqual([
      ['bill-run', 0],
      ['overdue', 0],
    ]);
    expect(one('o2c_job_runs_total', { job: 'bill-run', outcome: 'success' }).map((s) => s.value)).toEqual([
      1,
    ]);
    expect(one('o2c_job_last_duration_seconds', { job: 'bill-run', outcome: 'success' })).toHaveLength(1);
    expect(
      one('o2c_http_server_request_duration_seconds_count', {
        method: 'GET',
        route: '/v1/invoices/:id',
        status_code: '404',
      }).map((s) => s.value),
    ).toEqual([1]);
    // No path with an id, and neither health probes nor scrapes, among the routes.
    const routes = new Set(one('o2c_http_server_request_duration_seconds_count').map((s) => s.labels.route));
    expect([...routes]).toEqual(['/v1/invoices/:id']);

    // Every series of the catalog a service shows at rest is there, under the name the catalog gives.
    const names = new Set(samples.map((s) => s.name));
    const atRest = [
      O2C_METRICS.httpDuration,
      O2C_METRICS.outboxBacklog,
      O2C_METRICS.outboxOldestAge,
      O2C_METRICS.consumerLag,
      O2C_METRICS.consumerJoined,
      O2C_METRICS.deadLettersPending,
      O2C_METRICS.runFailuresOpen,
      O2C_METRICS.jobLastSuccess,
      O2C_METRICS.jobLastDuration,
      O2C_METRICS.jobRuns,
    ];
    expect(atRest.flatMap(prometheusNames).filter((name) => !names.has(name))).toEqual([]);
  });

  it('made its dead-letter topic with the configured min.insync.replicas and replication factor', async () => {
    const admin = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-metrics-test' }).admin();
    await admin.connect();
    try {
      const dlq = `${topics.topic('o2c.subscriptions.v1')}.invoicing.dlq`;
      expect(await admin.listTopics()).toContain(dlq);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: dlq, configNames: ['min.insync.replicas'] }],
      });
      const [entry] = described.resources[0]!.configEntries;
      expect({ value: entry?.configValue, source: entry?.configSource }).toEqual({
        value: '1',
        source: ConfigSource.TOPIC_CONFIG,
      });
      const [metadata] = (await admin.fetchTopicMetadata({ topics: [dlq] })).topics;
      expect(new Set(metadata!.partitions.map((p) => p.replicas.length))).toEqual(new Set([1]));
    } finally {
      await admin.disconnect();
    }
  });
});

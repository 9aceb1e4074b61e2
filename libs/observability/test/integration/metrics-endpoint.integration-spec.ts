import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Topics } from '@o2c/contracts';
import { databaseOnServer, dropDatabase } from '@o2c/persistence';
import { ConfigResourceTypes, ConfigSource, Kafka, logLevel } from 'kafkajs';
import { O2C_METRICS, prometheusNames } from '../../src';

// Without @o2c/testing and @o2c/messaging, which depend on this library: the service runs from its build.
const kafka = new Kafka({ brokers: process.env.KAFKA_BROKERS!.split(','), logLevel: logLevel.NOTHING });
const namespace = `test-metrics-${randomBytes(4).toString('hex')}`;
const topic = (name: string) => `${namespace}.${name}`;
const database = databaseOnServer(
  process.env.DATABASE_URL!,
  `o2c_test_metrics_${randomBytes(4).toString('hex')}`,
);
const adminToken = randomBytes(32).toString('hex');

async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  return port;
}

interface ServiceProcess {
  readonly baseUrl: string;
  readonly child: ChildProcess;
  output: string;
  adminHeaders(): Record<string, string>;
}

async function startInvoicing(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [join(__dirname, '../../../../services/invoicing/dist/main.js')], {
    cwd: join(__dirname, '../../../..'),
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: database.url,
      KAFKA_BROKERS: process.env.KAFKA_BROKERS,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN: adminToken,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const sut: ServiceProcess = {
    baseUrl: `http://127.0.0.1:${port}`,
    child,
    output: '',
    adminHeaders: () => ({ authorization: `Bearer ${adminToken}` }),
  };
  child.stdout.on('data', (chunk: Buffer) => (sut.output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (sut.output += chunk.toString()));
  for (;;) {
    if (child.exitCode !== null) throw new Error(`invoicing exited with ${child.exitCode}:\n${sut.output}`);
    if ((await fetch(`${sut.baseUrl}/health/live`).catch(() => undefined))?.ok) return sut;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

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
  let sut: ServiceProcess;
  const admin = kafka.admin();

  beforeAll(async () => {
    await admin.connect();
    await admin.createTopics({
      waitForLeaders: true,
      topics: Object.values(Topics).map((name) => ({ topic: topic(name), numPartitions: 6 })),
    });
    sut = await startInvoicing({
      KAFKA_TOPIC_NAMESPACE: namespace,
      KAFKA_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '1',
    });
  });

  afterAll(async () => {
    if (sut && sut.child.exitCode === null) {
      sut.child.kill('SIGTERM');
      await once(sut.child, 'exit');
    }
    const created = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
    await admin.deleteTopics({ topics: created });
    await admin.disconnect();
    await dropDatabase(database);
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
      if (attempt >= 300) throw new Error(`the scrape never got there:\n${sut.output}`);
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
      s.some(
        (x) => x.name === 'o2c_job_last_success_timestamp_seconds' && x.labels.periodic_job === 'bill-run',
      ),
    );
    const one = (name: string, labels: Record<string, string> = {}) =>
      samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));

    expect(one('o2c_outbox_backlog').map((s) => s.value)).toEqual([expect.any(Number)]);
    expect(one('o2c_outbox_oldest_age_seconds')).toHaveLength(1);
    expect(one('o2c_dead_letters_pending', { group: 'invoicing' }).map((s) => s.value)).toEqual([0]);
    expect(one('o2c_consumer_group_joined', { group: 'invoicing' }).map((s) => s.value)).toEqual([1]);
    // Every partition of the subscriptions topic it consumes (6), lag 0 or more.
    const lag = one('o2c_consumer_lag', { group: 'invoicing', topic: topic(Topics.subscriptions) });
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
    expect(
      one('o2c_job_runs_total', { periodic_job: 'bill-run', outcome: 'success' }).map((s) => s.value),
    ).toEqual([1]);
    expect(
      one('o2c_job_last_duration_seconds', { periodic_job: 'bill-run', outcome: 'success' }),
    ).toHaveLength(1);
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
    {
      const dlq = `${topic(Topics.subscriptions)}.invoicing.dlq`;
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
    }
  });
});

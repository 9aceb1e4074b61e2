import { randomBytes, randomUUID } from 'node:crypto';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { databaseOnServer, dropDatabase, ensureDatabase } from '@o2c/persistence';
import { Client } from 'pg';
import { createKafka, ensureTopics } from '../../src';
import { COUNTED, startCountingApp } from './support/counting-app';
import { waitFor } from './support/wait';

describe('trace context and metrics through the outbox and Kafka', () => {
  const exporter = new InMemorySpanExporter();
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const metricReader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 60_000,
  });

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
    );
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [metricReader] }));
  });

  it('continues the trace of the transaction that wrote the event in the consumer that applies it, and counts both', async () => {
    const database = databaseOnServer(
      process.env.DATABASE_URL!,
      `o2c_test_trace_${randomBytes(4).toString('hex')}`,
    );
    await ensureDatabase(database);
    const topic = `o2c.test.${randomUUID()}`;
    const admin = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-trace-test' }).admin();
    await admin.connect();
    await ensureTopics(admin, [topic], 2);
    const app = await startCountingApp(database, topic);
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      const producingTraceId = await trace.getTracer('test').startActiveSpan('accept deal', async (span) => {
        await app.emit([{ account: 'acct-t', seq: 1 }]);
        span.end();
        return span.spanContext().traceId;
      });

      const [row] = await waitFor(
        async () => (await db.query<{ trace_id: string | null }>('SELECT trace_id FROM effects')).rows,
        (rows) => rows.length === 1,
      );
      expect(row!.trace_id).toBe(producingTraceId);
      const consumerSpan = exporter.getFinishedSpans().find((s) => s.name === `process ${COUNTED}`);
      expect(consumerSpan?.spanContext().traceId).toBe(producingTraceId);
      expect(consumerSpan?.parentSpanContext?.traceId).toBe(producingTraceId);

      await metricReader.forceFlush();
      const exported = metricExporter.getMetrics().flatMap((m) => m.scopeMetrics.flatMap((sm) => sm.metrics));
      const sum = (name: string, attributes: Record<string, string>) =>
        exported
          .filter((m) => m.descriptor.name === name)
          .flatMap((m) => m.dataPoints as { attributes: Record<string, unknown>; value: unknown }[])
          .filter((p) => Object.entries(attributes).every(([k, v]) => p.attributes[k] === v))
          .reduce((total, p) => total + Number(p.value), 0);
      expect(sum('o2c.outbox.published', { topic })).toBe(1);
      expect(sum('o2c.inbox.messages', { topic, outcome: 'applied', type: COUNTED })).toBe(1);
    } finally {
      await app.close();
      await db.end();
      await dropDatabase(database);
      await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(topic)) });
      await admin.disconnect();
    }
  });

  it('gives an event recorded outside any trace a trace of its own, so that every event carries a traceparent', async () => {
    const database = databaseOnServer(
      process.env.DATABASE_URL!,
      `o2c_test_trace_${randomBytes(4).toString('hex')}`,
    );
    await ensureDatabase(database);
    const app = await startCountingApp(database, `o2c.test.${randomUUID()}`, {
      relay: false,
      consume: false,
    });
    const db = new Client({ connectionString: database.url });
    await db.connect();
    try {
      expect(trace.getActiveSpan()).toBeUndefined();
      await app.emit([{ account: 'acct-u', seq: 1 }]);
      await app.emit([{ account: 'acct-u', seq: 2 }]);
      const { rows } = await db.query<{ traceparent: string | null }>(
        'SELECT traceparent FROM outbox ORDER BY position',
      );
      const traceIds = rows.map(
        (r) => /^00-(?!0{32})([0-9a-f]{32})-[0-9a-f]{16}-01$/.exec(r.traceparent ?? '')?.[1],
      );
      expect(traceIds).toEqual([expect.any(String), expect.any(String)]);
      expect(traceIds[0]).not.toBe(traceIds[1]);
    } finally {
      await app.close();
      await db.end();
      await dropDatabase(database);
    }
  });
});

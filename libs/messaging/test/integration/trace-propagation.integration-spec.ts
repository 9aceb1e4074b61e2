import { randomBytes, randomUUID } from 'node:crypto';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { databaseOnServer, dropDatabase, ensureDatabase } from '@o2c/persistence';
import { Client } from 'pg';
import { createKafka, ensureTopics } from '../../src';
import { COUNTED, startCountingApp } from './support/counting-app';
import { waitFor } from './support/wait';

describe('trace context through the outbox and Kafka', () => {
  const exporter = new InMemorySpanExporter();

  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    trace.setGlobalTracerProvider(
      new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] }),
    );
  });

  it('continues the trace of the transaction that wrote the event in the consumer that applies it', async () => {
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
    } finally {
      await app.close();
      await db.end();
      await dropDatabase(database);
      await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(topic)) });
      await admin.disconnect();
    }
  });
});

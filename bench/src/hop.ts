import { randomUUID } from 'node:crypto';
import { createKafka } from '@o2c/messaging';
import { type Consumer, type EachBatchPayload, type Producer } from 'kafkajs';
import { Client } from 'pg';

// The bare hop: the least a consumer with o2c's guarantees does for an event, with no framework. It takes each
// fetched batch of a partition into one transaction (an inbox row per event, skipping events seen before, and an
// outbox row per new event), commits, produces the outbox rows (acks=all, idempotent), marks them published and
// commits the partition's offset. No validation, no business rows, no tracing, no Nest or TypeORM: kafkajs (with
// o2c's repairs, through `createKafka`) and pg, as o2c uses them. The benchmark runs it as a process of its own
// (`floors.ts`) so that its CPU can be read from /proc, and compares o2c's consuming services with it.
//
//   node bench/dist/hop.js <brokers> <database url> <topic in> <topic out> <consumer group>
//
// It prints `ready` once it consumes, and stops on SIGTERM.

export const HOP_SCHEMA = [
  `CREATE TABLE inbox (event_id text PRIMARY KEY, topic text NOT NULL, partition integer NOT NULL,
     "offset" bigint NOT NULL, handled_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE outbox (position bigserial PRIMARY KEY, id uuid NOT NULL UNIQUE, topic text NOT NULL,
     key text NOT NULL, data jsonb NOT NULL, published_at timestamptz)`,
  `CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL`,
];

const INBOX = {
  name: 'hop-inbox',
  text: `INSERT INTO inbox (event_id, topic, partition, "offset")
           SELECT * FROM unnest($1::text[], $2::text[], $3::integer[], $4::bigint[])
         ON CONFLICT DO NOTHING RETURNING event_id`,
};
const OUTBOX = {
  name: 'hop-outbox',
  text: `INSERT INTO outbox (id, topic, key, data) SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::jsonb[])`,
};
const MARK = {
  name: 'hop-mark',
  text: `UPDATE outbox SET published_at = now() WHERE id = ANY($1::uuid[]) AND published_at IS NULL`,
};

interface HopEvent {
  id: string;
  [field: string]: unknown;
}

async function applyBatch(
  db: Client,
  producer: Producer,
  consumer: Consumer,
  outTopic: string,
  payload: EachBatchPayload,
): Promise<void> {
  const { batch } = payload;
  const messages = batch.messages;
  if (messages.length === 0) return;
  const events = messages.map((m) => ({
    key: m.key?.toString() ?? '',
    event: JSON.parse(m.value?.toString() ?? '{}') as HopEvent,
    offset: m.offset,
  }));
  await db.query('BEGIN');
  const fresh = await db.query<{ event_id: string }>({
    ...INBOX,
    values: [
      events.map((e) => e.event.id),
      events.map(() => batch.topic),
      events.map(() => batch.partition),
      events.map((e) => e.offset),
    ],
  });
  const seen = new Set(fresh.rows.map((r) => r.event_id));
  const out = events
    .filter((e) => seen.has(e.event.id))
    .map((e) => ({ id: randomUUID(), key: e.key, data: JSON.stringify({ ...e.event, id: undefined }) }));
  if (out.length > 0)
    await db.query({
      ...OUTBOX,
      values: [out.map((o) => o.id), out.map(() => outTopic), out.map((o) => o.key), out.map((o) => o.data)],
    });
  await db.query('COMMIT');
  if (out.length > 0) {
    await producer.send({
      topic: outTopic,
      acks: -1,
      messages: out.map((o) => ({ key: o.key, value: o.data })),
    });
    await db.query({ ...MARK, values: [out.map((o) => o.id)] });
  }
  const last = messages.at(-1)!.offset;
  payload.resolveOffset(last);
  await consumer.commitOffsets([
    { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
  ]);
  await payload.heartbeat();
}

async function main(): Promise<void> {
  const [brokers, databaseUrl, inTopic, outTopic, groupId] = process.argv.slice(2);
  if (!brokers || !databaseUrl || !inTopic || !outTopic || !groupId)
    throw new Error('usage: hop.js <brokers> <database url> <topic in> <topic out> <consumer group>');
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const kafka = createKafka({ brokers, clientId: 'o2c-bench-hop' });
  const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  // As o2c's consumers: a fetch waits up to 500 ms for a first byte.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topic: inTopic, fromBeginning: true });
  consumer.on(consumer.events.GROUP_JOIN, () => process.stdout.write('ready\n'));
  await consumer.run({
    autoCommit: false,
    eachBatchAutoResolve: false,
    eachBatch: (payload) => applyBatch(db, producer, consumer, outTopic, payload),
  });
  process.once('SIGTERM', () => {
    void Promise.all([consumer.disconnect(), producer.disconnect()])
      .then(() => db.end())
      .finally(() => process.exit(0));
  });
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`hop: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  });
}

import { randomBytes, randomUUID } from 'node:crypto';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';
import { type Admin, type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createKafka, encodeEvent, ensureTopics } from '../../src';
import { COUNTED, Faults, startCountingApp, type CountingApp } from './support/counting-app';
import { waitFor } from './support/wait';

// Thirteen events of one account, on the topic before the consumer starts, so that they come in one batch:
// seq 1 to 12, seq 6 a poison (its handler throws), seq 9 delivered twice (the same event id). The batch is
// applied together until seq 6 fails; then 1–5 are applied together again, seq 6 goes on on its own (its failed
// attempt in the batch counts as its first: retried, then dead-lettered after its third), and 7–12 together.

let kafka: Kafka;
let admin: Admin;
let database: DatabaseLocation;
let topic: string;
let db: Client;
let app: CountingApp | undefined;

beforeAll(async () => {
  kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-messaging-test' });
  admin = kafka.admin();
  await admin.connect();
  database = databaseOnServer(process.env.DATABASE_URL!, `o2c_test_batch_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(database);
  topic = `o2c.test.${randomUUID()}`;
  await ensureTopics(admin, [topic], 6);
});

afterAll(async () => {
  await app?.close();
  await db?.end();
  await dropDatabase(database);
  await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(topic)) });
  await admin.disconnect();
});

it('applies consecutive events in one transaction, and one that fails alone, with exactly its attempts', async () => {
  const event = (seq: number, id = randomUUID()) =>
    encodeEvent({
      id,
      type: COUNTED,
      source: 'o2c/test',
      time: '2026-01-01T00:00:00.000Z',
      key: 'acct-batch',
      data: { account: 'acct-batch', seq, ...(seq === 6 ? { poison: true } : {}) },
    });
  const nine = randomUUID();
  const messages = [1, 2, 3, 4, 5, 6, 7, 8, 9].map((seq) => event(seq, seq === 9 ? nine : undefined));
  messages.push(event(9, nine), event(10), event(11), event(12));
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages });
  await producer.disconnect();

  app = await startCountingApp(database, topic, { relay: false });
  db = new Client({ connectionString: database.url });
  await db.connect();
  const rows = await waitFor(
    async () =>
      (await db.query<{ seq: number; tx: string }>('SELECT seq, tx::text FROM effects ORDER BY applied'))
        .rows,
    (found) => found.length === 11,
  );
  expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 7, 8, 9, 10, 11, 12]);
  // One transaction before the poison, one after it.
  const before = new Set(rows.slice(0, 5).map((r) => r.tx));
  const after = new Set(rows.slice(5).map((r) => r.tx));
  expect([before.size, after.size]).toEqual([1, 1]);
  expect([...before][0]).not.toBe([...after][0]);

  const dead = await waitFor(
    async () => (await db.query<{ attempts: number }>('SELECT attempts FROM dead_letter')).rows,
    (found) => found.length === 1,
  );
  expect(dead).toEqual([{ attempts: 3 }]);
  expect(app.app.get(Faults).attempts).toBe(3);
  const inbox = await db.query<{ n: number }>('SELECT count(DISTINCT event_id)::int AS n FROM inbox');
  expect(inbox.rows[0]!.n).toBe(11);
});

import { randomBytes, randomUUID } from 'node:crypto';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';
import { type Admin, type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createKafka, encodeEvent, ensureTopics, MessageRetention } from '../../src';
import { COUNTED, startCountingApp, type CountingApp } from './support/counting-app';
import { waitFor } from './support/wait';

// Pruning the outbox and the inbox on the real broker and database: what goes is exactly what can never be
// needed again, and exactly-once holds afterwards (the group's consumer restarts and applies only what is new).

let kafka: Kafka;
let admin: Admin;
let database: DatabaseLocation;
let topic: string;
let db: Client;
let app: CountingApp | undefined;
const GROUP = `retention-${randomBytes(4).toString('hex')}`;

const event = (seq: number) =>
  encodeEvent({
    id: randomUUID(),
    type: COUNTED,
    source: 'o2c/test',
    time: '2026-01-01T00:00:00.000Z',
    key: 'acct-retention',
    data: { account: 'acct-retention', seq },
  });

async function send(...seqs: number[]): Promise<void> {
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({ topic, messages: seqs.map(event) });
  await producer.disconnect();
}

const effects = async () =>
  (await db.query<{ seq: number }>('SELECT seq FROM effects ORDER BY applied')).rows.map((r) => r.seq);

async function committedOffset(): Promise<string> {
  const [offsets] = await admin.fetchOffsets({ groupId: GROUP, topics: [topic] });
  return offsets!.partitions[0]!.offset;
}

beforeAll(async () => {
  kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-messaging-test' });
  admin = kafka.admin();
  await admin.connect();
  database = databaseOnServer(
    process.env.DATABASE_URL!,
    `o2c_test_retention_${randomBytes(4).toString('hex')}`,
  );
  await ensureDatabase(database);
  topic = `o2c.test.${randomUUID()}`;
  await ensureTopics(admin, [topic], 1);
});

afterAll(async () => {
  await app?.close();
  await db?.end();
  await dropDatabase(database);
  await admin.deleteTopics({ topics: [topic] });
  await admin.disconnect();
});

it('deletes published outbox rows and committed inbox rows before the cut-off, and nothing else', async () => {
  await send(1, 2, 3, 4);
  app = await startCountingApp(database, topic, { relay: false, groupId: GROUP });
  db = new Client({ connectionString: database.url });
  await db.connect();
  await waitFor(effects, (seqs) => seqs.length === 4);
  await waitFor(committedOffset, (offset) => offset === '4');

  // The four handled events, as if handled long ago; one old row past the committed offset (as a row of an
  // event being handled when the group last committed would be) and one recent row stay.
  await db.query(`UPDATE inbox SET handled_at = '2020-01-01T00:00:00Z'`);
  await db.query(
    `INSERT INTO inbox (consumer_group, event_id, type, topic, partition, "offset", handled_at) VALUES
       ($1, 'beyond-committed', $2, $3, 0, 4, '2020-01-01T00:00:00Z'),
       ($1, 'recent', $2, $3, 0, 1, '2026-06-01T00:00:00Z'),
       ('another-group', 'other-group', $2, $3, 0, 0, '2020-01-01T00:00:00Z')`,
    [GROUP, COUNTED, topic],
  );
  const outboxRow = (id: string, publishedAt: string | null) =>
    db.query(
      `INSERT INTO outbox (id, topic, key, type, source, time, data, published_at)
       VALUES ($1, $2, 'k', $3, 'o2c/test', '2020-01-01T00:00:00Z', '{}', $4)`,
      [id, topic, COUNTED, publishedAt],
    );
  const [old, recent, unpublished] = [randomUUID(), randomUUID(), randomUUID()];
  await outboxRow(old, '2020-01-01T00:00:00Z');
  await outboxRow(recent, '2026-06-01T00:00:00Z');
  await outboxRow(unpublished, null);

  const pruned = await app.app.get(MessageRetention).prune(new Date('2021-01-01T00:00:00Z'));

  expect(pruned).toEqual({ outbox: 1, inbox: 4 });
  const inbox = await db.query<{ event_id: string }>(`SELECT event_id FROM inbox ORDER BY event_id`);
  expect(inbox.rows.map((r) => r.event_id)).toEqual(['beyond-committed', 'other-group', 'recent']);
  const outbox = await db.query<{ id: string }>(`SELECT id FROM outbox`);
  expect(outbox.rows.map((r) => r.id).sort()).toEqual([recent, unpublished].sort());
  expect(await app.app.get(MessageRetention).prune(new Date('2021-01-01T00:00:00Z'))).toEqual({
    outbox: 0,
    inbox: 0,
  });

  // Restarted, the group's consumer applies only the new event: the pruned ones are behind its offset.
  await app.close();
  app = await startCountingApp(database, topic, { relay: false, groupId: GROUP });
  await send(5);
  await waitFor(effects, (seqs) => seqs.length >= 5);
  await waitFor(committedOffset, (offset) => offset === '5');
  expect(await effects()).toEqual([1, 2, 3, 4, 5]);
});

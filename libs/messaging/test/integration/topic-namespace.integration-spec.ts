import { randomBytes, randomUUID } from 'node:crypto';
import { deadLetterTopic } from '@o2c/contracts';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';
import { type Admin, AssignerProtocol, type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createKafka, encodeEvent, ensureTopics } from '../../src';
import { ADMIN_HEADERS, COUNTED, Faults, startCountingApp, type CountingApp } from './support/counting-app';
import { waitFor } from './support/wait';

let kafka: Kafka;
let admin: Admin;
let database: DatabaseLocation;
let db: Client;
let app: CountingApp | undefined;
/** The topic as the code names it, which the un-namespaced services (a demo) share. */
const shared = `o2c.test.ns.${randomUUID()}`;
const namespace = `test-ns-${randomBytes(4).toString('hex')}`;
const physical = `${namespace}.${shared}`;
const group = `counting-ns-${randomUUID()}`;

async function messagesOn(name: string): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(name);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

async function committed(topic: string): Promise<number> {
  const [offsets] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  return offsets!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
}

async function rows<T>(sql: string): Promise<T[]> {
  return (await db.query<T & object>(sql)).rows;
}

beforeAll(async () => {
  kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-messaging-test' });
  admin = kafka.admin();
  await admin.connect();
  database = databaseOnServer(
    process.env.DATABASE_URL!,
    `o2c_test_messaging_${randomBytes(4).toString('hex')}`,
  );
  await ensureDatabase(database);
  await ensureTopics(admin, [shared, physical], 3);
});

afterAll(async () => {
  await app?.close();
  await db?.end().catch(() => undefined);
  await dropDatabase(database);
  const topics = (await admin.listTopics()).filter((t) => t.startsWith(shared) || t.startsWith(namespace));
  await admin.deleteTopics({ topics });
  await admin.disconnect();
});

it('keeps a namespaced service off the shared topic: it consumes, publishes, dead-letters and replays only in its namespace', async () => {
  // History on the shared topic, as a demo leaves it: a service reading it would count acct-shared.
  const producer = kafka.producer();
  await producer.connect();
  await producer.send({
    topic: shared,
    acks: -1,
    messages: [
      encodeEvent({
        id: randomUUID(),
        type: COUNTED,
        source: 'o2c/demo',
        time: '2026-01-01T00:00:00.000Z',
        key: 'acct-shared',
        data: { account: 'acct-shared', seq: 1 },
      }),
    ],
  });
  await producer.disconnect();

  app = await startCountingApp(database, shared, {
    topicNamespace: namespace,
    groupId: group,
    consumer: { maxAttempts: 2, initialRetryDelayMs: 50 },
  });
  db = new Client({ connectionString: database.url });
  await db.connect();
  // Recorded with the topic as the code names it; the relay and the consumer namespace it.
  await app.emit([
    { account: 'acct-ns', seq: 1 },
    { account: 'acct-ns', seq: 2, poison: true },
  ]);

  await waitFor(
    () => committed(physical),
    (n) => n === 2,
  );
  expect(await rows('SELECT account, seq FROM effects ORDER BY applied')).toEqual([
    { account: 'acct-ns', seq: 1 },
  ]);

  // The relay published on the namespaced topic only; the shared topic has its history and nothing else.
  expect(await messagesOn(physical)).toBe(2);
  expect(await messagesOn(shared)).toBe(1);
  expect(await rows('SELECT DISTINCT topic FROM outbox')).toEqual([{ topic: shared }]);

  // The group is assigned the namespaced topic alone and has committed nothing on the shared one.
  const [description] = (await admin.describeGroups([group])).groups;
  expect(description!.members).toHaveLength(1);
  const assignment = AssignerProtocol.MemberAssignment.decode(description!.members[0]!.memberAssignment);
  expect(Object.keys(assignment!.assignment)).toEqual([physical]);
  expect(await committed(shared)).toBe(0);

  // The poison message's dead letter is in the namespace, on Kafka and in the table.
  const topics = await admin.listTopics();
  expect(topics).toContain(deadLetterTopic(physical, group));
  expect(topics).not.toContain(deadLetterTopic(shared, group));
  expect(await messagesOn(deadLetterTopic(physical, group))).toBe(1);
  const listed = (await (
    await fetch(`${app.baseUrl}/v1/admin/dead-letters`, { headers: ADMIN_HEADERS })
  ).json()) as {
    items: { id: string; topic: string; key: string }[];
  };
  expect(listed.items).toEqual([expect.objectContaining({ topic: physical, key: 'acct-ns' })]);

  // Replayed after the fix, it is applied once and recorded under the namespaced topic like a delivery.
  app.app.get(Faults).poisonFails = false;
  const replay = await fetch(`${app.baseUrl}/v1/admin/dead-letters/${listed.items[0]!.id}/replay`, {
    method: 'POST',
    headers: ADMIN_HEADERS,
  });
  expect(await replay.json()).toEqual({ id: listed.items[0]!.id, outcome: 'applied' });
  expect(await rows('SELECT account, seq FROM effects ORDER BY applied')).toEqual([
    { account: 'acct-ns', seq: 1 },
    { account: 'acct-ns', seq: 2 },
  ]);
  expect(await rows('SELECT topic, count(*)::int AS n FROM inbox GROUP BY topic')).toEqual([
    { topic: physical, n: 2 },
  ]);
});

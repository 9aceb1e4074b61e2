import { randomBytes, randomUUID } from 'node:crypto';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';
import { type Admin, type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createKafka, encodeEvent, ensureTopics } from '../../src';
import { COUNTED, Faults, startCountingApp, type CountingApp } from './support/counting-app';
import { waitFor } from './support/wait';

// Events of several accounts, each on its own partition, are on the topic before the consumer starts, so that one
// fetch brings a batch of each partition and the consumer handles them at the same time (the counting app handles
// six partitions concurrently). Their runs are applied in one transaction and their offsets committed together;
// a run whose message fails goes its own way without holding up the others.

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
});

beforeEach(async () => {
  database = databaseOnServer(process.env.DATABASE_URL!, `o2c_test_group_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(database);
  topic = `o2c.test.${randomUUID()}`;
  await ensureTopics(admin, [topic], 6);
});

afterEach(async () => {
  await app?.close();
  app = undefined;
  await db?.end();
  await dropDatabase(database);
  await admin.deleteTopics({ topics: (await admin.listTopics()).filter((t) => t.startsWith(topic)) });
});

afterAll(async () => {
  await admin.disconnect();
});

/** Puts `seqs` of `account` on `partition`, before any consumer runs. */
async function produce(batches: { account: string; partition: number; seqs: number[]; poison?: number }[]) {
  const producer = kafka.producer();
  await producer.connect();
  await producer.sendBatch({
    topicMessages: batches.map(({ account, partition, seqs, poison }) => ({
      topic,
      messages: seqs.map((seq) => ({
        ...encodeEvent({
          id: randomUUID(),
          type: COUNTED,
          source: 'o2c/test',
          time: '2026-01-01T00:00:00.000Z',
          key: account,
          data: { account, seq, ...(seq === poison ? { poison: true } : {}) },
        }),
        partition,
      })),
    })),
  });
  await producer.disconnect();
}

async function start(): Promise<void> {
  app = await startCountingApp(database, topic, { relay: false });
  db = new Client({ connectionString: database.url });
  await db.connect();
}

async function effects(count: number) {
  return waitFor(
    async () =>
      (
        await db.query<{ account: string; seq: number; tx: string }>(
          'SELECT account, seq, tx::text FROM effects ORDER BY applied',
        )
      ).rows,
    (found) => found.length === count,
  );
}

const seqsOf = (rows: { account: string; seq: number }[], account: string) =>
  rows.filter((r) => r.account === account).map((r) => r.seq);

it('applies the runs of partitions handled together in one transaction, each in order, and commits their offsets', async () => {
  const accounts = [0, 1, 2, 3, 4, 5].map((partition) => ({ account: `acct-${partition}`, partition }));
  await produce(accounts.map((a) => ({ ...a, seqs: [1, 2, 3] })));
  await start();

  const rows = await effects(18);
  for (const { account } of accounts) expect(seqsOf(rows, account)).toEqual([1, 2, 3]);
  // Partitions share transactions: fewer transactions than partitions, and one holds several accounts.
  const accountsByTx = new Map<string, Set<string>>();
  for (const { tx, account } of rows) accountsByTx.set(tx, (accountsByTx.get(tx) ?? new Set()).add(account));
  expect(accountsByTx.size).toBeLessThan(accounts.length);
  expect(Math.max(...[...accountsByTx.values()].map((s) => s.size))).toBeGreaterThan(1);

  // Each event's inbox row names the partition it came from.
  const inbox = await db.query<{ partition: number; n: number }>(
    'SELECT partition, count(*)::int AS n FROM inbox GROUP BY partition ORDER BY partition',
  );
  expect(inbox.rows).toEqual(accounts.map(({ partition }) => ({ partition, n: 3 })));

  const committed = await waitFor(
    async () => (await admin.fetchOffsets({ groupId: 'counting', topics: [topic] }))[0]!.partitions,
    (partitions) => partitions.every((p) => p.offset === '3'),
  );
  expect(committed).toHaveLength(6);
});

it('applies the others when one partition’s message fails in the shared transaction, and that one with exactly its attempts', async () => {
  await produce([
    { account: 'acct-poisoned', partition: 0, seqs: [1, 2, 3], poison: 2 },
    { account: 'acct-1', partition: 1, seqs: [1, 2, 3] },
    { account: 'acct-2', partition: 2, seqs: [1, 2, 3] },
  ]);
  await start();

  const rows = await effects(8);
  expect(seqsOf(rows, 'acct-poisoned')).toEqual([1, 3]);
  expect(seqsOf(rows, 'acct-1')).toEqual([1, 2, 3]);
  expect(seqsOf(rows, 'acct-2')).toEqual([1, 2, 3]);
  const dead = await waitFor(
    async () => (await db.query<{ attempts: number }>('SELECT attempts FROM dead_letter')).rows,
    (found) => found.length === 1,
  );
  // The failure in the shared transaction counts as the poison's first attempt; the counting app allows three.
  expect(dead).toEqual([{ attempts: 3 }]);
  expect(app!.app.get(Faults).attempts).toBe(3);
  const inbox = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox');
  expect(inbox.rows[0]!.n).toBe(8);
});

import { randomBytes, randomUUID } from 'node:crypto';
import { databaseOnServer, dropDatabase, ensureDatabase, type DatabaseLocation } from '@o2c/persistence';
import { type Admin, type Kafka } from 'kafkajs';
import { Client } from 'pg';
import { createKafka, ensureTopics, MARK_AND_READ, OutboxRelay, UNPUBLISHED_ROWS } from '../../src';
import { startCountingApp, type CountingApp } from './support/counting-app';
import { waitFor } from './support/wait';

// The relay marks a published batch sent with its next read of the outbox: one statement per wake-up under load,
// where it was a read and an update.

/** Every statement text the relays' connections sent, in order, per test. */
const sent: string[] = [];

class RecordingClient extends Client {
  override query(...args: unknown[]): never {
    const [first] = args;
    sent.push(typeof first === 'string' ? first : String((first as { text?: string }).text));
    return (super.query as (...a: unknown[]) => never)(...args);
  }
}

/** What a relay read or wrote in the outbox: the session set-up, the lock and LISTEN left out. */
const outboxStatements = () =>
  sent
    .map((text) =>
      text === UNPUBLISHED_ROWS
        ? 'read'
        : text === MARK_AND_READ
          ? 'mark and read'
          : /^UPDATE outbox/.test(text)
            ? 'mark'
            : 'other',
    )
    .filter((kind) => kind !== 'other');

let kafka: Kafka;
let admin: Admin;
let database: DatabaseLocation;
let topic: string;
let writer: CountingApp;
let db: Client;
let relay: OutboxRelay | undefined;

beforeAll(async () => {
  kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-relay-test' });
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  await admin.disconnect();
});

beforeEach(async () => {
  database = databaseOnServer(process.env.DATABASE_URL!, `o2c_test_relay_${randomBytes(4).toString('hex')}`);
  await ensureDatabase(database);
  topic = `o2c.test.${randomUUID()}`;
  await ensureTopics(admin, [topic], 3);
  writer = await startCountingApp(database, topic, { relay: false, consume: false });
  db = new Client({ connectionString: database.url });
  await db.connect();
  sent.length = 0;
});

afterEach(async () => {
  await relay?.stop();
  relay = undefined;
  await db.end();
  await writer.close();
  await dropDatabase(database);
  await admin.deleteTopics({ topics: [topic] });
});

async function published(): Promise<number> {
  const offsets = await admin.fetchTopicOffsets(topic);
  return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
}

async function unmarked(): Promise<number> {
  return (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM outbox WHERE published_at IS NULL'))
    .rows[0]!.n;
}

/** A relay that has made its first read (of an empty outbox); what it sends is recorded from then on. */
async function startRelay(options: { markDelayMs: number }): Promise<OutboxRelay> {
  relay = new OutboxRelay({
    databaseUrl: database.url,
    client: RecordingClient,
    kafka,
    pollIntervalMs: 60_000,
    ...options,
  });
  relay.start();
  await waitFor(
    () => Promise.resolve(outboxStatements()),
    (statements) => statements.length > 0,
  );
  sent.length = 0;
  return relay;
}

describe('the outbox relay, on the real Kafka and PostgreSQL', () => {
  it('marks each published batch with its next read, and the last one when it stops', async () => {
    await startRelay({ markDelayMs: 60_000 });
    for (let seq = 1; seq <= 4; seq += 1) {
      await writer.emit([{ account: `acct-${seq}`, seq }]);
      await waitFor(published, (n) => n === seq);
    }
    await waitFor(unmarked, (n) => n === 1);
    // Each commit woke the relay once: the first read marked nothing, each later one marked the batch before it.
    expect(outboxStatements()).toEqual(['read', 'mark and read', 'mark and read', 'mark and read']);
    await relay!.stop();
    expect(await unmarked()).toBe(0);
    expect(outboxStatements().at(-1)).toBe('mark');
    expect(await published()).toBe(4);
  });

  it('marks a batch after markDelayMs when no other read comes', async () => {
    await startRelay({ markDelayMs: 200 });
    await writer.emit([
      { account: 'acct-1', seq: 1 },
      { account: 'acct-2', seq: 2 },
    ]);
    await waitFor(published, (n) => n === 2);
    await waitFor(unmarked, (n) => n === 0, 5_000);
    expect(outboxStatements()).toEqual(['read', 'mark and read']);
  });

  it("reads, with the mark, only rows it has not published, and marks only the batch's rows", async () => {
    await writer.emit([1, 2, 3, 4].map((seq) => ({ account: `acct-${seq}`, seq })));
    const ids = (await db.query<{ id: string }>('SELECT id FROM outbox ORDER BY position')).rows.map(
      (r) => r.id,
    );
    const { rows } = await db.query<{ id: string }>(MARK_AND_READ, [200, ids.slice(0, 2)]);
    expect(rows.map((r) => r.id)).toEqual(ids.slice(2));
    const marked = await db.query<{ id: string }>(
      'SELECT id FROM outbox WHERE published_at IS NOT NULL ORDER BY position',
    );
    expect(marked.rows.map((r) => r.id)).toEqual(ids.slice(0, 2));
  });
});

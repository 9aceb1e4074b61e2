import { randomUUID } from 'node:crypto';
import { createKafka, ensureTopics } from '../../src';
import { type Admin, type Kafka } from 'kafkajs';

describe('Kafka round trip against the real broker', () => {
  let kafka: Kafka;
  let admin: Admin;

  beforeAll(async () => {
    kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-messaging-test' });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    await admin.disconnect();
  });

  it('creates missing topics once, with the partitions asked for', async () => {
    const topic = `o2c.test.topics.${randomUUID()}`;
    expect(await ensureTopics(admin, [topic], 3)).toEqual([topic]);
    expect(await ensureTopics(admin, [topic], 3)).toEqual([]);
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    expect(metadata?.partitions).toHaveLength(3);
    await admin.deleteTopics({ topics: [topic] });
  });

  it('produces with an idempotent producer and consumes every message of a key in order, with committed offsets', async () => {
    const topic = `o2c.test.roundtrip.${randomUUID()}`;
    const groupId = `o2c-test-${randomUUID()}`;
    await ensureTopics(admin, [topic], 6);

    const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const sent = Array.from({ length: 30 }, (_, i) => ({ key: `account-${i % 3}`, value: String(i) }));
    await producer.send({ topic, acks: -1, messages: sent });
    await producer.disconnect();

    const consumer = kafka.consumer({ groupId });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    const received: { key: string; value: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          eachMessage: ({ message }) => {
            received.push({ key: message.key!.toString(), value: message.value!.toString() });
            if (received.length === sent.length) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
    await consumer.disconnect();

    for (const key of ['account-0', 'account-1', 'account-2']) {
      expect(received.filter((m) => m.key === key).map((m) => m.value)).toEqual(
        sent.filter((m) => m.key === key).map((m) => m.value),
      );
    }
    const offsets = await admin.fetchOffsets({ groupId, topics: [topic] });
    const committed = offsets[0]!.partitions.reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
    expect(committed).toBe(sent.length);
    await admin.deleteTopics({ topics: [topic] });
  });
});

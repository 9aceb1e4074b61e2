import { randomUUID } from 'node:crypto';
import { type Admin, ConfigResourceTypes, ConfigSource, type Kafka } from 'kafkajs';
import { createKafka, ensureTopics } from '../../src';

describe('topics created with the configured replication and min.insync.replicas (real broker)', () => {
  let kafka: Kafka;
  let admin: Admin;
  const created: string[] = [];

  beforeAll(async () => {
    kafka = createKafka({ brokers: process.env.KAFKA_BROKERS!, clientId: 'o2c-messaging-test' });
    admin = kafka.admin();
    await admin.connect();
  });

  afterAll(async () => {
    if (created.length > 0) await admin.deleteTopics({ topics: created });
    await admin.disconnect();
  });

  async function minInsyncReplicas(topic: string) {
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }],
    });
    const entry = described.resources[0]?.configEntries.find((e) => e.configName === 'min.insync.replicas');
    return { value: entry?.configValue, setOnTopic: entry?.configSource === ConfigSource.TOPIC_CONFIG };
  }

  async function replicas(topic: string): Promise<number[]> {
    const [metadata] = (await admin.fetchTopicMetadata({ topics: [topic] })).topics;
    return metadata!.partitions.map((p) => p.replicas.length);
  }

  it('sets min.insync.replicas on the topic and uses the replication factor asked for (1: the local broker is one node)', async () => {
    const topic = `o2c.test.settings.${randomUUID()}`;
    created.push(topic);
    expect(await ensureTopics(admin, [topic], 2, { replicationFactor: 1, minInsyncReplicas: 1 })).toEqual([
      topic,
    ]);
    expect(await minInsyncReplicas(topic)).toEqual({ value: '1', setOnTopic: true });
    expect(await replicas(topic)).toEqual([1, 1]);
  });

  it("leaves both to the cluster's defaults when unset", async () => {
    const topic = `o2c.test.settings.${randomUUID()}`;
    created.push(topic);
    await ensureTopics(admin, [topic], 2);
    expect((await minInsyncReplicas(topic)).setOnTopic).toBe(false);
    expect(await replicas(topic)).toEqual([1, 1]);
  });

  it('asks the broker for the replication factor configured: more replicas than brokers is refused', async () => {
    const topic = `o2c.test.settings.${randomUUID()}`;
    await expect(ensureTopics(admin, [topic], 1, { replicationFactor: 2 })).rejects.toThrow();
    expect(await admin.listTopics()).not.toContain(topic);
  });
});

import { randomBytes } from 'node:crypto';
import { Topics } from '@o2c/contracts';
import { createKafka, ensureTopics, namespacedTopic } from '@o2c/messaging';

/** Partitions of each o2c topic, as `deploy/local/kafka.sh topics` creates them. */
const PARTITIONS = 6;

/**
 * A topic namespace of one test (or test file): the o2c topics under a unique prefix, so that the
 * services under test neither read the history of the shared topics on the tests' broker (a
 * demo's deals, earlier runs) nor publish anything there.
 */
export interface TestTopics {
  /** The services' `KAFKA_TOPIC_NAMESPACE`. */
  readonly namespace: string;
  /** The physical name of an o2c topic in this namespace: `topic(Topics.deals)`. */
  topic(name: string): string;
  /** Deletes every topic of the namespace, the dead-letter topics the services created included. */
  delete(): Promise<void>;
}

function testKafka() {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers)
    throw new Error(
      'KAFKA_BROKERS is not set: run integration tests through their jest config (globalSetup)',
    );
  return createKafka({ brokers, clientId: 'o2c-test-topics' });
}

/** A unique namespace, `test-<prefix>-<random>`; its o2c topics are created on the tests' Kafka (which does not auto-create topics). */
export async function createTestTopics(prefix: string): Promise<TestTopics> {
  const label =
    prefix
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 32) || 'o2c';
  const namespace = `test-${label}-${randomBytes(4).toString('hex')}`;
  const topic = (name: string) => namespacedTopic(name, namespace);
  const admin = testKafka().admin();
  await admin.connect();
  try {
    // The shared broker can answer a metadata request for topics it has just created (while it deletes another
    // test's) with a retriable error such as UNKNOWN_TOPIC_OR_PARTITION: ask again, then wait for every leader.
    const topics = Object.values(Topics).map(topic);
    for (let attempt = 1; ; attempt++) {
      try {
        await ensureTopics(admin, topics, PARTITIONS);
        await admin.fetchTopicMetadata({ topics });
        break;
      } catch (error) {
        if (attempt >= 5 || (error as { retriable?: boolean }).retriable !== true) throw error;
        await new Promise((resolve) => setTimeout(resolve, 500 * attempt));
      }
    }
  } finally {
    await admin.disconnect();
  }
  return {
    namespace,
    topic,
    delete: async () => {
      const admin = testKafka().admin();
      await admin.connect();
      try {
        const topics = (await admin.listTopics()).filter((t) => t.startsWith(`${namespace}.`));
        if (topics.length > 0) await admin.deleteTopics({ topics });
      } finally {
        await admin.disconnect();
      }
    },
  };
}

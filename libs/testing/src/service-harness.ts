import { type INestApplication } from '@nestjs/common';
import { namespacedTopic } from '@o2c/messaging';
import { dropDatabase, type DatabaseLocation } from '@o2c/persistence';
import {
  createServiceApp,
  startServiceApp,
  validateEnv,
  type ServiceDefinition,
  type ServiceEnv,
} from '@o2c/platform';
import { newAdminToken, withAdminToken } from './admin-token';
import { uniqueTestDatabase } from './test-database';
import { createTestTopics } from './test-topics';

export interface RunningService<E extends ServiceEnv> {
  /** Short service name: `deals`, `subscriptions`, `invoicing`, `provisioning`. */
  readonly service: string;
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly env: E;
  readonly database: DatabaseLocation;
  /** The service's `KAFKA_TOPIC_NAMESPACE`: its topics are `<namespace>.<topic>`. */
  readonly topicNamespace: string;
  /** The physical name of an o2c topic as this service uses it: `topic(Topics.deals)`. */
  topic(name: string): string;
  /** The service's `ADMIN_TOKEN` (a fresh one unless the overrides set it); undefined when set empty. */
  readonly adminToken: string | undefined;
  /** `headers` with `authorization: Bearer <adminToken>`, for the service's operations endpoints. */
  adminHeaders(headers?: Record<string, string>): Record<string, string>;
  /** Closes the application, drops its test database and deletes the topics of its namespace. */
  stop(): Promise<void>;
}

/**
 * Starts a whole service, as `main.ts` would, on a random port, against the tests' real
 * PostgreSQL (in a database of its own, dropped on stop) and Kafka, on topics of its own: a
 * fresh topic namespace whose topics are created first and deleted on stop. Services that must
 * talk to each other share one: pass the `namespace` of `createTestTopics()` as
 * `KAFKA_TOPIC_NAMESPACE` (its topics are then the caller's to delete). Its operations endpoints
 * take a fresh `ADMIN_TOKEN` (`sut.adminHeaders()`); `ADMIN_TOKEN: ''` starts it without one.
 */
export async function startServiceForTest<E extends ServiceEnv>(
  definition: ServiceDefinition<E>,
  overrides: Record<string, string> = {},
): Promise<RunningService<E>> {
  const database = uniqueTestDatabase(definition.service);
  const topics =
    overrides.KAFKA_TOPIC_NAMESPACE === undefined ? await createTestTopics(definition.service) : undefined;
  const topicNamespace = topics?.namespace ?? overrides.KAFKA_TOPIC_NAMESPACE!;
  const stop = async (app?: INestApplication) => {
    try {
      await app?.close();
    } finally {
      await Promise.all([dropDatabase(database), topics?.delete()]);
    }
  };
  let env: E;
  let app: INestApplication | undefined;
  try {
    env = validateEnv(definition.envSchema, {
      ...process.env,
      LOG_LEVEL: 'error',
      PORT: '0',
      DATABASE_URL: database.url,
      KAFKA_TOPIC_NAMESPACE: topicNamespace,
      ADMIN_TOKEN: newAdminToken(),
      ...overrides,
    });
    app = await createServiceApp(definition, env);
    await startServiceApp(app, 0, '127.0.0.1');
  } catch (error) {
    // Nothing of a service that did not start is left behind: its topics included.
    await stop(app).catch(() => undefined);
    throw error;
  }
  const started = app;
  const baseUrl = (await started.getUrl()).replace('[::1]', '127.0.0.1');
  const adminToken = env.ADMIN_TOKEN || undefined;
  return {
    service: definition.service,
    app: started,
    baseUrl,
    env,
    database,
    topicNamespace,
    topic: (name) => namespacedTopic(name, topicNamespace),
    adminToken,
    adminHeaders: (headers = {}) => withAdminToken(adminToken, headers),
    stop: () => stop(started),
  };
}

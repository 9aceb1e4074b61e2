import { type INestApplication } from '@nestjs/common';
import { dropDatabase, type DatabaseLocation } from '@o2c/persistence';
import {
  createServiceApp,
  startServiceApp,
  validateEnv,
  type ServiceDefinition,
  type ServiceEnv,
} from '@o2c/platform';
import { uniqueTestDatabase } from './test-database';

export interface RunningService<E extends ServiceEnv> {
  readonly app: INestApplication;
  readonly baseUrl: string;
  readonly env: E;
  readonly database: DatabaseLocation;
  /** Closes the application and drops its test database. */
  stop(): Promise<void>;
}

/**
 * Starts a whole service, as `main.ts` would, on a random port, against the tests' real
 * PostgreSQL (in a database of its own, dropped on stop) and Kafka.
 */
export async function startServiceForTest<E extends ServiceEnv>(
  definition: ServiceDefinition<E>,
  overrides: Record<string, string> = {},
): Promise<RunningService<E>> {
  const database = uniqueTestDatabase(definition.service);
  const env = validateEnv(definition.envSchema, {
    ...process.env,
    LOG_LEVEL: 'error',
    PORT: '0',
    DATABASE_URL: database.url,
    ...overrides,
  });
  const app = await createServiceApp(definition, env);
  await startServiceApp(app, 0, '127.0.0.1');
  const baseUrl = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    baseUrl,
    env,
    database,
    stop: async () => {
      await app.close();
      await dropDatabase(database);
    },
  };
}

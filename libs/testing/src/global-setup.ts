import { resolveTestInfra, type TestInfra } from './infra';

declare global {
  var __O2C_TEST_INFRA__: TestInfra | undefined;
}

/** Jest globalSetup of every integration project: resolves the real PostgreSQL and Kafka once. */
export default async function globalSetup(): Promise<void> {
  const infra = await resolveTestInfra();
  process.env.DATABASE_URL = infra.databaseUrl;
  process.env.KAFKA_BROKERS = infra.kafkaBrokers;
  globalThis.__O2C_TEST_INFRA__ = infra;
}

import { type DataSourceOptions, type EntitySchema, type MigrationInterface, type MixedList } from 'typeorm';
import { type DatabaseLocation } from './database-url';
import { preparingClient } from './prepared-statements';
import { MIGRATIONS_TABLE, serializedMigration } from './serialized-migrations';

export interface ServiceDataSourceInput {
  readonly location: DatabaseLocation;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  readonly poolSize?: number;
  /** Statements with parameters run as prepared statements of each connection (`preparingClient`); true by default. */
  readonly preparedStatements?: boolean;
}

/**
 * TypeORM options every service shares: its own database, explicit migration classes
 * run at start-up (never `synchronize`), each applied once even when several replicas start
 * together (`serializedMigration`), and a bounded pool whose connections prepare their statements.
 */
export function serviceDataSourceOptions(input: ServiceDataSourceInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.location.url,
    entities: input.entities,
    migrations: serializeAll(input.migrations),
    migrationsRun: true,
    migrationsTableName: MIGRATIONS_TABLE,
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: {
      max: input.poolSize ?? 10,
      ...(input.preparedStatements === false ? {} : { Client: preparingClient() }),
    },
  };
}

/** Every migration class serialized; file globs (which o2c does not use) are left as they are. */
function serializeAll(
  migrations: ServiceDataSourceInput['migrations'],
): ServiceDataSourceInput['migrations'] {
  const list = Array.isArray(migrations) ? migrations : Object.values(migrations);
  return list.map((m) =>
    typeof m === 'function' ? serializedMigration(m as new () => MigrationInterface) : m,
  );
}

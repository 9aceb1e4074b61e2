import { type DataSourceOptions, type MixedList, type EntitySchema } from 'typeorm';
import { type DatabaseLocation } from './database-url';

export interface ServiceDataSourceInput {
  readonly location: DatabaseLocation;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly entities: MixedList<Function | string | EntitySchema>;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
  readonly migrations: MixedList<Function | string>;
  readonly poolSize?: number;
}

/**
 * TypeORM options every service shares: its own database, explicit migration classes
 * run at start-up (never `synchronize`), and a bounded pool.
 */
export function serviceDataSourceOptions(input: ServiceDataSourceInput): DataSourceOptions {
  return {
    type: 'postgres',
    url: input.location.url,
    entities: input.entities,
    migrations: input.migrations,
    migrationsRun: true,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    extra: { max: input.poolSize ?? 10 },
  };
}

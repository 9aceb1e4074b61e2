import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { Client } from 'pg';
import { DataSource, type MigrationInterface, type QueryRunner } from 'typeorm';
import {
  ConcurrentMigrationError,
  databaseOnServer,
  dropDatabase,
  ensureDatabase,
  serializedMigration,
  serviceDataSourceOptions,
  type DatabaseLocation,
} from '../../src';

// Two migrations that must never run twice: the second inserts a row, and running it again would add one.
class CreateBootEffect1799000000000 implements MigrationInterface {
  name = 'CreateBootEffect1799000000000';
  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE TABLE boot_effect (id serial PRIMARY KEY, note text NOT NULL)');
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE boot_effect');
  }
}

class SeedBootEffect1799000000001 implements MigrationInterface {
  name = 'SeedBootEffect1799000000001';
  async up(queryRunner: QueryRunner): Promise<void> {
    // Keeps the migration open a moment, so that the other replicas read the migrations table while it is
    // still pending, as when replicas start together.
    await queryRunner.query('SELECT pg_sleep(0.3)');
    await queryRunner.query(`INSERT INTO boot_effect (note) VALUES ('seeded once')`);
  }
  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DELETE FROM boot_effect');
  }
}

type MigrationClass = new () => MigrationInterface;
const migrations = [CreateBootEffect1799000000000, SeedBootEffect1799000000001];

async function expectAppliedOnce(location: DatabaseLocation): Promise<void> {
  expect(await rows(location, 'SELECT note FROM boot_effect')).toEqual([{ note: 'seeded once' }]);
  expect(await rows(location, 'SELECT name FROM schema_migrations ORDER BY id')).toEqual([
    { name: 'CreateBootEffect1799000000000' },
    { name: 'SeedBootEffect1799000000001' },
  ]);
}

async function bootAll(location: DatabaseLocation, count: number): Promise<void> {
  const replicas = await Promise.all(Array.from({ length: count }, () => bootReplica(location, migrations)));
  try {
    for (const replica of replicas) {
      expect(replica.get<DataSource>(getDataSourceToken()).isInitialized).toBe(true);
    }
  } finally {
    await Promise.all(replicas.map((r) => r.close()));
  }
}

async function rows<T>(location: DatabaseLocation, sql: string): Promise<T[]> {
  const client = new Client({ connectionString: location.url });
  await client.connect();
  try {
    return (await client.query(sql)).rows as T[];
  } finally {
    await client.end();
  }
}

/** One replica's start-up as a service does it (ServiceCoreModule): ensure the database, then TypeORM. */
async function bootReplica(location: DatabaseLocation, migrations: MigrationClass[]) {
  const moduleRef = await Test.createTestingModule({
    imports: [
      TypeOrmModule.forRootAsync({
        useFactory: async () => {
          await ensureDatabase(location);
          // The services keep TypeORM's default retry (3 s apart); shorter here only to keep the test quick.
          return {
            ...serviceDataSourceOptions({ location, entities: [], migrations, poolSize: 2 }),
            retryDelay: 200,
          };
        },
      }),
    ],
  }).compile();
  moduleRef.useLogger(false);
  await moduleRef.init();
  return moduleRef;
}

describe('migrations at start-up', () => {
  let location: DatabaseLocation;

  beforeEach(() => {
    location = databaseOnServer(
      process.env.DATABASE_URL!,
      `o2c_test_migrate_${randomBytes(4).toString('hex')}`,
    );
  });

  afterEach(async () => {
    await dropDatabase(location);
  });

  it('applies each migration once when four replicas start on a new database at the same moment', async () => {
    await bootAll(location, 4);
    await expectAppliedOnce(location);
  });

  it('applies a pending migration once when four replicas of a new version start together', async () => {
    // The previous version ran: the database, its migrations table and the first migration exist, so every
    // replica reads "SeedBootEffect pending" at once and only the lock stands between it and a second row.
    const previous = await bootReplica(location, [CreateBootEffect1799000000000]);
    await previous.close();

    await bootAll(location, 4);
    await expectAppliedOnce(location);
  });

  it('refuses to apply a migration another replica recorded meanwhile, and changes nothing', async () => {
    await ensureDatabase(location);
    const dataSource = await new DataSource({
      ...serviceDataSourceOptions({ location, entities: [], migrations: [CreateBootEffect1799000000000] }),
      migrationsRun: true,
    }).initialize();
    const queryRunner = dataSource.createQueryRunner();
    try {
      // The situation of the replica that read the migrations table before another one committed.
      const seed = new (serializedMigration(SeedBootEffect1799000000001))();
      await queryRunner.query(`INSERT INTO schema_migrations (timestamp, name) VALUES ($1, $2)`, [
        1799000000001,
        'SeedBootEffect1799000000001',
      ]);
      await queryRunner.startTransaction();
      await expect(seed.up(queryRunner)).rejects.toThrow(
        new ConcurrentMigrationError('SeedBootEffect1799000000001'),
      );
      await queryRunner.rollbackTransaction();
      expect(await rows(location, 'SELECT note FROM boot_effect')).toEqual([]);

      // Outside a transaction it cannot be serialized and says so.
      await expect(seed.up(queryRunner)).rejects.toThrow(/must be transactional/);
    } finally {
      await queryRunner.release();
      await dataSource.destroy();
    }
  });
});

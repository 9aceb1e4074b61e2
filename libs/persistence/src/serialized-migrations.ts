import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The table TypeORM records applied migrations in (`migrationsTableName`). */
export const MIGRATIONS_TABLE = 'schema_migrations';

/**
 * Key of the transaction-level advisory lock every migration of a database takes first. Advisory locks are
 * per database, so one key serves every service; it differs from the outbox relay's.
 */
export const MIGRATION_LOCK = 'o2c:schema-migrations';

/**
 * Another instance applied this migration between our look at `schema_migrations` and our turn at the lock.
 * Nothing was applied; the start-up fails once and TypeORM's connection retry starts it again, when the
 * migration is no longer pending.
 */
export class ConcurrentMigrationError extends Error {
  constructor(readonly migration: string) {
    super(
      `migration ${migration} was applied by another instance starting at the same time; ` +
        'nothing was applied here and the start-up is retried',
    );
    this.name = 'ConcurrentMigrationError';
  }
}

type MigrationClass = new () => MigrationInterface;

/**
 * The same migration, made safe when several replicas start at once. TypeORM reads the applied migrations
 * and then runs the pending ones without any lock, so two replicas could both run one. This one first waits
 * for the database's migration lock inside its own transaction (so the lock is held until the row that
 * records it is committed), then looks again: when it was applied meanwhile it throws
 * `ConcurrentMigrationError` instead of applying it twice. A migration with `transaction = false` cannot be
 * serialized this way and is refused when it runs.
 */
export function serializedMigration(migration: MigrationClass): MigrationClass {
  class Serialized extends migration {
    override async up(queryRunner: QueryRunner): Promise<void> {
      const name = this.name ?? migration.name;
      if (!queryRunner.isTransactionActive) {
        throw new Error(
          `migration ${name} runs outside a transaction; o2c migrations must be transactional ` +
            'so that replicas starting together apply each one once',
        );
      }
      await queryRunner.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [MIGRATION_LOCK]);
      const applied = (await queryRunner.query(`SELECT 1 FROM "${MIGRATIONS_TABLE}" WHERE "name" = $1`, [
        name,
      ])) as unknown[];
      if (applied.length > 0) throw new ConcurrentMigrationError(name);
      await super.up(queryRunner);
    }
  }
  // TypeORM names a migration by its `name` field, else by its class name: keep the original's.
  Object.defineProperty(Serialized, 'name', { value: migration.name });
  return Serialized;
}

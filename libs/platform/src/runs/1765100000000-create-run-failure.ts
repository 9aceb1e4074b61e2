import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** What a run (renewal, bill run, overdue, provisioning) could not do for one item, kept until a later run can. */
export class CreateRunFailure1765100000000 implements MigrationInterface {
  name = 'CreateRunFailure1765100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE run_failure (
        run             text NOT NULL,
        item_id         text NOT NULL,
        contract_id     text NOT NULL,
        as_of           date NOT NULL,
        error           text NOT NULL,
        code            text,
        attempts        integer NOT NULL,
        first_failed_at timestamptz NOT NULL,
        last_failed_at  timestamptz NOT NULL,
        resolved_at     timestamptz,
        PRIMARY KEY (run, item_id)
      )`);
    await q.query(
      `CREATE INDEX run_failure_open ON run_failure (run, first_failed_at) WHERE resolved_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE run_failure`);
  }
}

/** Migrations of the run failures' table; a service with runs lists them with its own. */
export const runFailureMigrations = [CreateRunFailure1765100000000];

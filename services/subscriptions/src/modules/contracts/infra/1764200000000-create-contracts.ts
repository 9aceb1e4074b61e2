import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Contracts and every version of them, each with the deal that made it. */
export class CreateContracts1764200000000 implements MigrationInterface {
  name = 'CreateContracts1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contract (
        contract_id     text PRIMARY KEY,
        account_id      text NOT NULL,
        current_version integer NOT NULL,
        state           jsonb NOT NULL
      )`);
    await q.query(`CREATE INDEX contract_account ON contract (account_id)`);
    await q.query(`
      CREATE TABLE contract_version (
        contract_id text NOT NULL REFERENCES contract (contract_id),
        version     integer NOT NULL,
        deal_id     text,
        revision    integer,
        state       jsonb NOT NULL,
        created_at  timestamptz NOT NULL,
        PRIMARY KEY (contract_id, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE contract_version`);
    await q.query(`DROP TABLE contract`);
  }
}

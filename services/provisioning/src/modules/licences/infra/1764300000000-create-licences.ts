import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The current licence of each contract (its entitlements and signed key). */
export class CreateLicences1764300000000 implements MigrationInterface {
  name = 'CreateLicences1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE licence (
        licence_id  text PRIMARY KEY,
        contract_id text NOT NULL UNIQUE,
        account_id  text NOT NULL,
        state       jsonb NOT NULL,
        issued_at   timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX licence_account ON licence (account_id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE licence`);
  }
}

import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Each version keeps the event that announced it and the day it takes effect, so the history can be replayed. */
export class AddVersionChange1764300000000 implements MigrationInterface {
  name = 'AddVersionChange1764300000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE contract_version ADD COLUMN event_type text NOT NULL DEFAULT 'o2c.subscription.activated.v1'`,
    );
    await q.query(`ALTER TABLE contract_version ALTER COLUMN event_type DROP DEFAULT`);
    await q.query(`ALTER TABLE contract_version ADD COLUMN event_data jsonb`);
    await q.query(`UPDATE contract_version SET event_data = state`);
    await q.query(`ALTER TABLE contract_version ALTER COLUMN event_data SET NOT NULL`);
    await q.query(`ALTER TABLE contract ADD COLUMN status text`);
    await q.query(`ALTER TABLE contract ADD COLUMN term_end date`);
    await q.query(`ALTER TABLE contract ADD COLUMN auto_renew boolean`);
    await q.query(
      `UPDATE contract SET status = state->>'status', term_end = (state->'term'->>'endDate')::date,
         auto_renew = (state->'term'->>'autoRenew')::boolean`,
    );
    await q.query(`ALTER TABLE contract ALTER COLUMN status SET NOT NULL`);
    await q.query(`ALTER TABLE contract ALTER COLUMN term_end SET NOT NULL`);
    await q.query(`ALTER TABLE contract ALTER COLUMN auto_renew SET NOT NULL`);
    await q.query(
      `CREATE INDEX contract_renewal_due ON contract (term_end) WHERE status = 'active' AND auto_renew`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contract_renewal_due`);
    await q.query(`ALTER TABLE contract DROP COLUMN auto_renew, DROP COLUMN term_end, DROP COLUMN status`);
    await q.query(`ALTER TABLE contract_version DROP COLUMN event_data, DROP COLUMN event_type`);
  }
}

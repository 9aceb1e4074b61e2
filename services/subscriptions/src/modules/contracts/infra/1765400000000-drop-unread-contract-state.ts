import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The contract's state is stored once, in `contract_version.event_data` (the latest version's is the contract as
 * it stands). `contract.state`, `contract.current_version` and `contract_version.state` repeated it, were written
 * with every version and never read. Run it once no instance of an earlier version (which writes them) is left.
 */
export class DropUnreadContractState1765400000000 implements MigrationInterface {
  name = 'DropUnreadContractState1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contract DROP COLUMN state, DROP COLUMN current_version`);
    await q.query(`ALTER TABLE contract_version DROP COLUMN state`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contract_version ADD COLUMN state jsonb`);
    await q.query(`UPDATE contract_version SET state = event_data`);
    await q.query(`ALTER TABLE contract_version ALTER COLUMN state SET NOT NULL`);
    await q.query(`ALTER TABLE contract ADD COLUMN current_version integer, ADD COLUMN state jsonb`);
    await q.query(`
      UPDATE contract c SET current_version = v.version, state = v.event_data
        FROM (SELECT DISTINCT ON (contract_id) contract_id, version, event_data
                FROM contract_version ORDER BY contract_id, version DESC) v
       WHERE v.contract_id = c.contract_id`);
    await q.query(
      `ALTER TABLE contract ALTER COLUMN current_version SET NOT NULL, ALTER COLUMN state SET NOT NULL`,
    );
  }
}

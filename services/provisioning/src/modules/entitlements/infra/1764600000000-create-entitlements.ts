import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Every version of every contract, the entitlements in force per contract and product, their history,
 * and licences that can be revoked (a contract has at most one active licence).
 */
export class CreateEntitlements1764600000000 implements MigrationInterface {
  name = 'CreateEntitlements1764600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contract (
        contract_id       text PRIMARY KEY,
        account_id        text NOT NULL,
        latest_version    integer NOT NULL,
        provisioned_as_of date,
        next_change_on    date,
        updated_at        timestamptz NOT NULL
      )`);
    await q.query(
      `CREATE INDEX contract_next_change ON contract (next_change_on) WHERE next_change_on IS NOT NULL`,
    );
    await q.query(`CREATE INDEX contract_account ON contract (account_id)`);
    await q.query(`
      CREATE TABLE contract_version (
        contract_id   text NOT NULL REFERENCES contract,
        version       integer NOT NULL,
        event_id      text NOT NULL,
        event_type    text NOT NULL,
        relevant_date date NOT NULL,
        data          jsonb NOT NULL,
        received_at   timestamptz NOT NULL,
        PRIMARY KEY (contract_id, version)
      )`);
    await q.query(`
      CREATE TABLE entitlement (
        contract_id text NOT NULL REFERENCES contract,
        product     text NOT NULL,
        account_id  text NOT NULL,
        licence_id  text NOT NULL,
        seats       integer NOT NULL,
        features    jsonb NOT NULL,
        valid_from  date NOT NULL,
        valid_to    date NOT NULL,
        since       date NOT NULL,
        updated_at  timestamptz NOT NULL,
        PRIMARY KEY (contract_id, product)
      )`);
    await q.query(`CREATE INDEX entitlement_account ON entitlement (account_id)`);
    await q.query(`
      CREATE TABLE entitlement_change (
        id               bigserial PRIMARY KEY,
        account_id       text NOT NULL,
        contract_id      text NOT NULL,
        product          text NOT NULL,
        kind             text NOT NULL CHECK (kind IN ('granted', 'changed', 'ended')),
        effective_date   date NOT NULL,
        applied_as_of    date NOT NULL,
        event_id         text NOT NULL,
        event_type       text NOT NULL,
        contract_version integer NOT NULL,
        before           jsonb,
        after            jsonb,
        licence_id       text NOT NULL,
        licence_event    text NOT NULL,
        recorded_at      timestamptz NOT NULL
      )`);
    await q.query(`CREATE INDEX entitlement_change_account ON entitlement_change (account_id, id)`);
    await q.query(`ALTER TABLE licence DROP CONSTRAINT licence_contract_id_key`);
    await q.query(`
      ALTER TABLE licence
        ADD COLUMN status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
        ADD COLUMN revoked_at timestamptz`);
    await q.query(
      `CREATE UNIQUE INDEX licence_active_contract ON licence (contract_id) WHERE status = 'active'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX licence_active_contract`);
    await q.query(`ALTER TABLE licence DROP COLUMN revoked_at, DROP COLUMN status`);
    await q.query(`ALTER TABLE licence ADD CONSTRAINT licence_contract_id_key UNIQUE (contract_id)`);
    await q.query(`DROP TABLE entitlement_change, entitlement, contract_version, contract`);
  }
}

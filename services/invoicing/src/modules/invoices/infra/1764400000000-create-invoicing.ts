import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Contract histories as received, issued documents, their gapless numbers, bill runs. */
export class CreateInvoicing1764400000000 implements MigrationInterface {
  name = 'CreateInvoicing1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE contract_version (
        contract_id text NOT NULL,
        version     integer NOT NULL,
        event_type  text NOT NULL,
        event_data  jsonb NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (contract_id, version)
      )`);
    await q.query(`
      CREATE TABLE billed_contract (
        contract_id        text PRIMARY KEY,
        account_id         text NOT NULL,
        next_document_date date
      )`);
    await q.query(
      `CREATE INDEX billed_contract_due ON billed_contract (next_document_date) WHERE next_document_date IS NOT NULL`,
    );
    await q.query(`
      CREATE TABLE document_number (
        issuing_entity text NOT NULL,
        prefix         text NOT NULL,
        year           integer NOT NULL,
        last_number    integer NOT NULL,
        PRIMARY KEY (issuing_entity, prefix, year)
      )`);
    await q.query(`
      CREATE TABLE document (
        document_id   uuid PRIMARY KEY,
        kind          text NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
        number        text NOT NULL UNIQUE,
        contract_id   text NOT NULL,
        account_id    text NOT NULL,
        document_key  text NOT NULL,
        issue_date    date NOT NULL,
        due_date      date,
        currency      text NOT NULL,
        total_minor   bigint NOT NULL,
        paid_minor    bigint NOT NULL DEFAULT 0,
        status        text NOT NULL,
        data          jsonb NOT NULL,
        issued_at     timestamptz NOT NULL,
        bill_run_id   uuid,
        UNIQUE (contract_id, document_key)
      )`);
    await q.query(`CREATE INDEX document_account ON document (account_id, issue_date)`);
    await q.query(`CREATE INDEX document_contract ON document (contract_id, issue_date)`);
    await q.query(`
      CREATE TABLE bill_run (
        bill_run_id uuid PRIMARY KEY,
        as_of       date NOT NULL,
        started_at  timestamptz NOT NULL,
        finished_at timestamptz,
        issued      integer NOT NULL DEFAULT 0
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of ['bill_run', 'document', 'document_number', 'billed_contract', 'contract_version']) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}

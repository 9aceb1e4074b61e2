import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Bill runs as jobs: their progress (contracts tried, documents issued, failures, a heartbeat per chunk) and
 * their outcome are kept on the run; documents are listed by run; due contracts are read in key order.
 */
export class BillRunJobs1765200000000 implements MigrationInterface {
  name = 'BillRunJobs1765200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE bill_run ADD COLUMN contracts integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE bill_run ADD COLUMN failed integer NOT NULL DEFAULT 0`);
    await q.query(`ALTER TABLE bill_run ADD COLUMN heartbeat_at timestamptz`);
    await q.query(`ALTER TABLE bill_run ADD COLUMN outcome jsonb`);
    await q.query(`UPDATE bill_run SET heartbeat_at = coalesce(finished_at, started_at)`);
    await q.query(`ALTER TABLE bill_run ALTER COLUMN heartbeat_at SET NOT NULL`);
    await q.query(`CREATE INDEX bill_run_started ON bill_run (started_at DESC, bill_run_id DESC)`);
    await q.query(
      `CREATE INDEX document_bill_run ON document (bill_run_id, document_id) WHERE bill_run_id IS NOT NULL`,
    );
    await q.query(
      `CREATE INDEX billed_contract_due_key ON billed_contract (next_document_date, contract_id)
        WHERE next_document_date IS NOT NULL`,
    );
    await q.query(`DROP INDEX billed_contract_due`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE INDEX billed_contract_due ON billed_contract (next_document_date) WHERE next_document_date IS NOT NULL`,
    );
    await q.query(`DROP INDEX billed_contract_due_key`);
    await q.query(`DROP INDEX document_bill_run`);
    await q.query(`DROP INDEX bill_run_started`);
    for (const column of ['outcome', 'heartbeat_at', 'failed', 'contracts'])
      await q.query(`ALTER TABLE bill_run DROP COLUMN ${column}`);
  }
}

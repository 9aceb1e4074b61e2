import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * `reply_status` and `reply` were written with every decision and never read: the webhook's answer is worded
 * from the deal's status, reasons and contract each time (`webhookReply`), so a repeat gets the answer of the
 * deal as it stands. Run it once no instance of an earlier version (which writes them) is left.
 */
export class DropDealReply1765400000000 implements MigrationInterface {
  name = 'DropDealReply1765400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deal DROP COLUMN reply_status, DROP COLUMN reply`);
  }

  async down(q: QueryRunner): Promise<void> {
    // Worded as the code that wrote them did.
    await q.query(`ALTER TABLE deal ADD COLUMN reply_status integer, ADD COLUMN reply jsonb`);
    await q.query(`
      UPDATE deal SET
        reply_status = CASE WHEN status = 'rejected' THEN 422 ELSE 202 END,
        reply = CASE WHEN status = 'rejected'
                     THEN jsonb_build_object('dealId', deal_id, 'status', status, 'reasons', reasons)
                     ELSE jsonb_build_object('dealId', deal_id, 'status', status, 'contractId', contract_id) END`);
    await q.query(`ALTER TABLE deal ALTER COLUMN reply_status SET NOT NULL, ALTER COLUMN reply SET NOT NULL`);
  }
}

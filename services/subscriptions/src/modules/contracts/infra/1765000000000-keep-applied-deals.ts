import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * A version made by a deal keeps the deal (its `o2c.deal.closed.v1` data), so that the contract's history can be
 * replayed in effective-date order when a deal dated before accepted changes arrives (billing-rules.md §5).
 * Versions stored before this have none: such a contract takes further deals in date order only.
 */
export class KeepAppliedDeals1765000000000 implements MigrationInterface {
  name = 'KeepAppliedDeals1765000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contract_version ADD COLUMN deal jsonb`);
    await q.query(
      `CREATE INDEX contract_version_deal ON contract_version (deal_id) WHERE deal_id IS NOT NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX contract_version_deal`);
    await q.query(`ALTER TABLE contract_version DROP COLUMN deal`);
  }
}

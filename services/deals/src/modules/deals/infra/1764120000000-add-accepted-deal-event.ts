import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * What an accepted deal became: its `o2c.deal.closed.v1` data (each line with its SKU and catalog
 * snapshot), when it was accepted, and the order of acceptance, which is the order its contract's
 * changes apply in (a replayed or released deal is accepted after deals received later). Amendments
 * that name a line by id only, and previews of a change, read the contract back from these.
 * Deals accepted before: from the event their acceptance recorded in the outbox, in its order.
 */
export class AddAcceptedDealEvent1764120000000 implements MigrationInterface {
  name = 'AddAcceptedDealEvent1764120000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deal ADD COLUMN accepted_seq bigint, ADD COLUMN accepted_at timestamptz,
                   ADD COLUMN closed jsonb`);
    await q.query(`CREATE SEQUENCE deal_accepted_seq`);
    await q.query(`
      UPDATE deal SET accepted_seq = o.position, accepted_at = o.time, closed = o.data
        FROM (SELECT DISTINCT ON (subject, data->>'revision') position, time, data, subject
                FROM outbox WHERE type = 'o2c.deal.closed.v1'
               ORDER BY subject, data->>'revision', position) o
       WHERE deal.status = 'accepted' AND o.subject = 'deal/' || deal.deal_id
         AND o.data->>'revision' = deal.revision::text`);
    await q.query(
      `SELECT setval('deal_accepted_seq', coalesce((SELECT max(accepted_seq) FROM deal), 0) + 1, false)`,
    );
    await q.query(
      `CREATE INDEX deal_contract_accepted ON deal (contract_id, accepted_seq) WHERE status = 'accepted'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX deal_contract_accepted`);
    await q.query(`DROP SEQUENCE deal_accepted_seq`);
    await q.query(`ALTER TABLE deal DROP COLUMN closed, DROP COLUMN accepted_at, DROP COLUMN accepted_seq`);
  }
}

import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Deals as received, with their status and the reply they got, and the versioned product catalog. */
export class CreateDealsAndCatalog1764100000000 implements MigrationInterface {
  name = 'CreateDealsAndCatalog1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE deal (
        id           uuid PRIMARY KEY,
        deal_id      text NOT NULL,
        revision     integer NOT NULL,
        kind         text NOT NULL,
        status       text NOT NULL CHECK (status IN ('accepted', 'rejected', 'held')),
        account_id   text NOT NULL,
        contract_id  text,
        body         jsonb NOT NULL,
        reasons      jsonb NOT NULL DEFAULT '[]',
        reply_status integer NOT NULL,
        reply        jsonb NOT NULL,
        received_at  timestamptz NOT NULL,
        UNIQUE (deal_id, revision)
      )`);
    await q.query(`CREATE INDEX deal_status ON deal (status, received_at)`);
    await q.query(`
      CREATE TABLE catalog_entry (
        sku     text NOT NULL,
        version integer NOT NULL,
        entry   jsonb NOT NULL,
        PRIMARY KEY (sku, version)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE catalog_entry`);
    await q.query(`DROP TABLE deal`);
  }
}

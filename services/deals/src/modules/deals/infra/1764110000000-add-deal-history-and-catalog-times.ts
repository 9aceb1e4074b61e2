import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The exception queue: every intake attempt of a deal (webhook, replay, release) with its outcome;
 * the deal a change amends as a column (held amendments are released by it); reasons as
 * `{ path, message }` objects instead of "path: message" strings; when each catalog version was made.
 */
export class AddDealHistoryAndCatalogTimes1764110000000 implements MigrationInterface {
  name = 'AddDealHistoryAndCatalogTimes1764110000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE deal ADD COLUMN amends text`);
    await q.query(`UPDATE deal SET amends = body->>'amends'`);
    await q.query(`
      UPDATE deal SET reasons = (
        SELECT coalesce(jsonb_agg(jsonb_build_object(
                 'path', split_part(r, ': ', 1),
                 'message', substr(r, strpos(r, ': ') + 2)) ORDER BY n), '[]'::jsonb)
          FROM jsonb_array_elements_text(reasons) WITH ORDINALITY AS e(r, n))
       WHERE jsonb_typeof(reasons -> 0) = 'string'`);
    await q.query(`CREATE INDEX deal_amends ON deal (amends) WHERE amends IS NOT NULL`);
    await q.query(`CREATE INDEX deal_contract ON deal (contract_id) WHERE contract_id IS NOT NULL`);
    await q.query(`CREATE INDEX deal_status_id ON deal (status, id)`);
    await q.query(`
      CREATE TABLE deal_attempt (
        id       uuid PRIMARY KEY,
        deal_id  text NOT NULL,
        revision integer NOT NULL,
        source   text NOT NULL CHECK (source IN ('webhook', 'replay', 'release')),
        outcome  text NOT NULL CHECK (outcome IN ('accepted', 'rejected', 'held', 'duplicate', 'unchanged')),
        reasons  jsonb NOT NULL DEFAULT '[]',
        at       timestamptz NOT NULL,
        FOREIGN KEY (deal_id, revision) REFERENCES deal (deal_id, revision)
      )`);
    await q.query(`CREATE INDEX deal_attempt_deal ON deal_attempt (deal_id, at)`);
    // Deals received before this migration: their first attempt, as it was answered.
    await q.query(`
      INSERT INTO deal_attempt (id, deal_id, revision, source, outcome, reasons, at)
      SELECT id, deal_id, revision, 'webhook', status, reasons, received_at FROM deal`);
    await q.query(`ALTER TABLE catalog_entry ADD COLUMN created_at timestamptz NOT NULL DEFAULT now()`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE catalog_entry DROP COLUMN created_at`);
    await q.query(`DROP TABLE deal_attempt`);
    await q.query(`DROP INDEX deal_status_id`);
    await q.query(`DROP INDEX deal_contract`);
    await q.query(`DROP INDEX deal_amends`);
    await q.query(`
      UPDATE deal SET reasons = (
        SELECT coalesce(jsonb_agg((r ->> 'path') || ': ' || (r ->> 'message') ORDER BY n), '[]'::jsonb)
          FROM jsonb_array_elements(reasons) WITH ORDINALITY AS e(r, n))`);
    await q.query(`ALTER TABLE deal DROP COLUMN amends`);
  }
}

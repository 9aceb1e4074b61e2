import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Webhooks to the products, written with the change they announce, and every attempt to deliver them. */
export class CreateDeliveries1764600000001 implements MigrationInterface {
  name = 'CreateDeliveries1764600000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE delivery (
        id              uuid PRIMARY KEY,
        seq             bigserial UNIQUE,
        account_id      text NOT NULL,
        contract_id     text NOT NULL,
        product         text NOT NULL,
        type            text NOT NULL,
        payload         text NOT NULL,
        status          text NOT NULL CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts        integer NOT NULL DEFAULT 0,
        round_attempts  integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_error      text,
        created_at      timestamptz NOT NULL,
        delivered_at    timestamptz
      )`);
    await q.query(`CREATE INDEX delivery_due ON delivery (next_attempt_at) WHERE status = 'pending'`);
    await q.query(
      `CREATE INDEX delivery_stream ON delivery (contract_id, product, seq) WHERE status = 'pending'`,
    );
    await q.query(`CREATE INDEX delivery_account ON delivery (account_id, seq)`);
    await q.query(`
      CREATE TABLE delivery_attempt (
        delivery_id     uuid NOT NULL REFERENCES delivery,
        attempt         integer NOT NULL,
        url             text,
        attempted_at    timestamptz NOT NULL,
        duration_ms     integer NOT NULL,
        status_code     integer,
        error           text,
        response        text,
        retry_after_ms  bigint,
        outcome         text NOT NULL CHECK (outcome IN ('delivered', 'retry', 'dead')),
        next_attempt_at timestamptz,
        PRIMARY KEY (delivery_id, attempt)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE delivery_attempt, delivery`);
  }
}

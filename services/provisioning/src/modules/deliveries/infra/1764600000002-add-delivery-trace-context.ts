import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** The trace of the change a delivery announces, sent with each attempt as `traceparent`. */
export class AddDeliveryTraceContext1764600000002 implements MigrationInterface {
  name = 'AddDeliveryTraceContext1764600000002';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery ADD COLUMN traceparent text, ADD COLUMN tracestate text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE delivery DROP COLUMN traceparent, DROP COLUMN tracestate`);
  }
}

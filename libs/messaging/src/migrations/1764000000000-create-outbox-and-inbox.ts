import { type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * The transactional outbox (events written with the change they announce, relayed to Kafka
 * in `position` order) and the idempotent inbox (ids of the events a consumer group has
 * applied). Every service's database has both.
 */
export class CreateOutboxAndInbox1764000000000 implements MigrationInterface {
  name = 'CreateOutboxAndInbox1764000000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE outbox (
        position     bigserial PRIMARY KEY,
        id           uuid NOT NULL UNIQUE,
        topic        text NOT NULL,
        key          text NOT NULL,
        type         text NOT NULL,
        source       text NOT NULL,
        subject      text,
        time         timestamptz NOT NULL,
        data         jsonb NOT NULL,
        traceparent  text,
        tracestate   text,
        published_at timestamptz
      )`);
    await q.query(`CREATE INDEX outbox_unpublished ON outbox (position) WHERE published_at IS NULL`);
    await q.query(`
      CREATE TABLE inbox (
        consumer_group text NOT NULL,
        event_id       text NOT NULL,
        type           text NOT NULL,
        topic          text NOT NULL,
        partition      integer NOT NULL,
        "offset"       bigint NOT NULL,
        handled_at     timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer_group, event_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE inbox`);
    await q.query(`DROP TABLE outbox`);
  }
}

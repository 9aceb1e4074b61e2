import { type MigrationInterface, type QueryRunner } from 'typeorm';

/** Messages a consumer group gave up on, kept for operations to inspect and replay. */
export class CreateDeadLetter1764000000001 implements MigrationInterface {
  name = 'CreateDeadLetter1764000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE dead_letter (
        id               uuid PRIMARY KEY,
        consumer_group   text NOT NULL,
        topic            text NOT NULL,
        partition        integer NOT NULL,
        "offset"         bigint NOT NULL,
        event_id         text,
        type             text,
        key              text,
        headers          jsonb NOT NULL,
        value            text,
        error            text NOT NULL,
        attempts         integer NOT NULL,
        dead_lettered_at timestamptz NOT NULL,
        replayed_at      timestamptz,
        last_replay_error text,
        UNIQUE (consumer_group, topic, partition, "offset")
      )`);
    await q.query(
      `CREATE INDEX dead_letter_pending ON dead_letter (dead_lettered_at) WHERE replayed_at IS NULL`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE dead_letter`);
  }
}

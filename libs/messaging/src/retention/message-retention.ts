import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { InboxConsumer } from '../inbox/inbox-consumer';
import { KafkaAdmin } from '../kafka.module';

export interface PrunedMessages {
  /** Outbox rows deleted: events published before the cut-off. */
  readonly outbox: number;
  /** Inbox rows deleted: events handled before the cut-off that Kafka can no longer deliver again. */
  readonly inbox: number;
}

/** Outbox rows deleted per statement, so that a first prune of a long history holds no lock for long. */
const OUTBOX_BATCH = 5_000;

/**
 * Keeps the outbox and the inbox from growing forever, without weakening exactly-once:
 * - an outbox row goes once it was published before the cut-off (unpublished rows stay, however old);
 * - an inbox row goes once it was handled before the cut-off **and** its offset is below the offset the
 *   consumer group has committed for its partition: Kafka delivers again only from the committed offset on, so
 *   the event it records can never arrive again through the group. Rows of partitions the group has no committed
 *   offset for stay. (A consumer group reset to an earlier offset by hand is the one way round this; the
 *   retention is to be longer than any such reset reaches back.)
 */
@Injectable()
export class MessageRetention {
  constructor(
    private readonly dataSource: DataSource,
    private readonly kafkaAdmin: KafkaAdmin,
    private readonly consumer: InboxConsumer,
  ) {}

  async prune(before: Date): Promise<PrunedMessages> {
    return { outbox: await this.pruneOutbox(before), inbox: await this.pruneInbox(before) };
  }

  private async pruneOutbox(before: Date): Promise<number> {
    let deleted = 0;
    for (;;) {
      // Oldest first along the primary key: the rows to go are at its start.
      const [, count] = await this.dataSource.query<[unknown, number]>(
        `DELETE FROM outbox WHERE position IN (
           SELECT position FROM outbox WHERE published_at < $1 ORDER BY position LIMIT $2)`,
        [before.toISOString(), OUTBOX_BATCH],
      );
      deleted += count;
      if (count < OUTBOX_BATCH) return deleted;
    }
  }

  private async pruneInbox(before: Date): Promise<number> {
    const consuming = this.consumer.consuming;
    if (!consuming || consuming.topics.length === 0) return 0;
    const admin = await this.kafkaAdmin.get();
    const committed = await admin.fetchOffsets({ groupId: consuming.groupId, topics: [...consuming.topics] });
    const partitions = committed.flatMap(({ topic, partitions }) =>
      partitions
        .filter((p) => BigInt(p.offset) >= 0n) // -1: nothing committed yet
        .map((p) => ({ topic, partition: p.partition, offset: p.offset })),
    );
    if (partitions.length === 0) return 0;
    const [, count] = await this.dataSource.query<[unknown, number]>(
      `DELETE FROM inbox i
        USING unnest($2::text[], $3::int[], $4::bigint[]) AS c(topic, partition, committed)
        WHERE i.consumer_group = $1 AND i.handled_at < $5
          AND i.topic = c.topic AND i.partition = c.partition AND i."offset" < c.committed`,
      [
        consuming.groupId,
        partitions.map((p) => p.topic),
        partitions.map((p) => p.partition),
        partitions.map((p) => p.offset),
        before.toISOString(),
      ],
    );
    return count;
  }
}

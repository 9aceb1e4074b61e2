import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { observeGauge } from '@o2c/observability';
import { DataSource } from 'typeorm';
import { InboxConsumer } from './inbox/inbox-consumer';
import { KafkaAdmin } from './kafka.module';

/** Longest a gauge may take to answer a scrape; past it the scrape reports nothing for it. */
const GAUGE_TIMEOUT_MS = 3_000;

function within<T>(work: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${GAUGE_TIMEOUT_MS} ms`)), GAUGE_TIMEOUT_MS);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}

interface OutboxState {
  backlog: number;
  oldestAgeSeconds: number;
}

/**
 * The gauges of the messaging layer, read at each scrape of `GET /metrics`: the outbox backlog and the age
 * of its oldest event (one indexed query), the dead letters pending (one query; a service that consumes nothing has none), and the consumer group's
 * lag per partition (committed offsets against the high watermarks, from the Kafka admin) and membership.
 * Each answers within 3 s or not at all: with the database or Kafka away a scrape reports none of their
 * series, never fails, and the first failure in a row is logged.
 */
@Injectable()
export class MessagingGauges implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('MessagingGauges');
  private readonly stops: (() => void)[] = [];
  private readonly failing = new Set<string>();
  private outbox?: { at: number; state: Promise<OutboxState> };

  constructor(
    private readonly dataSource: DataSource,
    private readonly admin: KafkaAdmin,
    private readonly consumer: InboxConsumer,
  ) {}

  onApplicationBootstrap(): void {
    this.stops.push(
      this.observe('outboxBacklog', async (result) => result.observe((await this.outboxState()).backlog)),
      this.observe('outboxOldestAge', async (result) =>
        result.observe((await this.outboxState()).oldestAgeSeconds),
      ),
      this.observe('deadLettersPending', async (result) => {
        const groupId = this.consumer.consuming?.groupId;
        if (!groupId) return; // consuming nothing, it has no dead letters
        const rows = await within(
          this.dataSource.query<{ count: string }[]>(
            `SELECT count(*) AS count FROM dead_letter WHERE consumer_group = $1 AND replayed_at IS NULL`,
            [groupId],
          ),
          'counting the dead letters',
        );
        result.observe(Number(rows[0]?.count ?? 0), { group: groupId });
      }),
      this.observe('consumerJoined', (result) => {
        const consuming = this.consumer.consuming;
        if (consuming) result.observe(this.consumer.isJoined ? 1 : 0, { group: consuming.groupId });
      }),
      this.observe('consumerLag', async (result) => {
        const consuming = this.consumer.consuming;
        if (!consuming) return;
        for (const lag of await within(
          this.lag(consuming.groupId, consuming.topics),
          'reading the consumer lag',
        )) {
          result.observe(lag.lag, {
            group: consuming.groupId,
            topic: lag.topic,
            partition: String(lag.partition),
          });
        }
      }),
    );
  }

  onApplicationShutdown(): void {
    for (const stop of this.stops.splice(0)) stop();
  }

  private observe(
    key: Parameters<typeof observeGauge>[0],
    observe: Parameters<typeof observeGauge>[1],
  ): () => void {
    return observeGauge(
      key,
      async (result) => {
        await observe(result);
        if (this.failing.delete(key)) this.logger.log(`metric ${key} can be read again`);
      },
      (error) => {
        if (this.failing.has(key)) return;
        this.failing.add(key);
        this.logger.warn(
          `metric ${key} cannot be read, so it is left out of /metrics until it can: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
  }

  /** One query for both outbox gauges of a scrape. */
  private outboxState(): Promise<OutboxState> {
    const now = performance.now();
    if (!this.outbox || now - this.outbox.at > 1_000) {
      const state = within(
        this.dataSource.query<{ backlog: string; age: string | null }[]>(
          `SELECT count(*) AS backlog, extract(epoch FROM now() - min(time)) AS age
             FROM outbox WHERE published_at IS NULL`,
        ),
        'reading the outbox backlog',
      ).then(([row]) => ({
        backlog: Number(row?.backlog ?? 0),
        oldestAgeSeconds: Math.max(0, Number(row?.age ?? 0)),
      }));
      this.outbox = { at: now, state };
      state.catch(() => (this.outbox = undefined));
    }
    return this.outbox.state;
  }

  /**
   * Lag of each partition of `topics` for `groupId`: its high watermark less the group's committed offset
   * (less the low watermark while the group has committed nothing there, as a consumer reading from the
   * beginning sees it).
   */
  private async lag(
    groupId: string,
    topics: readonly string[],
  ): Promise<{ topic: string; partition: number; lag: number }[]> {
    const admin = await this.admin.get();
    const committed = await admin.fetchOffsets({ groupId, topics: [...topics] });
    const lags: { topic: string; partition: number; lag: number }[] = [];
    for (const topic of topics) {
      const ends = await admin.fetchTopicOffsets(topic);
      const offsets = committed.find((c) => c.topic === topic)?.partitions ?? [];
      for (const end of ends) {
        const commit = Number(offsets.find((p) => p.partition === end.partition)?.offset ?? -1);
        const from = commit >= 0 ? commit : Number(end.low);
        lags.push({ topic, partition: end.partition, lag: Math.max(0, Number(end.high) - from) });
      }
    }
    return lags;
  }
}

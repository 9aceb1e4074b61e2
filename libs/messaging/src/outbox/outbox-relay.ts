import { type Kafka, type Producer } from 'kafkajs';
import { Client } from 'pg';
import { encodeEvent, type EventRecord } from '../cloudevents/cloud-event-codec';
import { messagingMetrics } from '../metrics';
import { namespacedTopic } from '../topic-namespace';
import { OUTBOX_CHANNEL } from './outbox';

export interface OutboxRelayOptions {
  /** Connection URL of the service's database (the relay keeps one connection of its own). */
  readonly databaseUrl: string;
  /** The class of that connection: pg's `Client` by default; the pool's own (prepared statements) in a service. */
  readonly client?: typeof Client;
  readonly kafka: Kafka;
  /**
   * Prefix of the topics published to (`<namespace>.<topic>`); none by default. The outbox keeps
   * the topic of @o2c/contracts and the relay maps it here, where it meets Kafka.
   */
  readonly topicNamespace?: string;
  readonly batchSize?: number;
  /** Polling interval when no NOTIFY arrives (the fallback). */
  readonly pollIntervalMs?: number;
  /**
   * How long a published batch may wait to be marked sent: its mark rides on the next read of the outbox (one
   * statement instead of two), which under load comes sooner; when none has come by then, the relay reads (and
   * marks) anyway. 100 ms by default.
   */
  readonly markDelayMs?: number;
  readonly log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Fault injection for tests: runs after a batch is published and before it is marked sent. */
  readonly afterPublish?: (ids: readonly string[]) => Promise<void>;
}

interface OutboxRow {
  position: string;
  id: string;
  topic: string;
  key: string;
  type: string;
  source: string;
  subject: string | null;
  time: Date;
  data: unknown;
  traceparent: string | null;
  tracestate: string | null;
}

/** The statement that marks sent the rows whose ids are in the uuid array parameter `ids` (`$1`…), if not yet. */
const markSent = (ids: string) =>
  `UPDATE outbox SET published_at = now() WHERE id = ANY(${ids}::uuid[]) AND published_at IS NULL`;

const OUTBOX_COLUMNS = 'position, id, topic, key, type, source, subject, time, data, traceparent, tracestate';

/** The relay's read: the oldest unpublished rows, `$1` at most. */
export const UNPUBLISHED_ROWS = `SELECT ${OUTBOX_COLUMNS}
  FROM outbox WHERE published_at IS NULL ORDER BY position LIMIT $1`;

/**
 * The relay's read after it published a batch: marks that batch sent (`$2`, its ids) and reads the oldest rows
 * still unpublished, `$1` at most, in one statement. The read sees the table as it was before the mark, so it
 * leaves the batch's rows out by id.
 */
export const MARK_AND_READ = `WITH marked AS (${markSent('$2')})
  SELECT ${OUTBOX_COLUMNS}
  FROM outbox WHERE published_at IS NULL AND id <> ALL($2::uuid[]) ORDER BY position LIMIT $1`;

/**
 * Set on the relay's own connection, for its read of the unpublished rows: walk the index `outbox_unpublished` in
 * `position` order, whatever the table's statistics say. A published row leaves its entry in that partial index
 * until the table is vacuumed; a plain index scan visits such an entry once and marks it dead, so the next read
 * skips it. Planned from statistics that predate the rows (a young table, or one that autovacuum never analyses),
 * the read was a bitmap scan instead, which marks nothing: every read visited every row published since the last
 * vacuum (3 ms and 400 pages a read after 1,400 deals, growing with each one).
 */
export const RELAY_SESSION = 'SET enable_bitmapscan = off; SET enable_seqscan = off';

/**
 * Also set on the relay's connection: its only writes are the marks of published rows, and a mark lost to a crash
 * of PostgreSQL means its rows are published again, which the consumers' inboxes absorb (delivery is at least
 * once). So a mark does not wait for its WAL to reach the disk.
 */
export const RELAY_COMMIT = 'SET synchronous_commit = off';

/** Arbitrary constant: the advisory lock that makes one relay per database the publisher. */
const RELAY_LOCK = 7_270_001;

/**
 * Publishes outbox rows to Kafka in `position` order with an idempotent producer (acks=all)
 * and marks them sent. Several instances may run: the one holding a PostgreSQL advisory
 * lock publishes and the others wait to take over, so a row of one account never overtakes
 * an earlier row of the same account. A crash between publishing and marking publishes the
 * batch again on restart: delivery is at least once, and consumers deduplicate by event id.
 */
export class OutboxRelay {
  private client?: Client;
  private producer?: Producer;
  private running = false;
  private loop?: Promise<void>;
  private wake?: () => void;
  /** A NOTIFY came since the last read of the outbox began: rows may be waiting that it did not see. */
  private notified = false;
  private leader = false;
  /** Ids of the rows published and not yet marked sent: marked by the next read. */
  private unmarked: string[] = [];

  constructor(private readonly options: OutboxRelayOptions) {}

  get isLeader(): boolean {
    return this.leader;
  }

  /**
   * Starts relaying in the background. It does not wait for Kafka or the database: a
   * service starts (and says it is not ready) while they are away, and the relay keeps
   * trying to reach them.
   */
  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.run();
  }

  /** Stops after the batch in flight; the lock is released with the connection. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.markPublished().catch((error: unknown) =>
      this.log(
        'warn',
        `outbox relay: rows published but not marked sent, to be published again: ${String(error)}`,
      ),
    );
    await this.disconnect();
  }

  /** Dies as a killed process would: connections dropped, nothing finished or marked. */
  async abort(): Promise<void> {
    this.running = false;
    await this.disconnect();
  }

  private async disconnect(): Promise<void> {
    this.leader = false;
    const { client, producer } = this;
    this.client = undefined;
    this.producer = undefined;
    await Promise.allSettled([client?.end(), producer?.disconnect()]);
  }

  private async connect(): Promise<void> {
    const client = new (this.options.client ?? Client)({ connectionString: this.options.databaseUrl });
    client.on('notification', () => {
      this.notified = true;
      this.wake?.();
    });
    client.on('error', (error) => this.log('error', `outbox relay connection: ${error.message}`));
    this.client = client;
    await client.connect();
    await client.query(`${RELAY_SESSION}; ${RELAY_COMMIT}; LISTEN ${OUTBOX_CHANNEL}`);
    const producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.producer = producer;
    await producer.connect();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (this.running) {
      let more = false;
      // Cleared before the outbox is read: a NOTIFY from now on may be for a row this read does not see.
      this.notified = false;
      try {
        if (!this.client || !this.producer) await this.connect();
        if (!this.leader) this.leader = await this.tryLock();
        if (this.leader) more = await this.publishBatch();
        failures = 0;
      } catch (error) {
        if (!this.running) break;
        failures += 1;
        this.log('error', `outbox relay: ${error instanceof Error ? error.message : String(error)}`);
        // Start over on fresh connections: the lock (and leadership) may be gone with the old one.
        await this.disconnect();
        await this.sleep(Math.min(30_000, 250 * 2 ** failures));
        continue;
      }
      // Read again at once only when the batch was full or a row was committed since the read began (its NOTIFY
      // came): a read that found less than a batch saw every row committed before it, so a read right after it
      // would find nothing (one statement per wake-up saved). Otherwise wait for a NOTIFY, or poll.
      // A batch waiting for its mark is marked by the next read, at the latest after `markDelayMs`.
      if (!more && !this.notified && this.running) {
        const poll = this.options.pollIntervalMs ?? 1_000;
        await this.sleep(this.unmarked.length > 0 ? Math.min(poll, this.options.markDelayMs ?? 100) : poll);
      }
    }
  }

  private async tryLock(): Promise<boolean> {
    const { rows } = await this.client!.query<{ locked: boolean }>(
      'SELECT pg_try_advisory_lock($1) AS locked',
      [RELAY_LOCK],
    );
    return rows[0]?.locked === true;
  }

  /**
   * Marks the batch published last (if it is not yet) and publishes the oldest unpublished rows, a batch at most;
   * true when the batch was full (more may wait). The new batch is marked by the next read.
   */
  private async publishBatch(): Promise<boolean> {
    const limit = this.options.batchSize ?? 200;
    const unmarked = this.unmarked;
    const { rows } =
      unmarked.length > 0
        ? await this.client!.query<OutboxRow>(MARK_AND_READ, [limit, unmarked])
        : await this.client!.query<OutboxRow>(UNPUBLISHED_ROWS, [limit]);
    this.unmarked = [];
    if (rows.length === 0) return false;
    const byTopic = new Map<string, ReturnType<typeof encodeEvent>[]>();
    for (const row of rows) {
      const topic = namespacedTopic(row.topic, this.options.topicNamespace);
      const messages = byTopic.get(topic) ?? [];
      messages.push(encodeEvent(toRecord(row)));
      byTopic.set(topic, messages);
    }
    await this.producer!.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })),
    });
    const ids = rows.map((r) => r.id);
    await this.options.afterPublish?.(ids);
    this.unmarked = ids;
    for (const [topic, messages] of byTopic) messagingMetrics().published.add(messages.length, { topic });
    return rows.length === limit;
  }

  /** Marks the batch published last sent, on its own (when the relay stops). */
  private async markPublished(): Promise<void> {
    const ids = this.unmarked;
    if (ids.length === 0 || !this.client || !this.leader) return;
    await this.client.query(markSent('$1'), [ids]);
    this.unmarked = [];
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private log(level: 'info' | 'warn' | 'error', message: string): void {
    this.options.log?.(level, message);
  }
}

function toRecord(row: OutboxRow): EventRecord {
  return {
    id: row.id,
    type: row.type,
    source: row.source,
    time: row.time.toISOString(),
    key: row.key,
    data: row.data,
    ...(row.subject ? { subject: row.subject } : {}),
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
    ...(row.tracestate ? { tracestate: row.tracestate } : {}),
  };
}

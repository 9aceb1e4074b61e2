import { type ArgumentsHost, Catch, type RpcExceptionFilter } from '@nestjs/common';
import { type CustomTransportStrategy, type MessageHandler, Server } from '@nestjs/microservices';
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { type Clock } from '@o2c/clock';
import { deadLetterTopic, TopicOfEventType, type EventType } from '@o2c/contracts';
import { Grouping } from '@o2c/persistence';
import { type Consumer, type EachBatchPayload, type Kafka, type KafkaMessage, type Producer } from 'kafkajs';
import { lastValueFrom, throwError, type Observable } from 'rxjs';
import { type DataSource, type EntityManager } from 'typeorm';
import { decodeEvent, headersAsStrings, type EventRecord } from '../cloudevents/cloud-event-codec';
import { validateEventData, type EventSchemas } from '../cloudevents/event-schemas';
import { describeError, isInfrastructureUnavailable, isRetryable } from '../errors';
import { ensureTopics, type TopicSettings } from '../kafka-connection';
import { messagingMetrics } from '../metrics';
import { namespacedTopic } from '../topic-namespace';
import { InboxContext, type MessageCoordinates } from './inbox-context';

export interface KafkaInboxServerOptions {
  readonly kafka: Kafka;
  readonly dataSource: DataSource;
  /** The consumer group: one per service. */
  readonly groupId: string;
  readonly schemas: EventSchemas;
  readonly clock: Clock;
  /** The topic an event type arrives on; defaults to @o2c/contracts' table. */
  readonly topicOf?: (type: string) => string | undefined;
  /**
   * Prefix of the topics consumed (`<namespace>.<topic>`, whatever `topicOf` says); none by
   * default. Dead letters follow: `<namespace>.<topic>.<group>.dlq`.
   */
  readonly topicNamespace?: string;
  /** Replication and `min.insync.replicas` of the dead-letter topics it creates; the cluster's defaults by default. */
  readonly topicSettings?: TopicSettings;
  /** Attempts before a message is dead-lettered (transient failures only). */
  readonly maxAttempts?: number;
  readonly initialRetryDelayMs?: number;
  readonly maxRetryDelayMs?: number;
  readonly partitionsConsumedConcurrently?: number;
  /**
   * Messages applied in one database transaction, with one offset commit: consecutive ones of a partition, and
   * those of the partitions handled at the same time (1: each on its own). A batch that fails is rolled back
   * whole and its runs and messages are then applied on their own, with their retries and dead letters, so that
   * one bad message stays one failure. 50 by default.
   */
  readonly batchSize?: number;
  /**
   * How long the group waits for a silent member before giving its partitions to the others (after a crash, the
   * stall of those partitions); heartbeats go at a third of it, at most every 3 s. 30 s by default.
   */
  readonly sessionTimeoutMs?: number;
  /** Fault injection for tests: runs after the database commit and before the offset commit. */
  readonly afterCommit?: (event: EventRecord) => Promise<void>;
}

export type ReplayOutcome = 'applied' | 'duplicate';

const tracer = trace.getTracer('@o2c/messaging');

/** Event types whose handler (or its absence) a server remembers. */
const HANDLER_CACHE_SIZE = 1_000;

/** A message ready to be applied with others. */
interface Pending {
  readonly message: KafkaMessage;
  readonly record: EventRecord;
  readonly handler: MessageHandler;
  readonly data: unknown;
}

/** A pending message with the partition it came from. */
interface Located extends Pending {
  readonly topic: string;
  readonly partition: number;
}

/** The first attempt at a run, made together with other partitions' runs, failed. */
interface FirstFailure {
  readonly error: unknown;
  /** The run's message whose handler failed, if it was one. */
  readonly failedAt?: number;
}

/**
 * What became of a run handed to the group commit: applied and its offset committed with the others'; to be
 * applied on its own path (after a failure of the group, or when it is a single message); or applied, with the
 * offset commit failed.
 */
type GroupOutcome =
  | { readonly kind: 'applied' }
  | { readonly kind: 'alone'; readonly first?: FirstFailure }
  | { readonly kind: 'commit-failed'; readonly error: unknown };

/** A partition's run waiting for the next group commit. */
interface Submission {
  readonly topic: string;
  readonly partition: number;
  readonly pending: Pending[];
  readonly settle: (outcome: GroupOutcome) => void;
}

/**
 * Handler errors reach the transport as they were thrown (Nest's default RPC filter would
 * replace them with a generic message), so that retry or dead letter can be decided on them.
 */
@Catch()
export class RethrowToTransportFilter implements RpcExceptionFilter {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/**
 * A NestJS transport over kafkajs that runs ordinary `@EventPattern(<ce_type>)` handlers
 * with exactly-once effects: each message is decoded from CloudEvents binary mode,
 * validated against its schema, and handled in one database transaction together with the
 * insert of its id into the inbox; the offset is committed after that transaction. A
 * redelivered event finds its id and changes nothing. Up to `batchSize` consecutive messages of a
 * partition share the transaction and the offset commit, and so do the runs of the partitions handled at the
 * same time (a group commit, up to `batchSize` messages in all). Partitions run in parallel, each in
 * order. Transient failures are retried with exponential backoff (heartbeating meanwhile);
 * after the last attempt, or at once for a NonRetryableError, the message goes to
 * `<topic>.<group>.dlq` and the `dead_letter` table, and the partition moves on.
 * With a `topicNamespace` every topic is the namespaced one: what it subscribes to, and so the
 * topic of each message, its dead-letter topic and the topic its dead letter and replay record.
 */
export class KafkaInboxServer extends Server implements CustomTransportStrategy {
  override readonly propagatesEventHandlerErrors = true;
  private consumer?: Consumer;
  private producer?: Producer;
  private closing = false;
  private starting?: Promise<void>;
  private readonly inFlight = new Set<Promise<unknown>>();
  private joined = false;
  private joinWaiters = new Set<(joined: boolean) => void>();
  /** Runs of the partitions handled concurrently, waiting to be applied together (see `submit`). */
  private readonly runs = new Grouping<Submission>(
    (group) => this.applyGroup(group),
    (group, error) => group.forEach((submission) => submission.settle({ kind: 'alone', first: { error } })),
    (waiting) => this.groupSize(waiting),
  );
  private readonly handlers = new Map<string, MessageHandler | undefined>();

  constructor(private readonly options: KafkaInboxServerOptions) {
    super();
  }

  get groupId(): string {
    return this.options.groupId;
  }

  /** The physical topics it consumes (none when the service handles no event). */
  get topics(): string[] {
    return [...new Set([...this.messageHandlers.keys()].map((type) => this.topicOf(type)))];
  }

  /**
   * Whether its consumer is a member of its group: from the first `GROUP_JOIN` until it crashes, stops or
   * disconnects (a rebalance among members does not count as leaving). A server without handlers has no
   * consumer and is never joined.
   */
  get isJoined(): boolean {
    return this.joined;
  }

  /** Resolves true once the consumer is joined (at once if it is), false after `timeoutMs` or on closing. */
  whenJoined(timeoutMs: number): Promise<boolean> {
    if (this.joined) return Promise.resolve(true);
    if (this.closing) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (joined: boolean) => {
        clearTimeout(timer);
        this.joinWaiters.delete(done);
        resolve(joined);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.joinWaiters.add(done);
    });
  }

  private setJoined(joined: boolean): void {
    this.joined = joined;
    if (!joined) return;
    for (const waiter of [...this.joinWaiters]) waiter(true);
  }

  /**
   * Returns at once and connects in the background, retrying with backoff: a service starts
   * (and reports itself not ready) while Kafka is away, and consumes once it is back.
   */
  listen(callback: (error?: unknown) => void): void {
    this.starting = this.startUntilConnected();
    callback();
  }

  private async startUntilConnected(): Promise<void> {
    for (let attempt = 1; !this.closing; attempt += 1) {
      try {
        await this.start();
        return;
      } catch (error) {
        if (this.closing) return;
        this.logger.error?.(
          `${this.options.groupId}: cannot start consuming (attempt ${attempt}): ${describeError(error)}`,
        );
        await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
        const until = Date.now() + Math.min(30_000, 500 * 2 ** attempt);
        while (!this.closing && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  private async startAgain(): Promise<void> {
    await Promise.allSettled([this.consumer?.disconnect(), this.producer?.disconnect()]);
    await this.startUntilConnected();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.setJoined(false);
    for (const waiter of [...this.joinWaiters]) waiter(false);
    await this.starting;
    // kafkajs' disconnect stops fetching and waits for the messages being handled.
    await this.consumer?.disconnect();
    await Promise.allSettled([...this.inFlight]);
    await this.producer?.disconnect();
  }

  on(): never {
    throw new Error('KafkaInboxServer has no events to listen to');
  }

  unwrap<T>(): T {
    return this.consumer as T;
  }

  /**
   * The handler of an event type, or undefined (another service's type on a shared topic). Nest's lookup parses
   * the type as JSON first and fails, which costs a thrown exception on every message: each answer is kept
   * (at most `HANDLER_CACHE_SIZE` types, the handlers being fixed once the server listens).
   */
  private handlerOf(type: string): MessageHandler | undefined {
    if (this.handlers.has(type)) return this.handlers.get(type);
    const handler = this.getHandlerByPattern(type) ?? undefined;
    if (this.handlers.size >= HANDLER_CACHE_SIZE) this.handlers.clear();
    this.handlers.set(type, handler);
    return handler;
  }

  /** The physical topic an event type arrives on, in this server's namespace. */
  private topicOf(type: string): string {
    const topic = this.options.topicOf?.(type) ?? TopicOfEventType[type as EventType];
    if (!topic) throw new Error(`no topic is known for event type ${type}`);
    return namespacedTopic(topic, this.options.topicNamespace);
  }

  private async start(): Promise<void> {
    const topics = this.topics;
    if (topics.length === 0) return;
    const admin = this.options.kafka.admin();
    await admin.connect();
    try {
      await ensureTopics(
        admin,
        topics.map((t) => deadLetterTopic(t, this.options.groupId)),
        6,
        this.options.topicSettings,
      );
    } finally {
      await admin.disconnect();
    }
    this.producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    await this.producer.connect();
    const sessionTimeout = this.options.sessionTimeoutMs ?? 30_000;
    this.consumer = this.options.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout,
      heartbeatInterval: Math.min(3_000, Math.floor(sessionTimeout / 3)),
      allowAutoTopicCreation: false,
      maxWaitTimeInMs: 500,
      // kafkajs retries a failed fetch or commit for up to 30 s apart by default, then restarts the consumer
      // 30 s later: a consumer could stand still for minutes after a network fault. Bounded here to 5 s apart;
      // a crashed consumer is restarted (not while we are closing it).
      retry: {
        initialRetryTime: 300,
        maxRetryTime: 5_000,
        retries: 6,
        restartOnFailure: () => Promise.resolve(!this.closing),
      },
    });
    const { GROUP_JOIN, CRASH, STOP, DISCONNECT } = this.consumer.events;
    this.consumer.on(GROUP_JOIN, () => this.setJoined(true));
    for (const left of [CRASH, STOP, DISCONNECT]) this.consumer.on(left, () => this.setJoined(false));
    // kafkajs restarts a crashed consumer only after an error it deems retriable. After a broker restart, a
    // commit can fail with "the coordinator is not aware of this member", which it does not: the consumer
    // would stay stopped for good while the service runs on. It is started again here, as at boot.
    this.consumer.on(CRASH, ({ payload }) => {
      if (payload.restart || this.closing) return;
      this.logger.error?.(
        `${this.options.groupId}: the consumer stopped (${describeError(payload.error)}); starting it again`,
      );
      this.starting = this.startAgain();
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics, fromBeginning: true });
    await this.consumer.run({
      autoCommit: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 3,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.track(this.onBatch(payload)),
    });
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  /**
   * A batch of one partition, in order: runs of up to `batchSize` messages that have a handler are applied
   * together; a message without one (another service's event type) or that cannot be decoded is handled on its
   * own. Stops between runs when the consumer stops or the batch goes stale (a rebalance): what was not
   * committed is delivered again.
   */
  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    const resolveOffset = (offset: string) => payload.resolveOffset(offset);
    const heartbeat = () => payload.heartbeat();
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const size = Math.max(1, this.options.batchSize ?? 50);
    let run: Pending[] = [];
    const flush = async () => {
      const pending = run;
      run = [];
      if (pending.length === 0) return;
      const outcome = await this.submit(topic, partition, pending);
      if (outcome.kind === 'commit-failed') throw outcome.error;
      if (outcome.kind === 'applied') resolveOffset(pending.at(-1)!.message.offset);
      else await this.applyRun(topic, partition, pending, heartbeat, resolveOffset, outcome.first);
      await heartbeat();
    };
    for (const message of batch.messages) {
      if (!isRunning() || isStale() || this.closing) return;
      const pending = this.pending(message);
      if (pending) {
        run.push(pending);
        if (run.length >= size) await flush();
        continue;
      }
      await flush();
      await this.onMessage(topic, partition, message, heartbeat);
      resolveOffset(message.offset);
    }
    if (isRunning() && !isStale() && !this.closing) await flush();
  }

  /**
   * Hands a partition's run to the group commit: the runs of the partitions handled at the same time are
   * applied in one transaction, each partition's messages in their order, and their offsets committed in one
   * request. A run that arrives while a group is being applied waits for it and goes into the next one, so that
   * the groups grow with the load and a message alone waits for nothing but a turn of the event loop.
   */
  private submit(topic: string, partition: number, pending: Pending[]): Promise<GroupOutcome> {
    return new Promise((settle) => this.runs.add({ topic, partition, pending, settle }));
  }

  /** How many waiting runs the next group takes: whole runs, up to `batchSize` messages (at least one run). */
  private groupSize(waiting: readonly Submission[]): number {
    const limit = Math.max(1, this.options.batchSize ?? 50);
    let count = waiting[0]!.pending.length;
    let take = 1;
    while (take < waiting.length && count + waiting[take]!.pending.length <= limit)
      count += waiting[take++]!.pending.length;
    return take;
  }

  /**
   * Applies a group of runs together and commits their offsets. When the transaction fails, each run is
   * settled to go its own way: the one whose message failed with that failure as its first attempt, the others
   * afresh. A group of one run keeps the failure whatever it was, as its first attempt.
   */
  private async applyGroup(group: Submission[]): Promise<void> {
    const items: Located[] = group.flatMap(({ topic, partition, pending }) =>
      pending.map((p) => ({ ...p, topic, partition })),
    );
    if (items.length === 1) return group[0]!.settle({ kind: 'alone' });
    const outcome = await this.applyTogether(items);
    if (!outcome.ok) {
      let start = 0;
      for (const submission of group) {
        const end = start + submission.pending.length;
        const failedAt =
          outcome.failedAt !== undefined && outcome.failedAt >= start && outcome.failedAt < end
            ? outcome.failedAt - start
            : undefined;
        if (failedAt !== undefined)
          submission.settle({ kind: 'alone', first: { error: outcome.error, failedAt } });
        else if (group.length === 1) submission.settle({ kind: 'alone', first: { error: outcome.error } });
        else submission.settle({ kind: 'alone' });
        start = end;
      }
      return;
    }
    try {
      await this.commitAll(
        group.map(({ topic, partition, pending }) => ({
          topic,
          partition,
          offset: pending.at(-1)!.message.offset,
        })),
      );
    } catch (error) {
      for (const submission of group) submission.settle({ kind: 'commit-failed', error });
      return;
    }
    for (const submission of group) submission.settle({ kind: 'applied' });
  }

  /**
   * Applies `pending` together, or goes on from `first`, a first attempt made with other partitions' runs that
   * failed. When one of them fails, the batch is rolled back whole; those before it are applied again together,
   * it goes on on its own (its failure counts as its first attempt: retried or dead-lettered as any), and those
   * after it form the next batch.
   */
  private async applyRun(
    topic: string,
    partition: number,
    pending: Pending[],
    heartbeat: () => Promise<void>,
    resolveOffset: (offset: string) => void,
    first?: FirstFailure,
  ): Promise<void> {
    let earlier = first;
    while (pending.length > 0) {
      if (pending.length === 1 && !earlier) {
        await this.onMessage(topic, partition, pending[0]!.message, heartbeat);
        resolveOffset(pending[0]!.message.offset);
        return;
      }
      const outcome = earlier
        ? { ok: false as const, ...earlier }
        : await this.applyTogether(pending.map((p) => ({ ...p, topic, partition })));
      earlier = undefined;
      if (outcome.ok) {
        const last = pending.at(-1)!.message.offset;
        await this.commit({ topic, partition, offset: last });
        resolveOffset(last);
        return;
      }
      if (outcome.failedAt === undefined) {
        // Not one message's failure (the database went away…): each on its own, with its retries.
        this.logger.warn?.(
          `${this.options.groupId}: a batch of ${pending.length} failed (${describeError(outcome.error)}); applying its events one at a time`,
        );
        for (const { message } of pending) {
          await this.onMessage(topic, partition, message, heartbeat);
          resolveOffset(message.offset);
        }
        return;
      }
      await this.applyRun(topic, partition, pending.slice(0, outcome.failedAt), heartbeat, resolveOffset);
      const failed = pending[outcome.failedAt]!;
      await this.onMessage(topic, partition, failed.message, heartbeat, { error: outcome.error });
      resolveOffset(failed.message.offset);
      pending = pending.slice(outcome.failedAt + 1);
    }
  }

  /** A message that can be applied with others: decoded, with a handler, its data valid. */
  private pending(message: KafkaMessage): Pending | undefined {
    try {
      const record = decodeEvent(message);
      const handler = this.handlerOf(record.type);
      if (!handler) return undefined;
      return {
        message,
        record,
        handler,
        data: validateEventData(this.options.schemas, record.type, record.data),
      };
    } catch {
      return undefined; // handled on its own: dead-lettered with its reason
    }
  }

  /**
   * Applies `pending` in one transaction: their ids into the inbox in one statement, then each new one's
   * handler in order. When anything fails the transaction is rolled back whole and nothing is applied;
   * `failedAt` is the message whose handler failed, if it was one.
   */
  private async applyTogether(
    pending: Located[],
  ): Promise<{ ok: true } | { ok: false; failedAt?: number; error: unknown }> {
    const started = performance.now();
    let applied: boolean[];
    let current: number | undefined;
    try {
      applied = await this.options.dataSource.transaction(async (manager) => {
        const inserted = await manager.query<{ event_id: string }[]>(
          `INSERT INTO inbox (consumer_group, event_id, type, topic, partition, "offset")
           SELECT $1, event_id, type, topic, partition, "offset"
           FROM unnest($2::text[], $3::int[], $4::text[], $5::text[], $6::bigint[]) AS m(topic, partition, event_id, type, "offset")
           ON CONFLICT DO NOTHING RETURNING event_id`,
          [
            this.options.groupId,
            pending.map((p) => p.topic),
            pending.map((p) => p.partition),
            pending.map((p) => p.record.id),
            pending.map((p) => p.record.type),
            pending.map((p) => p.message.offset),
          ],
        );
        const fresh = new Set(inserted.map((row) => row.event_id));
        const outcome: boolean[] = [];
        for (const [index, { topic, partition, message, record, handler, data }] of pending.entries()) {
          // An id seen twice in one batch is applied once, at its first place.
          if (!fresh.delete(record.id)) {
            outcome.push(false);
            continue;
          }
          const coordinates: MessageCoordinates = { topic, partition, offset: message.offset };
          current = index;
          await this.traced(record, coordinates, () =>
            this.handle(record, coordinates, handler, data, manager),
          );
          current = undefined;
          outcome.push(true);
        }
        return outcome;
      });
    } catch (error) {
      return { ok: false, ...(current === undefined ? {} : { failedAt: current }), error };
    }
    const each = (performance.now() - started) / pending.length;
    for (const [index, { record, topic }] of pending.entries()) {
      if (applied[index]) await this.options.afterCommit?.(record);
      messagingMetrics().duration.record(each, { type: record.type });
      this.count(applied[index] ? 'applied' : 'duplicate', record.type, topic);
    }
    return { ok: true };
  }

  /**
   * One message on its own: applied with its retries, or dead-lettered, then its offset committed. `failed`:
   * its first attempt was made in a batch and failed with that error.
   */
  private async onMessage(
    topic: string,
    partition: number,
    message: KafkaMessage,
    heartbeat: () => Promise<void>,
    failed?: { error: unknown },
  ): Promise<void> {
    const coordinates: MessageCoordinates = { topic, partition, offset: message.offset };
    let record: EventRecord;
    try {
      record = decodeEvent(message);
    } catch (error) {
      await this.deadLetter(coordinates, message, undefined, error, 1);
      this.count('dead_lettered', 'unknown', topic);
      return this.commit(coordinates);
    }
    const handler = this.handlerOf(record.type);
    if (!handler) {
      this.count('ignored', record.type, topic); // another service's event type on a shared topic
      return this.commit(coordinates);
    }
    const maxAttempts = this.options.maxAttempts ?? 5;
    // Failures that count towards `maxAttempts`: not those of the database or the network being away, when the
    // message is not at fault. It then waits (heartbeating) for as long as that lasts and is never dead-lettered
    // for it.
    let attempts = 0;
    for (let tries = 1; ; tries += 1) {
      try {
        if (tries === 1 && failed) throw failed.error;
        const started = performance.now();
        const applied = await this.process(record, coordinates, handler);
        messagingMetrics().duration.record(performance.now() - started, { type: record.type });
        this.count(applied ? 'applied' : 'duplicate', record.type, topic);
        break;
      } catch (error) {
        const unavailable = isInfrastructureUnavailable(error);
        if (!unavailable) attempts += 1;
        if (!unavailable && (!isRetryable(error) || attempts >= maxAttempts)) {
          await this.deadLetter(coordinates, message, record, error, tries);
          this.count('dead_lettered', record.type, topic);
          break;
        }
        messagingMetrics().retried.add(1, { type: record.type, group: this.options.groupId });
        this.logger.warn?.(
          `${this.options.groupId}: ${record.type} ${record.id} failed (${unavailable ? 'infrastructure unavailable, not counted' : `attempt ${attempts}/${maxAttempts}`}), retrying: ${describeError(error)}`,
        );
        await this.backoff(unavailable ? Math.min(tries, 5) : tries, heartbeat);
        // Shutting down: fail this message so that kafkajs handles no later one of its
        // partition; nothing is committed and it is redelivered after the restart.
        if (this.closing)
          throw new Error(`${this.options.groupId} is shutting down; ${record.id} left for redelivery`);
      }
    }
    await this.commit(coordinates);
  }

  private count(
    outcome: 'applied' | 'duplicate' | 'ignored' | 'dead_lettered',
    type: string,
    topic: string,
  ): void {
    messagingMetrics().handled.add(1, { outcome, type, topic, group: this.options.groupId });
  }

  private commit(coordinates: MessageCoordinates): Promise<void> {
    return this.commitAll([coordinates]);
  }

  /** Commits, in one request, each partition's offset after the message given. */
  private async commitAll(done: readonly MessageCoordinates[]): Promise<void> {
    await this.consumer!.commitOffsets(
      done.map(({ topic, partition, offset }) => ({
        topic,
        partition,
        offset: (BigInt(offset) + 1n).toString(),
      })),
    );
  }

  private async backoff(attempt: number, heartbeat: () => Promise<void>): Promise<void> {
    const initial = this.options.initialRetryDelayMs ?? 200;
    const delay = Math.min(this.options.maxRetryDelayMs ?? 30_000, initial * 2 ** (attempt - 1));
    const until = Date.now() + delay;
    while (!this.closing && Date.now() < until) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000, until - Date.now())));
      await heartbeat();
    }
  }

  /** Validates and applies one event exactly once; false when its id was already in the inbox. */
  private async process(
    record: EventRecord,
    coordinates: MessageCoordinates,
    handler: MessageHandler,
  ): Promise<boolean> {
    const data = validateEventData(this.options.schemas, record.type, record.data);
    return this.traced(record, coordinates, async () => {
      const applied = await this.options.dataSource.transaction(async (manager) => {
        const inserted = await manager.query<unknown[]>(
          `INSERT INTO inbox (consumer_group, event_id, type, topic, partition, "offset")
           VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING event_id`,
          [
            this.options.groupId,
            record.id,
            record.type,
            coordinates.topic,
            coordinates.partition,
            coordinates.offset,
          ],
        );
        if (inserted.length === 0) return false;
        await this.handle(record, coordinates, handler, data, manager);
        return true;
      });
      if (applied) await this.options.afterCommit?.(record);
      return applied;
    });
  }

  /** Runs the event's handler in `manager`'s transaction. */
  private async handle(
    record: EventRecord,
    coordinates: MessageCoordinates,
    handler: MessageHandler,
    data: unknown,
    manager: EntityManager,
  ): Promise<void> {
    const result = handler(data, new InboxContext([record, coordinates, manager]));
    await lastValueFrom(this.transformToObservable(await result), { defaultValue: undefined });
  }

  /** `work` in a consumer span that continues the event's trace. */
  private traced<T>(
    record: EventRecord,
    coordinates: MessageCoordinates,
    work: () => Promise<T>,
  ): Promise<T> {
    const carrier: Record<string, string> = {};
    if (record.traceparent) carrier.traceparent = record.traceparent;
    if (record.tracestate) carrier.tracestate = record.tracestate;
    const parent = propagation.extract(ROOT_CONTEXT, carrier);
    return context.with(parent, () =>
      tracer.startActiveSpan(
        `process ${record.type}`,
        {
          kind: SpanKind.CONSUMER,
          attributes: {
            'messaging.system': 'kafka',
            'messaging.destination.name': coordinates.topic,
            'messaging.consumer.group.name': this.options.groupId,
            'messaging.message.id': record.id,
          },
        },
        async (span) => {
          try {
            return await work();
          } catch (error) {
            span.recordException(error instanceof Error ? error : String(error));
            span.setStatus({ code: SpanStatusCode.ERROR, message: describeError(error) });
            throw error;
          } finally {
            span.end();
          }
        },
      ),
    );
  }

  private async deadLetter(
    coordinates: MessageCoordinates,
    message: Pick<KafkaMessage, 'key' | 'value' | 'headers'>,
    record: EventRecord | undefined,
    error: unknown,
    attempts: number,
  ): Promise<void> {
    const reason = describeError(error).slice(0, 4_000);
    const at = this.options.clock.now().toISOString();
    const original = headersAsStrings(message.headers);
    await this.producer!.send({
      // coordinates.topic is the physical topic, so the dead letter stays in its namespace.
      topic: deadLetterTopic(coordinates.topic, this.options.groupId),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...original,
            'o2c-error': reason,
            'o2c-attempts': String(attempts),
            'o2c-consumer-group': this.options.groupId,
            'o2c-original-topic': coordinates.topic,
            'o2c-original-partition': String(coordinates.partition),
            'o2c-original-offset': coordinates.offset,
            'o2c-dead-lettered-at': at,
          },
        },
      ],
    });
    await this.options.dataSource.query(
      `INSERT INTO dead_letter (id, consumer_group, topic, partition, "offset", event_id, type, key, headers, value, error, attempts, dead_lettered_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT (consumer_group, topic, partition, "offset") DO NOTHING`,
      [
        this.options.groupId,
        coordinates.topic,
        coordinates.partition,
        coordinates.offset,
        record?.id ?? original.ce_id ?? null,
        record?.type ?? original.ce_type ?? null,
        message.key?.toString() ?? null,
        JSON.stringify(original),
        message.value?.toString() ?? null,
        reason,
        attempts,
        at,
      ],
    );
    this.logger.error?.(
      `${this.options.groupId}: dead-lettered ${coordinates.topic}/${coordinates.partition}@${coordinates.offset} after ${attempts} attempt(s): ${reason}`,
    );
  }

  /**
   * Applies a dead letter again, through the same validation, inbox and handler as a
   * delivery: applied at most once, however often it is replayed. The letter's topic is the
   * physical one it was read from (namespaced, if any), as a delivery would record it.
   */
  async replay(letter: {
    topic: string;
    partition: number;
    offset: string;
    key: string | null;
    value: string | null;
    headers: Record<string, string>;
  }): Promise<ReplayOutcome> {
    const message = {
      key: letter.key === null ? null : Buffer.from(letter.key),
      value: letter.value === null ? null : Buffer.from(letter.value),
      headers: Object.fromEntries(Object.entries(letter.headers).map(([k, v]) => [k, Buffer.from(v)])),
    };
    const record = decodeEvent(message);
    const handler = this.handlerOf(record.type);
    if (!handler) throw new Error(`${this.options.groupId} has no handler for ${record.type}`);
    const applied = await this.process(
      record,
      { topic: letter.topic, partition: letter.partition, offset: letter.offset },
      handler,
    );
    return applied ? 'applied' : 'duplicate';
  }
}

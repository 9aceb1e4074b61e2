import {
  type CanActivate,
  type DynamicModule,
  Inject,
  Injectable,
  type INestApplication,
  Logger,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { type Kafka } from 'kafkajs';
import { type Client } from 'pg';
import { DataSource } from 'typeorm';
import { CLOCK, type Clock, systemClock } from '@o2c/clock';
import { type EventSchemas } from './cloudevents/event-schemas';
import { DeadLettersController } from './dead-letters/dead-letters.controller';
import { DEAD_LETTERS_ADMIN_GUARD } from './dead-letters/dead-letters.guard';
import { DeadLetters } from './dead-letters/dead-letters.service';
import { InboxConsumer } from './inbox/inbox-consumer';
import { MessagingGauges } from './messaging-gauges';
import {
  KafkaInboxServer,
  RethrowToTransportFilter,
  type KafkaInboxServerOptions,
} from './inbox/kafka-inbox.server';
import { type TopicSettings } from './kafka-connection';
import { KAFKA } from './kafka.module';
import { Outbox } from './outbox/outbox';
import { OutboxRelay } from './outbox/outbox-relay';
import { MessageRetention } from './retention/message-retention';
import { parseTopicNamespace } from './topic-namespace';

export const MESSAGING_OPTIONS = Symbol('MESSAGING_OPTIONS');

export interface MessagingOptions {
  /** CloudEvents `source` of the events this service produces, e.g. `o2c/deals`. */
  readonly source: string;
  /** Consumer group of this service (it consumes when it has `@EventPattern` handlers). */
  readonly groupId: string;
  readonly schemas: EventSchemas;
  /** The time source of event times and dead letters; provided to the app as CLOCK. */
  readonly clock?: Clock;
  /** Whether this process relays its outbox to Kafka (default true). */
  readonly relay?: boolean;
  /**
   * Prefix of every topic this service publishes to and consumes from, dead-letter topics
   * included (`<namespace>.o2c.deals.v1`); none when absent or empty. Tests use it to keep off
   * the shared topics. Lowercase letters and digits separated by single dots or dashes.
   */
  readonly topicNamespace?: string;
  /**
   * Who may list and replay dead letters (`/v1/admin/dead-letters`): the guard of the application's
   * operations endpoints (a service's is `@o2c/platform`'s `AdminTokenGuard`, set by `ServiceCoreModule`).
   * Without one the dead-letter API answers 401 to everyone.
   */
  readonly adminGuard?: CanActivate;
  /** How the topics the service creates (its dead-letter topics) are made; the cluster's defaults by default. */
  readonly topics?: TopicSettings;
  readonly consumer?: Partial<
    Pick<
      KafkaInboxServerOptions,
      | 'maxAttempts'
      | 'initialRetryDelayMs'
      | 'maxRetryDelayMs'
      | 'partitionsConsumedConcurrently'
      | 'sessionTimeoutMs'
      | 'batchSize'
    >
  >;
}

/** Runs the outbox relay for the life of the application. */
@Injectable()
export class OutboxRelayService implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('OutboxRelay');
  private relay?: OutboxRelay;

  constructor(
    @Inject(MESSAGING_OPTIONS) private readonly options: MessagingOptions,
    @Inject(KAFKA) private readonly kafka: Kafka,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    if (this.options.relay === false) return;
    const { url, extra } = this.dataSource.options as { url?: string; extra?: { Client?: typeof Client } };
    if (!url) throw new Error('the outbox relay needs the DataSource to be configured with a url');
    this.relay = new OutboxRelay({
      databaseUrl: url,
      // Its connection is made as the pool's are.
      ...(extra?.Client ? { client: extra.Client } : {}),
      kafka: this.kafka,
      topicNamespace: this.options.topicNamespace,
      log: (level, message) => this.logger[level === 'info' ? 'log' : level](message),
    });
    this.relay.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relay?.stop();
  }
}

/**
 * The transactional outbox (inject `Outbox`), its relay, the dead-letter admin API
 * of a service (behind `adminGuard`), and the gauges of its outbox, dead letters and consumer group. `connectInboxConsumer` adds the consuming side once the app exists.
 */
@Module({})
export class MessagingModule {
  static forRoot(given: MessagingOptions): DynamicModule {
    // The namespace is checked once, here: a bad one stops the service at start-up rather than
    // failing every publish and subscribe; an empty one is none.
    const options: MessagingOptions = { ...given, topicNamespace: parseTopicNamespace(given.topicNamespace) };
    return {
      module: MessagingModule,
      global: true,
      controllers: [DeadLettersController],
      providers: [
        { provide: MESSAGING_OPTIONS, useValue: options },
        { provide: DEAD_LETTERS_ADMIN_GUARD, useValue: options.adminGuard ?? null },
        { provide: CLOCK, useValue: options.clock ?? systemClock },
        {
          provide: Outbox,
          inject: [CLOCK],
          useFactory: (clock: Clock) =>
            new Outbox({ source: options.source, schemas: options.schemas, clock }),
        },
        DeadLetters,
        OutboxRelayService,
        InboxConsumer,
        MessagingGauges,
        MessageRetention,
      ],
      exports: [Outbox, DeadLetters, InboxConsumer, MessageRetention, MESSAGING_OPTIONS, CLOCK],
    };
  }
}

/** Connects the inbox consumer to an application built with MessagingModule; start it with `app.startAllMicroservices()`. */
export function connectInboxConsumer(
  app: INestApplication,
  overrides: Partial<KafkaInboxServerOptions> = {},
): KafkaInboxServer {
  const options = app.get<MessagingOptions>(MESSAGING_OPTIONS);
  const server = new KafkaInboxServer({
    kafka: app.get<Kafka>(KAFKA),
    dataSource: app.get(DataSource),
    clock: app.get<Clock>(CLOCK),
    groupId: options.groupId,
    schemas: options.schemas,
    topicNamespace: options.topicNamespace,
    ...(options.topics ? { topicSettings: options.topics } : {}),
    ...options.consumer,
    ...overrides,
  });
  // Handlers are bound to their exception filters when listeners are registered, which
  // connectMicroservice does at once unless deferred: defer, add the filter, then do what it
  // would have done (registering later through listen() would run every init hook again).
  const microservice = app.connectMicroservice(
    { strategy: server },
    { inheritAppConfig: false, deferInitialization: true },
  );
  microservice.useGlobalFilters(new RethrowToTransportFilter());
  const deferred = microservice as unknown as {
    registerListeners(): void;
    setIsInitialized(value: boolean): void;
    setIsInitHookCalled(value: boolean): void;
  };
  deferred.registerListeners();
  deferred.setIsInitialized(true);
  deferred.setIsInitHookCalled(true);
  app.get(DeadLetters).attach(server);
  app.get(InboxConsumer).attach(server);
  return server;
}

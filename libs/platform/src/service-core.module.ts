import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { TypeOrmModule } from '@nestjs/typeorm';
import { type Clock } from '@o2c/clock';
import { ensureMetrics, loggerParams } from '@o2c/observability';
import {
  ensureDatabase,
  resolveDatabaseLocation,
  serviceDataSourceOptions,
  type ServiceDataSourceInput,
} from '@o2c/persistence';
import { LoggerModule } from 'nestjs-pino';
import { type ServiceEnv } from './config/service-env';
import { AsyncApiController } from './asyncapi.controller';
import {
  ConsumerGroupHealthIndicator,
  HealthController,
  KafkaHealthIndicator,
} from './health/health.controller';
import { HttpMetricsMiddleware, MetricsController } from './metrics/metrics.controller';
import { eventSchemas } from '@o2c/contracts';
import {
  type EventSchemas,
  KafkaModule,
  kafkaSecurityOf,
  MessagingModule,
  type MessagingOptions,
} from '@o2c/messaging';
import { SERVICE_ENV } from './service-env.token';
import { ADMIN_TOKEN_SETTINGS, AdminTokenGuard, type AdminTokenSettings } from './http/admin-token.guard';
import { parseApiKeys } from './http/api-keys';
import { RateLimitGuard, rateLimitOptions } from './http/rate-limit';
import { MessageRetentionJob } from './jobs/message-retention.job';

export interface ServiceCoreOptions<E extends ServiceEnv> {
  /** Short service name: `deals`, `subscriptions`, `invoicing`, `provisioning`. */
  readonly service: string;
  readonly env: E;
  readonly entities: ServiceDataSourceInput['entities'];
  readonly migrations: ServiceDataSourceInput['migrations'];
  /** Schemas of the event types it produces or consumes; the v1 contracts by default. */
  readonly schemas?: EventSchemas;
  readonly consumer?: MessagingOptions['consumer'];
  readonly clock?: Clock;
}

/**
 * What every o2c service has: validated settings, JSON logs, its own database (created if
 * missing, migrated at start-up), a Kafka connection, the outbox with its relay, the
 * dead-letter admin API (behind `ADMIN_TOKEN` and scoped `API_KEYS`), a clock, the health endpoints,
 * `GET /metrics` with every request timed, and what `@AdminOnly()` needs to close any other controller or route
 * to all but holders of `ADMIN_TOKEN` or of an API key with the route's scope.
 */
@Module({})
export class ServiceCoreModule implements NestModule {
  static forRoot<E extends ServiceEnv>(options: ServiceCoreOptions<E>): DynamicModule {
    // Before any instrument is made: one made without a meter provider stays a no-op.
    ensureMetrics(`o2c-${options.service}`);
    const location = resolveDatabaseLocation(options.env.DATABASE_URL, `o2c_${options.service}`);
    const adminToken: AdminTokenSettings = {
      service: options.service,
      token: options.env.ADMIN_TOKEN,
      keys: parseApiKeys(options.env.API_KEYS),
    };
    return {
      module: ServiceCoreModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams(options.service, options.env.LOG_LEVEL)),
        TypeOrmModule.forRootAsync({
          useFactory: async () => {
            await ensureDatabase(location);
            return serviceDataSourceOptions({
              location,
              entities: options.entities,
              migrations: options.migrations,
              preparedStatements: options.env.DATABASE_PREPARED_STATEMENTS === 'on',
            });
          },
        }),
        KafkaModule.forRoot({
          brokers: options.env.KAFKA_BROKERS,
          clientId: `o2c-${options.service}`,
          ...kafkaSecurityOf(options.env),
        }),
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRoot(
          rateLimitOptions({
            webhooksPerMinute: options.env.RATE_LIMIT_WEBHOOKS_PER_MINUTE,
            apiPerMinute: options.env.RATE_LIMIT_API_PER_MINUTE,
          }),
        ),
        MessagingModule.forRoot({
          source: `o2c/${options.service}`,
          groupId: options.env.KAFKA_CONSUMER_GROUP ?? options.service,
          topicNamespace: options.env.KAFKA_TOPIC_NAMESPACE,
          schemas: options.schemas ?? eventSchemas,
          // The dead-letter API is an operations endpoint like the service's own.
          adminGuard: new AdminTokenGuard(adminToken),
          topics: {
            ...(options.env.KAFKA_TOPIC_REPLICATION_FACTOR === undefined
              ? {}
              : { replicationFactor: options.env.KAFKA_TOPIC_REPLICATION_FACTOR }),
            ...(options.env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS === undefined
              ? {}
              : { minInsyncReplicas: options.env.KAFKA_TOPIC_MIN_INSYNC_REPLICAS }),
          },
          ...(options.clock ? { clock: options.clock } : {}),
          consumer: {
            batchSize: options.env.INBOX_BATCH_SIZE,
            sessionTimeoutMs: options.env.KAFKA_SESSION_TIMEOUT_MS,
            ...options.consumer,
          },
        }),
      ],
      controllers: [HealthController, AsyncApiController, MetricsController],
      providers: [
        KafkaHealthIndicator,
        ConsumerGroupHealthIndicator,
        { provide: SERVICE_ENV, useValue: options.env },
        { provide: ADMIN_TOKEN_SETTINGS, useValue: adminToken },
        { provide: APP_GUARD, useClass: RateLimitGuard },
        MessageRetentionJob,
      ],
      // ADMIN_TOKEN_SETTINGS: what `@AdminOnly()` needs, in every module of the service.
      exports: [SERVICE_ENV, ADMIN_TOKEN_SETTINGS],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}

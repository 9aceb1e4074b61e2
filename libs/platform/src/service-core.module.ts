import { type DynamicModule, Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { loggerParams } from '@o2c/observability';
import {
  ensureDatabase,
  resolveDatabaseLocation,
  serviceDataSourceOptions,
  type ServiceDataSourceInput,
} from '@o2c/persistence';
import { LoggerModule } from 'nestjs-pino';
import { type ServiceEnv } from './config/service-env';
import { HealthController, KafkaHealthIndicator } from './health/health.controller';
import { KafkaModule } from './kafka.module';
import { SERVICE_ENV } from './service-env.token';

export interface ServiceCoreOptions<E extends ServiceEnv> {
  /** Short service name: `deals`, `subscriptions`, `invoicing`, `provisioning`. */
  readonly service: string;
  readonly env: E;
  readonly entities: ServiceDataSourceInput['entities'];
  readonly migrations: ServiceDataSourceInput['migrations'];
}

/**
 * What every o2c service has: validated settings, JSON logs, its own database (created if
 * missing, migrated at start-up), a Kafka connection, and the health endpoints.
 */
@Module({})
export class ServiceCoreModule {
  static forRoot<E extends ServiceEnv>(options: ServiceCoreOptions<E>): DynamicModule {
    const location = resolveDatabaseLocation(options.env.DATABASE_URL, `o2c_${options.service}`);
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
            });
          },
        }),
        KafkaModule.forRoot({ brokers: options.env.KAFKA_BROKERS, clientId: `o2c-${options.service}` }),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController],
      providers: [KafkaHealthIndicator, { provide: SERVICE_ENV, useValue: options.env }],
      exports: [SERVICE_ENV],
    };
  }
}

import { Global, Inject, Injectable, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { createKafka, type KafkaSecurity } from './kafka-connection';
import { type Admin, type Kafka } from 'kafkajs';

export const KAFKA = Symbol('KAFKA');
export const KAFKA_OPTIONS = Symbol('KAFKA_OPTIONS');

export interface KafkaModuleOptions extends KafkaSecurity {
  readonly brokers: string;
  readonly clientId: string;
}

/** One admin connection per process, opened on first use, for health checks and topic management. */
@Injectable()
export class KafkaAdmin implements OnApplicationShutdown {
  private admin?: Promise<Admin>;

  constructor(@Inject(KAFKA) private readonly kafka: Kafka) {}

  get(): Promise<Admin> {
    this.admin ??= (async () => {
      const admin = this.kafka.admin();
      try {
        await admin.connect();
        return admin;
      } catch (error) {
        this.admin = undefined;
        throw error;
      }
    })();
    return this.admin;
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = undefined;
    if (admin) await (await admin.catch(() => undefined))?.disconnect();
  }
}

@Global()
@Module({})
export class KafkaModule {
  static forRoot(options: KafkaModuleOptions) {
    const logger = new Logger('Kafka');
    return {
      module: KafkaModule,
      providers: [
        { provide: KAFKA_OPTIONS, useValue: options },
        {
          provide: KAFKA,
          useFactory: () =>
            createKafka({
              ...options,
              log: (level, message, extra) => {
                // kafkajs logs every failed connection attempt as an error even when a retry
                // follows; the caller sees the final failure, so these are warnings.
                const line = `${message} ${JSON.stringify(extra)}`;
                if (level === 'error' || level === 'warn') logger.warn(line);
                else logger.debug(line);
              },
            }),
        },
        KafkaAdmin,
      ],
      exports: [KAFKA, KAFKA_OPTIONS, KafkaAdmin],
    };
  }
}

import { LOG_LEVELS, type LogLevel } from '@o2c/observability';
import { parseBrokers, parseTopicNamespace } from '@o2c/messaging';
import { resolveDatabaseLocation } from '@o2c/persistence';
import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  registerDecorator,
  ValidateIf,
  type ValidationOptions,
} from 'class-validator';

/** Checks a value with a parser that throws a helpful message. */
function ParsesWith(parse: (value: string) => unknown, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) => {
    let lastError = '';
    registerDecorator({
      name: 'parsesWith',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { ...options, message: () => lastError },
      validator: {
        validate(value: unknown) {
          if (typeof value !== 'string') {
            lastError = `${String(propertyName)} must be a string`;
            return false;
          }
          try {
            parse(value);
            return true;
          } catch (error) {
            lastError = error instanceof Error ? error.message : String(error);
            return false;
          }
        },
      },
    });
  };
}

/**
 * Variables every o2c service reads. A service's own `config/env.schema.ts` extends it.
 * Secrets among them are marked `(secret)` in their description.
 */
export abstract class ServiceEnv {
  /** HTTP port of the service's API and health endpoints. */
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT!: number;

  /** PostgreSQL URL: a server (`postgres://user@host:5432`, the service uses its own database on it) or a database. (secret: may hold a password) */
  @IsString()
  @IsNotEmpty({ message: 'DATABASE_URL is required, e.g. postgres://postgres@127.0.0.1:5432' })
  @ParsesWith((v) => resolveDatabaseLocation(v, 'o2c'))
  DATABASE_URL!: string;

  /** Comma-separated Kafka bootstrap brokers, e.g. `127.0.0.1:9092`. */
  @IsString()
  @IsNotEmpty({ message: 'KAFKA_BROKERS is required, e.g. 127.0.0.1:9092' })
  @ParsesWith(parseBrokers)
  KAFKA_BROKERS!: string;

  /** Kafka consumer group of the service; the service's name when unset (one group per service). */
  @IsOptional()
  @IsString()
  @IsNotEmpty()
  KAFKA_CONSUMER_GROUP?: string;

  /**
   * Prefix of every Kafka topic the service produces to and consumes from, dead-letter topics
   * included (`<namespace>.o2c.deals.v1`); empty or unset (production) is none. Lowercase letters
   * and digits separated by single dots or dashes, at most 64. The tests give each service one of
   * its own so that they never touch the shared topics; the namespaced topics must exist (6 partitions).
   */
  @IsOptional()
  @ParsesWith(parseTopicNamespace)
  KAFKA_TOPIC_NAMESPACE?: string;

  /** Minimum level of the JSON log lines. */
  @IsIn(LOG_LEVELS)
  LOG_LEVEL: LogLevel = 'info';

  /**
   * Bearer token of the service's operations endpoints (dead letters and their replay, admin runs, reads of
   * customer data; the README's "Operating a service" lists them): `Authorization: Bearer <token>`, at least 32
   * characters of `A-Z a-z 0-9 - . _ ~ + /` (e.g. `openssl rand -hex 32`). Unset or empty: those endpoints
   * answer 401 to everyone. (secret)
   */
  @ValidateIf((_env: object, value: unknown) => value !== undefined && value !== '')
  @Matches(/^[A-Za-z0-9\-._~+/]{32,}=*$/, {
    message:
      'ADMIN_TOKEN must be at least 32 characters of A-Z a-z 0-9 - . _ ~ + / (e.g. openssl rand -hex 32)',
  })
  ADMIN_TOKEN?: string;

  /** Seconds a graceful shutdown may take before the process exits anyway. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(300)
  SHUTDOWN_TIMEOUT_SECONDS: number = 20;
}

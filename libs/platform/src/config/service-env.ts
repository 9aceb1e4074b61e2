import { LOG_LEVELS, type LogLevel } from '@o2c/observability';
import {
  kafkaSettingsProblems,
  parseBrokers,
  parseTopicNamespace,
  type KafkaSecuritySettings,
} from '@o2c/messaging';
import { resolveDatabaseLocation } from '@o2c/persistence';
import { parseApiKeys } from '../http/api-keys';
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
 * Checks the variable against the other Kafka security settings of the same object (`kafkaSettingsProblems`
 * of `@o2c/messaging`), reporting the problems that concern it; runs on an unset variable too (a user name
 * without its password is the password's problem).
 */
function KafkaSecuritySetting(): PropertyDecorator {
  return (target, propertyName) => {
    const variable = String(propertyName);
    const problemsOf = (object: object) =>
      kafkaSettingsProblems(object as KafkaSecuritySettings).filter((p) => p.variable === variable);
    registerDecorator({
      name: 'kafkaSecuritySetting',
      target: target.constructor,
      propertyName: variable,
      options: {
        message: (args) =>
          problemsOf(args.object)
            .map((p) => p.message)
            .join('; '),
      },
      validator: { validate: (_value: unknown, args) => problemsOf(args!.object).length === 0 },
    });
  };
}

/** The value is at most that of another (numeric) variable, when both are set. */
function NotAbove(other: string): PropertyDecorator {
  return (target, propertyName) => {
    registerDecorator({
      name: 'notAbove',
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message: `${String(propertyName)} must not be greater than ${other}` },
      validator: {
        validate(value: unknown, args) {
          const limit = (args!.object as Record<string, unknown>)[other];
          return typeof value !== 'number' || typeof limit !== 'number' || value <= limit;
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

  /**
   * `on`: statements with parameters run as prepared statements of each database connection, parsed once per
   * connection (and planned for their values on every execution, as before). `off` behind a pooler that hands one
   * client's statements to several server connections (PgBouncer in transaction mode before 1.21, or without
   * `max_prepared_statements`).
   */
  @IsOptional()
  @IsIn(['on', 'off'], { message: 'DATABASE_PREPARED_STATEMENTS must be on or off' })
  DATABASE_PREPARED_STATEMENTS: 'on' | 'off' = 'on';

  /** Comma-separated Kafka bootstrap brokers, e.g. `127.0.0.1:9092`. */
  @IsString()
  @IsNotEmpty({ message: 'KAFKA_BROKERS is required, e.g. 127.0.0.1:9092' })
  @ParsesWith(parseBrokers)
  KAFKA_BROKERS!: string;

  /**
   * `true`: TLS to the brokers, with the system's CAs unless `KAFKA_SSL_CA_FILE` names others; `false` or
   * unset: plaintext (unless one of the `KAFKA_SSL_*_FILE`s is set, which turns TLS on).
   */
  @KafkaSecuritySetting()
  KAFKA_SSL?: string;

  /** PEM file of the CAs that signed the brokers' certificates (read at boot). */
  @KafkaSecuritySetting()
  KAFKA_SSL_CA_FILE?: string;

  /** PEM file of the client certificate for mutual TLS, with `KAFKA_SSL_KEY_FILE` (read at boot). */
  @KafkaSecuritySetting()
  KAFKA_SSL_CERT_FILE?: string;

  /** PEM file of the client certificate's private key (read at boot). (secret) */
  @KafkaSecuritySetting()
  KAFKA_SSL_KEY_FILE?: string;

  /** SASL authentication: `plain`, `scram-sha-256` or `scram-sha-512`; none when unset. */
  @KafkaSecuritySetting()
  KAFKA_SASL_MECHANISM?: string;

  /** SASL user name; required with `KAFKA_SASL_MECHANISM`. */
  @KafkaSecuritySetting()
  KAFKA_SASL_USERNAME?: string;

  /** SASL password; required with `KAFKA_SASL_MECHANISM`. (secret) */
  @KafkaSecuritySetting()
  KAFKA_SASL_PASSWORD?: string;

  /**
   * Replication factor of the topics the service creates (its dead-letter topics); the cluster's
   * `default.replication.factor` when unset.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(32767)
  KAFKA_TOPIC_REPLICATION_FACTOR?: number;

  /**
   * `min.insync.replicas` of the topics the service creates; the cluster's when unset. At most the
   * replication factor (a producer with acks=all could never write otherwise).
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @NotAbove('KAFKA_TOPIC_REPLICATION_FACTOR')
  KAFKA_TOPIC_MIN_INSYNC_REPLICAS?: number;

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

  /**
   * Operations API keys, each with its scopes (docs/operations.md, "Operations credentials"): a JSON array of
   * `{"id": "ops-alice", "sha256": "<SHA-256 of the key, hex>", "scopes": ["deals:read", "deals:replay"]}`;
   * `npm run api-key -- --id ops-alice --scopes deals:read,deals:replay` makes a key and its entry. Only the
   * digests are stored; several keys may be active at once, for rotation. `ADMIN_TOKEN` stays the bootstrap key
   * with every scope.
   */
  @IsOptional()
  @ParsesWith(parseApiKeys)
  API_KEYS?: string;

  /**
   * Consecutive events of one partition applied in one database transaction with one offset commit (1: each on
   * its own). A batch that fails is applied again one event at a time, with the usual retries and dead letters.
   */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(500)
  INBOX_BATCH_SIZE: number = 50;

  /**
   * Milliseconds without a heartbeat after which Kafka gives a consumer's partitions to the rest of its group:
   * after a crash, how long those partitions wait. Heartbeats go at a third of it (at most every 3 s).
   */
  @IsOptional()
  @IsInt()
  @Min(6_000)
  @Max(300_000)
  KAFKA_SESSION_TIMEOUT_MS: number = 6_000;

  /** Seconds a graceful shutdown may take before the process exits anyway. */
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(300)
  SHUTDOWN_TIMEOUT_SECONDS: number = 20;

  /**
   * Requests a minute one client address may send to the CRM webhooks of one instance (429 problem+json beyond,
   * with `Retry-After`); 0: no limit. Behind a proxy every client has the proxy's address: size it for the CRM.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_WEBHOOKS_PER_MINUTE: number = 6000;

  /**
   * Requests a minute one client address may send to every other route of one instance (operations endpoints,
   * catalog reads, licence checks; health and metrics are never limited); 0: no limit.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  RATE_LIMIT_API_PER_MINUTE: number = 6000;

  /**
   * Days an event stays in the outbox after it was published, and in the inbox after it was handled (an inbox row
   * goes only once the consumer group has committed past it: exactly-once holds); 0 keeps them forever.
   */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(3650)
  MESSAGE_RETENTION_DAYS: number = 7;

  /** Minutes between two prunes of the outbox and the inbox (the first at start-up); 0: never. */
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(10_080)
  MESSAGE_RETENTION_INTERVAL_MINUTES: number = 60;
}

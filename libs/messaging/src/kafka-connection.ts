import { readFileSync } from 'node:fs';
import { type ConnectionOptions } from 'node:tls';
import { Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry, type SASLOptions } from 'kafkajs';
import { repairKafkajs } from './kafkajs-repairs';

export const SASL_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
export type SaslMechanism = (typeof SASL_MECHANISMS)[number];

/** How a client reaches a secured cluster: TLS (with the system CAs, or PEM files) and SASL. */
export interface KafkaSecurity {
  /** `true`: TLS with the system's CAs; an object: TLS with these PEM contents. Absent: plaintext. */
  readonly ssl?: true | { readonly ca?: string; readonly cert?: string; readonly key?: string };
  readonly sasl?: { readonly mechanism: SaslMechanism; readonly username: string; readonly password: string };
}

export interface KafkaConnectionOptions extends KafkaSecurity {
  /** Comma-separated `host:port` list, as in `KAFKA_BROKERS`. */
  readonly brokers: string;
  readonly clientId: string;
  /** Where kafkajs' own log lines go; defaults to nowhere below warnings. */
  readonly log?: (level: 'error' | 'warn' | 'info' | 'debug', message: string, extra: object) => void;
}

export function parseBrokers(brokers: string): string[] {
  const list = brokers
    .split(',')
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const bad = list.filter((b) => !/^[^\s:]+:\d{1,5}$/.test(b));
  if (list.length === 0 || bad.length > 0) {
    throw new Error(`KAFKA_BROKERS must be a comma-separated list of host:port, got "${brokers}"`);
  }
  return list;
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/**
 * The Kafka settings of the environment, as every service reads them (`KAFKA_SSL`, `KAFKA_SSL_*_FILE`,
 * `KAFKA_SASL_*`, `KAFKA_TOPIC_*`). Strings as they come; `kafkaSettingsProblems` checks them.
 */
export interface KafkaSecuritySettings {
  readonly KAFKA_SSL?: string;
  readonly KAFKA_SSL_CA_FILE?: string;
  readonly KAFKA_SSL_CERT_FILE?: string;
  readonly KAFKA_SSL_KEY_FILE?: string;
  readonly KAFKA_SASL_MECHANISM?: string;
  readonly KAFKA_SASL_USERNAME?: string;
  readonly KAFKA_SASL_PASSWORD?: string;
}

export interface KafkaSettingsProblem {
  readonly variable: keyof KafkaSecuritySettings;
  readonly message: string;
}

type ReadFile = (path: string) => string;
const readText: ReadFile = (path) => readFileSync(path, 'utf8');
const FILE_VARIABLES = ['KAFKA_SSL_CA_FILE', 'KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const;
const given = (value: string | undefined): value is string => value !== undefined && value !== '';

/**
 * What is wrong with the Kafka security settings, each problem naming its variable; none when they are
 * usable. TLS is on with `KAFKA_SSL=true` or any of the `KAFKA_SSL_*_FILE`s (PEM files, read at boot: one
 * that cannot be read is a problem); a client certificate needs its key and the other way round. SASL needs
 * its mechanism, user name and password together.
 */
export function kafkaSettingsProblems(
  settings: KafkaSecuritySettings,
  readFile: ReadFile = readText,
): KafkaSettingsProblem[] {
  const problems: KafkaSettingsProblem[] = [];
  const ssl = settings.KAFKA_SSL;
  if (given(ssl) && ssl !== 'true' && ssl !== 'false') {
    problems.push({ variable: 'KAFKA_SSL', message: `KAFKA_SSL must be true or false, got "${ssl}"` });
  }
  for (const variable of FILE_VARIABLES) {
    const path = settings[variable];
    if (!given(path)) continue;
    if (ssl === 'false') {
      problems.push({ variable, message: `${variable} is set but KAFKA_SSL is false` });
      continue;
    }
    try {
      if (readFile(path).trim() === '') problems.push({ variable, message: `${variable}: ${path} is empty` });
    } catch (error) {
      // Not `instanceof Error`: errors of node:fs come from another realm under jest.
      const { message } = error as { message?: unknown };
      const reason = typeof message === 'string' ? message : String(error);
      problems.push({ variable, message: `${variable}: cannot read ${path} (${reason})` });
    }
  }
  if (given(settings.KAFKA_SSL_CERT_FILE) !== given(settings.KAFKA_SSL_KEY_FILE)) {
    const [variable, missing] = given(settings.KAFKA_SSL_CERT_FILE)
      ? (['KAFKA_SSL_CERT_FILE', 'KAFKA_SSL_KEY_FILE'] as const)
      : (['KAFKA_SSL_KEY_FILE', 'KAFKA_SSL_CERT_FILE'] as const);
    problems.push({ variable, message: `${variable} needs ${missing} (a client certificate and its key)` });
  }
  const mechanism = settings.KAFKA_SASL_MECHANISM;
  if (given(mechanism)) {
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      problems.push({
        variable: 'KAFKA_SASL_MECHANISM',
        message: `KAFKA_SASL_MECHANISM must be one of ${SASL_MECHANISMS.join(', ')}, got "${mechanism}"`,
      });
    }
    for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (!given(settings[variable]))
        problems.push({ variable, message: `${variable} is required with KAFKA_SASL_MECHANISM` });
    }
  } else {
    for (const variable of ['KAFKA_SASL_USERNAME', 'KAFKA_SASL_PASSWORD'] as const) {
      if (given(settings[variable]))
        problems.push({ variable, message: `${variable} is set but KAFKA_SASL_MECHANISM is not` });
    }
  }
  return problems;
}

/**
 * The TLS and SASL options of a client from checked settings (`kafkaSettingsProblems` found none), with
 * the PEM files read. Throws, naming every variable, when the settings are not usable.
 */
export function kafkaSecurityOf(
  settings: KafkaSecuritySettings,
  readFile: ReadFile = readText,
): KafkaSecurity {
  const problems = kafkaSettingsProblems(settings, readFile);
  if (problems.length > 0) throw new Error(problems.map((p) => p.message).join('; '));
  const files = FILE_VARIABLES.filter((variable) => given(settings[variable]));
  const pem = (variable: (typeof FILE_VARIABLES)[number]) =>
    given(settings[variable]) ? readFile(settings[variable]) : undefined;
  const ca = pem('KAFKA_SSL_CA_FILE');
  const cert = pem('KAFKA_SSL_CERT_FILE');
  const key = pem('KAFKA_SSL_KEY_FILE');
  const ssl: KafkaSecurity['ssl'] =
    files.length > 0
      ? { ...(ca === undefined ? {} : { ca }), ...(cert === undefined ? {} : { cert, key: key! }) }
      : settings.KAFKA_SSL === 'true'
        ? true
        : undefined;
  const mechanism = settings.KAFKA_SASL_MECHANISM;
  return {
    ...(ssl === undefined ? {} : { ssl }),
    ...(given(mechanism)
      ? {
          sasl: {
            mechanism: mechanism as SaslMechanism,
            username: settings.KAFKA_SASL_USERNAME!,
            password: settings.KAFKA_SASL_PASSWORD!,
          },
        }
      : {}),
  };
}

/** The kafkajs `ssl` and `sasl` of `security`. */
export function kafkaClientSecurity(security: KafkaSecurity): Pick<KafkaConfig, 'ssl' | 'sasl'> {
  const ssl: ConnectionOptions | true | undefined =
    security.ssl === true ? true : security.ssl && { ...security.ssl };
  const sasl: SASLOptions | undefined = security.sasl && { ...security.sasl };
  return { ...(ssl === undefined ? {} : { ssl }), ...(sasl === undefined ? {} : { sasl }) };
}

export function createKafka(options: KafkaConnectionOptions): Kafka {
  repairKafkajs();
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: parseBrokers(options.brokers),
    ...kafkaClientSecurity(options),
    connectionTimeout: 3_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 200, retries: 8 },
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ level, log }: LogEntry) => {
        const { message, ...extra } = log;
        options.log?.(LEVELS[level] ?? 'info', `kafka: ${message}`, extra);
      },
  };
  return new Kafka(config);
}

/**
 * How the topics a service creates (its dead-letter topics) are made: `KAFKA_TOPIC_REPLICATION_FACTOR` and
 * `KAFKA_TOPIC_MIN_INSYNC_REPLICAS`; the cluster's `default.replication.factor` and `min.insync.replicas`
 * where unset.
 */
export interface TopicSettings {
  readonly replicationFactor?: number;
  readonly minInsyncReplicas?: number;
}

/** Creates the topics that do not exist yet, with `settings`; existing ones are left as they are. */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  numPartitions = 6,
  settings: TopicSettings = {},
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions, ...topicCreation(settings) })),
    });
  }
  return missing;
}

/** The `replicationFactor` and `configEntries` of a created topic (kafkajs sends -1, the cluster's default, when absent). */
export function topicCreation(settings: TopicSettings): {
  replicationFactor?: number;
  configEntries?: { name: string; value: string }[];
} {
  return {
    ...(settings.replicationFactor === undefined ? {} : { replicationFactor: settings.replicationFactor }),
    ...(settings.minInsyncReplicas === undefined
      ? {}
      : { configEntries: [{ name: 'min.insync.replicas', value: String(settings.minInsyncReplicas) }] }),
  };
}

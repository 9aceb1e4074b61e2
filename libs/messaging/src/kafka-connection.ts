import { Kafka, logLevel, type Admin, type KafkaConfig, type LogEntry } from 'kafkajs';

export interface KafkaConnectionOptions {
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

export function createKafka(options: KafkaConnectionOptions): Kafka {
  const config: KafkaConfig = {
    clientId: options.clientId,
    brokers: parseBrokers(options.brokers),
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

/** Creates the topics that do not exist yet; existing ones are left as they are. */
export async function ensureTopics(
  admin: Admin,
  topics: readonly string[],
  numPartitions = 6,
): Promise<string[]> {
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((topic) => ({ topic, numPartitions, replicationFactor: 1 })),
    });
  }
  return missing;
}

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IsInt, Min } from 'class-validator';
import { ServiceEnv } from './service-env';
import { InvalidConfigurationError, validateEnv } from './validate-env';

class ExampleEnv extends ServiceEnv {
  override PORT = 3999;

  @IsInt()
  @Min(1)
  BATCH_SIZE: number = 100;
}

const valid = { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432', KAFKA_BROKERS: '127.0.0.1:9092' };

function problemsOf(raw: Record<string, string>): readonly string[] {
  try {
    validateEnv(ExampleEnv, raw);
  } catch (error) {
    if (error instanceof InvalidConfigurationError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe(validateEnv.name, () => {
  it('applies defaults and converts numbers', () => {
    const sut = validateEnv(ExampleEnv, { ...valid, BATCH_SIZE: '25' });
    expect(sut).toBeInstanceOf(ExampleEnv);
    expect(sut.PORT).toBe(3999);
    expect(sut.BATCH_SIZE).toBe(25);
    expect(sut.LOG_LEVEL).toBe('info');
    expect(sut.SHUTDOWN_TIMEOUT_SECONDS).toBe(20);
  });

  it('reports every bad variable at once, each by name', () => {
    const problems = problemsOf({
      KAFKA_BROKERS: 'kafka',
      PORT: '70000',
      LOG_LEVEL: 'loud',
      BATCH_SIZE: 'many',
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringContaining('DATABASE_URL is required'),
        expect.stringContaining('KAFKA_BROKERS must be a comma-separated list of host:port, got "kafka"'),
        expect.stringMatching(/^PORT must not be greater than 65535/),
        expect.stringMatching(/^LOG_LEVEL must be one of the following values/),
        expect.stringMatching(/^BATCH_SIZE must be an integer/),
      ]),
    );
  });

  it('prepares statements unless DATABASE_PREPARED_STATEMENTS is off; refuses any other value', () => {
    expect(validateEnv(ExampleEnv, valid).DATABASE_PREPARED_STATEMENTS).toBe('on');
    expect(
      validateEnv(ExampleEnv, { ...valid, DATABASE_PREPARED_STATEMENTS: 'off' }).DATABASE_PREPARED_STATEMENTS,
    ).toBe('off');
    expect(problemsOf({ ...valid, DATABASE_PREPARED_STATEMENTS: 'no' })).toEqual([
      'DATABASE_PREPARED_STATEMENTS must be on or off',
    ]);
  });

  it('takes a topic namespace of lowercase letters and digits separated by dots or dashes; empty is none', () => {
    expect(validateEnv(ExampleEnv, valid).KAFKA_TOPIC_NAMESPACE).toBeUndefined();
    expect(validateEnv(ExampleEnv, { ...valid, KAFKA_TOPIC_NAMESPACE: '' }).KAFKA_TOPIC_NAMESPACE).toBe('');
    expect(
      validateEnv(ExampleEnv, { ...valid, KAFKA_TOPIC_NAMESPACE: 'test-deals.1a2b' }).KAFKA_TOPIC_NAMESPACE,
    ).toBe('test-deals.1a2b');
    for (const bad of ['Test', 'a_b', 'a..b', '-a', 'a.', 'a b', 'x'.repeat(65)]) {
      expect(problemsOf({ ...valid, KAFKA_TOPIC_NAMESPACE: bad })).toEqual([
        expect.stringMatching(/^KAFKA_TOPIC_NAMESPACE must be at most 64 lowercase letters and digits/),
      ]);
    }
  });

  it('takes an ADMIN_TOKEN of at least 32 token characters; unset or empty is none', () => {
    expect(validateEnv(ExampleEnv, valid).ADMIN_TOKEN).toBeUndefined();
    expect(validateEnv(ExampleEnv, { ...valid, ADMIN_TOKEN: '' }).ADMIN_TOKEN).toBe('');
    for (const good of ['0123456789abcdef'.repeat(4), 'A-._~+/'.repeat(5), `${'x'.repeat(32)}==`]) {
      expect(validateEnv(ExampleEnv, { ...valid, ADMIN_TOKEN: good }).ADMIN_TOKEN).toBe(good);
    }
    for (const bad of ['x'.repeat(31), `${'x'.repeat(32)} y`, `${'x'.repeat(32)}"`, `=${'x'.repeat(32)}`]) {
      expect(problemsOf({ ...valid, ADMIN_TOKEN: bad })).toEqual([
        'ADMIN_TOKEN must be at least 32 characters of A-Z a-z 0-9 - . _ ~ + / (e.g. openssl rand -hex 32)',
      ]);
    }
  });

  it('explains a DATABASE_URL that is not a postgres URL', () => {
    expect(problemsOf({ ...valid, DATABASE_URL: 'mysql://root@db/x' })).toEqual([
      'DATABASE_URL must be a postgres:// URL, got mysql://',
    ]);
  });

  it('takes Kafka TLS from KAFKA_SSL and readable PEM files, SASL with its user and password, and topic settings', () => {
    const dir = mkdtempSync(join(tmpdir(), 'o2c-kafka-'));
    const ca = join(dir, 'ca.pem');
    writeFileSync(ca, '-----BEGIN CERTIFICATE-----\n');
    try {
      const sut = validateEnv(ExampleEnv, {
        ...valid,
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: ca,
        KAFKA_SASL_MECHANISM: 'scram-sha-256',
        KAFKA_SASL_USERNAME: 'o2c',
        KAFKA_SASL_PASSWORD: 's3cret',
        KAFKA_TOPIC_REPLICATION_FACTOR: '3',
        KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '2',
      });
      expect(sut.KAFKA_SSL_CA_FILE).toBe(ca);
      expect(sut.KAFKA_TOPIC_REPLICATION_FACTOR).toBe(3);
      expect(sut.KAFKA_TOPIC_MIN_INSYNC_REPLICAS).toBe(2);
      expect(validateEnv(ExampleEnv, valid).KAFKA_TOPIC_REPLICATION_FACTOR).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true });
    }
  });

  it('refuses bad Kafka security and topic settings, naming each variable', () => {
    expect(
      problemsOf({
        ...valid,
        KAFKA_SSL: 'yes',
        KAFKA_SSL_CA_FILE: '/nonexistent/ca.pem',
        KAFKA_SASL_MECHANISM: 'scram-sha-1',
        KAFKA_SASL_USERNAME: 'o2c',
        KAFKA_TOPIC_REPLICATION_FACTOR: '2',
        KAFKA_TOPIC_MIN_INSYNC_REPLICAS: '3',
      }),
    ).toEqual([
      'KAFKA_SSL must be true or false, got "yes"',
      expect.stringMatching(/^KAFKA_SSL_CA_FILE: cannot read \/nonexistent\/ca.pem \(ENOENT/),
      'KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "scram-sha-1"',
      'KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM',
      'KAFKA_TOPIC_MIN_INSYNC_REPLICAS must not be greater than KAFKA_TOPIC_REPLICATION_FACTOR',
    ]);
    expect(problemsOf({ ...valid, KAFKA_TOPIC_REPLICATION_FACTOR: '0' })).toEqual([
      'KAFKA_TOPIC_REPLICATION_FACTOR must not be less than 1',
    ]);
  });
});

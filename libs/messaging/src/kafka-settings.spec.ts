import {
  kafkaClientSecurity,
  kafkaSecurityOf,
  kafkaSettingsProblems,
  topicCreation,
  type KafkaSecuritySettings,
} from './kafka-connection';

// The PEM files a deployment mounts, by path; any other path cannot be read.
const files: Record<string, string> = {
  '/etc/kafka/ca.pem': 'CA PEM',
  '/etc/kafka/client.pem': 'CERT PEM',
  '/etc/kafka/client.key': 'KEY PEM',
  '/etc/kafka/empty.pem': '  \n',
};
const readFile = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: no such file or directory, open '${path}'`);
  return text;
};

const problems = (settings: KafkaSecuritySettings) =>
  kafkaSettingsProblems(settings, readFile).map((p) => `${p.variable} | ${p.message}`);

describe(kafkaSecurityOf.name, () => {
  it('is plaintext without any setting, and with KAFKA_SSL=false or empty values', () => {
    expect(kafkaSecurityOf({}, readFile)).toEqual({});
    expect(kafkaSecurityOf({ KAFKA_SSL: 'false', KAFKA_SASL_MECHANISM: '' }, readFile)).toEqual({});
    expect(kafkaClientSecurity({})).toEqual({});
  });

  it('takes TLS with the system CAs from KAFKA_SSL=true', () => {
    const sut = kafkaSecurityOf({ KAFKA_SSL: 'true' }, readFile);
    expect(sut).toEqual({ ssl: true });
    expect(kafkaClientSecurity(sut)).toEqual({ ssl: true });
  });

  it('reads the CA, client certificate and key files into the TLS options (TLS on even without KAFKA_SSL)', () => {
    const sut = kafkaSecurityOf(
      {
        KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
        KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem',
        KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key',
      },
      readFile,
    );
    expect(kafkaClientSecurity(sut)).toEqual({ ssl: { ca: 'CA PEM', cert: 'CERT PEM', key: 'KEY PEM' } });
    expect(kafkaSecurityOf({ KAFKA_SSL: 'true', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' }, readFile)).toEqual({
      ssl: { ca: 'CA PEM' },
    });
  });

  it.each(['plain', 'scram-sha-256', 'scram-sha-512'])(
    'takes SASL %s with its user and password',
    (mechanism) => {
      const sut = kafkaSecurityOf(
        {
          KAFKA_SSL: 'true',
          KAFKA_SASL_MECHANISM: mechanism,
          KAFKA_SASL_USERNAME: 'o2c',
          KAFKA_SASL_PASSWORD: 's3cret',
        },
        readFile,
      );
      expect(kafkaClientSecurity(sut)).toEqual({
        ssl: true,
        sasl: { mechanism, username: 'o2c', password: 's3cret' },
      });
    },
  );

  it('refuses unusable settings, naming every variable', () => {
    expect(() => kafkaSecurityOf({ KAFKA_SSL: 'yes', KAFKA_SASL_MECHANISM: 'plain' }, readFile)).toThrow(
      'KAFKA_SSL must be true or false, got "yes"; KAFKA_SASL_USERNAME is required with KAFKA_SASL_MECHANISM; ' +
        'KAFKA_SASL_PASSWORD is required with KAFKA_SASL_MECHANISM',
    );
  });
});

describe(kafkaSettingsProblems.name, () => {
  it('finds none in usable settings', () => {
    expect(
      problems({
        KAFKA_SSL: 'true',
        KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'o2c',
        KAFKA_SASL_PASSWORD: 's3cret',
      }),
    ).toEqual([]);
  });

  it('names a file that cannot be read, and an empty one', () => {
    expect(
      problems({
        KAFKA_SSL_CA_FILE: '/etc/kafka/missing.pem',
        KAFKA_SSL_CERT_FILE: '/etc/kafka/empty.pem',
        KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key',
      }),
    ).toEqual([
      "KAFKA_SSL_CA_FILE | KAFKA_SSL_CA_FILE: cannot read /etc/kafka/missing.pem (ENOENT: no such file or directory, open '/etc/kafka/missing.pem')",
      'KAFKA_SSL_CERT_FILE | KAFKA_SSL_CERT_FILE: /etc/kafka/empty.pem is empty',
    ]);
  });

  it('wants a client certificate with its key', () => {
    expect(problems({ KAFKA_SSL_CERT_FILE: '/etc/kafka/client.pem' })).toEqual([
      'KAFKA_SSL_CERT_FILE | KAFKA_SSL_CERT_FILE needs KAFKA_SSL_KEY_FILE (a client certificate and its key)',
    ]);
    expect(problems({ KAFKA_SSL_KEY_FILE: '/etc/kafka/client.key' })).toEqual([
      'KAFKA_SSL_KEY_FILE | KAFKA_SSL_KEY_FILE needs KAFKA_SSL_CERT_FILE (a client certificate and its key)',
    ]);
  });

  it('refuses TLS files with KAFKA_SSL=false', () => {
    expect(problems({ KAFKA_SSL: 'false', KAFKA_SSL_CA_FILE: '/etc/kafka/ca.pem' })).toEqual([
      'KAFKA_SSL_CA_FILE | KAFKA_SSL_CA_FILE is set but KAFKA_SSL is false',
    ]);
  });

  it('refuses an unknown mechanism, and credentials without a mechanism', () => {
    expect(
      problems({ KAFKA_SASL_MECHANISM: 'gssapi', KAFKA_SASL_USERNAME: 'o2c', KAFKA_SASL_PASSWORD: 'x' }),
    ).toEqual([
      'KAFKA_SASL_MECHANISM | KAFKA_SASL_MECHANISM must be one of plain, scram-sha-256, scram-sha-512, got "gssapi"',
    ]);
    expect(problems({ KAFKA_SASL_USERNAME: 'o2c', KAFKA_SASL_PASSWORD: 'x' })).toEqual([
      'KAFKA_SASL_USERNAME | KAFKA_SASL_USERNAME is set but KAFKA_SASL_MECHANISM is not',
      'KAFKA_SASL_PASSWORD | KAFKA_SASL_PASSWORD is set but KAFKA_SASL_MECHANISM is not',
    ]);
  });
});

describe(topicCreation.name, () => {
  it('leaves replication and min.insync.replicas to the cluster unless set', () => {
    expect(topicCreation({})).toEqual({});
    expect(topicCreation({ replicationFactor: 3, minInsyncReplicas: 2 })).toEqual({
      replicationFactor: 3,
      configEntries: [{ name: 'min.insync.replicas', value: '2' }],
    });
  });
});

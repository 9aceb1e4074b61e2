import { generateKeyPairSync } from 'node:crypto';
import { validateEnv } from '@o2c/platform';
import { configurationProblems } from '@o2c/testing';
import { ProvisioningEnv } from './env.schema';
import { provisioningSettingsOf } from './provisioning-settings';

const keys = generateKeyPairSync('ed25519');
const signingKey = keys.privateKey.export({ format: 'der', type: 'pkcs8' }).toString('base64');
const publicKey = keys.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
const valid = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432',
  KAFKA_BROKERS: '127.0.0.1:9092',
  PROVISIONING_SIGNING_KEY: signingKey,
};
const secret = `whsec_${Buffer.from('a'.repeat(32)).toString('base64')}`;

const problemsOf = (raw: Record<string, string>) => configurationProblems(ProvisioningEnv, raw);

describe(ProvisioningEnv.name, () => {
  it('needs only the signing key; delivers nowhere and runs the job hourly by default', () => {
    const sut = validateEnv(ProvisioningEnv, valid);
    expect(sut.PROVISIONING_SIGNING_KEY_ID).toBe('o2c-1');
    expect(sut.PROVISIONING_JOB_INTERVAL_MINUTES).toBe(60);
    expect(provisioningSettingsOf(sut)).toEqual({
      targets: new Map(),
      webhookSecrets: [],
      retry: { maxAttempts: 10, initialDelayMs: 30_000, maxDelayMs: 21_600_000 },
      deliveryTimeoutMs: 10_000,
      deliveryPollMs: 1_000,
    });
  });

  it('reads endpoints on allowed hosts, signed with the given secrets', () => {
    const sut = validateEnv(ProvisioningEnv, {
      ...valid,
      PROVISIONING_ALLOWED_HOSTS: '*.example.com',
      PROVISIONING_TARGETS: 'pro=https://pro.example.com/o2c basic=https://basic.example.com/o2c',
      PROVISIONING_WEBHOOK_SECRETS: secret,
      PROVISIONING_VERIFY_KEYS: `o2c-0:${publicKey}`,
    });
    const settings = provisioningSettingsOf(sut);
    expect([...settings.targets.keys()]).toEqual(['pro', 'basic']);
    expect(settings.webhookSecrets).toEqual([secret]);
  });

  it.each<[string, Record<string, string>, string]>([
    [
      'an endpoint outside the allowed hosts',
      {
        PROVISIONING_ALLOWED_HOSTS: 'pro.example.com',
        PROVISIONING_TARGETS: 'pro=https://evil.example.org/x',
        PROVISIONING_WEBHOOK_SECRETS: secret,
      },
      'PROVISIONING_TARGETS: the endpoint of pro, host evil.example.org, is not in PROVISIONING_ALLOWED_HOSTS (pro.example.com)',
    ],
    [
      'endpoints without a webhook secret',
      {
        PROVISIONING_ALLOWED_HOSTS: 'pro.example.com',
        PROVISIONING_TARGETS: 'pro=https://pro.example.com/x',
      },
      'PROVISIONING_TARGETS: endpoints need PROVISIONING_WEBHOOK_SECRETS to sign what they are sent',
    ],
    [
      'a webhook secret without its prefix',
      { PROVISIONING_WEBHOOK_SECRETS: 'c2VjcmV0' },
      'PROVISIONING_WEBHOOK_SECRETS: secret 1 must start with whsec_',
    ],
    [
      'a retired key that is not a key',
      { PROVISIONING_VERIFY_KEYS: 'old:AAAA' },
      'PROVISIONING_VERIFY_KEYS: the key of old is not a public key in SPKI DER, base64',
    ],
    [
      'a retired key with the signing key id',
      { PROVISIONING_VERIFY_KEYS: `o2c-1:${publicKey}` },
      "PROVISIONING_VERIFY_KEYS: o2c-1 is the signing key's id; a retired key needs another",
    ],
    [
      'a signing key that is not Ed25519',
      {
        PROVISIONING_SIGNING_KEY: generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .privateKey.export({ format: 'der', type: 'pkcs8' })
          .toString('base64'),
      },
      'PROVISIONING_SIGNING_KEY: must be Ed25519, got ec',
    ],
    [
      'a negative job interval',
      { PROVISIONING_JOB_INTERVAL_MINUTES: '-1' },
      'PROVISIONING_JOB_INTERVAL_MINUTES must not be less than 0',
    ],
  ])('refuses %s, naming the variable', (_case, changes, problem) => {
    expect(problemsOf({ ...valid, ...changes })).toEqual([problem]);
  });
});

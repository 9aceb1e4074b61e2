import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describeServiceFoundation } from '@o2c/testing';
import { provisioningService } from '../../src/app.module';
import { pkcs8Base64 } from './support/subscription-events';

const mainJs = join(__dirname, '../../dist/main.js');
const signingKey = pkcs8Base64(generateKeyPairSync('ed25519'));

describeServiceFoundation(provisioningService, mainJs, {
  KAFKA_CONSUMER_GROUP: `provisioning-test-${randomUUID()}`,
  PROVISIONING_SIGNING_KEY: signingKey,
});

function boot(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [mainJs], {
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: process.env.DATABASE_URL,
        KAFKA_BROKERS: process.env.KAFKA_BROKERS,
        PORT: '0',
        PROVISIONING_SIGNING_KEY: signingKey,
        ...env,
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stderr }));
  });
}

describe('provisioning configuration', () => {
  it('refuses at boot a product endpoint outside the allowed hosts, naming the variable', async () => {
    const result = await boot({
      PROVISIONING_ALLOWED_HOSTS: 'pro.example.com',
      PROVISIONING_TARGETS: 'pro=https://pro.example.com/o2c basic=https://attacker.example.org/o2c',
      PROVISIONING_WEBHOOK_SECRETS: `whsec_${Buffer.from('0123456789abcdef0123456789abcdef').toString('base64')}`,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      'PROVISIONING_TARGETS: the endpoint of basic, host attacker.example.org, is not in PROVISIONING_ALLOWED_HOSTS (pro.example.com)',
    );
  });

  it('refuses at boot a signing key that is not Ed25519 and a retired key that is not a key, naming each', async () => {
    const rsa = pkcs8Base64(generateKeyPairSync('rsa', { modulusLength: 2048 }));
    const result = await boot({
      PROVISIONING_SIGNING_KEY: rsa,
      PROVISIONING_VERIFY_KEYS: 'old:bm90IGEga2V5',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('PROVISIONING_SIGNING_KEY: must be Ed25519, got rsa');
    expect(result.stderr).toContain(
      'PROVISIONING_VERIFY_KEYS: the key of old is not a public key in SPKI DER, base64',
    );
  });
});

import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { describeServiceFoundation } from '@o2c/testing';
import { provisioningService } from '../../src/app.module';

describeServiceFoundation(provisioningService, join(__dirname, '../../dist/main.js'), {
  KAFKA_CONSUMER_GROUP: `provisioning-test-${randomUUID()}`,
  PROVISIONING_SIGNING_KEY: generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64'),
});

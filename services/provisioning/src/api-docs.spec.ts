import { generateKeyPairSync } from 'node:crypto';
import { describeApiDocuments } from '@o2c/testing';
import { provisioningService } from './app.module';

describeApiDocuments(provisioningService, {
  PROVISIONING_SIGNING_KEY: generateKeyPairSync('ed25519')
    .privateKey.export({ format: 'der', type: 'pkcs8' })
    .toString('base64'),
});

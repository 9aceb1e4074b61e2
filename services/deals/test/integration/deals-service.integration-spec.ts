import { join } from 'node:path';
import { describeServiceFoundation } from '@o2c/testing';
import { dealsService } from '../../src/app.module';

describeServiceFoundation(dealsService, join(__dirname, '../../dist/main.js'), {
  DEALS_WEBHOOK_SECRETS: `whsec_${Buffer.from('o2c deals foundation test secret').toString('base64')}`,
});
